// Open-loop load at a constant rate: request i is due at start + i/rate, whether or not earlier ones
// have answered, and its latency is measured from when it was due (so a stall counts against every
// request it delays: no coordinated omission). autocannon's own rate mode sends each connection's
// quota for the second in one burst at the start of the second, which measures burst queueing
// rather than latency at a steady 1,000 req/s; this is the steady version.
import http from 'node:http';

/**
 * @param {{ url: string, method?: string, headers?: Record<string,string>, body?: () => string,
 *           rate: number, duration: number, connections: number }} options
 */
export function fixedRate({ url, method = 'GET', headers = {}, body, rate, duration, connections }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * duration);
  const latencies = new Float64Array(total);
  let sent = 0;
  let finished = 0;
  let non2xx = 0;
  let errors = 0;
  const target = new URL(url);
  const start = performance.now() + 20;
  return new Promise((resolve) => {
    const done = () => {
      if (++finished < total) return;
      agent.destroy();
      const ok = Array.from(latencies).filter((v) => v >= 0).sort((a, b) => a - b);
      const at = (q) => Number((ok[Math.min(ok.length - 1, Math.floor(q * ok.length))] ?? NaN).toFixed(2));
      const elapsed = (performance.now() - start) / 1000;
      if (process.env.FIXEDRATE_TRACE) {
        const perSecond = [];
        latencies.forEach((v, k) => { const s = Math.floor(k / rate); perSecond[s] = Math.max(perSecond[s] ?? 0, v); });
        console.error('max latency per second (ms):', perSecond.map((v) => Math.round(v)).join(' '));
      }
      resolve({
        requests_per_second: Math.round(total / elapsed),
        latency_ms: { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) },
        non2xx, errors, total,
      });
    };
    const pump = () => {
      const now = performance.now();
      while (sent < total && start + (sent * 1000) / rate <= now) {
        const index = sent++;
        const due = start + (index * 1000) / rate;
        const payload = body?.();
        const request = http.request(target, { method, headers, agent }, (response) => {
          response.resume();
          response.on('end', () => {
            latencies[index] = performance.now() - due;
            if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
            done();
          });
        });
        request.on('error', () => { latencies[index] = -1; errors++; done(); });
        request.end(payload);
      }
      if (sent < total) setTimeout(pump, Math.max(0, start + (sent * 1000) / rate - performance.now()));
    };
    pump();
  });
}
