// Issue 8, points 1 and 3, black box against the real binary (SQLite, or PostgreSQL with
// TONGBAN_TEST_DB): enterprises apply on the web (the enterprise switcher, kept with the session),
// the administrator's rights page, the enterprise's applications on "my applications", and
// officials opening uploaded files (each read recorded with the case).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, fillFields, ROOT } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
const TAX = 'tax.tax-clearance-certificate';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('picture')]);

// A page as a browser asks for it, redirects not followed (a bearer token stands in for the
// cookie and needs no CSRF token).
async function pageRequest(who, method, path, body) {
  const headers = { authorization: `Bearer ${who.token}`, accept: 'text/html' };
  if (who.lang) headers['accept-language'] = who.lang;
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(server.url + path, { method, headers, body, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const postForm = (who, path, fields) => pageRequest(who, 'POST', path, new URLSearchParams(fields).toString());
const page = (who, path) => pageRequest(who, 'GET', path);
const enterpriseOf = async (who) => (await who.get('/api/v1/me')).data.enterprises[0].code;

test('point 1: an enterprise administrator saves a draft of 清税证明 on the web, then submits it', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  // One enterprise: it is chosen on its own, and the form says for whom.
  const form = await page(admin, `/apply/${TAX}`);
  assert.equal(form.status, 200, form.text.slice(0, 300));
  assert.ok(form.text.includes('上海浦江示范餐饮有限公司'), 'the form names the enterprise');
  const saved = await postForm(admin, `/apply/${TAX}`, { intent: 'save', contact_phone: '13800138000' });
  assert.equal(saved.status, 303, saved.text.slice(0, 500));
  const id = new URL(saved.headers.get('location'), server.url).searchParams.get('application');
  assert.ok(id, saved.headers.get('location'));
  const draft = (await admin.get(`/api/v1/applications/${id}`)).data;
  assert.equal(draft.state, 'draft');
  assert.equal(draft.applicant.enterprise, code);
  // Continuing leads to check your answers, which sends it.
  const checked = await postForm(admin, `/apply/${TAX}`, { intent: 'check', application: id, contact_phone: '13800138000' });
  assert.equal(checked.status, 303, checked.text.slice(0, 500));
  assert.equal(checked.headers.get('location'), `/applications/${id}/check`);
  const sent = await postForm(admin, `/applications/${id}/act`, { action: 'submit' });
  assert.equal(sent.status, 303, sent.text.slice(0, 500));
  assert.equal(sent.headers.get('location'), `/applications/${id}/submitted`);
  assert.equal((await admin.get(`/api/v1/applications/${id}`)).data.state, 'submitted');
});

test('point 1: the switcher offers only the agent\'s enterprises, and an enterprise item asks for one first', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const agent = await Client.login(server.url, 'zhao.lei', undefined, { lang: 'en' });
  // No rights yet: the apply page sends the agent to the switcher, which has nothing to offer.
  const apply = await page(agent, `/apply/${TAX}`);
  assert.equal(apply.status, 303);
  assert.match(apply.headers.get('location'), /^\/enterprise\?needed=1&return=/);
  const switcher = await page(agent, apply.headers.get('location'));
  assert.equal(switcher.status, 200);
  assert.ok(switcher.text.includes(texts('en')['enterprise.none'].replace(/'/g, '&apos;')));
  const refused = await postForm(agent, '/enterprise', { enterprise: code, return: `/apply/${TAX}` });
  assert.equal(refused.status, 403, refused.text.slice(0, 300));
  assert.ok(refused.text.includes(texts('en')['error.enterprise.not_agent'].replace(/'/g, '&apos;')));
  const missing = await postForm(admin, '/enterprise', { return: '/applications' });
  assert.equal(missing.status, 400);
  assert.ok(missing.text.includes(texts('zh')['error.enterprise.choose']));
  // Only a local return path is followed.
  const away = await postForm(admin, '/enterprise', { enterprise: code, return: '//evil.example/' });
  assert.equal(away.status, 303);
  assert.equal(away.headers.get('location'), '/applications');
});

test('point 1: the administrator grants and withdraws an agent\'s rights on the rights page; the agent\'s list follows', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const agent = await Client.login(server.url, 'zhao.lei');
  // An application for the enterprise made through the API.
  const item = (await admin.get(`/api/v1/items/${TAX}`)).data;
  const made = await admin.post('/api/v1/applications', { item: TAX, enterprise: code, fields: fillFields(item) });
  assert.equal(made.status, 201, made.text);

  const rights = await page(admin, `/enterprises/${code}/agents`);
  assert.equal(rights.status, 200, rights.text.slice(0, 300));
  assert.ok(rights.text.includes('zhao.lei'));
  assert.equal((await page(agent, `/enterprises/${code}/agents`)).status, 403, 'only the administrator');
  const unknownAgent = await postForm(admin, `/enterprises/${code}/agents`, { username: 'no.such-agent', intent: 'grant', may_apply: '1' });
  assert.equal(unknownAgent.status, 400);
  assert.ok(unknownAgent.text.includes(texts('zh')['error.grant.not_agent']));

  const granted = await postForm(admin, `/enterprises/${code}/agents`,
    { username: 'zhao.lei', intent: 'grant', may_apply: '1', item: TAX });
  assert.equal(granted.status, 303, granted.text.slice(0, 300));
  const grant = (await agent.get('/api/v1/me')).data.enterprises[0];
  assert.deepEqual([grant.may_apply, grant.may_withdraw, grant.items], [true, false, [TAX]]);

  assert.equal((await postForm(agent, '/enterprise', { enterprise: code, return: '/applications' })).status, 303);
  const listed = await page(agent, '/applications');
  assert.equal(listed.status, 200);
  assert.ok(listed.text.includes(`/applications/${made.data.id}`), 'the agent sees the enterprise\'s application');
  assert.ok(listed.text.includes('上海浦江示范餐饮有限公司'));

  const withdrawn = await postForm(admin, `/enterprises/${code}/agents`, { username: 'zhao.lei', intent: 'withdraw' });
  assert.equal(withdrawn.status, 303);
  const after = await page(agent, '/applications');
  assert.equal(after.status, 200, after.text.slice(0, 300));
  assert.ok(!after.text.includes(`/applications/${made.data.id}`), 'no longer');
  assert.equal((await agent.get('/api/v1/me')).data.enterprises[0].may_apply, false);
});

test('point 3: a reviewer opens an uploaded file; the read is recorded with the case and shown in the timeline', async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = await enterpriseOf(admin);
  const item = (await admin.get('/api/v1/items/market.business-licence')).data;
  const draft = await admin.post('/api/v1/applications', { item: item.code, enterprise: code, draft: true, fields: fillFields(item) });
  assert.equal(draft.status, 201, draft.text);
  const id = draft.data.id;
  const uploads = item.materials.filter((m) => m.source === 'upload');
  for (const m of uploads) {
    const r = await admin.request('PUT', `/api/v1/applications/${id}/materials/${m.code}`,
      { body: PNG, headers: { 'x-file-name': encodeURIComponent('章程 "final".png') } });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal((await admin.post(`/api/v1/applications/${id}/actions/submit`, {})).status, 200);
  const material = uploads[0];

  const reviewer = await Client.login(server.url, 'reviewer.market');
  const detail = await page(reviewer, `/applications/${id}`);
  const href = `/applications/${id}/materials/${material.code}/file`;
  assert.ok(detail.text.includes(`href="${href}"`), 'the material links to its file');
  const file = await page(reviewer, href);
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'image/png');
  assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
  const disposition = file.headers.get('content-disposition');
  assert.match(disposition, /^attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8''/);
  assert.ok(disposition.includes(encodeURIComponent('章程').toUpperCase()) || disposition.includes('%E7%AB%A0'));
  assert.ok(!/[\r\n]/.test(disposition));

  const events = (await admin.get(`/api/v1/applications/${id}/events`)).data.items;
  const read = events[events.length - 1];
  assert.equal(read.action, 'view_material');
  assert.equal(read.actor_role, 'reviewer');
  assert.equal(read.reason, material.code);
  const timeline = await page(reviewer, `/applications/${id}`);
  const words = timeline.text.replace(/<[^>]+>/g, '');
  assert.ok(words.includes(`查看了材料: ${material.name.zh}`), 'the timeline says it in plain words');

  // The API's download is the same read.
  const api = await reviewer.get(`/api/v1/applications/${id}/materials/${material.code}`);
  assert.equal(api.status, 200);
  assert.match(api.headers.get('content-disposition'), /^attachment; filename="/);
  const again = (await admin.get(`/api/v1/applications/${id}/events`)).data.items;
  assert.equal(again.length, events.length + 1);

  // The applicant opens their own file without a record; another department cannot open it.
  assert.equal((await page(admin, href)).status, 200);
  assert.equal((await admin.get(`/api/v1/applications/${id}/events`)).data.items.length, again.length);
  const stranger = await Client.login(server.url, 'reviewer.hrss');
  assert.equal((await page(stranger, href)).status, 404);
  assert.equal((await admin.get(`/api/v1/applications/${id}/events`)).data.items.length, again.length);
});
