// Overload: first the capacity of a path every request of which reaches the
// services (an article page with a query string no cache has seen, as a
// cache-busting crawler or attacker sends), measured with requests kept in
// flight; then twice that rate, sent on a fixed schedule whatever the
// answers (an open loop), while readers of ordinary warm pages go on.
// Writes what happened to --out as JSON for report.mjs.
//
//   node overload.mjs --gateways H:P,H:P --path /news/1/slug --out FILE
//                     [--probe-seconds 5] [--seconds 10] [--factor 2]
import http from 'node:http';
import fs from 'node:fs';
import {parseArgs} from 'node:util';

const {values: args} = parseArgs({
  options: {
    gateways: {type: 'string'},
    path: {type: 'string'},
    out: {type: 'string'},
    'probe-seconds': {type: 'string', default: '5'},
    'probe-concurrency': {type: 'string', default: '32'},
    seconds: {type: 'string', default: '10'},
    factor: {type: 'string', default: '2'},
    'warm-rate': {type: 'string', default: '200'},
  },
});

const gateways = args.gateways.split(',').map((address) => {
  const [host, port] = address.split(':');
  return {host, port: Number(port), agent: new http.Agent({keepAlive: true, maxSockets: 1024})};
});
let turn = 0;
let unique = 0;

function get(path, fresh = false) {
  const gateway = gateways[turn++ % gateways.length];
  const began = performance.now();
  return new Promise((resolve) => {
    const agent = fresh ? false : gateway.agent;
    const request = http.get({host: gateway.host, port: gateway.port, path, agent,
                              timeout: 5000}, (response) => {
      response.resume();
      response.on('end', () => resolve({status: response.statusCode,
                                        millis: performance.now() - began}));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({status: error.code || error.message,
                                            millis: performance.now() - began}));
  });
}

const busted = () => `${args.path}?v=${process.pid}-${unique++}`;

async function probeCapacity() {
  const end = performance.now() + Number(args['probe-seconds']) * 1000;
  let answered = 0;
  const worker = async () => {
    while (performance.now() < end) {
      if ((await get(busted())).status === 200) answered++;
    }
  };
  await Promise.all(Array.from({length: Number(args['probe-concurrency'])}, worker));
  return answered / Number(args['probe-seconds']);
}

// `rate` requests a second from `path()` for `seconds`; each answer goes to `tally`.
async function openLoop(rate, seconds, path, tally) {
  const pending = [];
  const start = performance.now();
  const total = Math.floor(rate * seconds);
  for (let n = 0; n < total; n++) {
    const wait = start + (n * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(get(path()).then(tally));
  }
  await Promise.all(pending);
  return total;
}

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 10) / 10;
}

// The ordinary page is warm, as a page readers keep opening is: each
// gateway keeps one copy per I/O thread, and new connections are dealt to
// the threads in turn.
for (let i = 0; i < 16; i++) await get(args.path, true);
const capacity = await probeCapacity();
const offered = Math.round(capacity * Number(args.factor));
const seconds = Number(args.seconds);
const admitted = [];
const shed = [];
const failures = {};
const warm = [];
const warmFailures = {};
let warmFailed = 0;
const startedAt = Date.now();
const [requests] = await Promise.all([
  openLoop(offered, seconds, busted, ({status, millis}) => {
    if (status === 200) admitted.push(millis);
    else if (status === 503 || status === 429) shed.push(millis);
    else failures[status] = (failures[status] || 0) + 1;
  }),
  openLoop(Number(args['warm-rate']), seconds, () => args.path, ({status, millis}) => {
    if (status === 200) {
      warm.push(millis);
    } else {
      warmFailed++;
      warmFailures[status] = (warmFailures[status] || 0) + 1;
    }
  }),
]);
const failed = Object.values(failures).reduce((a, b) => a + b, 0);
const summary = {
  scenario: 'overload',
  startedAt,
  seconds,
  capacity: Math.round(capacity),
  offered,
  requests,
  admitted: admitted.length,
  admittedRate: Math.round(admitted.length / seconds),
  admittedP50: percentile(admitted, 0.5),
  admittedP99: percentile(admitted, 0.99),
  shed: shed.length,
  shedP99: percentile(shed, 0.99),
  failed,
  failures,
  warmRequests: warm.length + warmFailed,
  warmFailed,
  warmFailures,
  warmP99: percentile(warm, 0.99),
};
fs.writeFileSync(args.out, JSON.stringify(summary));
console.log(`overload: capacity ${summary.capacity}/s, offered ${offered}/s: ` +
            `${summary.admitted} admitted (p99 ${summary.admittedP99} ms), ` +
            `${summary.shed} shed (p99 ${summary.shedP99} ms), ${failed} failed; ` +
            `warm readers p99 ${summary.warmP99} ms, ${warmFailed} failed`);
for (const gateway of gateways) gateway.agent.destroy();
