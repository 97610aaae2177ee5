// Open-loop load at a constant rate: request i is due at start + i/rate, whether or not earlier ones
// have answered, and its latency is measured from when it was due (so a stall counts against every
// request it delays: no coordinated omission). autocannon's own rate mode sends each connection's
// quota for the second in one burst at the start of the second, which measures burst queueing
// rather than latency at a steady 1,000 req/s; this is the steady version.
//
// HTTP/1.1 over plain keep-alive sockets, one request in flight per connection, requests written as
// prepared bytes and responses read by status line and Content-Length (or chunked framing): Node's
// http client cost ~250 µs of CPU per request here, on the same two cores as the host it measures,
// and its event-loop and GC delays counted as the host's latency. This costs a fraction of that.
import net from 'node:net';

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * @param {{ url: string, method?: string, headers?: Record<string,string>, body?: () => string,
 *           rate: number, duration: number, connections: number, timeout?: number }} options
 */
export function fixedRate({ url, method = 'GET', headers = {}, body, rate, duration, connections, timeout = 60 }) {
  const target = new URL(url);
  const port = Number(target.port || 80);
  const head = `${method} ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n`
    + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const requestBytes = () => {
    const payload = body?.() ?? '';
    return Buffer.from(`${head}Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
  };

  const total = Math.round(rate * duration);
  const latencies = new Float64Array(total).fill(Number.NaN);
  const all = new Set();
  const idle = [];
  const waiting = []; // due requests with no free connection yet (their latency runs from when they were due)
  let open = 0;
  let sent = 0;
  let finished = 0;
  let non2xx = 0;
  let errors = 0;
  const start = performance.now() + 20;
  const dueAt = (index) => start + (index * 1000) / rate;

  return new Promise((resolve) => {
    let timer;
    let resolved = false;
    const finish = () => {
      if (resolved) return;
      resolved = true;
      clearTimeout(timer);
      for (const connection of all) connection.socket.destroy();
      const ok = Array.from(latencies).filter((v) => v >= 0).sort((a, b) => a - b);
      const at = (q) => Number((ok[Math.min(ok.length - 1, Math.floor(q * ok.length))] ?? NaN).toFixed(2));
      const elapsed = (performance.now() - start) / 1000;
      if (process.env.FIXEDRATE_TRACE) {
        const perSecond = [];
        latencies.forEach((v, k) => { const s = Math.floor(k / rate); perSecond[s] = Math.max(perSecond[s] ?? 0, v || 0); });
        console.error('max latency per second (ms):', perSecond.map((v) => Math.round(v)).join(' '));
      }
      resolve({
        requests_per_second: Math.round(total / elapsed),
        latency_ms: { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) },
        non2xx, errors, total,
      });
    };
    const done = () => {
      if (++finished === total) finish();
    };

    const connect = () => {
      open++;
      const connection = { socket: net.connect({ host: target.hostname, port, noDelay: true }), index: -1, buffer: null, need: -1 };
      all.add(connection);
      connection.socket.on('data', (chunk) => receive(connection, chunk));
      const lost = () => {
        if (connection.closed) return;
        connection.closed = true;
        all.delete(connection);
        open--;
        const k = idle.indexOf(connection);
        if (k >= 0) idle.splice(k, 1);
        if (connection.index >= 0) { latencies[connection.index] = -1; errors++; connection.index = -1; done(); }
        dispatch();
      };
      connection.socket.on('error', lost);
      connection.socket.on('close', lost);
      return connection;
    };

    const send = (connection, index) => {
      connection.index = index;
      connection.buffer = null;
      connection.need = -1;
      connection.socket.write(requestBytes());
    };

    const dispatch = () => {
      while (waiting.length > 0) {
        const connection = idle.pop() ?? (open < connections ? connect() : null);
        if (!connection) return;
        send(connection, waiting.shift());
      }
    };

    // One response per request: status line, headers, then Content-Length bytes or chunks up to the last.
    const receive = (connection, chunk) => {
      connection.buffer = connection.buffer ? Buffer.concat([connection.buffer, chunk]) : chunk;
      const buffer = connection.buffer;
      if (connection.need < 0) {
        const end = buffer.indexOf(CRLF2);
        if (end < 0) return;
        const headerText = buffer.toString('latin1', 0, end).toLowerCase();
        connection.status = Number(headerText.slice(9, 12));
        connection.bodyStart = end + 4;
        const length = /\r\ncontent-length:\s*(\d+)/.exec(headerText);
        connection.chunked = !length && headerText.includes('\r\ntransfer-encoding: chunked');
        connection.need = length ? connection.bodyStart + Number(length[1]) : connection.bodyStart;
      }

      if (connection.chunked ? !chunkedComplete(buffer, connection.bodyStart) : buffer.length < connection.need) return;
      const index = connection.index;
      latencies[index] = performance.now() - dueAt(index);
      if (connection.status < 200 || connection.status > 299) non2xx++;
      connection.index = -1;
      connection.buffer = null;
      connection.need = -1;
      idle.push(connection);
      dispatch();
      done();
    };

    const pump = () => {
      const now = performance.now();
      while (sent < total && dueAt(sent) <= now) {
        waiting.push(sent++);
      }

      dispatch();
      if (sent < total) setTimeout(pump, Math.max(0, dueAt(sent) - performance.now()));
    };

    // A host that stops answering ends the run with what is missing counted as errors, not a hang.
    timer = setTimeout(() => {
      for (let k = 0; k < total; k++) if (Number.isNaN(latencies[k])) { latencies[k] = -1; errors++; }
      finished = total;
      finish();
    }, (duration + timeout) * 1000);
    pump();
  });
}

/** True when the chunked body starting at `from` has its last (zero-size) chunk and trailer end. */
function chunkedComplete(buffer, from) {
  let at = from;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at, 'latin1');
    if (lineEnd < 0) return false;
    const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) return true; // malformed: stop waiting, the status still counts
    if (size === 0) return buffer.indexOf(CRLF2, lineEnd) >= 0; // the last chunk, then trailers (usually none) and a blank line
    at = lineEnd + 2 + size + 2;
    if (at > buffer.length) return false;
  }
}
