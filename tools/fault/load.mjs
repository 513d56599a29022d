// A steady mixed load through the gateways, as readers and editors make it,
// for one fault scenario: reads of articles, pages, related lists and the
// ticker at a fixed rate, and article writes (each with its own
// Idempotency-Key and a title that marks it) at a fixed rate. It writes what
// happened to --out as JSON: every request's outcome by 100 ms bucket, the
// latencies, and every write with its result, for report.mjs to check
// against the database.
//
// It stands in for the load balancer too: requests go to the gateways in
// turn; a gateway refusing connections is skipped for a second and the
// request, which it never saw, goes to the other. A request whose
// connection broke before any answer came is sent again, as browsers and
// proxies do (RFC 9110 §9.2.2): a read is idempotent and a write carries its
// Idempotency-Key, so the article service applies it at most once. Nothing
// else is retried: every answer with an error status counts as a failure.
//
//   node load.mjs --gateways H:P,H:P --seconds 30 --token T --section S --ids 1,2,5
//                 [--read-rate 500] [--write-rate 10] --scenario NAME --out FILE
// where --ids are published articles'.
import http from 'node:http';
import fs from 'node:fs';
import {parseArgs} from 'node:util';

const {values: args} = parseArgs({
  options: {
    gateways: {type: 'string'},
    seconds: {type: 'string', default: '30'},
    token: {type: 'string'},
    section: {type: 'string'},
    ids: {type: 'string'},
    'read-rate': {type: 'string', default: '500'},
    'write-rate': {type: 'string', default: '10'},
    // Longer than the gateway's write deadline (10 s): its answer is what counts.
    'timeout-ms': {type: 'string', default: '15000'},
    scenario: {type: 'string', default: 'steady'},
    out: {type: 'string'},
  },
});

const gateways = args.gateways.split(',').map((address) => {
  const [host, port] = address.split(':');
  return {
    host,
    port: Number(port),
    agent: new http.Agent({keepAlive: true, maxSockets: 64}),
    downUntil: 0,
  };
});
const ids = args.ids.split(',').map(Number);
const seconds = Number(args.seconds);
const readRate = Number(args['read-rate']);
const writeRate = Number(args['write-rate']);
const timeoutMs = Number(args['timeout-ms']);
const startedAt = Date.now();
const bucketMs = 100;
const buckets = [];  // [ok, failed] per 100 ms since the start
const latencies = {read: [], write: [], failedWrite: []};
const failures = {};  // "GET /news/{id}: 503" → count
const writes = [];
let nextGateway = 0;
let sent = 0;

function record(ok, kind, status, millis) {
  const bucket = Math.floor((Date.now() - startedAt) / bucketMs);
  while (buckets.length <= bucket) buckets.push([0, 0]);
  buckets[bucket][ok ? 0 : 1]++;
  if (!ok) failures[`${kind}: ${status}`] = (failures[`${kind}: ${status}`] || 0) + 1;
  return millis;
}

function pickGateway() {
  const now = Date.now();
  for (let i = 0; i < gateways.length; i++) {
    const gateway = gateways[nextGateway++ % gateways.length];
    if (gateway.downUntil <= now) return gateway;
  }
  return gateways[nextGateway++ % gateways.length];
}

// One HTTP exchange; resolves {status, headers, body} or {error}.
function exchange(gateway, method, path, headers, body) {
  return new Promise((resolve) => {
    const request = http.request(
        {host: gateway.host, port: gateway.port, method, path, headers, agent: gateway.agent,
         timeout: timeoutMs},
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => resolve({status: response.statusCode, headers: response.headers,
                                            body: Buffer.concat(chunks).toString()}));
          response.on('error', (error) => resolve({error: error.code || error.message}));
        });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'),
                                                              {code: 'TIMEOUT'})));
    request.on('error', (error) => resolve({
      error: error.code || error.message,
      unanswered: ['ECONNRESET', 'EPIPE', 'ECONNREFUSED'].includes(error.code),
    }));
    if (body) request.write(body);
    request.end();
  });
}

async function send(method, path, headers = {}, body = undefined) {
  let result;
  for (let attempt = 0; attempt < 5; attempt++) {
    const gateway = pickGateway();
    result = await exchange(gateway, method, path, headers, body);
    if (!result.unanswered) return result;
    if (result.error === 'ECONNREFUSED') gateway.downUntil = Date.now() + 1000;
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
  return result;
}

let articlePages = [];

async function discoverPages() {
  for (const id of ids) {
    const moved = await send('GET', `/news/${id}`);
    if (moved.status === 301) articlePages.push(moved.headers.location);
  }
  if (articlePages.length === 0) throw new Error('no article pages found: is the demo content loaded?');
}

const randomId = () => ids[Math.floor(Math.random() * ids.length)];
const readMix = [
  [40, () => `/api/v1/articles/${randomId()}`, 'GET /api/v1/articles/{id}'],
  [25, () => articlePages[Math.floor(Math.random() * articlePages.length)], 'GET /news/{id}/{slug}'],
  [10, () => '/', 'GET /'],
  [15, () => `/api/v1/articles/${randomId()}/related`, 'GET /api/v1/articles/{id}/related'],
  [10, () => '/api/v1/ticker', 'GET /api/v1/ticker'],
];

async function oneRead() {
  let roll = Math.random() * 100;
  let chosen = readMix[readMix.length - 1];
  for (const entry of readMix) {
    if ((roll -= entry[0]) < 0) {
      chosen = entry;
      break;
    }
  }
  const began = performance.now();
  const result = await send('GET', chosen[1]());
  const ok = result.status >= 200 && result.status < 400;
  latencies.read.push(record(ok, chosen[2], result.status || result.error, performance.now() - began));
}

async function oneWrite(number) {
  const key = `fault-${args.scenario}-${startedAt}-${number}`;
  const title = `اختبار الأعطال ${args.scenario} ${startedAt} رقم ${number}`;
  const body = JSON.stringify({
    section: args.section,
    title,
    body: [{paragraph: {text: `نص اختبار الأعطال رقم ${number}: يكتبه محرر أثناء العطل.`}}],
    status: 'ARTICLE_STATUS_PUBLISHED',
  });
  const began = performance.now();
  const result = await send('POST', '/api/v1/articles', {
    'Authorization': `Bearer ${args.token}`,
    'Content-Type': 'application/json',
    'Idempotency-Key': key,
  }, body);
  const millis = performance.now() - began;
  const acknowledged = result.status === 201;
  record(acknowledged, 'POST /api/v1/articles', result.status || result.error, millis);
  (acknowledged ? latencies.write : latencies.failedWrite).push(millis);
  let code = result.error || String(result.status);
  if (!acknowledged && result.body) {
    try {
      code = `${result.status} ${JSON.parse(result.body).error.code}`;
    } catch {}
  }
  writes.push({key, title, acknowledged, result: code,
               id: acknowledged ? JSON.parse(result.body).id : undefined});
}

// Starts `rate` operations a second, each on its own, for the whole run:
// a slow answer does not slow the load down (an open loop).
async function paced(rate, operation) {
  if (rate <= 0) return;
  const pending = new Set();
  const intervalMs = 1000 / rate;
  const end = startedAt + seconds * 1000;
  for (let n = 0; ; n++) {
    const due = startedAt + n * intervalMs;
    if (due >= end) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const promise = operation(n).finally(() => pending.delete(promise));
    pending.add(promise);
    sent++;
  }
  await Promise.all(pending);
}

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 10) / 10;
}

await discoverPages();
await Promise.all([paced(readRate, oneRead), paced(writeRate, oneWrite)]);
const failed = buckets.reduce((sum, [, bad]) => sum + bad, 0);
const summary = {
  scenario: args.scenario,
  startedAt,
  bucketMs,
  requests: sent,
  failed,
  failures,
  readP50: percentile(latencies.read, 0.5),
  readP99: percentile(latencies.read, 0.99),
  writeP99: percentile(latencies.write, 0.99),
  failedWriteP99: percentile(latencies.failedWrite, 0.99),
  buckets,
  writes,
};
fs.writeFileSync(args.out, JSON.stringify(summary));
console.log(`${args.scenario}: ${sent} requests, ${failed} failed, ` +
            `${writes.filter((w) => w.acknowledged).length}/${writes.length} writes acknowledged`);
for (const gateway of gateways) gateway.agent.destroy();
