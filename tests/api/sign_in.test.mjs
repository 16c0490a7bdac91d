// Sign-in and sessions against the security review (issue 6): CSRF follows the credential used
// (finding 2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { DEMO_PASSWORD, Client, fillFields, simplePersonItem, startServer } from './lib.mjs';

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
