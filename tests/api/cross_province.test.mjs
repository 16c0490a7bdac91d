// Cross-province applications (跨省通办, issue 14 item 4) between real platform processes on
// 127.0.0.1, each with its own database and keys: Shanghai (sh) where the person applies, Zhejiang
// (zj) that handles the item, peered by fingerprint both ways. Shanghai reaches Zhejiang through a
// relay that records the signed messages, so that one can be replayed and tampered with.
// The case is forwarded while Zhejiang is down (the person sees "waiting for Zhejiang"), arrives
// once when it is back, is decided there while Shanghai is down, and every step shows in Shanghai
// once it is back: nothing lost, nothing twice. Runs on PostgreSQL too (TONGBAN_TEST_DB=postgres).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, Client, DB_KIND, ROOT, createPgDatabase, dropPgDatabase, runSql, startServer } from './lib.mjs';

const en = JSON.parse(readFileSync(join(ROOT, 'web/i18n/en.json'), 'utf8'));

const ITEM = 'medical-insurance.cross-province-filing';

function run(args) {
  return new Promise((resolvePromise) => {
    const child = spawn(BIN, args, { cwd: ROOT });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolvePromise({ code, out, err }));
  });
}

async function freePort() {
  const server = createNetServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function eventually(what, check, seconds = 40) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let dir, sh, zj, shPort, zjPort, shDb, zjDb, relay, relayUrl;
const shConfig = () => join(dir, 'sh.yaml');
const zjConfig = () => join(dir, 'zj.yaml');
const captured = [];  // the messages Shanghai posted to Zhejiang, as sent

const startSh = () => startServer({ dir: join(dir, 'sh'), db: shDb, listen: `127.0.0.1:${shPort}`, extraArgs: ['--config', shConfig()] });
const startZj = () => startServer({ dir: join(dir, 'zj'), db: zjDb, listen: `127.0.0.1:${zjPort}`, extraArgs: ['--config', zjConfig()] });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-xp-'));
  const retry = 'outbox:\n  first_retry_seconds: 1\n  max_retry_seconds: 2\n';
  writeFileSync(shConfig(), retry);
  writeFileSync(zjConfig(), `platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n${retry}`);
  [shPort, zjPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'sh'));
  mkdirSync(join(dir, 'zj'));
  shDb = DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(dir, 'sh', 'tongban.db')}`;
  zjDb = DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(dir, 'zj', 'tongban.db')}`;
  [sh, zj] = await Promise.all([startSh(), startZj()]);
  relay = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.method === 'POST' && req.url === '/api/v1/federation/messages') captured.push(body);
    let upstream, answer;
    try {
      upstream = await fetch(`http://127.0.0.1:${zjPort}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'text/plain', accept: req.headers.accept ?? '*/*' },
        body: req.method === 'GET' ? undefined : body,
      });
      answer = await upstream.text();
    } catch {
      res.writeHead(502);
      res.end();
      return;
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(answer);
  });
  await new Promise((r) => relay.listen(0, '127.0.0.1', r));
  relayUrl = `http://127.0.0.1:${relay.address().port}`;
  // Peered both ways by fingerprint; Shanghai reaches Zhejiang through the relay.
  const fingerprint = async (url) => (await new Client(url).get('/api/v1/platform')).data.list_key.kid;
  const shAdmin = await Client.login(sh.url, 'admin');
  const zjAdmin = await Client.login(zj.url, 'admin');
  let r = await shAdmin.post('/api/v1/federation/peers', { code: 'zj', url: relayUrl, fingerprint: await fingerprint(zj.url) });
  assert.equal(r.status, 201, r.text);
  r = await zjAdmin.post('/api/v1/federation/peers', { code: 'sh', url: sh.url, fingerprint: await fingerprint(sh.url) });
  assert.equal(r.status, 201, r.text);
});

after(async () => {
  relay?.close();
  await Promise.all([sh?.stop(), zj?.stop()]);
  if (DB_KIND === 'postgres') for (const db of [shDb, zjDb]) dropPgDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

test('cross-province: a platform publishes its cross-province items, and its peers list them with its name', async () => {
  const own = await new Client(zj.url).get('/api/v1/federation/items');
  assert.equal(own.status, 200);
  assert.equal(own.data.platform, 'zj');
  const item = own.data.items.find((i) => i.code === ITEM);
  assert.ok(item, 'the item marked cross_province is published');
  assert.deepEqual(item.department, { code: 'medical-insurance', name: { zh: '医疗保障局', en: 'Healthcare Security Administration (Medical Insurance)' } });
  // Questions only: a field filled from the handler's data is never asked elsewhere.
  assert.ok(!item.fields.some((f) => f.name === 'applicant_id_number'));
  assert.ok(item.fields.some((f) => f.name === 'filing_reason' && f.required));
  // Before the federation job asked Zhejiang, Shanghai lists nothing of it.
  const before = await new Client(sh.url).get('/api/v1/federation/items?peer=zj');
  assert.equal(before.status, 200);
  assert.deepEqual(before.data.items, []);
  const job = await run(['jobs', 'run', 'federation', '--db', sh.dbUrl]);
  assert.equal(job.code, 0, job.err);
  assert.match(job.out, /Cross-province items: 1 peers answered/);
  const listed = await new Client(sh.url).get('/api/v1/federation/items?peer=zj');
  assert.equal(listed.status, 200);
  const peerItem = listed.data.items.find((i) => i.code === ITEM);
  assert.deepEqual(peerItem.peer, { code: 'zj', name: { zh: '浙江', en: 'Zhejiang' } });
  assert.equal(peerItem.name.zh, '跨省异地就医备案');
  // An unknown peer: 404 with a clear message.
  const unknown = await new Client(sh.url, { lang: 'en' }).get('/api/v1/federation/items?peer=xx');
  assert.equal(unknown.status, 404);
  assert.match(unknown.data.error.message, /no peer/i);
});

const form = {
  destination_province: '上海',
  filing_reason: 'resident',
  start_date: '2026-12-01',
};

test('cross-province: forwarded while the peer is down, taken once when it is back, decided there while the origin is down, every step back once', async () => {
  const person = await Client.login(sh.url, 'zhang.wei', undefined, { lang: 'en' });
  // Bad input changes nothing: no delivery choice, a wrong field, a draft.
  let r = await person.post('/api/v1/applications', { item: ITEM, handled_by: 'zj', fields: form });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.message, en['error.federation.delivery']);
  r = await person.post('/api/v1/applications', {
    item: ITEM, handled_by: 'zj', fields: { ...form, filing_reason: 'holiday' }, delivery: { to: 'origin', address: '上海市徐汇区漕溪北路1号' },
  });
  assert.equal(r.status, 400);
  assert.ok(r.data.error.fields.some((f) => f.field === 'filing_reason'));
  r = await person.post('/api/v1/applications', {
    item: ITEM, handled_by: 'zj', draft: true, fields: form, delivery: { to: 'origin', address: 'x' },
  });
  assert.equal(r.status, 400);
  assert.equal(r.data.error.message, en['error.federation.cross_province_form']);

  // Zhejiang goes down; the person applies all the same.
  await zj.kill9();
  r = await person.post('/api/v1/applications', {
    item: ITEM, handled_by: 'zj', fields: form, delivery: { to: 'handler', address: '杭州市西湖区文三路100号' },
  });
  assert.equal(r.status, 201, r.text);
  const app = r.data;
  assert.equal(app.state, 'submitted');
  assert.equal(app.cross_province.side, 'origin');
  assert.equal(app.cross_province.waiting_for_peer, true);
  assert.deepEqual(app.cross_province.peer_name, { zh: '浙江', en: 'Zhejiang' });
  assert.deepEqual(app.cross_province.delivery, { to: 'handler', address: '杭州市西湖区文三路100号' });
  // The outbox tries, and keeps the message while Zhejiang is down.
  await eventually('a failed attempt', () =>
    runSql(sh, "SELECT attempts FROM outbox WHERE kind = 'federation'").some((a) => Number(a) >= 1));
  const waiting = await person.get(`/api/v1/applications/${app.id}`);
  assert.equal(waiting.data.cross_province.waiting_for_peer, true);
  // Actions here are refused with a reason: the case moves only in Zhejiang.
  const withdraw = await person.post(`/api/v1/applications/${app.id}/actions/withdraw`, {});
  assert.equal(withdraw.status, 409);
  assert.equal(withdraw.data.error.message, en['error.federation.handled_by_peer']);

  zj = await startZj();
  const forwarded = await eventually('the case forwarded', async () => {
    const g = await person.get(`/api/v1/applications/${app.id}`);
    return g.data.cross_province.waiting_for_peer === false ? g.data : null;
  });
  assert.ok(forwarded.cross_province.peer_reference);
  // In Zhejiang: one case, for the person, with the delivery choice, as any case of the department.
  const reviewer = await Client.login(zj.url, 'reviewer.medical-insurance', undefined, { lang: 'en' });
  const theirs = await reviewer.get(`/api/v1/applications/${forwarded.cross_province.peer_application}`);
  assert.equal(theirs.status, 200, theirs.text);
  assert.equal(theirs.data.reference, forwarded.cross_province.peer_reference);
  assert.equal(theirs.data.item, ITEM);
  assert.equal(theirs.data.state, 'submitted');
  assert.equal(theirs.data.cross_province.side, 'handler');
  assert.equal(theirs.data.cross_province.peer, 'sh');
  assert.deepEqual(theirs.data.cross_province.delivery, { to: 'handler', address: '杭州市西湖区文三路100号' });
  assert.equal(runSql(zj, `SELECT count(*) FROM federated_cases WHERE peer_application = '${app.id}'`)[0], '1');

  // Zhejiang accepts; Shanghai goes down; Zhejiang approves and delivers.
  r = await reviewer.post(`/api/v1/applications/${theirs.data.id}/actions/accept`, { reason: '' });
  assert.equal(r.status, 200, r.text);
  await eventually('the acceptance in Shanghai', async () =>
    (await person.get(`/api/v1/applications/${app.id}`)).data.state === 'accepted');
  await sh.kill9();
  r = await reviewer.post(`/api/v1/applications/${theirs.data.id}/actions/approve`, { reason: '备案成功' });
  assert.equal(r.status, 200, r.text);
  r = await reviewer.post(`/api/v1/applications/${theirs.data.id}/actions/deliver`, { reason: '' });
  assert.equal(r.status, 200, r.text);
  await eventually('a failed attempt in Zhejiang', () =>
    runSql(zj, "SELECT attempts FROM outbox WHERE kind = 'federation' AND state = 'pending'").some((a) => Number(a) >= 1));
  sh = await startSh();
  const again = await Client.login(sh.url, 'zhang.wei', undefined, { lang: 'en' });
  await eventually('the delivery in Shanghai', async () =>
    (await again.get(`/api/v1/applications/${app.id}`)).data.state === 'delivered');
  // Every step once, in order, named as Zhejiang's.
  const events = (await again.get(`/api/v1/applications/${app.id}/events`)).data.items;
  assert.deepEqual(events.map((e) => e.action), ['submit', 'forwarded', 'accept', 'approve', 'deliver']);
  assert.ok(events.slice(1).every((e) => e.actor_role === 'platform'));
  assert.equal(events.find((e) => e.action === 'approve').reason, '备案成功');
  // Every message was delivered (sent) in the end on both sides; none is dead.
  for (const server of [sh, zj]) {
    await eventually('the outbox drained', () =>
      runSql(server, "SELECT count(*) FROM outbox WHERE kind = 'federation' AND state <> 'sent'")[0] === '0');
  }
  // The person is told in their inbox here.
  const inbox = await again.get('/api/v1/me/messages');
  assert.ok(inbox.data.items.some((m) => m.reference.id === app.id && m.kind === 'application_delivered'));
});

test('cross-province: a replayed, a tampered and an unknown sender\'s message are each refused with a clear status', async () => {
  const sent = captured.find((jws) => JSON.parse(Buffer.from(jws.split('.')[1], 'base64url')).kind === 'case.forward');
  assert.ok(sent, 'the relay saw the forwarded case');
  const post = (body) => fetch(`${zj.url}/api/v1/federation/messages`, {
    method: 'POST', headers: { 'content-type': 'application/jwt', 'accept-language': 'en' }, body,
  }).then(async (res) => ({ status: res.status, key: res.headers.get('tongban-error'), data: await res.json() }));
  const replayed = await post(sent);
  assert.equal(replayed.status, 409);
  assert.equal(replayed.data.error.message, en['error.federation.replayed']);
  assert.equal(replayed.key, 'error.federation.replayed');
  const [h, p, s] = sent.split('.');
  const changed = Buffer.from(Buffer.from(p, 'base64url').toString().replace('"resident"', '"referral"')).toString('base64url');
  const tampered = await post(`${h}.${changed}.${s}`);
  assert.equal(tampered.status, 400);
  assert.equal(tampered.data.error.message, en['error.federation.message_signature']);
  // A platform Zhejiang has never peered with.
  const { privateKey } = generateKeyPairSync('ed25519');
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'x', typ: 'federation-message+jwt' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ id: '01J0000000000000000000000', from: 'js', to: 'zj', kind: 'case.forward', body: {}, sent_at: 1 })).toString('base64url');
  const signature = sign(null, Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
  const unknown = await post(`${header}.${payload}.${signature}`);
  assert.equal(unknown.status, 403);
  assert.equal(unknown.data.error.message, en['error.federation.unknown_peer']);
  // Still one case in Zhejiang for the forwarded one.
  const origin = JSON.parse(Buffer.from(p, 'base64url')).body.application;
  assert.equal(runSql(zj, `SELECT count(*) FROM federated_cases WHERE peer_application = '${origin}'`)[0], '1');
});
