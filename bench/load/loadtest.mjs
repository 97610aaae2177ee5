// Load test of one running DevHost: decide vs the trivial /api/ping on the same host (autocannon, as
// many requests as 32 connections carry), then both in steady state at 1,000 requests/s (fixedrate.mjs).
// 120,000 viewers by default (viewers.mjs), each sent in turn: every viewer gets the same number of
// decides, under the demo campaign's cap of 20 a day, so decisions are personalized ones and not the
// cheaper capped default (the summary samples the share of defaults after the runs to show it).
// Bounded in time; loopback only. Prints a JSON summary on stdout.
import autocannon from 'autocannon';
import { fixedRate } from './fixedrate.mjs';
import { decideBodies, decideOptions, defaultViewers } from './viewers.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const base = args.base ?? 'http://127.0.0.1:7071';
const key = args.key ?? '';
const duration = Number(args.duration ?? 20);
const connections = Number(args.connections ?? 32);
const viewers = Number(args.viewers ?? defaultViewers);
const rate = Number(args.rate ?? 1000);
const warmup = Number(args.warmup ?? 20);

const bodies = decideBodies(viewers);
let next = 0;
const decideBody = () => bodies[(next++) % bodies.length];
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

const decide = decideOptions(base, key, bodies, connections);

// The share of decides answered with the default creative, and why, over a sample of viewers.
async function defaultsAfterRun(sample = 200) {
  const reasons = {};
  let defaults = 0;
  for (let i = 0; i < sample; i++) {
    const response = await fetch(decide.url, { method: 'POST', headers: decide.headers, body: bodies[Math.floor(Math.random() * bodies.length)] });
    const answer = await response.json();
    if (answer.isDefault) {
      defaults++;
      reasons[answer.defaultReason] = (reasons[answer.defaultReason] ?? 0) + 1;
    }
  }

  return { sampled: sample, share: Number((defaults / sample).toFixed(3)), reasons };
}

// The trivial endpoint first, on a quiet host: measured after the decide phases it would share the
// CPU with decide's background work (frequency writes, profile refreshes) and look slower than it is.
await run('warm-up ping', { url: `${base}/api/ping`, connections, duration: 5 });
const ping = summary(await run('ping', { url: `${base}/api/ping`, connections, duration }));
// Warm-up: JIT and tiered compilation of decide, connection pools, every viewer's first profile read.
await run('warm-up decide', { ...decide, connections, duration: warmup });
const decideMax = summary(await run('decide', { ...decide, connections, duration }));
const defaults = await defaultsAfterRun();
// Steady open-loop load (see fixedrate.mjs), measured in steady state rather than while the host still
// writes behind what the saturation phases left (each viewer's frequency, one flush interval later):
// a quiet flush interval first, then the trivial endpoint as the harness's own floor, then decide held
// at the rate for a flush interval before it is measured, so its own write-behind is in full swing.
const flushInterval = Number(args.flushInterval ?? 30);
const steady = { rate, duration, connections: Math.max(connections, 64) };
await new Promise((resolve) => setTimeout(resolve, (flushInterval + 5) * 1000));
const pingFixed = await fixedRate({ url: `${base}/api/ping`, ...steady });
const decideSteady = { url: decide.url, method: 'POST', headers: decide.headers, body: decideBody, ...steady };
await fixedRate({ ...decideSteady, duration: flushInterval + 5 });
const decideFixed = await fixedRate(decideSteady);

const result = {
  machine: { cores: (await import('node:os')).cpus().length },
  settings: { duration_s: duration, warmup_s: warmup, connections, viewers, fixed_rate: rate, flush_interval_s: flushInterval },
  ping_max: ping,
  decide_max: decideMax,
  decide_ratio_to_ping: Number((decideMax.requests_per_second / ping.requests_per_second).toFixed(3)),
  decide_default_share_after_max: defaults,
  ping_fixed_rate: pingFixed,
  decide_fixed_rate: decideFixed,
};
console.log(JSON.stringify(result, null, 2));
const ok = decideMax.non2xx === 0 && decideMax.errors === 0 && decideFixed.non2xx === 0 && decideFixed.errors === 0;
process.exit(ok ? 0 : 1);
