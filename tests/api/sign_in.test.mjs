// Sign-in and sessions against the security review (issue 6): CSRF follows the credential used
// (finding 2), bounded login fields (finding 5), login CSRF and session rotation (finding 7),
// Secure cookies by default (finding 11). Throttling (finding 8) is in throttle.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BIN, DB_KIND, DEMO_PASSWORD, ROOT, Client, createPgDatabase, dropPgDatabase, fillFields, simplePersonItem, startServer,
} from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// One HTTP request with exactly the headers given (fetch would add or refuse some).
// Resolves to {status, headers, text, json, cookies: {name: value}}.
function raw(base, method, path, { headers = {}, json, body } = {}) {
  const h = { ...headers };
  if (json !== undefined) {
    body = JSON.stringify(json);
    h['content-type'] = h['content-type'] ?? 'application/json';
  }
  if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = null;
        try { parsed = JSON.parse(text); } catch { /* a page */ }
        const cookies = {};
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';');
          const eq = pair.indexOf('=');
          cookies[pair.slice(0, eq).trim()] = { value: pair.slice(eq + 1), line };
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json: parsed, cookies });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const form = (fields) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

// The sign-in page's pre-session cookie and the token of its form.
async function loginPage(base) {
  const page = await raw(base, 'GET', '/login');
  assert.equal(page.status, 200);
  const cookie = page.cookies.tongban_login;
  assert.ok(cookie && cookie.value, 'the sign-in page sets its pre-session cookie');
  const token = page.text.match(/name="login_token" value="([^"]+)"/)?.[1];
  assert.equal(token, cookie.value, 'the form carries the same token');
  return { cookie: `tongban_login=${cookie.value}`, token };
}

function signedInCookie(res) {
  const c = res.cookies.tongban_session;
  return c && c.value ? c.value : '';
}

test('finding 2: an Authorization header that is not a valid Bearer token does not turn CSRF off', async () => {
  const bearer = await Client.login(server.url, 'li.na');
  const item = await simplePersonItem(bearer);
  const created = await bearer.post('/api/v1/applications', { item: item.code, channel: 'web', fields: fillFields(item) });
  assert.equal(created.status, 201, created.text);
  const id = created.data.id;
  const session = await raw(server.url, 'POST', '/api/v1/session', { json: { username: 'li.na', password: DEMO_PASSWORD } });
  assert.equal(session.status, 200);
  const cookie = `tongban_session=${signedInCookie(session)}`;
  // What a browser adds on its own for an intranet proxy or single sign-on, and an empty Bearer.
  for (const authorization of ['Basic dXNlcjpwYXNzd29yZA==', 'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==',
    'Negotiate YIIBnwYGKwYBBQUCoIIBkzCCAY+gMDAuBgkqhkiC9xIBAgIGCSqGSIb3', 'Bearer', 'Bearer ']) {
    const api = await raw(server.url, 'POST', `/api/v1/applications/${id}/actions/withdraw`,
      { headers: { cookie, authorization }, json: { reason: 'not me' } });
    assert.equal(api.status, 403, `API with ${authorization.split(' ')[0]}: ${api.text}`);
    assert.equal(api.json.error.code, 'permission_denied');
    const page = await raw(server.url, 'POST', `/applications/${id}/act`,
      { headers: { cookie, authorization, 'content-type': FORM }, body: form({ action: 'withdraw', reason: 'not me' }) });
    assert.equal(page.status, 403, `page with ${authorization.split(' ')[0]}`);
  }
  const unchanged = await bearer.get(`/api/v1/applications/${id}`);
  assert.equal(unchanged.data.state, 'submitted', 'nothing was withdrawn');
  // The cookie session still acts with its CSRF token, and a valid bearer token needs none.
  const withToken = await raw(server.url, 'POST', `/api/v1/applications/${id}/actions/withdraw`,
    { headers: { cookie, authorization: 'Basic dXNlcjpwYXNzd29yZA==', 'x-csrf-token': session.json.csrf_token }, json: {} });
  assert.equal(withToken.status, 200, withToken.text);
  assert.equal(withToken.json.state, 'withdrawn');
});

async function failureBytes(srv) {
  if (DB_KIND === 'postgres') {
    const out = execFileSync('psql', [srv.dbUrl, '-X', '-q', '-t', '-A', '-c',
      "SELECT pg_total_relation_size('login_failures') + coalesce(sum(length(key)), 0) FROM login_failures"], { encoding: 'utf8' });
    return Number(out.trim());
  }
  const path = srv.dbUrl.slice('sqlite:'.length);
  return [path, `${path}-wal`].reduce((n, p) => n + (existsSync(p) ? statSync(p).size : 0), 0);
}

test('finding 5: a 10 MB username is refused on sign-in and stores nothing', async () => {
  const huge = 'a'.repeat(10 * 1024 * 1024);
  const before = await failureBytes(server);
  for (let i = 0; i < 3; i++) {
    const r = await raw(server.url, 'POST', '/api/v1/session', { json: { username: huge, password: 'a-wrong-password' } });
    assert.equal(r.status, 400, r.text.slice(0, 200));
    assert.equal(r.json.error.code, 'invalid_argument');
  }
  const longPassword = await raw(server.url, 'POST', '/api/v1/session',
    { json: { username: 'zhang.wei', password: 'p'.repeat(1025) } });
  assert.equal(longPassword.status, 400);
  const { cookie, token } = await loginPage(server.url);
  const page = await raw(server.url, 'POST', '/login', {
    headers: { cookie, 'content-type': FORM }, body: form({ username: huge, password: 'a-wrong-password', login_token: token }),
  });
  assert.equal(page.status, 400);
  assert.ok(page.text.length < 100000, 'the page does not echo the username back');
  const grown = (await failureBytes(server)) - before;
  assert.ok(grown < 1024 * 1024, `the database grew by ${grown} bytes`);
  // At the limit, usernames still work (and are compared case-insensitively).
  const ok = await raw(server.url, 'POST', '/api/v1/session', { json: { username: ' Zhang.Wei ', password: DEMO_PASSWORD } });
  assert.equal(ok.status, 200, ok.text);
});

test('finding 7: a sign-in from another site is refused and sets no session', async () => {
  // What the review saw: a cross-site form posted to /login was answered 303 with a session cookie.
  const crossSite = await raw(server.url, 'POST', '/login', {
    headers: { origin: 'https://evil.example', 'content-type': FORM },
    body: form({ username: 'zhang.wei', password: DEMO_PASSWORD }),
  });
  assert.equal(crossSite.status, 403);
  assert.equal(signedInCookie(crossSite), '');
  const { cookie, token } = await loginPage(server.url);
  const body = form({ username: 'zhang.wei', password: DEMO_PASSWORD, login_token: token });
  const refusals = [
    ['a foreign Origin', { origin: 'https://evil.example', cookie }],
    ['a foreign Referer and no Origin', { referer: 'https://evil.example/win-a-prize', cookie }],
    ['the right port on another host', { origin: `http://evil.example:${new URL(server.url).port}`, cookie }],
    ['a cross-site fetch', { origin: 'null', 'sec-fetch-site': 'cross-site', cookie }],
    ['a sibling subdomain', { 'sec-fetch-site': 'same-site', cookie }],
  ];
  for (const [what, headers] of refusals) {
    const r = await raw(server.url, 'POST', '/login', { headers: { ...headers, 'content-type': FORM }, body });
    assert.equal(r.status, 403, what);
    assert.equal(signedInCookie(r), '', `${what}: no session cookie`);
  }
  // A cross-site form cannot send the SameSite pre-session cookie, nor know its value.
  for (const [what, headers, fields] of [
    ['no pre-session cookie', {}, { username: 'zhang.wei', password: DEMO_PASSWORD, login_token: token }],
    ['no token in the form', { cookie }, { username: 'zhang.wei', password: DEMO_PASSWORD }],
    // Another token: its first character changed (to one it is not: a random token starts with x one time in 64).
    ['another token', { cookie }, { username: 'zhang.wei', password: DEMO_PASSWORD, login_token: `${token[0] === 'x' ? 'y' : 'x'}${token.slice(1)}` }],
  ]) {
    const r = await raw(server.url, 'POST', '/login', { headers: { ...headers, 'content-type': FORM }, body: form(fields) });
    assert.equal(r.status, 400, what);
    assert.equal(signedInCookie(r), '', `${what}: no session cookie`);
    assert.match(r.text, /name="login_token" value="[^"]+"/, `${what}: the form is shown again, ready to send`);
  }
  // The JSON sign-in: a text/plain cross-site form needs no preflight, so Origin decides.
  const api = await raw(server.url, 'POST', '/api/v1/session', {
    headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
    body: JSON.stringify({ username: 'zhang.wei', password: DEMO_PASSWORD }),
  });
  assert.equal(api.status, 403);
  assert.equal(api.json.error.code, 'permission_denied');
  assert.equal(signedInCookie(api), '');
  const sandboxed = await raw(server.url, 'POST', '/api/v1/session', {
    headers: { origin: 'null', 'content-type': 'text/plain' },
    body: JSON.stringify({ username: 'zhang.wei', password: DEMO_PASSWORD }),
  });
  assert.equal(sandboxed.status, 403, 'the JSON sign-in has no pre-session token: Origin null is refused');
  // The site's own pages and scripts still sign in, with or without Origin (no JavaScript needed);
  // under the pages' Referrer-Policy no-referrer, Chromium sends Origin "null" for this form.
  for (const headers of [{ origin: server.url }, { referer: `${server.url}/login` }, {},
    { origin: 'null', 'sec-fetch-site': 'same-origin' }]) {
    const r = await raw(server.url, 'POST', '/login', { headers: { ...headers, cookie, 'content-type': FORM }, body });
    assert.equal(r.status, 303, JSON.stringify(headers));
    assert.notEqual(signedInCookie(r), '');
    assert.equal(r.cookies.tongban_login?.value, '', 'the pre-session cookie is cleared');
  }
  const own = await raw(server.url, 'POST', '/api/v1/session',
    { headers: { origin: server.url }, json: { username: 'zhang.wei', password: DEMO_PASSWORD } });
  assert.equal(own.status, 200);
});

test('finding 7: signing in ends the session whose cookie came with it', async () => {
  const first = await raw(server.url, 'POST', '/api/v1/session', { json: { username: 'li.na', password: DEMO_PASSWORD } });
  assert.equal(first.status, 200);
  const old = first.json.token;
  const again = await raw(server.url, 'POST', '/api/v1/session',
    { headers: { cookie: `tongban_session=${old}` }, json: { username: 'zhang.wei', password: DEMO_PASSWORD } });
  assert.equal(again.status, 200);
  assert.equal((await new Client(server.url, { token: old }).get('/api/v1/me')).status, 401, 'the API sign-in ended it');
  const current = again.json.token;
  const { cookie, token } = await loginPage(server.url);
  const web = await raw(server.url, 'POST', '/login', {
    headers: { cookie: `${cookie}; tongban_session=${current}`, 'content-type': FORM },
    body: form({ username: 'li.na', password: DEMO_PASSWORD, login_token: token }),
  });
  assert.equal(web.status, 303);
  assert.equal((await new Client(server.url, { token: current }).get('/api/v1/me')).status, 401, 'the page sign-in ended it');
  const fresh = new Client(server.url, { token: signedInCookie(web) });
  assert.equal((await fresh.get('/api/v1/me')).data.username, 'li.na');
});

test('finding 11: session cookies are Secure unless a demo runs on loopback', async () => {
  const isSecure = (line) => /;\s*Secure(;|$)/i.test(line);
  const demo = await raw(server.url, 'POST', '/api/v1/session', { json: { username: 'li.na', password: DEMO_PASSWORD } });
  assert.equal(isSecure(demo.cookies.tongban_session.line), false, 'the demo on 127.0.0.1 over plain HTTP still signs in');

  const dir = mkdtempSync(join(tmpdir(), 'tongban-secure-'));
  const db = DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(dir, 'p.db')}`;
  try {
    const add = spawnSync(BIN, ['user', 'add', '--db', db, '--username', 'wu.lei', '--password-stdin', '--role', 'citizen',
      '--person', '310115199001010010', '--name', '吴磊'], { cwd: ROOT, input: 'a-very-long-secret\n', encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    for (const [extraArgs, secure] of [[[], true], [['--secure-cookies', 'false'], false], [['--demo', '--secure-cookies', 'true'], true]]) {
      const srv = await startServer({ dir, db, demo: false, extraArgs });
      try {
        const r = await raw(srv.url, 'POST', '/api/v1/session', { json: { username: 'wu.lei', password: 'a-very-long-secret' } });
        assert.equal(r.status, 200, r.text);
        assert.equal(isSecure(r.cookies.tongban_session.line), secure, `session cookie with ${extraArgs.join(' ') || 'defaults'}`);
        const page = await raw(srv.url, 'GET', '/login');
        assert.equal(isSecure(page.cookies.tongban_login.line), secure, `pre-session cookie with ${extraArgs.join(' ') || 'defaults'}`);
      } finally {
        await srv.stop();
      }
    }
  } finally {
    if (DB_KIND === 'postgres') dropPgDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
});
