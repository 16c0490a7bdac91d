// Pre-fill under load (issue 9; docs/PERFORMANCE.md "Pre-fill"): the form of the newborn's household
// registration (police.newborn-household-registration) for 李娜 of the demo city, in a city of
// generated persons (PREFILL_DB: a database `tongban demo generate` wrote; bench/run.sh makes one
// of 1,000,000 persons). The form declares five datasets: population and household registration
// (shared data), the birth medical certificate and the marriage certificate (e-licences), and the
// birth records its eligibility reads. Before timing, she applies for the birth medical
// certificate and the health reviewer issues it, so that the licence is found too. Every request is
// a purpose-bound read whose access-log entries are queued in its own transaction.
// GET /api/v1/prefill?item=... is sent open-loop at RATE requests/s for SECONDS seconds
// (bench/open_loop.mjs), then the same client and schedule against bare_beast (BARE) in the same run.
// Prints "prefill RATE SECONDS SENT P50_MS P99_MS ERRORS BARE_P99_MS DATASETS_WITH_RECORDS".
//   PREFILL_DB=sqlite:/path/city.db node bench/prefill_bench.mjs [RATE] [SECONDS]   (TONGBAN_BIN, BARE)
import { startServer, Client } from '../tests/api/lib.mjs';
import { measureGet } from './open_loop.mjs';

const RATE = Number(process.argv[2] ?? 500);
const SECONDS = Number(process.argv[3] ?? 20);
const must = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`); return r; };
if (!process.env.PREFILL_DB) throw new Error('PREFILL_DB: the database of a generated city (sqlite:FILE or postgresql://...)');

// The datasets that answered with a record, from a pre-fill's provenance.
function datasetsWithRecords(prefill) {
  const found = new Set();
  for (const f of Object.values(prefill.fields)) if (f.source) found.add(f.source.dataset);
  for (const m of prefill.materials) {
    if (m.provenance) found.add(m.provenance.dataset);
    if (m.licence) found.add(m.code);
  }
  return found;
}

const server = await startServer({ db: process.env.PREFILL_DB });
try {
  const li = await Client.login(server.url, 'li.na');
  const reviewer = await Client.login(server.url, 'reviewer.health');
  const app = must(await li.post('/api/v1/applications', { item: 'health.birth-medical-certificate', channel: 'web',
    fields: { baby_name: '张小宝', baby_sex: 'male', contact_phone: '13800138000' } }), 'apply');
  for (const action of ['accept', 'approve', 'deliver']) {
    must(await reviewer.post(`/api/v1/applications/${app.data.id}/actions/${action}`, {}), action);
  }
  const path = '/api/v1/prefill?item=police.newborn-household-registration';
  const url = `${server.url}${path}`;
  const first = must(await li.get(path), 'prefill').data;
  const found = datasetsWithRecords(first);
  if (found.size < 3) throw new Error(`setup: the pre-fill found records in ${[...found].join(', ')} only`);
  const headers = { authorization: `Bearer ${li.token}` };
  const figures = await measureGet(url, headers, RATE, SECONDS, process.env.BARE);
  console.log(`prefill ${RATE} ${SECONDS} ${figures} ${found.size}`);
} finally {
  await server.stop();
}
