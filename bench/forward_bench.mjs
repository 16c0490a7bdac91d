// Forwarded cross-province cases next to local submissions (issue 14 benchmark; docs/PERFORMANCE.md
// "Cross-province applications"): Shanghai (sh) and Zhejiang (zj) of the demo, each its own tongban
// on 127.0.0.1 with its own SQLite database and keys, peered both ways by fingerprint.
//   local:     CASES submissions of a local person item at Shanghai (POST /api/v1/applications),
//              CONCURRENCY at a time: cases per second from the first request to the last answer.
//   forwarded: CASES cross-province applications at Shanghai of Zhejiang's item (handled_by: zj),
//              CONCURRENCY at a time: cases per second from the first request until Zhejiang has
//              taken every one and Shanghai has its reference number there (the signed case.forward
//              through Shanghai's outbox, Zhejiang's own submission, the case.update back through
//              Zhejiang's outbox, mirrored at Shanghai).
// Prints "forward LOCAL_PER_S FORWARDED_PER_S RATIO" and the seconds of each.
//   node bench/forward_bench.mjs [CASES] [CONCURRENCY]   (TONGBAN_BIN: the binary; THREADS: the servers')
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, Client, ROOT, fillFields, runSql, simplePersonItem, startServer } from '../tests/api/lib.mjs';

const CASES = Number(process.argv[2] ?? 400);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const THREADS = process.env.THREADS ?? '2';
const ITEM = 'medical-insurance.cross-province-filing';
const must = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`); return r; };

// Runs `send(i)` for i in 0..CASES-1, CONCURRENCY at a time; answers the seconds taken.
async function drive(send) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < CASES) await send(next++);
  }));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const dir = mkdtempSync(join(tmpdir(), 'tongban-forward-bench-'));
const config = (name, extra) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `threads: ${THREADS}\noutbox:\n  first_retry_seconds: 1\n${extra}`);
  return file;
};
const servers = [];
try {
  const [sh, zj] = await Promise.all([
    startServer({ extraArgs: ['--config', config('sh', '')] }),
    startServer({ extraArgs: ['--config', config('zj', 'platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n')] }),
  ]);
  servers.push(sh, zj);
  const kid = async (url) => must(await new Client(url).get('/api/v1/platform'), 'platform').data.list_key.kid;
  must(await (await Client.login(sh.url, 'admin')).post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: await kid(zj.url) }), 'sh adds zj');
  must(await (await Client.login(zj.url, 'admin')).post('/api/v1/federation/peers', { code: 'sh', url: sh.url, fingerprint: await kid(sh.url) }), 'zj adds sh');
  execFileSync(BIN, ['jobs', 'run', 'federation', '--db', sh.dbUrl, '--config', join(dir, 'sh.yaml')], { cwd: ROOT });

  const person = await Client.login(sh.url, 'zhang.wei');
  const local = await simplePersonItem(person);
  const localFields = fillFields(local);
  const localSeconds = await drive(async () => {
    must(await person.post('/api/v1/applications', { item: local.code, fields: localFields }), 'local submission');
  });

  const forward = {
    item: ITEM, handled_by: 'zj',
    fields: { destination_province: '上海', filing_reason: 'work', start_date: '2026-12-01' },
    delivery: { to: 'origin', address: '上海市徐汇区漕溪北路1号' },
  };
  const started = process.hrtime.bigint();
  await drive(async () => { must(await person.post('/api/v1/applications', forward), 'cross-province application'); });
  for (;;) {
    const taken = Number(runSql(sh, "SELECT count(*) FROM federated_cases WHERE side = 'origin' AND forwarded_at IS NOT NULL")[0]);
    if (taken >= CASES) break;
    if (Number(process.hrtime.bigint() - started) / 1e9 > 600) throw new Error(`only ${taken} of ${CASES} cases taken in 600 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const forwardSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const handled = Number(runSql(zj, "SELECT count(*) FROM federated_cases WHERE side = 'handler'")[0]);
  if (handled !== CASES) throw new Error(`Zhejiang holds ${handled} cases for ${CASES} forwarded`);
  const localRate = CASES / localSeconds;
  const forwardRate = CASES / forwardSeconds;
  console.log(`forward ${localRate.toFixed(0)} ${forwardRate.toFixed(0)} ${(forwardRate / localRate).toFixed(2)} ${localSeconds.toFixed(2)} ${forwardSeconds.toFixed(2)}`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}
