// The personal homepage under load (issue 12; docs/PERFORMANCE.md "Homepage"): 张伟 of the demo
// city with 50 applications and 20 licences (his demo driving licence and 19 social security cards,
// each applied for, accepted, approved and delivered through the API; not timed), then
// GET /api/v1/me/home sent open-loop at RATE requests/s for SECONDS seconds (each request leaves on
// its schedule whether or not the previous one has answered, so a slow answer cannot hide the
// queue behind it). With BARE (the bare_beast binary), the same client and schedule against a
// minimal Beast server in the same run: the raw ceiling of an HTTP round trip on this machine.
// Prints "home_page RATE SECONDS SENT P50_MS P99_MS ERRORS BARE_P99_MS" (BARE_P99_MS "-" without BARE).
//   node bench/home_bench.mjs [RATE] [SECONDS]   (TONGBAN_BIN: the binary; BARE: bare_beast)
import { spawn } from 'node:child_process';
import { startServer, Client } from '../tests/api/lib.mjs';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 20);
const must = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`); return r; };

// Sends `send()` RATE times a second for SECONDS seconds; answers the sorted latencies (ms) and errors.
async function openLoop(send) {
  const total = RATE * SECONDS;
  const interval = 1000 / RATE;
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
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

const server = await startServer();
let bare;
try {
  const zhang = await Client.login(server.url, 'zhang.wei');
  const reviewer = await Client.login(server.url, 'reviewer.hrss');
  for (let i = 0; i < 19; i += 1) {
    const app = must(await zhang.post('/api/v1/applications', { item: 'hrss.social-security-card', channel: 'web',
      fields: { delivery_address: '上海市浦东新区世纪大道100号', contact_phone: '13800138000' } }), 'apply');
    for (const action of ['accept', 'approve', 'deliver']) {
      must(await reviewer.post(`/api/v1/applications/${app.data.id}/actions/${action}`, {}), action);
    }
  }
  for (let i = 0; i < 31; i += 1) {
    must(await zhang.post('/api/v1/applications', { item: 'police.driving-licence-renewal', draft: true, fields: {} }), 'draft');
  }
  const home = must(await zhang.get('/api/v1/me/home'), 'home').data;
  const licences = (await zhang.get('/api/v1/me/licences?page_size=100')).data.items.length;
  if (licences !== 20 || !home.more_applications || home.suggestions.length === 0) {
    throw new Error(`setup: ${licences} licences, more_applications ${home.more_applications}, ${home.suggestions.length} suggestions`);
  }
  const headers = { authorization: `Bearer ${zhang.token}` };
  const url = `${server.url}/api/v1/me/home`;
  const measured = await openLoop(async () => {
    const r = await fetch(url, { headers });
    await r.arrayBuffer();
    return r.status === 200;
  });
  let bareP99 = '-';
  if (process.env.BARE) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    bare = spawn(process.env.BARE, ['--port', String(port), '--threads', '2'], { stdio: 'ignore' });
    for (let i = 0; i < 50; i += 1) {
      try { await fetch(`http://127.0.0.1:${port}/`); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
    }
    const raw = await openLoop(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      await r.arrayBuffer();
      return r.status === 200;
    });
    bareP99 = at(raw.latencies, 0.99).toFixed(2);
  }
  const l = measured.latencies;
  console.log(`home_page ${RATE} ${SECONDS} ${l.length} ${at(l, 0.5).toFixed(2)} ${at(l, 0.99).toFixed(2)} ${measured.errors} ${bareP99}`);
} finally {
  bare?.kill();
  await server.stop();
}
