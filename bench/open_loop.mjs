// The open-loop client the HTTP latency benchmarks share (home_bench.mjs, prefill_bench.mjs): each
// request leaves on its schedule whether or not the previous one has answered, so a slow answer
// cannot hide the queue behind it (no coordinated omission).
import { spawn } from 'node:child_process';

// Sends `send()` (resolving to true for a good answer) RATE times a second for SECONDS seconds;
// answers the sorted latencies (ms) and the number of bad answers.
export async function openLoop(send, rate, seconds) {
  const total = rate * seconds;
  const interval = 1000 / rate;
  const latencies = [];
  let errors = 0;
  const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const start = performance.now();
    pending.push(send().then((ok) => { if (!ok) errors += 1; latencies.push(performance.now() - start); },
      () => { errors += 1; latencies.push(performance.now() - start); }));
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return { latencies, errors };
}

// GET `url` with `headers` open-loop (openLoop), then the same schedule against `bare` (bareP99):
// answers "SENT P50_MS P99_MS ERRORS BARE_P99_MS", the figures every latency bench prints.
export async function measureGet(url, headers, rate, seconds, bare) {
  const measured = await openLoop(async () => {
    const r = await fetch(url, { headers });
    await r.arrayBuffer();
    return r.status === 200;
  }, rate, seconds);
  const bareFigure = await bareP99(bare, rate, seconds);
  const l = measured.latencies;
  return `${l.length} ${at(l, 0.5).toFixed(2)} ${at(l, 0.99).toFixed(2)} ${measured.errors} ${bareFigure}`;
}

// The value at quantile q of sorted latencies.
export const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

// The same client and schedule against `bare` (the bare_beast binary; the raw HTTP round trip on
// this machine, measured in the same run): its p99 in ms as text, or "-" without it.
export async function bareP99(bare, rate, seconds) {
  if (!bare) return '-';
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(bare, ['--port', String(port), '--threads', '2'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i += 1) {
      try { await fetch(`http://127.0.0.1:${port}/`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    const raw = await openLoop(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      await r.arrayBuffer();
      return r.status === 200;
    }, rate, seconds);
    return at(raw.latencies, 0.99).toFixed(2);
  } finally {
    proc.kill();
  }
}
