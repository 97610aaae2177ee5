// Load test of one running DevHost: decide vs the trivial /api/ping on the same host (autocannon, as
// many requests as 32 connections carry), then both at a steady 1,000 requests/s (fixedrate.mjs).
// 20,000 viewers by default: each is seen a few times, under the demo campaign's cap of 20 a day, so
// decisions are personalized ones and not the capped default. Bounded in time; loopback only.
// Prints a JSON summary on stdout.
import autocannon from 'autocannon';
import { fixedRate } from './fixedrate.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const base = args.base ?? 'http://127.0.0.1:7071';
const key = args.key ?? '';
const duration = Number(args.duration ?? 20);
const connections = Number(args.connections ?? 32);
const viewers = Number(args.viewers ?? 20000);
const rate = Number(args.rate ?? 1000);
const warmup = Number(args.warmup ?? 20);

const geos = ['NL-AMS', 'GB-LND', 'US-NYC', 'DE-BER', 'FR-PAR'];
// Bodies are built before the run: building one per request would spend the load generator's CPU
// (on the same 2 cores) on JSON.stringify and make decide look slower than it is.
const bodies = Array.from({ length: 8192 }, () => JSON.stringify({
  campaignId: 'demo',
  viewerId: 'viewer-' + Math.floor(Math.random() * viewers),
  consent: { advertising: true, personalization: true },
  context: { device: Math.random() < 0.6 ? 'mobile' : 'desktop', geo: geos[Math.floor(Math.random() * geos.length)], pageCategory: 'fashion' },
}));
let next = 0;
const decideBody = () => bodies[(next++) & (bodies.length - 1)];

function run(title, options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ title, ...options }, (err, result) => (err ? reject(err) : resolve(result)));
    instance.on('error', reject);
  });
}

function summary(r) {
  return {
    requests_per_second: Math.round(r.requests.average),
    latency_ms: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, total: r.requests.total,
  };
}

const decide = {
  url: `${base}/api/decide`,
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-functions-key': key },
  setupClient: (client) => client.setBody(decideBody()),
  requests: [{ setupRequest: (req) => ({ ...req, body: decideBody() }) }],
};

// The trivial endpoint first, on a quiet host: measured after the decide phases it would share the
// CPU with decide's background work (frequency writes, profile refreshes) and look slower than it is.
await run('warm-up ping', { url: `${base}/api/ping`, connections, duration: 5 });
const ping = summary(await run('ping', { url: `${base}/api/ping`, connections, duration }));
// Warm-up: JIT and tiered compilation of decide, connection pools, every viewer's first profile read.
await run('warm-up decide', { ...decide, connections, duration: warmup });
const decideMax = summary(await run('decide', { ...decide, connections, duration }));
// Steady open-loop load (see fixedrate.mjs): the trivial endpoint first, as the harness's own floor.
const steady = { rate, duration, connections: Math.max(connections, 64) };
const pingFixed = await fixedRate({ url: `${base}/api/ping`, ...steady });
const decideFixed = await fixedRate({ url: decide.url, method: 'POST', headers: decide.headers, body: decideBody, ...steady });

const result = {
  machine: { cores: (await import('node:os')).cpus().length },
  settings: { duration_s: duration, warmup_s: warmup, connections, viewers, fixed_rate: rate },
  ping_max: ping,
  decide_max: decideMax,
  decide_ratio_to_ping: Number((decideMax.requests_per_second / ping.requests_per_second).toFixed(3)),
  ping_fixed_rate: pingFixed,
  decide_fixed_rate: decideFixed,
};
console.log(JSON.stringify(result, null, 2));
const ok = decideMax.non2xx === 0 && decideMax.errors === 0 && decideFixed.non2xx === 0 && decideFixed.errors === 0;
process.exit(ok ? 0 : 1);
