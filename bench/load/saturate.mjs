// Where each request's CPU goes at saturation: rounds of autocannon against decide (and ping) on one
// running DevHost, each with the CPU time of the host, the two emulators and this load generator read
// from /proc before and after, so builds can be compared per request rather than by a ratio whose
// denominator moves. Used through run.sh (LOAD_SCRIPT=saturate.mjs) so every round starts from the same
// fresh emulators and seeded demo, with loadtest.mjs's viewers (viewers.mjs). Prints a JSON summary.
// Linux only (/proc). Arguments: base, key, duration (s per round), connections, rounds, warmup (s),
// mode (decide | ping | both), pids (name:pid pairs, comma-separated: the host and the emulators).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { decideBodies, decideOptions, defaultViewers } from './viewers.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const base = args.base ?? 'http://127.0.0.1:7071';
const duration = Number(args.duration ?? 20);
const connections = Number(args.connections ?? 32);
const rounds = Number(args.rounds ?? 2);
const warmup = Number(args.warmup ?? 25);
const viewers = Number(args.viewers ?? defaultViewers);
const mode = args.mode ?? 'decide';
const processes = Object.fromEntries((args.pids ?? '').split(',').filter(Boolean).map((pair) => {
  const [name, pid] = pair.split(':');
  return [name, Number(pid)];
}));

const ticksPerSecond = 100; // USER_HZ: /proc reports CPU time in clock ticks of 1/100 s on Linux
const cpuSeconds = (pid) => {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
};
const idleSeconds = () => Number(readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/)[4]) / ticksPerSecond;
const ownCpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

const decide = decideOptions(base, args.key ?? '', decideBodies(viewers), connections);
const ping = { url: `${base}/api/ping` };

const run = (options, seconds) => new Promise((resolve, reject) => {
  const instance = autocannon({ ...options, connections, duration: seconds }, (err, result) => (err ? reject(err) : resolve(result)));
  instance.on('error', reject);
});

async function measured(name, options) {
  const before = Object.fromEntries(Object.entries(processes).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const idle0 = idleSeconds();
  const own0 = ownCpuSeconds();
  const result = await run(options, duration);
  const perSecond = result.requests.average;
  const cores = Object.fromEntries(Object.entries(processes).map(([k, pid]) => [k, (cpuSeconds(pid) - before[k]) / duration]));
  cores.loadGenerator = (ownCpuSeconds() - own0) / duration;
  cores.idle = (idleSeconds() - idle0) / duration;
  const round = (x, d = 2) => Number(x.toFixed(d));
  return {
    endpoint: name,
    requests_per_second: Math.round(perSecond),
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99 },
    non2xx: result.non2xx,
    errors: result.errors,
    cores: Object.fromEntries(Object.entries(cores).map(([k, v]) => [k, round(v)])),
    cpu_us_per_request: Object.fromEntries(Object.entries(cores).filter(([k]) => k !== 'idle').map(([k, v]) => [k, round(v / perSecond * 1e6, 1)])),
  };
}

const results = [];
if (mode !== 'decide') {
  await run(ping, 5);
}

if (mode !== 'ping') {
  // Every viewer's first decide reads their profile and bucket; the rounds measure returning viewers.
  await run(decide, warmup);
}

for (let r = 0; r < rounds; r++) {
  if (mode !== 'decide') results.push(await measured('ping', ping));
  if (mode !== 'ping') results.push(await measured('decide', decide));
}

console.log(JSON.stringify({ settings: { duration_s: duration, connections, rounds, warmup_s: warmup, viewers, mode }, rounds: results }, null, 2));
process.exit(results.every((r) => r.non2xx === 0 && r.errors === 0) ? 0 : 1);
