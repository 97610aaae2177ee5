// Interleaved A/B of two running DevHosts at decide saturation: rounds A B, B A, A B, … so that both builds
// meet the same drift of the machine, each with its host's CPU per decide read from /proc (steadier than
// decides/s on this VM) and the cores the machine left idle meanwhile. Each host serves the same viewers
// from its own database, so neither's frequency state or caps affect the other's. Prints a JSON summary
// (medians and every round). Linux only.
// Arguments: a, b (base URLs), pida, pidb (the hosts' pids), key, rounds (pairs), duration (s per round),
// warmup (s per host: every viewer's first decide reads their profile), connections, viewers.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { decideBodies, decideOptions, defaultViewers } from './viewers.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const duration = Number(args.duration ?? 10);
const rounds = Number(args.rounds ?? 4);
const warmup = Number(args.warmup ?? 25);
const connections = Number(args.connections ?? 32);
const bodies = decideBodies(Number(args.viewers ?? defaultViewers));
const hosts = {
  A: { pid: Number(args.pida), options: decideOptions(args.a, args.key ?? '', bodies, connections) },
  B: { pid: Number(args.pidb), options: decideOptions(args.b, args.key ?? '', bodies, connections) },
};

const cpuSeconds = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};
// Idle CPU of the whole machine (all cores), in clock ticks of 1/100 s: what neither host nor load generator used.
const idleSeconds = () => Number(readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/)[4]) / 100;
const run = (options, seconds) => new Promise((resolve, reject) => {
  const instance = autocannon({ ...options, connections, duration: seconds }, (err, result) => (err ? reject(err) : resolve(result)));
  instance.on('error', reject);
});
const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

await run(hosts.A.options, warmup);
await run(hosts.B.options, warmup);
const measured = { A: [], B: [] };
for (let r = 0; r < rounds; r++) {
  for (const name of r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) {
    const before = cpuSeconds(hosts[name].pid);
    const idleBefore = idleSeconds();
    const result = await run(hosts[name].options, duration);
    const perSecond = result.requests.average;
    const round = {
      requests_per_second: Math.round(perSecond),
      host_cpu_us_per_request: Number(((cpuSeconds(hosts[name].pid) - before) / duration / perSecond * 1e6).toFixed(1)),
      idle_cores: Number(((idleSeconds() - idleBefore) / duration).toFixed(2)),
      non2xx: result.non2xx,
      errors: result.errors,
    };
    measured[name].push(round);
    console.error(name, JSON.stringify(round));
  }
}

const summary = (name) => ({
  requests_per_second: median(measured[name].map((m) => m.requests_per_second)),
  host_cpu_us_per_request: median(measured[name].map((m) => m.host_cpu_us_per_request)),
  idle_cores: median(measured[name].map((m) => m.idle_cores)),
  rounds: measured[name],
});
console.log(JSON.stringify({ settings: { rounds, duration_s: duration, warmup_s: warmup, connections, viewers: bodies.length }, A: summary('A'), B: summary('B') }, null, 2));
process.exit([...measured.A, ...measured.B].every((m) => m.non2xx === 0 && m.errors === 0) ? 0 : 1);
