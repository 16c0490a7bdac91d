// Starts the real tongban binary on 127.0.0.1 and a free port with a fresh database, and talks
// to it over HTTP like any client would. Used by every black-box API test.
import { createServer as createNetServer } from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.TONGBAN_BIN ? resolve(process.env.TONGBAN_BIN) : join(ROOT, 'build/tongban');
export const DEMO_PASSWORD = 'demo-password-1';

// The database the API suite runs on: SQLite files by default; PostgreSQL when TONGBAN_TEST_DB is
// "postgres" (with TONGBAN_TEST_PG_URL naming a cluster, as scripts/run-tests.sh sets up).
export const DB_KIND = process.env.TONGBAN_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

// A fresh PostgreSQL database on the test cluster; returns its URL.
export function createPgDatabase() {
  const base = process.env.TONGBAN_TEST_PG_URL;
  if (!base) throw new Error('TONGBAN_TEST_DB=postgres needs TONGBAN_TEST_PG_URL');
  const name = `tb_${randomBytes(6).toString('hex')}`;
  execFileSync('psql', [base, '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`]);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export function dropPgDatabase(dbUrl) {
  const name = new URL(dbUrl).pathname.slice(1);
  execFileSync('psql', [process.env.TONGBAN_TEST_PG_URL, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
}

// Starts `tongban serve --demo` on a fresh database (or `db`, to restart on the same one);
// resolves to {url, proc, dir, dbUrl, stop(), kill9()}. stop() drops a database it created.
// `demo: false` starts it as in production (no demo accounts, production defaults).
// `launcher`: a command line the binary is started through, like ['prlimit', '--nofile=64', '--'].
export async function startServer({ dir, extraArgs = [], db, demo = true, launcher = [], listen = '127.0.0.1:0' } = {}) {
  const ownDir = !dir;
  dir = dir ?? mkdtempSync(join(tmpdir(), 'tongban-api-'));
  const ownDb = !db && DB_KIND === 'postgres';
  const dbUrl = db ?? (DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(dir, 'tongban.db')}`);
  const args = ['serve', '--db', dbUrl, '--listen', listen, ...(demo ? ['--demo'] : []), ...extraArgs];
  const proc = spawn(launcher.length ? launcher[0] : BIN, launcher.length ? [...launcher.slice(1), BIN, ...args] : args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60000);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/serving on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c) => { output += c.toString(); });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  proc.removeAllListeners('exit');
  // Keep draining output so the pipe never blocks the server.
  proc.stdout.on('data', (c) => { output = (output + c.toString()).slice(-200000); });
  const exited = new Promise((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  return {
    url,
    proc,
    dir,
    dbUrl,
    output: () => output,
    async stop() {
      proc.kill('SIGTERM');
      const result = await exited;
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      if (ownDb) dropPgDatabase(dbUrl);
      return result;
    },
    async kill9() {
      proc.kill('SIGKILL');
      return exited;
    },
  };
}

// Runs one SQL statement on a started server's database (SQLite or PostgreSQL), for a test that
// must move time or a date the API does not let anyone move (an old event, a past deadline), or
// read what the API does not show (the outbox). Answers its rows, one per line, fields joined by |.
// SQLite waits up to 10 s for the server's write lock instead of failing at once.
export function runSql(server, statement) {
  const out = server.dbUrl.startsWith('sqlite:')
    ? execFileSync('sqlite3', ['-cmd', '.timeout 10000', server.dbUrl.slice('sqlite:'.length), statement])
    : execFileSync('psql', [server.dbUrl, '-qAt', '-v', 'ON_ERROR_STOP=1', '-c', statement]);
  return out.toString().split('\n').filter(Boolean);
}

// A small client: JSON in and out, bearer token once signed in.
export class Client {
  constructor(base, { token, lang } = {}) {
    this.base = base;
    this.token = token;
    this.lang = lang;
  }

  async request(method, path, { json, body, headers = {} } = {}) {
    const h = { ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (this.lang) h['accept-language'] = this.lang;
    if (json !== undefined) {
      h['content-type'] = 'application/json';
      body = JSON.stringify(json);
    }
    const res = await fetch(this.base + path, { method, headers: h, body });
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    return { status: res.status, headers: res.headers, data, text };
  }

  get(path, opts) { return this.request('GET', path, opts); }
  post(path, json, opts = {}) { return this.request('POST', path, { ...opts, json }); }

  static async login(base, username, password = DEMO_PASSWORD, opts = {}) {
    const c = new Client(base, opts);
    const r = await c.post('/api/v1/session', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    c.token = r.data.token;
    c.user = r.data.user;
    return c;
  }
}

// Values that pass validation for an item's askable fields (those without a source).
export function fillFields(item) {
  const values = {};
  for (const f of item.fields) {
    if (f.source) continue;
    switch (f.type) {
      case 'number': values[f.name] = f.min !== undefined ? Math.max(1, f.min) : 1; break;
      case 'date': values[f.name] = '2026-12-01'; break;
      case 'select': values[f.name] = f.options[0].value; break;
      case 'boolean': values[f.name] = true; break;
      case 'id_number': values[f.name] = '11010519491231002X'; break;
      case 'credit_code': values[f.name] = '91350100M000100Y43'; break;
      case 'phone': values[f.name] = '13800138000'; break;
      case 'email': values[f.name] = 'zhang.wei@example.cn'; break;
      case 'address': values[f.name] = '上海市浦东新区世纪大道100号'; break;
      default: {
        const min = f.min ?? 1;
        values[f.name] = '测试内容'.repeat(Math.ceil(Math.max(min, 4) / 4)).slice(0, Math.max(min, 4));
        if (f.max !== undefined && values[f.name].length > f.max) values[f.name] = values[f.name].slice(0, f.max);
      }
    }
  }
  return values;
}

// All catalogue items (follows pagination).
export async function allItems(client) {
  const items = [];
  let token = '';
  for (;;) {
    const r = await client.get(`/api/v1/items?page_size=100${token ? `&page_token=${token}` : ''}`);
    items.push(...r.data.items);
    if (!r.data.next_page_token) return items;
    token = r.data.next_page_token;
  }
}

// A person item of `department` with no required upload, so it can be submitted in one call.
export async function simplePersonItem(client, departments = ['market', 'hrss', 'police'], accept = () => true) {
  const items = await allItems(client);
  for (const d of departments) {
    const item = items.find((i) => i.department === d && i.applicant === 'person' && !i.fields.some((f) => f.pattern)
      && !i.materials.some((m) => m.source === 'upload' && m.required) && accept(i));
    if (item) return item;
  }
  throw new Error('no person item without required uploads in ' + departments.join(', '));
}

// A request without credentials from a chosen loopback address (the whole of 127.0.0.0/8 is
// local), for the limits kept per client address: answers {status, data, text}.
export async function requestFrom(baseUrl, method, path, localAddress, { json, form } = {}) {
  const http = await import('node:http');
  const body = json !== undefined ? JSON.stringify(json) : form !== undefined ? new URLSearchParams(form).toString() : '';
  const type = json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded';
  const { port, hostname } = new URL(baseUrl);
  return new Promise((resolvePromise, reject) => {
    const req = http.request({ host: hostname, port, path, method, localAddress,
      headers: { 'content-type': type, 'content-length': Buffer.byteLength(body), 'accept-language': 'en' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let data = null;
        try { data = JSON.parse(text); } catch { /* a page */ }
        resolvePromise({ status: res.statusCode, data, text, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// The merged form of a bundle: every item's askable fields, each name once, and the items.
export async function mergedFields(who, bundle) {
  const fields = {};
  const items = [];
  for (const code of bundle.items) {
    const item = (await who.get(`/api/v1/items/${code}`)).data;
    items.push(item);
    for (const [name, value] of Object.entries(fillFields(item))) if (!(name in fields)) fields[name] = value;
  }
  if ('bank_account' in fields) fields.bank_account = '622202123456789012';  // its pattern: 12 to 30 digits
  return { fields, items };
}

// Submits bundle `code` for `enterprise` (or the person when null) with every upload attached;
// answers the submitted bundle case.
export async function submitBundle(who, code, enterprise) {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('picture')]);
  const bundle = (await who.get(`/api/v1/bundles/${code}`)).data;
  const { fields, items } = await mergedFields(who, bundle);
  const draft = await who.post('/api/v1/applications', { bundle: code, ...(enterprise ? { enterprise } : {}), draft: true, fields });
  if (draft.status !== 201) throw new Error(`bundle draft: ${draft.status} ${draft.text}`);
  for (const sub of draft.data.sub_cases) {
    const item = items.find((i) => i.code === sub.item);
    for (const m of item.materials.filter((x) => x.source === 'upload')) {
      const r = await who.request('PUT', `/api/v1/applications/${sub.id}/materials/${m.code}`,
        { body: png, headers: { 'x-file-name': 'scan.png' } });
      if (r.status !== 200) throw new Error(`upload: ${r.status} ${r.text}`);
    }
  }
  const submitted = await who.post(`/api/v1/applications/${draft.data.id}/actions/submit`, {});
  if (submitted.status !== 200) throw new Error(`bundle submit: ${submitted.status} ${submitted.text}`);
  return submitted.data;
}

// Runs the command line without blocking this process (a server the test started may have to
// answer the command meanwhile): resolves to {code, out, err}.
export function runTongban(args) {
  return new Promise((resolvePromise) => {
    const child = spawn(BIN, args, { cwd: ROOT });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolvePromise({ code, out, err }));
  });
}

// A TCP port free on 127.0.0.1 now, for a server that must come back on the same address.
export async function freePort() {
  const server = createNetServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

// A case of `person` on `server` for a simple person item: submitted and accepted by the item's
// department, and refused too (ended, so it may be rated) unless `end` is false. Answers
// {id, data: the application as created, item, reviewer}.
export async function acceptedCase(server, person, { end = true } = {}) {
  const item = await simplePersonItem(person);
  const made = await person.post('/api/v1/applications', { item: item.code, fields: fillFields(item) });
  if (made.status !== 201) throw new Error(`submission: ${made.status} ${made.text}`);
  const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
  const accepted = await reviewer.post(`/api/v1/applications/${made.data.id}/actions/accept`, {});
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${accepted.text}`);
  if (end) {
    const refused = await reviewer.post(`/api/v1/applications/${made.data.id}/actions/refuse`, { reason: '材料不全' });
    if (refused.status !== 200) throw new Error(`refuse: ${refused.status} ${refused.text}`);
  }
  return { id: made.data.id, data: made.data, item, reviewer };
}

// Federation helpers (tests of issue 14 with several platforms on 127.0.0.1).

// Writes a platform's configuration (its code and names, then `extra` YAML) into `dir`; answers
// the file's path for startServer({ extraArgs: ['--config', path] }).
export function writePlatformConfig(dir, code, zh, en, extra = '') {
  const path = join(dir, `${code}.yaml`);
  writeFileSync(path, `platform:\n  code: ${code}\n  name:\n    zh: ${zh}\n    en: ${en}\n  url: https://tongban.${code}.example\n${extra}`);
  return path;
}

// Makes the platform at `baseUrl` trust the peer `code` reached at `peerUrl`, by the fingerprint
// of the list key the peer's GET /api/v1/platform shows; answers the POST's response.
export async function addPeer(baseUrl, code, peerUrl) {
  const admin = await Client.login(baseUrl, 'admin', undefined, { lang: 'en' });
  const platform = (await new Client(peerUrl).get('/api/v1/platform')).data;
  return admin.post('/api/v1/federation/peers', { code, url: peerUrl, fingerprint: platform.list_key.kid });
}

// A cookie session as a browser has it: {cookie, csrf}.
export async function browserSession(baseUrl, username) {
  const r = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`session ${username}: ${r.status}`);
  const set = r.headers.getSetCookie().find((c) => c.startsWith('tongban_session='));
  return { cookie: set.split(';')[0], csrf: (await r.json()).csrf_token };
}

// An HTTP proxy on 127.0.0.1 in front of `target`, so a test can see what one platform posts to
// another: answers {url, posted(path) (the bodies POSTed to that path, in order), close()}; once
// closed, the address refuses connections as a platform that is down does.
export async function startRecordingProxy(target) {
  const http = await import('node:http');
  const bodies = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') bodies.push({ path: req.url, body: body.toString('utf8') });
      const headers = { ...req.headers };
      delete headers.host;
      delete headers.connection;
      try {
        const answer = await fetch(target + req.url, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
        const out = Buffer.from(await answer.arrayBuffer());
        const copied = {};
        answer.headers.forEach((v, k) => { if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding'].includes(k)) copied[k] = v; });
        res.writeHead(answer.status, { ...copied, 'content-length': out.length });
        res.end(out);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    posted: (path) => bodies.filter((b) => b.path === path).map((b) => b.body),
    close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
  };
}
