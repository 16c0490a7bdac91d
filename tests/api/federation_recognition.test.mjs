// Mutual recognition everywhere (issue 14 item 3) with two platform processes on 127.0.0.1, each
// with its own database and keys: Shanghai (sh) peers with Zhejiang (zj), and a licence Zhejiang
// issued verifies in Shanghai online (POST /api/v1/verify, naming Zhejiang), on the public
// verification page (zh and en), at the window's licence check, and offline with `tongban verify`
// from the peers' lists exported by `tongban federation export-lists` or read from the database,
// with both platforms stopped, and as an item's licence material that accepts peers' licences;
// Shanghai's signed trust list carries Zhejiang's issuers marked zj.
// Once Zhejiang is removed its licence is refused in each. POST /api/v1/verify's limit per client
// address answers a clear 429. Runs on PostgreSQL too (TONGBAN_TEST_DB=postgres).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, DB_KIND, DEMO_PASSWORD, ROOT, createPgDatabase, dropPgDatabase, fillFields, startServer, runTongban } from './lib.mjs';

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
const en = texts('en');
const zh = texts('zh');
const FORM = 'application/x-www-form-urlencoded';
// The limit configured on Zhejiang for the 429 test (Shanghai keeps the default).
const ZJ_LIMIT = 4;


const decode = (jws) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url'));
const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

let dir, sh, zj, shDir, shDb;
let credential, suspendedCredential, statusListFiles = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-fedrec-'));
  const zjConfig = join(dir, 'zj.yaml');
  writeFileSync(zjConfig, `platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n  url: https://tongban.zj.example\nverify:\n  requests_per_minute: ${ZJ_LIMIT}\n`);
  // Shanghai's folder and database are this file's: Shanghai is stopped and started again on them.
  shDir = join(dir, 'sh');
  mkdirSync(shDir);
  shDb = DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(shDir, 'tongban.db')}`;
  [sh, zj] = await Promise.all([startServer({ dir: shDir, db: shDb }), startServer({ extraArgs: ['--config', zjConfig] })]);

  // 张伟's driving licence and 王芳's enterprise's business licence, both issued by Zhejiang; the
  // second suspended there.
  const holder = await Client.login(zj.url, 'zhang.wei');
  const driving = (await holder.get('/api/v1/me/licences')).data.items.find((l) => l.type === 'driving_licence');
  credential = (await holder.get(`/api/v1/licences/${driving.id}/credential`)).text;
  const wang = await Client.login(zj.url, 'wang.fang');
  const enterprise = (await wang.get('/api/v1/me')).data.enterprises[0].code;
  const business = (await wang.get(`/api/v1/me/licences?enterprise=${enterprise}`)).data.items
    .find((l) => l.type === 'business_licence');
  suspendedCredential = (await wang.get(`/api/v1/licences/${business.id}/credential`)).text;
  const reviewer = await Client.login(zj.url, 'reviewer.market');
  const suspended = await reviewer.post(`/api/v1/licences/${business.id}/actions/suspend`, { reason: '信息核查中' });
  assert.equal(suspended.status, 200, suspended.text);

  const admin = await Client.login(sh.url, 'admin', undefined, { lang: 'en' });
  const platform = (await new Client(zj.url).get('/api/v1/platform')).data;
  const added = await admin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: platform.list_key.kid });
  assert.equal(added.status, 201, added.text);
});

after(async () => {
  await Promise.all([sh?.stop(), zj?.stop()]);
  if (DB_KIND === 'postgres' && shDb) dropPgDatabase(shDb);
  rmSync(dir, { recursive: true, force: true });
});

const verifyAt = async (url, token, lang = 'en') => new Client(url, { lang }).post('/api/v1/verify', { token });

// A cookie session as a browser has it: {cookie, csrf}.
async function session(base, username) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(r.status, 200);
  const set = r.headers.getSetCookie().find((c) => c.startsWith('tongban_session='));
  return { cookie: set.split(';')[0], csrf: (await r.json()).csrf_token };
}

async function form(base, path, fields, { s, lang = 'en' } = {}) {
  const headers = { 'content-type': FORM, 'accept-language': lang };
  if (s) headers.cookie = s.cookie;
  const body = new URLSearchParams(s ? { csrf_token: s.csrf, ...fields } : fields).toString();
  const r = await fetch(base + path, { method: 'POST', redirect: 'manual', headers, body });
  return { status: r.status, text: await r.text() };
}

test('recognition: a peer\'s licence verifies online naming its platform, with the peer\'s status bits', async () => {
  const v = await verifyAt(sh.url, credential);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.data.status, 'valid', v.text);
  assert.deepEqual(v.data.platform, { code: 'zj', name: { zh: '浙江', en: 'Zhejiang' } });
  const s = await verifyAt(sh.url, suspendedCredential);
  assert.equal(s.data.status, 'suspended');
  assert.equal(s.data.platform.code, 'zj');
  // Our own licences carry no platform: they are ours.
  const holder = await Client.login(sh.url, 'zhang.wei');
  const own = (await holder.get('/api/v1/me/licences')).data.items.find((l) => l.type === 'driving_licence');
  const ownCredential = (await holder.get(`/api/v1/licences/${own.id}/credential`)).text;
  const o = await verifyAt(sh.url, ownCredential);
  assert.equal(o.data.status, 'valid');
  assert.equal(o.data.platform, undefined);
  // The same request again is answered from the parse cache and the cached status list: same answer.
  assert.equal((await verifyAt(sh.url, credential)).data.status, 'valid');
});

test('recognition: our signed trust list carries the peer\'s issuers, marked with its code, and only its own', async () => {
  const list = decode((await new Client(sh.url).get('/api/v1/trust-list')).text);
  const zjIssuers = list.issuers.filter((i) => i.platform === 'zj');
  const shIssuers = list.issuers.filter((i) => i.platform === 'sh');
  assert.ok(zjIssuers.length > 0, 'Zhejiang\'s issuers are listed');
  assert.ok(shIssuers.length > 0, 'ours too');
  assert.ok(zjIssuers.every((i) => i.id.startsWith('urn:tongban:zj:issuer:') && i.keys.length > 0));
  assert.deepEqual(new Set(list.issuers.map((i) => i.platform)), new Set(['sh', 'zj']));
  // Zhejiang does not peer with Shanghai: its list is its own issuers only.
  const theirs = decode((await new Client(zj.url).get('/api/v1/trust-list')).text);
  assert.deepEqual(new Set(theirs.issuers.map((i) => i.platform)), new Set(['zj']));
});

test('recognition: the public verification page shows a peer\'s licence as valid and names its platform, in zh and en', async () => {
  for (const [lang, t, name] of [['zh', zh, '浙江'], ['en', en, 'Zhejiang']]) {
    const r = await form(sh.url, '/verify', { token: credential }, { lang });
    assert.equal(r.status, 200);
    assert.ok(r.text.includes(escapeHtml(t['verify.result.valid'])), `${lang}: valid`);
    assert.ok(r.text.includes(escapeHtml(t['verify.peer_issued'].replace('{detail}', name))), `${lang}: names ${name}`);
    const s = await form(sh.url, '/verify', { token: suspendedCredential }, { lang });
    assert.ok(s.text.includes(escapeHtml(t['verify.result.suspended'])), `${lang}: suspended`);
  }
});

test('recognition: the window console checks a licence the person presents, ours or a peer\'s', async () => {
  const clerk = await session(sh.url, 'clerk.pudong');
  const r = await form(sh.url, '/office/window/licence-check', { licence: credential }, { s: clerk });
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.ok(r.text.includes(escapeHtml(en['verify.result.valid'])));
  assert.ok(r.text.includes(escapeHtml(en['verify.peer_issued'].replace('{detail}', 'Zhejiang'))));
  const empty = await form(sh.url, '/office/window/licence-check', { licence: ' ' }, { s: clerk });
  assert.equal(empty.status, 400);
  assert.ok(empty.text.includes(escapeHtml(en['error.verify.token_required'])));
  // Clerks of a service centre only, with the session's CSRF token.
  const citizen = await session(sh.url, 'zhang.wei');
  assert.equal((await form(sh.url, '/office/window/licence-check', { licence: credential }, { s: citizen })).status, 403);
  const forged = await form(sh.url, '/office/window/licence-check', { licence: credential }, { s: { ...clerk, csrf: 'x' } });
  assert.equal(forged.status, 403);
});

const RIDE_HAILING = 'transport.ride-hailing-driver-permit';  // its driving_licence material accepts_from_peers

async function rideHailingDraft(who) {
  const item = (await who.get(`/api/v1/items/${RIDE_HAILING}`)).data;
  const draft = await who.post('/api/v1/applications', { item: RIDE_HAILING, channel: 'web', draft: true, fields: fillFields(item) });
  assert.equal(draft.status, 201, draft.text);
  return draft.data;
}

test('recognition: a peer\'s licence satisfies an item\'s licence material that accepts it, with the verified licence as provenance', async () => {
  const zhang = await Client.login(sh.url, 'zhang.wei', undefined, { lang: 'en' });
  const item = (await zhang.get(`/api/v1/items/${RIDE_HAILING}`)).data;
  assert.equal(item.materials.find((m) => m.code === 'driving_licence').accepts_from_peers, true);
  assert.equal(item.materials.find((m) => m.code === 'criminal_record_check').accepts_from_peers, undefined);
  const draft = await rideHailingDraft(zhang);
  const present = (who, id, code, token) => who.post(`/api/v1/applications/${id}/materials/${code}/peer-licence`, { token });

  const attached = await present(zhang, draft.id, 'driving_licence', credential);
  assert.equal(attached.status, 200, attached.text);
  const material = attached.data.materials.find((m) => m.code === 'driving_licence');
  assert.equal(material.status, 'fetched');
  const zjLicence = decode(credential);
  assert.equal(material.licence.id, zjLicence.id.replace('urn:tongban:licence:', ''));
  assert.equal(material.licence.issuer, zjLicence.issuer.id);
  assert.match(material.licence.issuer, /^urn:tongban:zj:issuer:/);
  assert.equal(material.licence.platform, 'zj');
  assert.equal(material.licence.status, 'valid');
  assert.ok(Date.parse(material.licence.as_of) > Date.now() - 60000);
  const events = (await zhang.get(`/api/v1/applications/${draft.id}/events`)).data.items;
  assert.ok(events.some((e) => e.action === 'peer_licence'), JSON.stringify(events.map((e) => e.action)));

  // Refusals, each with its reason: a material that does not accept peers' licences, a licence of
  // ours (fetched at submission instead), a suspended licence, someone else's licence.
  const refused = async (r, key) => {
    assert.equal(r.status, 400, r.text);
    assert.equal(r.data.error.message, en[key]);
    assert.equal(r.data.error.fields[0].field, 'token');
  };
  await refused(await present(zhang, draft.id, 'criminal_record_check', credential), 'error.material.no_peer_licence');
  const own = (await zhang.get('/api/v1/me/licences')).data.items.find((l) => l.type === 'driving_licence');
  const ownCredential = (await zhang.get(`/api/v1/licences/${own.id}/credential`)).text;
  await refused(await present(zhang, draft.id, 'driving_licence', ownCredential), 'error.material.peer_licence_ours');
  await refused(await present(zhang, draft.id, 'driving_licence', suspendedCredential), 'error.material.peer_licence_invalid');
  const wang = await Client.login(sh.url, 'wang.fang', undefined, { lang: 'en' });
  const hers = await rideHailingDraft(wang);
  await refused(await present(wang, hers.id, 'driving_licence', credential), 'error.material.peer_licence_holder');
  // Not hers to write.
  assert.equal((await present(wang, draft.id, 'driving_licence', credential)).status, 404);
  // Still the peer's licence on the draft.
  const after = (await zhang.get(`/api/v1/applications/${draft.id}`)).data;
  assert.equal(after.materials.find((m) => m.code === 'driving_licence').licence.platform, 'zj');
});

test('recognition: POST /api/v1/verify is limited per client address with a clear 429', async () => {
  // Zhejiang is configured with verify.requests_per_minute: 4, and nothing else in this file asks it.
  const answers = [];
  for (let i = 0; i < ZJ_LIMIT + 1; i++) answers.push(await verifyAt(zj.url, credential));
  assert.deepEqual(answers.slice(0, ZJ_LIMIT).map((a) => a.status), Array(ZJ_LIMIT).fill(200));
  const refused = answers[ZJ_LIMIT];
  assert.equal(refused.status, 429);
  assert.equal(refused.data.error.message, en['error.verify.too_many']);
  assert.equal(refused.headers.get('retry-after'), '60');
});

test('recognition: offline, tongban verify reads the peers\' lists from an export or the database, with both platforms stopped; a removed peer\'s licence is refused everywhere', async () => {
  // What a relying party downloads beforehand: our trust list, and the peer's status lists.
  const trustFile = join(dir, 'trust-list.jwt');
  writeFileSync(trustFile, (await new Client(sh.url).get('/api/v1/trust-list')).text);
  const pointers = [credential, suspendedCredential].flatMap((c) => {
    const payload = decode(c);
    const status = payload.credentialStatus;
    return (Array.isArray(status) ? status : [status]).filter(Boolean);
  });
  const lists = [...new Set(pointers.map((p) => p.statusListCredential))];
  assert.ok(lists.length > 0, 'the licences carry status lists');
  statusListFiles = [];
  for (const [i, url] of lists.entries()) {
    const path = new URL(url).pathname;
    const file = join(dir, `status-${i}.jwt`);
    const r = await new Client(zj.url).get(path);
    assert.equal(r.status, 200, `${path}: ${r.text}`);
    writeFileSync(file, r.text);
    statusListFiles.push('--status-list', file);
  }
  const exported = join(dir, 'peers.txt');
  const exp = await runTongban(['federation', 'export-lists', '--db', sh.dbUrl, '--out', exported]);
  assert.equal(exp.code, 0, exp.err);
  assert.match(exp.out, /^1 peers' lists written/m);
  assert.match(readFileSync(exported, 'utf8'), /^tongban-peer-lists 1\nzj ey/);

  await Promise.all([sh.stop(), zj.stop()]);
  sh = zj = null;
  const offline = (token, extra) => runTongban(['verify', token, '--trust-list', trustFile, ...statusListFiles, ...extra]);
  for (const extra of [['--peer-lists', exported], ['--db', shDb]]) {
    const ok = await offline(credential, extra);
    assert.equal(ok.code, 0, `${extra[0]}: ${ok.out}${ok.err}`);
    assert.match(ok.out, /^status: valid$/m);
    assert.match(ok.out, /^platform: zj \(浙江 \/ Zhejiang\)$/m);
    const s = await offline(suspendedCredential, extra);
    assert.equal(s.code, 1);
    assert.match(s.out, /^status: suspended$/m);
  }
  // Without the peers' lists, our list names Zhejiang's issuer but cannot vouch for its status.
  const bare = await offline(credential, []);
  assert.equal(bare.code, 1);
  assert.doesNotMatch(bare.out, /^status: valid$/m);

  // Shanghai removes Zhejiang (the command line works on the stopped platform's database), then
  // starts again on the same database.
  assert.equal((await runTongban(['federation', 'remove-peer', '--code', 'zj', '--db', shDb])).code, 0);
  sh = await startServer({ dir: shDir, db: shDb });
  const online = await verifyAt(sh.url, credential);
  assert.equal(online.data.status, 'unknown_issuer');
  assert.equal(online.data.platform, undefined);
  const pageAnswer = await form(sh.url, '/verify', { token: credential });
  assert.ok(pageAnswer.text.includes(escapeHtml(en['verify.result.unknown_issuer'])));
  const clerk = await session(sh.url, 'clerk.pudong');
  const windowAnswer = await form(sh.url, '/office/window/licence-check', { licence: credential }, { s: clerk });
  assert.ok(windowAnswer.text.includes(escapeHtml(en['verify.result.unknown_issuer'])));
  const list = decode((await new Client(sh.url).get('/api/v1/trust-list')).text);
  assert.ok(list.issuers.every((i) => i.platform === 'sh'), 'Zhejiang\'s issuers are gone from our list');
  const zhang = await Client.login(sh.url, 'zhang.wei', undefined, { lang: 'en' });
  const draft = await rideHailingDraft(zhang);
  const material = await zhang.post(`/api/v1/applications/${draft.id}/materials/driving_licence/peer-licence`, { token: credential });
  assert.equal(material.status, 400);
  assert.equal(material.data.error.message, en['error.material.peer_licence_invalid']);

  const exportedAgain = join(dir, 'peers-after.txt');
  assert.equal((await runTongban(['federation', 'export-lists', '--db', shDb, '--out', exportedAgain])).code, 0);
  const newTrust = join(dir, 'trust-list-after.jwt');
  writeFileSync(newTrust, (await new Client(sh.url).get('/api/v1/trust-list')).text);
  for (const extra of [['--peer-lists', exportedAgain], ['--db', shDb]]) {
    const refused = await runTongban(['verify', credential, '--trust-list', newTrust, ...statusListFiles, ...extra]);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /^status: unknown_issuer$/m);
  }
});
