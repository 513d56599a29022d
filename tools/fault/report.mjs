// The table of a make fault run, from what fault.sh left in --dir: each
// scenario's load results (<scenario>.json), the moments of its fault
// (<scenario>.events), its writes as PostgreSQL has them (<scenario>.found.tsv)
// and the processes' memory and threads (samples.tsv). Prints Markdown,
// writes results.json, and exits 1 when a scenario broke its promise.
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';

const {values: args} = parseArgs({
  options: {dir: {type: 'string'}, scenarios: {type: 'string'}, processes: {type: 'string'}},
});
const read = (name) => fs.readFileSync(path.join(args.dir, name), 'utf8');
const exists = (name) => fs.existsSync(path.join(args.dir, name));

const samples = exists('samples.tsv') ?
    read('samples.tsv').trim().split('\n').filter(Boolean).map((line) => {
      const [ms, name, rss, threads] = line.split(' ');
      return {ms: Number(ms), name, rssMb: Number(rss) / 1024, threads: Number(threads)};
    }) :
    [];

// The largest RSS and thread count of any replica between two moments, and
// the most any one replica grew from its first sample in that window.
function resources(from, to) {
  const inside = samples.filter((s) => s.ms >= from && s.ms <= to);
  const first = {};
  let rssMb = 0, threads = 0, growthMb = 0;
  for (const s of inside) {
    first[s.name] ??= s.rssMb;
    rssMb = Math.max(rssMb, s.rssMb);
    threads = Math.max(threads, s.threads);
    growthMb = Math.max(growthMb, s.rssMb - first[s.name]);
  }
  return {rssMb: Math.round(rssMb), threads, growthMb: Math.round(growthMb)};
}

// The moments of a scenario: {name: ms} and, in `lookups`, the Redis
// cache's hits and misses so far at each.
function events(scenario) {
  const result = {lookups: {}};
  if (!exists(`${scenario}.events`)) return result;
  for (const line of read(`${scenario}.events`).trim().split('\n')) {
    const [name, ms, hits, misses] = line.split(' ');
    result[name] = Number(ms);
    result.lookups[name] = {hits: Number(hits), misses: Number(misses)};
  }
  return result;
}

// The Redis cache's hit ratio between two moments, or null without lookups.
function hitRatio(lookups, from, to) {
  if (!lookups[from] || !lookups[to]) return null;
  const hits = lookups[to].hits - lookups[from].hits;
  const misses = lookups[to].misses - lookups[from].misses;
  return hits + misses > 0 && hits >= 0 && misses >= 0 ? hits / (hits + misses) : null;
}

// Every write the load made, against the rows PostgreSQL has for its title.
function checkWrites(scenario, writes) {
  const rows = new Map();
  if (exists(`${scenario}.found.tsv`)) {
    for (const line of read(`${scenario}.found.tsv`).split('\n')) {
      if (!line) continue;
      const [title, count] = line.split('\t');
      rows.set(title, Number(count));
    }
  }
  const acknowledged = writes.filter((w) => w.acknowledged);
  return {
    acknowledged: acknowledged.length,
    found: acknowledged.filter((w) => rows.get(w.title) === 1).length,
    lost: acknowledged.filter((w) => !rows.has(w.title)).map((w) => w.key),
    twice: [...rows].filter(([, count]) => count > 1).map(([title]) => title),
    failedButApplied: writes.filter((w) => !w.acknowledged && rows.get(w.title) === 1).length,
    failedResults: [...new Set(writes.filter((w) => !w.acknowledged).map((w) => w.result))],
  };
}

// From the moment the fault was undone to the start of the first whole
// second without a failure; 0 when failures had stopped before.
function recoverySeconds(load, restoredMs) {
  if (!restoredMs) return null;
  const from = Math.max(0, Math.floor((restoredMs - load.startedAt) / load.bucketMs));
  const window = 1000 / load.bucketMs;
  for (let b = from; b + window <= load.buckets.length; b++) {
    if (load.buckets.slice(b, b + window).every(([, failed]) => failed === 0)) {
      return ((b - from) * load.bucketMs) / 1000;
    }
  }
  return Infinity;
}

const promises = {
  'redis-kill': 'no request fails; the Redis hit ratio recovers',
  'redis-hang': 'recovers within 5 s of Redis waking',
  'pg-stop': 'no read fails; writes fail fast (p99 < 1 s)',
  'pg-hang': 'recovers within 10 s of PostgreSQL waking',
  'replica-kill': 'error rate < 0.1%',
  'rolling-restart': 'no request fails',
  'overload': 'excess shed fast (p99 < 250 ms); admitted p99 under the 1.5 s read deadline; nothing else fails',
};

const rows = [];
let broken = 0;
for (const scenario of args.scenarios.split(/\s+/).filter(Boolean)) {
  const load = JSON.parse(read(`${scenario}.json`));
  const moments = events(scenario);
  const problems = [];
  const row = {scenario, promise: promises[scenario] ?? ''};
  if (scenario === 'overload') {
    const window = resources(load.startedAt, load.startedAt + load.seconds * 1000);
    Object.assign(row, {
      requests: load.requests + load.warmRequests,
      errors: load.failed + load.warmFailed,
      detail: `capacity ${load.capacity}/s, offered ${load.offered}/s: ${load.admitted} admitted ` +
          `(${load.admittedRate}/s, p50 ${load.admittedP50} ms, p99 ${load.admittedP99} ms), ` +
          `${load.shed} shed with 503/429 (p99 ${load.shedP99} ms); warm pages meanwhile: ` +
          `${load.warmRequests} (p99 ${load.warmP99} ms, ${load.warmFailed} failed)`,
      resources: window,
    });
    if (load.failed + load.warmFailed > 0) {
      problems.push(`failures ${JSON.stringify(load.failures)}, warm pages ` +
                    JSON.stringify(load.warmFailures));
    }
    if (load.shed === 0) problems.push('nothing was shed: the load did not overload');
    if (load.shedP99 !== null && load.shedP99 >= 250) problems.push('shedding was slow');
    if (load.admittedP99 === null || load.admittedP99 >= 1500) problems.push('admitted p99 ≥ 1.5 s');
  } else {
    const writes = checkWrites(scenario, load.writes);
    const recovery = recoverySeconds(load, moments.restored);
    const end = load.startedAt + load.buckets.length * load.bucketMs;
    // Counters start again in a restarted replica: no ratio across restarts.
    const restarts = scenario === 'replica-kill' || scenario === 'rolling-restart';
    const before = restarts ? null : hitRatio(moments.lookups, 'load', 'inject');
    const after = restarts ? null : hitRatio(moments.lookups, 'restored', 'end');
    const percent = (ratio) => (ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`);
    const readFailures = Object.entries(load.failures)
                             .filter(([kind]) => kind.startsWith('GET'))
                             .reduce((sum, [, count]) => sum + count, 0);
    Object.assign(row, {
      requests: load.requests,
      errors: load.failed,
      acknowledged: writes.acknowledged,
      found: writes.found,
      recovery,
      detail: `reads p99 ${load.readP99} ms; failed reads ${readFailures}; acknowledged writes p99 ` +
          `${load.writeP99} ms; writes not acknowledged ` +
          `${load.writes.length - writes.acknowledged}` +
          (writes.failedResults.length ? ` (${writes.failedResults.join(', ')}; ` +
               `p99 ${load.failedWriteP99} ms; ${writes.failedButApplied} of them applied once)` : '') +
          (load.failed ? `; failures ${JSON.stringify(load.failures)}` : '') +
          (restarts ? '' : `; Redis cache hit ratio ${percent(before)} before, ${percent(after)} after`),
      resources: resources(load.startedAt, end),
    });
    if (writes.lost.length) problems.push(`acknowledged writes lost: ${writes.lost.join(' ')}`);
    if (writes.twice.length) problems.push(`applied twice: ${writes.twice.join(' | ')}`);
    if (writes.found !== writes.acknowledged - writes.lost.length) problems.push('write rows differ');
    const rate = load.failed / Math.max(1, load.requests);
    if (scenario === 'redis-kill' || scenario === 'rolling-restart') {
      if (load.failed > 0) problems.push(`${load.failed} requests failed`);
      if (scenario === 'redis-kill' && !(after >= before - 0.05)) {
        problems.push(`the hit ratio did not recover (${percent(before)} → ${percent(after)})`);
      }
    } else if (scenario === 'pg-stop') {
      if (readFailures > 0) problems.push(`${readFailures} reads failed`);
      if (load.failedWriteP99 !== null && load.failedWriteP99 >= 1000) {
        problems.push('writes did not fail fast');
      }
    } else if (scenario === 'replica-kill') {
      if (rate >= 0.001) problems.push(`error rate ${(rate * 100).toFixed(3)}%`);
    } else if (scenario === 'redis-hang' && !(recovery <= 5)) {
      problems.push(`recovery ${recovery} s`);
    } else if (scenario === 'pg-hang' && !(recovery <= 10)) {
      problems.push(`recovery ${recovery} s`);
    }
    if (moments.restored && !(recovery <= 10)) problems.push(`still failing ${recovery} s after`);
  }
  row.problems = problems;
  broken += problems.length ? 1 : 0;
  rows.push(row);
}

const cell = (value) => (value === undefined || value === null ? '—' : String(value));
const lines = [
  '| scenario | requests | errors | acknowledged writes | writes found | recovery | peak RSS / threads | promise | result |',
  '|---|---|---|---|---|---|---|---|---|',
];
for (const row of rows) {
  const recovery = row.recovery === undefined ? '—' :
      row.errors === 0 ? 'no errors' : `${row.recovery} s`;
  lines.push(`| ${row.scenario} | ${row.requests} | ${row.errors} | ${cell(row.acknowledged)} | ` +
             `${cell(row.found)} | ${recovery} | ${row.resources.rssMb} MB / ${row.resources.threads} | ` +
             `${row.promise} | ${row.problems.length ? 'BROKEN' : 'kept'} |`);
}
lines.push('');
for (const row of rows) {
  lines.push(`- **${row.scenario}**: ${row.detail}; largest RSS growth of one process ` +
             `${row.resources.growthMb} MB.` +
             (row.problems.length ? ` **Broken: ${row.problems.join('; ')}.**` : ''));
}
console.log(lines.join('\n'));
fs.writeFileSync(path.join(args.dir, 'results.json'), JSON.stringify(rows, null, 1));
process.exit(broken ? 1 : 0);
