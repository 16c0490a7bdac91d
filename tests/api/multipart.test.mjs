// The upload page's multipart form (security review, finding 12): a body that is not a
// well-formed multipart form answers 400 with a message about the form, not 403 "CSRF" (the CSRF
// token travels inside the form, so it cannot be read from a broken one).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, fillFields, ROOT, DEMO_PASSWORD } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  .replace(/'/g, '&#39;');

// Signs in as an enterprise agent with a browser's cookie; returns {cookie, id} of a new draft
// of an item that needs uploads.
async function cookieAndDraft() {
  const res = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'wang.fang', password: DEMO_PASSWORD }) });
  assert.equal(res.status, 200);
  const { token } = await res.json();
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const agent = new Client(server.url, { token });
  const me = (await agent.get('/api/v1/me')).data;
  const item = (await agent.get('/api/v1/items/market.business-licence')).data;
  const draft = await agent.post('/api/v1/applications',
    { item: item.code, enterprise: me.enterprises[0].code, draft: true, fields: fillFields(item) });
  assert.equal(draft.status, 201, draft.text);
  return { cookie, id: draft.data.id };
}

function upload(id, cookie, contentType, body) {
  return fetch(`${server.url}/applications/${id}/materials`, { method: 'POST', redirect: 'manual',
    headers: { cookie, 'content-type': contentType, 'accept-language': 'en' }, body });
}

test('finding 12: a malformed multipart upload answers 400 about the form, not 403 CSRF', async () => {
  const { cookie, id } = await cookieAndDraft();
  const message = escapeHtml(texts('en')['error.upload.form']);
  const malformed = [
    ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nabc'],  // never closed
    ['multipart/form-data', '--XyZ\r\n\r\n--XyZ--\r\n'],  // no boundary parameter
    ['multipart/form-data; boundary=XyZ', 'not a multipart body at all'],
    ['text/plain', 'material=x'],
  ];
  for (const [type, body] of malformed) {
    const r = await upload(id, cookie, type, body);
    const page = await r.text();
    assert.equal(r.status, 400, `${type}: ${page.slice(0, 300)}`);
    assert.ok(page.includes(message), `the page says what went wrong with the form (${type})`);
  }
  const app = await (await fetch(`${server.url}/api/v1/applications/${id}`, { headers: { cookie } })).json();
  assert.ok(app.materials.every((m) => m.status !== 'uploaded'), 'nothing was attached');
});

test('finding 12: a well-formed upload without the CSRF token is still refused with 403', async () => {
  const { cookie, id } = await cookieAndDraft();
  const body = '--XyZ\r\nContent-Disposition: form-data; name="material"\r\n\r\narticles_of_association\r\n'
    + '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    + '%PDF-1.7\n%%EOF\n\r\n--XyZ--\r\n';
  const r = await upload(id, cookie, 'multipart/form-data; boundary=XyZ', body);
  assert.equal(r.status, 403);
});
