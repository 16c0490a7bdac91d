// A bundle of 5 items (一件事 "open a restaurant") from submission to joint issuance, in server
// time (issue 11 item 1; docs/PERFORMANCE.md): per run, the bundle is saved as a draft with every
// upload attached (not timed), then timed from the bundle's submission through each permit's
// acceptance and approval (the four permits start in the business licence's approval transaction)
// to the approval that issues the catering industry licence: 11 durable write requests, one after
// the other, on a local server (SQLite). Prints "bundle_5_items RUNS MEDIAN_MS P90_MS WRITES".
//   node bench/bundle_bench.mjs [RUNS]        (TONGBAN_BIN: the binary; default build/tongban)
import { startServer, Client, fillFields } from '../tests/api/lib.mjs';

const RUNS = Number(process.argv[2] ?? 20);
const BUNDLE = 'open-a-restaurant';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('picture')]);
const REVIEWERS = { market: 'reviewer.market', 'city-appearance': 'reviewer.city-appearance', fire: 'reviewer.fire',
  health: 'reviewer.health' };

const server = await startServer();
try {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = (await admin.get('/api/v1/me')).data.enterprises[0].code;
  const reviewers = {};
  for (const [department, name] of Object.entries(REVIEWERS)) reviewers[department] = await Client.login(server.url, name);
  const bundle = (await admin.get(`/api/v1/bundles/${BUNDLE}`)).data;
  const items = [];
  const fields = {};
  for (const c of bundle.items) {
    const item = (await admin.get(`/api/v1/items/${c}`)).data;
    items.push(item);
    for (const [k, v] of Object.entries(fillFields(item))) if (!(k in fields)) fields[k] = v;
  }
  if ('bank_account' in fields) fields.bank_account = '622202123456789012';
  const must = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`); return r; };
  const times = [];
  for (let run = 0; run < RUNS; run += 1) {
    const draft = must(await admin.post('/api/v1/applications', { bundle: BUNDLE, enterprise: code, draft: true, fields }), 'draft');
    for (const sub of draft.data.sub_cases) {
      const item = items.find((i) => i.code === sub.item);
      for (const m of item.materials.filter((x) => x.source === 'upload')) {
        must(await admin.request('PUT', `/api/v1/applications/${sub.id}/materials/${m.code}`,
          { body: PNG, headers: { 'x-file-name': 'scan.png' } }), 'upload');
      }
    }
    const start = process.hrtime.bigint();
    const submitted = must(await admin.post(`/api/v1/applications/${draft.data.id}/actions/submit`, {}), 'submit').data;
    const order = [...submitted.sub_cases].sort((a, b) => a.waits_for.length - b.waits_for.length);
    for (const sub of order) {
      const reviewer = reviewers[sub.department];
      must(await reviewer.post(`/api/v1/applications/${sub.id}/actions/accept`, {}), 'accept');
      must(await reviewer.post(`/api/v1/applications/${sub.id}/actions/approve`, {}), 'approve');
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    const done = must(await admin.get(`/api/v1/applications/${draft.data.id}`), 'read').data;
    if (!done.results.some((r) => r.type === 'catering')) throw new Error('no catering licence among the results');
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const p90 = times[Math.min(times.length - 1, Math.floor(times.length * 0.9))];
  console.log(`bundle_5_items ${RUNS} ${median.toFixed(1)} ${p90.toFixed(1)} 11`);
} finally {
  await server.stop();
}
