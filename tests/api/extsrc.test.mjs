// Datasets served by a department's own system over HTTP (issue 9 item 8): the platform asks the
// stand-in department server (`tongban dept-source`, which verifies our signature against our JWKS)
// through a small switch in front of it, so one server sees the source answer, go down
// (connection refused), turn slow (timeout) and answer malformed JSON. Pre-fill shows the value with
// its provenance and per-dataset status; a read is an access-log entry; an unavailable source gives
// "source unavailable" in both languages, and the material may be uploaded instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, BIN, ROOT, DB_KIND, freePort } from './lib.mjs';

const ITEM = 'medical-insurance.cross-province-filing';
const PNG = Buffer.from('89504E470D0A1A0A0000000D49484452000000010000000108060000001F15C4890000000D4944415478DA63F8FFFF3F0005FE02FEA7D6A7430000000049454E44AE426082', 'hex');


// The department's address the platform calls: forwards to dept-source, or misbehaves.
let mode = 'forward';
let deptUrl = '';
let switchPort = 0;
let switchServer = null;
function listenSwitch() {
  switchServer = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    if (mode === 'slow') {
      setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); }, 4000);
      return;
    }
    if (mode === 'malformed' || mode === 'extra_field' || mode === 'error') {
      const asked = JSON.parse(body.toString());
      res.writeHead(mode === 'error' ? 500 : 200, { 'content-type': 'application/json' });
      if (mode === 'malformed') return res.end('{"subject_id": ');
      if (mode === 'error') return res.end('{"error": "down for maintenance"}');
      // A field the platform did not ask for (the sensitive balance) is not taken.
      return res.end(JSON.stringify({ subject_id: asked.subject_id, record_id: '1', as_of: '2026-01-01T00:00:00+08:00',
        scheme: '城乡居民基本医疗保险', account_balance: '12345' }));
    }
    const answer = await fetch(deptUrl + req.url, { method: req.method, headers: { 'content-type': 'application/json',
      'tongban-signature': req.headers['tongban-signature'] ?? '' }, body });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(await answer.text());
  });
  return new Promise((resolve) => switchServer.listen(switchPort, '127.0.0.1', resolve));
}

let server;
let dept;
let dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-extsrc-'));
  switchPort = await freePort();
  await listenSwitch();
  server = await startServer({ dir, extraArgs: ['--data-source',
    `medical_insurance=http://127.0.0.1:${switchPort}/records/medical_insurance`] });
  const deptPort = await freePort();
  deptUrl = `http://127.0.0.1:${deptPort}`;
  dept = spawn(BIN, ['dept-source', '--dataset', 'medical_insurance', '--listen', `127.0.0.1:${deptPort}`,
    '--db', server.dbUrl, '--jwks-url', `${server.url}/.well-known/jwks.json`], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dept-source did not start:\n${out}`)), 30000);
    const on = (c) => { out += c; if (out.includes('dept-source serving')) { clearTimeout(timer); resolve(); } };
    dept.stdout.on('data', on);
    dept.stderr.on('data', (c) => { out += c; });
    dept.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dept-source exited ${code}:\n${out}`)); });
  });
  dept.removeAllListeners('exit');
});
after(async () => {
  dept?.kill('SIGTERM');
  switchServer?.close();
  switchServer?.closeAllConnections?.();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function prefill(client) {
  const r = await client.get(`/api/v1/prefill?item=${ITEM}`);
  assert.equal(r.status, 200, r.text);
  return r.data;
}

test('external source: pre-fill from the department\'s own system, with provenance and the source\'s status', async () => {
  mode = 'forward';
  const citizen = await Client.login(server.url, 'zhang.wei');
  const data = await prefill(citizen);
  assert.deepEqual(data.sources.medical_insurance, { status: 'available' });
  const scheme = data.fields.insurance_scheme;
  assert.ok(scheme && scheme.value.includes('医疗保险'), JSON.stringify(data.fields));
  assert.equal(scheme.source.dataset, 'medical_insurance');
  assert.ok(scheme.source.record, 'the department\'s record id');
  assert.ok(!Number.isNaN(Date.parse(scheme.source.as_of)));
  const material = data.materials.find((m) => m.code === 'insurance_record');
  assert.equal(material.fetched, true, JSON.stringify(material));
  assert.equal(material.provenance.dataset, 'medical_insurance');
  // A table dataset of the same item is unaffected.
  assert.equal(data.fields.applicant_name.source.dataset, 'population');
});

test('external source: the read is an access-log entry like any other', async () => {
  mode = 'forward';
  const citizen = await Client.login(server.url, 'zhang.wei');
  await prefill(citizen);
  const log = await citizen.get('/api/v1/me/access-log?page_size=100');
  assert.equal(log.status, 200, log.text);
  const entry = log.data.items.find((e) => e.dataset === 'medical_insurance' && e.purpose === ITEM);
  assert.ok(entry, log.text);
  assert.equal(entry.legal_basis, 'social-insurance-law');
  assert.ok(entry.fields.includes('scheme'), JSON.stringify(entry));
  assert.ok(!entry.fields.includes('account_balance'), 'a sensitive field is never asked without consent');
});

async function assertUnavailable(reason) {
  const citizen = await Client.login(server.url, 'zhang.wei');
  const started = Date.now();
  const data = await prefill(citizen);
  const source = data.sources.medical_insurance;
  assert.equal(source.status, 'unavailable', JSON.stringify(data.sources));
  assert.equal(source.reason, reason);
  assert.ok(source.message.zh.includes('数据源不可用'), source.message.zh);
  assert.ok(source.message.en.includes('Source unavailable'), source.message.en);
  assert.equal(data.fields.insurance_scheme, undefined);
  const material = data.materials.find((m) => m.code === 'insurance_record');
  assert.equal(material.fetched, false);
  assert.equal(material.reason, 'source_unavailable');
  // The rest of the form is still filled.
  assert.equal(data.fields.applicant_name.value, '张伟');
  return { citizen, elapsed: Date.now() - started };
}

// Submission does not fail because the source is down: the material is missing with the reason,
// and the applicant uploads it instead (before submitting, or after, when it could not be fetched).
async function submitWithUpload(citizen) {
  const draft = await citizen.post('/api/v1/applications', { item: ITEM, draft: true, fields: {
    destination_province: '浙江省', filing_reason: 'work', start_date: '2026-12-01' } });
  assert.equal(draft.status, 201, draft.text);
  const submitted = await citizen.post(`/api/v1/applications/${draft.data.id}/actions/submit`, {});
  assert.equal(submitted.status, 200, submitted.text);
  const material = submitted.data.materials.find((m) => m.code === 'insurance_record');
  assert.equal(material.status, 'missing', JSON.stringify(material));
  assert.equal(material.reason, 'source_unavailable');

  const other = await citizen.post('/api/v1/applications', { item: ITEM, draft: true, fields: {
    destination_province: '浙江省', filing_reason: 'work', start_date: '2026-12-01' } });
  const put = await citizen.request('PUT', `/api/v1/applications/${other.data.id}/materials/insurance_record`,
    { body: PNG, headers: { 'x-file-name': 'insurance.png' } });
  assert.equal(put.status, 200, put.text);
  const done = await citizen.post(`/api/v1/applications/${other.data.id}/actions/submit`, {});
  assert.equal(done.status, 200, done.text);
  assert.equal(done.data.materials.find((m) => m.code === 'insurance_record').status, 'provided');
}

test('external source: down (connection refused) gives source unavailable, and the material is uploaded instead', async () => {
  await new Promise((resolve) => { switchServer.close(resolve); switchServer.closeAllConnections?.(); });
  try {
    const { citizen } = await assertUnavailable('unreachable');
    await submitWithUpload(citizen);
  } finally {
    await listenSwitch();
  }
});

test('external source: slow (over its timeout) gives source unavailable, and submission still succeeds', async () => {
  mode = 'slow';
  try {
    const { citizen, elapsed } = await assertUnavailable('timeout');
    assert.ok(elapsed < 3900, `answered after the 2 s timeout, not the 4 s answer (${elapsed} ms)`);
    await submitWithUpload(citizen);
  } finally {
    mode = 'forward';
  }
});

test('external source: a malformed answer, a field not asked and an HTTP error are refused as source unavailable', async () => {
  try {
    mode = 'malformed';
    await assertUnavailable('malformed');
    mode = 'extra_field';
    await assertUnavailable('malformed');
    mode = 'error';
    await assertUnavailable('http_error');
  } finally {
    mode = 'forward';
  }
  // And back again once the source answers properly.
  const data = await prefill(await Client.login(server.url, 'zhang.wei'));
  assert.equal(data.sources.medical_insurance.status, 'available');
});

test('external source: the department refuses a replayed or tampered request', async () => {
  // Capture one signed request the platform makes, then send it again ourselves.
  let captured = null;
  mode = 'capture';
  const saved = switchServer.listeners('request')[0];
  switchServer.removeAllListeners('request');
  switchServer.on('request', async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    captured = { url: req.url, body: Buffer.concat(chunks), signature: req.headers['tongban-signature'] };
    const answer = await fetch(deptUrl + req.url, { method: 'POST', headers: { 'content-type': 'application/json',
      'tongban-signature': captured.signature }, body: captured.body });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(await answer.text());
  });
  try {
    await prefill(await Client.login(server.url, 'zhang.wei'));
    assert.ok(captured?.signature, 'the platform signed its request');
    const send = (body, signature) => fetch(deptUrl + captured.url, { method: 'POST',
      headers: { 'content-type': 'application/json', 'tongban-signature': signature }, body });
    const replay = await send(captured.body, captured.signature);
    assert.equal(replay.status, 401);
    assert.equal((await replay.json()).error.message, 'error.request_signature.replay');
    const tampered = Buffer.from(captured.body.toString().replace('"fields":[', '"fields":["account_balance",'));
    const forged = await send(tampered, captured.signature);
    assert.equal(forged.status, 401);
    const unsigned = await send(captured.body, '');
    assert.equal(unsigned.status, 401);
  } finally {
    switchServer.removeAllListeners('request');
    switchServer.on('request', saved);
    mode = 'forward';
  }
});

test('external source: a slow source holds no server thread (one worker answers others meanwhile)', async () => {
  const one = await startServer({ extraArgs: ['--worker-threads', '1', '--data-source',
    `medical_insurance=http://127.0.0.1:${switchPort}/records/medical_insurance`] });
  mode = 'slow';
  try {
    const citizen = await Client.login(one.url, 'zhang.wei');
    const pending = citizen.get(`/api/v1/prefill?item=${ITEM}`);
    await new Promise((r) => setTimeout(r, 300));
    // The only worker thread is free while the pre-fill waits for the department.
    const started = Date.now();
    const other = await citizen.get('/api/v1/me/consents');
    assert.equal(other.status, 200);
    assert.ok(Date.now() - started < 1500, `answered in ${Date.now() - started} ms while the source was slow`);
    const slow = await pending;
    assert.equal(slow.status, 200, slow.text);
    assert.equal(slow.data.sources.medical_insurance.reason, 'timeout');
  } finally {
    mode = 'forward';
    await one.stop();
  }
});
