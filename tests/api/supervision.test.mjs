// Supervision records (issue 13 item 4), black box against the real binary (SQLite, or
// PostgreSQL with TONGBAN_TEST_DB=postgres): a supervision system pushes a record with an API key
// made by `tongban apikey add`; a revoked or unknown key is refused (401) and a key reads nothing;
// a supervisor of another department reads the records, a citizen is refused (403); each read is
// in the enterprise's access log; the reviewer of the enterprise's application sees its summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, fillFields, BIN, ROOT } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
const TAX = 'tax.tax-clearance-certificate';
const cli = (args, input) => execFileSync(BIN, args, { cwd: ROOT, input, encoding: 'utf8' });
const enterpriseOf = async (who) => (await who.get('/api/v1/me')).data.enterprises[0].code;
const records = (code) => `/api/v1/enterprises/${code}/supervision-records`;
const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

function addKey(name) {
  const out = cli(['apikey', 'add', '--db', server.dbUrl, '--department', 'market', '--name', name]);
  const key = out.split('\n').find((l) => l.startsWith('tbk_'));
  const id = out.match(/API key (\S+) for/)[1];
  assert.ok(key && key.length >= 47, out);
  return { key, id };
}

test('a supervision system pushes with a key made by the CLI; revoked and unknown keys are refused', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const { key, id } = addKey('浦东市场监管执法系统');
  const system = new Client(server.url, { token: key, lang: 'en' });
  const pushed = await system.post(records(code), {
    kind: 'penalty', date: daysAgo(3), summary: '超范围经营', amount: 2000.5, decision_number: '沪市监浦处〔2026〕0200号',
    department: 'tax',  // ignored: the key's department records
  });
  assert.equal(pushed.status, 201, pushed.text);
  assert.equal(pushed.data.department, 'market');
  assert.equal(pushed.data.amount, '2000.50');
  assert.deepEqual([pushed.data.recorded_by.kind, pushed.data.recorded_by.id], ['api_key', id]);

  // Bad input writes nothing and says what to fix.
  const bad = await system.post(records(code), { kind: 'credit', date: daysAgo(1), summary: 'x', level: 'E' });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.data.error.message, texts('en')['error.supervision.level']);
  const badCode = await system.post(records('91310115MA000000'), { kind: 'credit', date: daysAgo(1), summary: 'x', level: 'A' });
  assert.equal(badCode.status, 400, badCode.text);

  // A key reads nothing: not cases, not the records it wrote.
  const cases = await system.get('/api/v1/applications');
  assert.equal(cases.status, 401, cases.text);
  assert.equal(cases.data.error.message, texts('en')['error.api_key.not_here']);
  assert.equal((await system.get(records(code))).status, 401);

  const unknown = new Client(server.url, { token: `tbk_${'A'.repeat(43)}`, lang: 'en' });
  const refused = await unknown.post(records(code), { kind: 'credit', date: daysAgo(1), summary: 'x', level: 'A' });
  assert.equal(refused.status, 401, refused.text);
  assert.equal(refused.data.error.message, texts('en')['error.api_key.invalid']);

  cli(['apikey', 'revoke', '--db', server.dbUrl, '--id', id]);
  const revoked = await system.post(records(code), { kind: 'credit', date: daysAgo(1), summary: 'x', level: 'A' });
  assert.equal(revoked.status, 401, revoked.text);
  assert.equal(revoked.data.error.message, texts('en')['error.api_key.revoked']);
  // The key is in no log and no listing; the listing keeps who revoked it.
  assert.ok(!server.output().includes(key), 'the key is never logged');
  const listed = cli(['apikey', 'list', '--db', server.dbUrl]);
  assert.ok(listed.includes(id) && listed.includes('revoked') && !listed.includes(key), listed);
});

test('a supervisor of another department reads the records, a citizen is refused, and each read is logged', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const market = await Client.login(server.url, 'supervisor.market');
  const made = await market.post(records(code), { kind: 'violation', date: daysAgo(10), summary: '未公示许可证', rule: '食品安全法 第五十九条' });
  assert.equal(made.status, 201, made.text);
  const corrected = await market.post(records(code), {
    kind: 'violation', date: daysAgo(10), summary: '未公示许可证', rule: '食品安全法 第六十条', corrects: made.data.id,
  });
  assert.equal(corrected.status, 201, corrected.text);
  assert.equal(corrected.data.corrects, made.data.id);

  cli(['user', 'add', '--db', server.dbUrl, '--username', 'supervisor.health', '--password-stdin', '--role', 'supervisor',
    '--department', 'health', '--name', '卫生监督'], 'a-long-password-1\n');
  const other = await Client.login(server.url, 'supervisor.health', 'a-long-password-1');
  const read = await other.get(`${records(code)}?page_size=50`);
  assert.equal(read.status, 200, read.text);
  const original = read.data.items.find((r) => r.id === made.data.id);
  assert.equal(original.corrected_by, corrected.data.id, 'the original stays, linked to its correction');
  assert.ok(read.data.items.some((r) => r.kind === 'credit' && r.level === 'B'), 'the demo records are there');

  const citizen = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
  const refused = await citizen.get(records(code));
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.data.error.message, texts('en')['error.supervision.no_read_rights']);
  // A supervisor's record about another department is not theirs to correct.
  const foreign = await other.post(records(code), { kind: 'violation', date: daysAgo(10), summary: 'x', rule: 'y', corrects: made.data.id });
  assert.equal(foreign.status, 403, foreign.text);

  // The enterprise sees who read its records, and why.
  const log = await admin.get(`/api/v1/enterprises/${code}/access-log`);
  assert.equal(log.status, 200, log.text);
  const entry = log.data.items.find((e) => e.accessor.user === other.user.id);
  assert.ok(entry, JSON.stringify(log.data.items));
  assert.deepEqual([entry.purpose, entry.dataset, entry.accessor.department], ['supervision', 'supervision_records', 'health']);
  assert.equal((await citizen.get(`/api/v1/enterprises/${code}/access-log`)).status, 403);
});

test('the reviewer of an enterprise\'s application reads its supervision summary, logged with the case', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const item = (await admin.get(`/api/v1/items/${TAX}`)).data;
  const app = await admin.post('/api/v1/applications', { item: TAX, enterprise: code, fields: fillFields(item) });
  assert.equal(app.status, 201, app.text);
  const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
  const summary = await reviewer.get(`/api/v1/applications/${app.data.id}/supervision-summary`);
  assert.equal(summary.status, 200, summary.text);
  assert.equal(summary.data.summary.credit_code, code);
  assert.equal(summary.data.summary.credit_level, 'B');
  assert.ok(summary.data.summary.counts.violation >= 1, summary.text);
  assert.ok(summary.data.summary.latest_violation.rule);
  // Not the reviewer of this case: as if it did not exist.
  const stranger = await Client.login(server.url, 'reviewer.hrss');
  assert.equal((await stranger.get(`/api/v1/applications/${app.data.id}/supervision-summary`)).status, 404);

  const log = await admin.get(`/api/v1/enterprises/${code}/access-log`);
  const entry = log.data.items.find((e) => e.accessor.user === reviewer.user.id);
  assert.ok(entry, JSON.stringify(log.data.items));
  assert.deepEqual([entry.purpose, entry.application], ['case_decision', app.data.id]);
});
