// Messages by email and SMS (issue 12 item 3): PATCH /api/v1/me sets a person's address, number,
// channels and language; every inbox message then goes out through the outbox to a real SMTP
// server (aiosmtpd, tests/api/smtp_sink.py) and a stand-in SMS gateway (an HTTP server here), at
// least once and, by its Message-ID / Idempotency-Key, recognisably once; a dead SMTP server that
// comes back gets every message exactly once; after the last retry a message is dead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, allItems, ROOT, runSql } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const srv = createTcpServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

// aiosmtpd on `port`; resolves to {mails, stop()} once it listens.
async function startSmtp(port) {
  // Debian's python3 (python3-aiosmtpd), not whichever python3 comes first on PATH.
  const proc = spawn('/usr/bin/python3', [join(ROOT, 'tests/api/smtp_sink.py'), String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const mails = [];
  let buffer = '';
  let errors = '';
  proc.stderr.on('data', (c) => { errors += c.toString(); });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smtp sink did not start: ${errors}`)), 20000);
    proc.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (line.ready) {
          clearTimeout(timer);
          resolve();
        } else if (line.message_id) {
          mails.push(line);
        }
      }
    });
    proc.on('exit', (code) => reject(new Error(`smtp sink exited ${code}: ${errors}`)));
  });
  proc.removeAllListeners('exit');
  const exited = new Promise((r) => proc.on('exit', r));
  return { mails, async stop() { proc.stdin.end(); await exited; } };
}

// The stand-in SMS gateway: records each POST and answers 200 (or `status` while it is set).
async function startGateway() {
  const received = [];
  const gw = { received, status: 200 };
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      if (gw.status === 200) received.push({ key: req.headers['idempotency-key'], body: JSON.parse(body) });
      res.writeHead(gw.status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  gw.url = `http://127.0.0.1:${srv.address().port}/send`;
  gw.stop = () => new Promise((r) => srv.close(r));
  return gw;
}

function writeConfig(dir, { smtpPort, smsUrl, maxAttempts = 100, reminders = 3600 }) {
  const path = join(dir, 'tongban.yaml');
  const lines = [];
  if (smtpPort) lines.push('smtp:', `  url: smtp://127.0.0.1:${smtpPort}`, '  from: tongban@city.example.gov.cn', '  tls: off', '  timeout_seconds: 5');
  if (smsUrl) lines.push('sms:', `  url: ${smsUrl}`);
  lines.push('outbox:', `  max_attempts: ${maxAttempts}`, '  first_retry_seconds: 1', '  max_retry_seconds: 2');
  lines.push('reminders:', `  interval_seconds: ${reminders}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

// The outbox's rows by state, read from the server's database.
function outboxStates(server) {
  const query = "SELECT state || ':' || kind || ':' || last_error FROM outbox ORDER BY id";
  return runSql(server, query);
}

async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(200);
  }
  assert.fail(`timed out waiting for ${what}`);
}

// Submits an application of the citizen's and has it accepted: one inbox message.
async function acceptedApplication(server, citizen) {
  const item = (await allItems(citizen)).find((i) => i.code === 'hrss.social-security-card');
  const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
  const app = await citizen.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
  assert.equal(app.status, 201, app.text);
  const r = await reviewer.post(`/api/v1/applications/${app.data.id}/actions/accept`, {});
  assert.equal(r.status, 200, r.text);
  return { app: app.data, reviewer };
}

async function withWorld(options, fn) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-mail-'));
  const smtpPort = await freePort();
  const gateway = await startGateway();
  const smtp = options.smtpUp === false ? null : await startSmtp(smtpPort);
  const config = writeConfig(dir, { smtpPort, smsUrl: gateway.url, ...options });
  const server = await startServer({ dir, extraArgs: ['--config', config] });
  const world = { server, gateway, smtp, smtpPort };
  try {
    return await fn(world);
  } finally {
    await server.stop();
    if (world.smtp) await world.smtp.stop();
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('PATCH /api/v1/me: email on once an address is given, SMS once a number is; GET /api/v1/me shows them', () =>
  withWorld({}, async ({ server }) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    let me = await citizen.get('/api/v1/me');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.data.channels, { inbox: true, email: false, sms: false });
    assert.equal(me.data.email, '');
    const r = await citizen.request('PATCH', '/api/v1/me', { json: { email: 'zhang.wei@example.com', mobile: '+86 138 1234 5678' } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.data, { email: 'zhang.wei@example.com', mobile: '13812345678',
      channels: { inbox: true, email: true, sms: true }, language: 'zh' });
    const off = await citizen.request('PATCH', '/api/v1/me', { json: { channels: { sms: false }, language: 'en' } });
    assert.equal(off.status, 200, off.text);
    me = await citizen.get('/api/v1/me');
    assert.deepEqual(me.data.channels, { inbox: true, email: true, sms: false });
    assert.equal(me.data.language, 'en');
    assert.equal(me.data.username, 'zhang.wei');
    // Contact details are personal data: never in the server's log.
    assert.ok(!server.output().includes('zhang.wei@example.com'));
    assert.ok(!server.output().includes('13812345678'));
  }));

test('PATCH /api/v1/me refuses bad input with a clear message in zh and en, and changes nothing', () =>
  withWorld({}, async ({ server }) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const ok = await citizen.request('PATCH', '/api/v1/me', { json: { email: 'zhang.wei@example.com' } });
    assert.equal(ok.status, 200, ok.text);
    const bad = [
      [{ email: 'not an address' }, 'email'],
      [{ email: 'a@b.com\r\nBcc: x@y.com' }, 'email'],
      [{ mobile: '12345', email: 'other@example.com' }, '11'],
      [{ language: 'fr' }, 'zh'],
      [{ channels: { sms: true } }, 'mobile'],
      [{ channels: { inbox: false } }, 'inbox'],
      [{ channels: { email: 'yes' } }, 'true'],
      [{ nickname: 'x' }, 'email'],
    ];
    for (const [body, hint] of bad) {
      for (const lang of ['zh-CN', 'en']) {
        const c = new Client(server.url, { token: citizen.token, lang });
        const r = await c.request('PATCH', '/api/v1/me', { json: body });
        assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
        assert.equal(r.data.error.code, 'invalid_argument');
        assert.ok(!r.data.error.message.startsWith('error.'), `translated: ${r.data.error.message}`);
        if (lang === 'en') assert.ok(r.data.error.message.toLowerCase().includes(hint.toLowerCase()), `${hint} in ${r.data.error.message}`);
        else assert.match(r.data.error.message, /[\u4e00-\u9fff]/);
      }
    }
    const me = await citizen.get('/api/v1/me');
    assert.equal(me.data.email, 'zhang.wei@example.com');
    assert.equal(me.data.mobile, '');
    assert.deepEqual(me.data.channels, { inbox: true, email: true, sms: false });
    assert.equal(me.data.language, 'zh');
  }));

test('a message is delivered by email and by SMS in the chosen language, each once; channel choices are respected', () =>
  withWorld({}, async ({ server, smtp, gateway }) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const r = await citizen.request('PATCH', '/api/v1/me', {
      json: { email: 'zhang.wei@example.com', mobile: '13812345678', language: 'en' },
    });
    assert.equal(r.status, 200, r.text);
    // li.na chose nothing: her messages stay in her inbox.
    const other = await Client.login(server.url, 'li.na');
    await acceptedApplication(server, other);
    const { app, reviewer } = await acceptedApplication(server, citizen);
    await until('the email and the SMS', () => smtp.mails.length >= 1 && gateway.received.length >= 1);
    await sleep(1500);
    assert.equal(smtp.mails.length, 1);
    assert.equal(gateway.received.length, 1);
    const mail = smtp.mails[0];
    assert.deepEqual(mail.to, ['zhang.wei@example.com']);
    assert.equal(mail.subject, 'A message from Tongban');
    assert.match(mail.body, new RegExp(`Your application ${app.reference} \\(.+\\) has been accepted\\.`));
    assert.ok(mail.body.includes(`/applications/${app.id}`));
    assert.match(mail.message_id, /^<[0-9A-Z]{26}@city\.example\.gov\.cn>$/);
    const sms = gateway.received[0];
    assert.equal(sms.body.to, '13812345678');
    assert.match(sms.body.text, /has been accepted/);
    assert.equal(sms.key, sms.body.idempotency_key);
    assert.ok(sms.key && !mail.message_id.includes(sms.key), 'one outbox row per channel');

    // SMS off: the next messages go by email only.
    const off = await citizen.request('PATCH', '/api/v1/me', { json: { channels: { sms: false }, language: 'zh' } });
    assert.equal(off.status, 200, off.text);
    const corrected = await reviewer.post(`/api/v1/applications/${app.id}/actions/request-correction`, { reason: '请补充材料' });
    assert.equal(corrected.status, 200, corrected.text);
    await until('the second email', () => smtp.mails.length >= 2);
    await sleep(1500);
    assert.equal(smtp.mails.length, 2);
    assert.equal(gateway.received.length, 1);
    assert.equal(smtp.mails[1].subject, '通办消息');
    assert.match(smtp.mails[1].body, /需要您补正.*|补正|请补充材料/);
    assert.ok(outboxStates(server).every((row) => row.startsWith('sent:')), outboxStates(server).join('\n'));
  }));

test('the SMTP server dead, then back: every message is delivered exactly once', () =>
  withWorld({ smtpUp: false }, async (world) => {
    const { server } = world;
    const citizen = await Client.login(server.url, 'zhang.wei');
    const r = await citizen.request('PATCH', '/api/v1/me', { json: { email: 'zhang.wei@example.com' } });
    assert.equal(r.status, 200, r.text);
    const count = 5;
    for (let i = 0; i < count; i++) await acceptedApplication(server, citizen);
    // Tried and failed while the server is down.
    await until('failed attempts', () => {
      const rows = outboxStates(server).filter((row) => row.includes(':email:'));
      return rows.length === count && rows.every((row) => row.startsWith('pending:') && row.includes('smtp'));
    });
    world.smtp = await startSmtp(world.smtpPort);
    await until('every email', () => world.smtp.mails.length >= count);
    await sleep(3000);
    const ids = world.smtp.mails.map((m) => m.message_id);
    assert.equal(ids.length, count, ids.join('\n'));
    assert.equal(new Set(ids).size, count);
    assert.ok(outboxStates(server).every((row) => row.startsWith('sent:')));
  }));

test('after the last retry a message is dead, kept with an error that holds no personal data', () =>
  withWorld({ smtpUp: false, maxAttempts: 2 }, async ({ server }) => {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const r = await citizen.request('PATCH', '/api/v1/me', { json: { email: 'zhang.wei@example.com' } });
    assert.equal(r.status, 200, r.text);
    await acceptedApplication(server, citizen);
    await until('a dead message', () => outboxStates(server).some((row) => row.startsWith('dead:email:')));
    const dead = outboxStates(server).find((row) => row.startsWith('dead:email:'));
    assert.match(dead, /smtp/);
    assert.ok(!dead.includes('zhang.wei@example.com'));
    assert.ok(!server.output().includes('zhang.wei@example.com'));
  }));
