// The licence pages (issue 10 item 3): the holder's list with status and downloads, the licence
// page with its QR code, and the printable A4 page with the same data and the same QR code, in
// Chinese, English and elder mode; axe-core checks each page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { CITIZEN, checkA11y, go, signIn, start } from './harness.mjs';

let env;
let licenceId;

async function api(path, { token, json } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json) headers['content-type'] = 'application/json';
  const res = await fetch(env.base + path, { method: json ? 'POST' : 'GET', headers, body: json ? JSON.stringify(json) : undefined });
  return { status: res.status, data: await res.json().catch(() => null) };
}

async function login(username) {
  const r = await api('/api/v1/session', { json: { username, password: CITIZEN.password } });
  assert.equal(r.status, 200);
  return r.data.token;
}

before(async () => {
  env = await start();
  // The citizen's social security card, approved and delivered through the API.
  const citizen = await login(CITIZEN.username);
  const reviewer = await login('reviewer.hrss');
  const app = await api('/api/v1/applications', {
    token: citizen,
    json: { item: 'hrss.social-security-card', channel: 'web', fields: { delivery_address: '上海市浦东新区世纪大道100号', contact_phone: '13800138000' } },
  });
  assert.equal(app.status, 201, JSON.stringify(app.data));
  for (const action of ['accept', 'approve', 'deliver']) {
    const r = await api(`/api/v1/applications/${app.data.id}/actions/${action}`, { token: reviewer, json: {} });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.data)}`);
  }
  licenceId = (await api('/api/v1/me/licences', { token: citizen })).data.items[0].id;
});
after(async () => { if (env) await env.stop(); });

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`the licence list, the licence page and the printable page (${mode.lang}${mode.elder ? ', elder' : ''})`, async () => {
    const page = await env.newPage();
    await signIn(env, page, CITIZEN);
    if (mode.lang === 'en') await go(env, page, '/prefs?lang=en&return=/licences');
    if (mode.elder) await go(env, page, '/prefs?elder=1&return=/licences');
    await go(env, page, '/licences');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang === 'en' ? 'en' : 'zh');
    const row = page.locator('tbody tr', { hasText: mode.lang === 'en' ? 'Social security card' : '社会保障卡' });
    assert.equal(await row.count(), 1);
    assert.ok(await row.locator(`a[href="/api/v1/licences/${licenceId}/credential"]`).count());
    assert.ok(await row.locator(`a[href="/licences/${licenceId}/print"]`).count());

    await go(env, page, `/licences/${licenceId}`);
    const screenSvg = await page.locator('.licence-qr svg').innerHTML();
    assert.ok(screenSvg.length > 100, 'the QR code is on the page');

    await go(env, page, `/licences/${licenceId}/print`);
    const printSvg = await page.locator('.licence-qr svg').innerHTML();
    assert.equal(printSvg, screenSvg, 'paper and screen carry the same QR code');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.site-header').isVisible(), false, 'print hides the header');
    assert.ok(await page.locator('.licence-print').isVisible());
    await page.emulateMedia({ media: 'screen' });
    await page.context().close();
  });
}

test('another person cannot open the licence page', async () => {
  const page = await env.newPage();
  await signIn(env, page, { username: 'li.na', password: CITIZEN.password });
  const res = await page.goto(`${env.base}/licences/${licenceId}`);
  assert.equal(res.status(), 404);
  await checkA11y(env, page);
  await page.context().close();
});

test('the jose package verifies our licence credential with nothing but our JWKS', async () => {
  const citizen = await login(CITIZEN.username);
  const res = await fetch(`${env.base}/api/v1/licences/${licenceId}/credential`, { headers: { authorization: `Bearer ${citizen}` } });
  assert.equal(res.status, 200);
  const token = await res.text();
  const jwks = jose.createLocalJWKSet(await (await fetch(`${env.base}/.well-known/jwks.json`)).json());
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, { algorithms: ['EdDSA'], typ: 'vc+jwt' });
  assert.equal(protectedHeader.alg, 'EdDSA');
  assert.equal(payload.id, `urn:tongban:licence:${licenceId}`);
  assert.deepEqual(payload['@context'], ['https://www.w3.org/ns/credentials/v2']);
  assert.equal(payload.credentialSubject.licence_type, 'social_security_card');
  // A changed payload does not verify.
  const [h, p, sig] = token.split('.');
  const changed = JSON.parse(Buffer.from(p, 'base64url').toString());
  changed.credentialSubject.holder_name = '李四';
  const forged = `${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${sig}`;
  await assert.rejects(jose.jwtVerify(forged, jwks, { algorithms: ['EdDSA'] }));
});
