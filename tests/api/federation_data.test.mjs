// Cross-province data requests (issue 14 item 5) with two platform processes on 127.0.0.1, each
// with its own database and keys, peered by fingerprint both ways: Shanghai's market reviewer asks
// Zhejiang for 张伟's population record for a declared purpose with 张伟's consent given in
// Shanghai; Zhejiang checks the purpose against its dataset's federation_purposes, answers with
// provenance and logs the read; Shanghai logs it too, and 张伟 sees it in both platforms' "who read
// my data" (API and page), each naming the other platform. Refusals: a purpose Zhejiang does not
// allow (recorded as refused on both), no or a revoked consent (refused here, nothing sent), an
// unknown peer, the form, a replayed message (409), and Zhejiang down (503, nothing logged).
// Shanghai reaches Zhejiang through a recording proxy, to see the signed messages it posts.
// Runs on PostgreSQL too (TONGBAN_TEST_DB=postgres).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ROOT, addPeer, browserSession, startRecordingProxy, startServer, writePlatformConfig } from './lib.mjs';

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
const en = texts('en');
const zh = texts('zh');
const MESSAGES = '/api/v1/federation/messages';
const REQUESTS = '/api/v1/federation/data-requests';

let dir, sh, zj, proxy, personId;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongban-fedata-'));
  const zjConfig = writePlatformConfig(dir, 'zj', '浙江', 'Zhejiang');
  [sh, zj] = await Promise.all([startServer(), startServer({ extraArgs: ['--config', zjConfig] })]);
  proxy = await startRecordingProxy(zj.url);
  const toZj = await addPeer(sh.url, 'zj', proxy.url);
  assert.equal(toZj.status, 201, toZj.text);
  const toSh = await addPeer(zj.url, 'sh', sh.url);
  assert.equal(toSh.status, 201, toSh.text);
  const zhang = await Client.login(sh.url, 'zhang.wei');
  personId = (await zhang.get('/api/v1/me')).data.person_id;
  assert.match(personId, /^\d{17}[\dX]$/);
});

after(async () => {
  await proxy?.close();
  await Promise.all([sh?.stop(), zj?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

// 张伟's consent in Shanghai for `purpose` ("zj:population:..."): its id.
async function consent(purpose) {
  const zhang = await Client.login(sh.url, 'zhang.wei');
  const r = await zhang.post('/api/v1/me/consents', { purpose });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.data.purpose, purpose);
  return r.data.id;
}

async function reviewer() {
  return Client.login(sh.url, 'reviewer.market', undefined, { lang: 'en' });
}

// 张伟's access-log entries on a platform that name another platform.
async function crossPlatformEntries(base) {
  const zhang = await Client.login(base, 'zhang.wei');
  const log = await zhang.get('/api/v1/me/access-log?page_size=200');
  assert.equal(log.status, 200, log.text);
  return log.data.items.filter((e) => e.platform);
}

const request = (fields) => ({ peer: 'zj', person: personId, dataset: 'population', fields: ['name', 'birth_date'],
  purpose: 'social_assistance', ...fields });

test('data request: answered with provenance and logged on both platforms, each naming the other', async () => {
  const id = await consent('zj:population:social_assistance');
  const official = await reviewer();
  const r = await official.post(REQUESTS, request({ consent: id }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.deepEqual(r.data.peer, { code: 'zj', name: { zh: '浙江', en: 'Zhejiang' } });
  assert.equal(r.data.dataset, 'population');
  assert.equal(r.data.purpose, 'social_assistance');
  assert.equal(r.data.consent, id);
  assert.equal(r.data.records.length, 1);
  const record = r.data.records[0];
  assert.deepEqual(Object.keys(record.values).sort(), ['birth_date', 'name']);
  assert.equal(record.values.name, '张伟');
  assert.match(record.values.birth_date, /^\d{4}-\d\d-\d\d$/);
  assert.deepEqual(record.provenance, { dataset: 'population', record_id: record.record_id, as_of: record.as_of,
    platform: 'zj', message_id: r.data.reply_id });
  assert.match(r.data.reply_id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.notEqual(r.data.reply_id, r.data.request_id);
  // What went to Zhejiang: one signed data.request whose body names no more than the form.
  const posted = proxy.posted(MESSAGES);
  assert.equal(posted.length, 1);
  const payload = JSON.parse(Buffer.from(posted[0].split('.')[1], 'base64url'));
  assert.equal(payload.kind, 'data.request');
  assert.equal(payload.from, 'sh');
  assert.equal(payload.to, 'zj');
  assert.equal(payload.id, r.data.request_id);
  const body = typeof payload.body === 'string' ? JSON.parse(payload.body) : payload.body;
  assert.deepEqual(body.fields, ['name', 'birth_date']);
  assert.equal(body.consent.id, id);
  assert.equal(body.department, 'market');
  assert.equal(body.role, 'reviewer');

  // Shanghai's log: the reviewer, for the purpose, under the consent, from Zhejiang.
  const here = (await crossPlatformEntries(sh.url)).filter((e) => e.purpose === 'social_assistance');
  assert.equal(here.length, 1, JSON.stringify(here));
  assert.equal(here[0].legal_basis, `consent:${id}`);
  assert.equal(here[0].dataset, 'population');
  assert.deepEqual(here[0].fields, ['name', 'birth_date']);
  assert.equal(here[0].accessor.role, 'reviewer');
  assert.equal(here[0].accessor.department, 'market');
  assert.equal(here[0].accessor.user, official.user.id);
  assert.deepEqual(here[0].platform, { code: 'zj', name: { zh: '浙江', en: 'Zhejiang' } });
  assert.equal(here[0].outcome, undefined);
  // Zhejiang's log: Shanghai's market department read it, under the same consent.
  const there = (await crossPlatformEntries(zj.url)).filter((e) => e.purpose === 'social_assistance');
  assert.equal(there.length, 1, JSON.stringify(there));
  assert.equal(there[0].legal_basis, `consent:${id}`);
  assert.deepEqual(there[0].fields, ['name', 'birth_date']);
  assert.equal(there[0].accessor.department, 'market');
  assert.equal(there[0].accessor.role, 'reviewer');
  assert.equal(there[0].platform.code, 'sh');
  assert.equal(there[0].platform.name.en, 'Shanghai');
  assert.equal(there[0].outcome, undefined);
  // The leaf carries the platform (what the log's tree commits to).
  assert.equal(JSON.parse(Buffer.from(there[0].leaf, 'base64')).platform, 'sh');

  // The pages "who read my data" name the other platform, in zh and en.
  for (const [base, name] of [[sh.url, { zh: '浙江', en: 'Zhejiang' }], [zj.url, { zh: '上海', en: 'Shanghai' }]]) {
    const s = await browserSession(base, 'zhang.wei');
    for (const [lang, t] of [['en', en], ['zh', zh]]) {
      const page = await fetch(`${base}/me/access-log`, { headers: { cookie: s.cookie, 'accept-language': lang } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.ok(html.includes(t['access_log.platform'].replace('{detail}', name[lang])), `${base} ${lang}: names ${name[lang]}`);
      assert.ok(html.includes('social_assistance'), `${base} ${lang}: the purpose`);
    }
  }
});

test('data request: a purpose the peer does not allow is refused there and recorded as refused on both', async () => {
  // The peer's rule is public: its dataset's federation_purposes.
  const rule = await new Client(zj.url).get('/api/v1/datasets/population');
  assert.deepEqual(rule.data.federation_purposes, ['social_assistance', 'cross_province_application']);
  const id = await consent('zj:population:marketing');
  const before = proxy.posted(MESSAGES).length;
  const r = await (await reviewer()).post(REQUESTS, request({ purpose: 'marketing', consent: id }));
  assert.equal(r.status, 403, r.text);
  assert.equal(r.data.error.message, en['error.data_request.purpose_not_allowed']);
  assert.equal(proxy.posted(MESSAGES).length, before + 1, 'it was asked');
  for (const [base, other] of [[zj.url, 'sh'], [sh.url, 'zj']]) {
    const refused = (await crossPlatformEntries(base)).filter((e) => e.purpose === 'marketing');
    assert.equal(refused.length, 1, `${base}: ${JSON.stringify(refused)}`);
    assert.equal(refused[0].outcome, 'refused');
    assert.equal(refused[0].platform.code, other);
    assert.equal(refused[0].legal_basis, `consent:${id}`);
  }
  // A field that is not the dataset's is refused there too.
  const id2 = await consent('zj:population:cross_province_application');
  const f = await (await reviewer()).post(REQUESTS, request({ purpose: 'cross_province_application', fields: ['salary'], consent: id2 }));
  assert.equal(f.status, 404, f.text);
  assert.equal(f.data.error.message, en['error.data_request.unknown_field']);
});

test('data request: without the person\'s consent, or with a revoked one, it is refused here and nothing is sent', async () => {
  const official = await reviewer();
  const sent = proxy.posted(MESSAGES).length;
  const zjBefore = (await crossPlatformEntries(zj.url)).length;
  const none = await official.post(REQUESTS, request({ consent: '01JNOSUCHCONSENT0000000000' }));
  assert.equal(none.status, 403, none.text);
  assert.equal(none.data.error.message, en['error.data_request.no_consent']);
  // A consent for another purpose does not cover this one.
  const other = await consent('zj:population:marketing');
  const wrong = await official.post(REQUESTS, request({ consent: other }));
  assert.equal(wrong.status, 403);
  assert.equal(wrong.data.error.message, en['error.data_request.no_consent']);
  // Revoked.
  const id = await consent('zj:population:social_assistance');
  const zhang = await Client.login(sh.url, 'zhang.wei');
  const revoked = await zhang.request('DELETE', `/api/v1/me/consents/${id}`);
  assert.equal(revoked.status, 200, revoked.text);
  const r = await official.post(REQUESTS, request({ consent: id }));
  assert.equal(r.status, 403, r.text);
  assert.equal(r.data.error.message, en['error.data_request.consent_revoked']);
  assert.equal(proxy.posted(MESSAGES).length, sent, 'nothing was sent');
  assert.equal((await crossPlatformEntries(zj.url)).length, zjBefore, 'nothing was read there');
  // A consent for a platform that is no peer cannot be given.
  const notPeer = await new Client(sh.url, { token: zhang.token, lang: 'en' }).post('/api/v1/me/consents', { purpose: 'ah:population:social_assistance' });
  assert.equal(notPeer.status, 400, notPeer.text);
  assert.equal(notPeer.data.error.message, en['error.consent.peer_purpose']);
});

test('data request: an unknown peer, a bad form and callers who are not a department\'s officials are refused', async () => {
  const id = await consent('zj:population:social_assistance');
  const official = await reviewer();
  const unknown = await official.post(REQUESTS, request({ peer: 'ah', consent: id }));
  assert.equal(unknown.status, 404, unknown.text);
  assert.equal(unknown.data.error.message, en['error.federation.unknown_peer']);
  const form = await official.post(REQUESTS, { peer: 'zj', person: '123', dataset: 'Population', fields: [], purpose: 'x y', consent: '' });
  assert.equal(form.status, 400, form.text);
  assert.deepEqual(form.data.error.fields.map((f) => f.field).sort(), ['consent', 'dataset', 'fields', 'person', 'purpose']);
  assert.equal(form.data.error.fields.find((f) => f.field === 'person').message, en['error.data_request.person']);
  const types = await official.post(REQUESTS, request({ fields: 'name', consent: id }));
  assert.equal(types.status, 400);
  const zhLang = await Client.login(sh.url, 'reviewer.market', undefined, { lang: 'zh' });
  const zhForm = await zhLang.post(REQUESTS, request({ person: '123', consent: id }));
  assert.equal(zhForm.data.error.message, zh['error.data_request.person']);
  for (const username of ['admin', 'zhang.wei']) {
    const who = await Client.login(sh.url, username, undefined, { lang: 'en' });
    const r = await who.post(REQUESTS, request({ consent: id }));
    assert.equal(r.status, 403, `${username}: ${r.text}`);
    assert.equal(r.data.error.message, en['error.data_request.officials_only']);
  }
  assert.equal((await new Client(sh.url).post(REQUESTS, request({ consent: id }))).status, 401);
});

test('data request: the same signed data.request posted again to the peer is refused 409 replayed', async () => {
  const [first] = proxy.posted(MESSAGES);
  assert.ok(first, 'a data.request was sent before');
  const zjBefore = (await crossPlatformEntries(zj.url)).length;
  for (const type of ['application/jwt']) {
    const r = await fetch(zj.url + MESSAGES, { method: 'POST', headers: { 'content-type': type, 'accept-language': 'en' }, body: first });
    const text = await r.text();
    assert.equal(r.status, 409, text);
    assert.equal(JSON.parse(text).error.message, en['error.federation.replayed']);
  }
  assert.equal((await crossPlatformEntries(zj.url)).length, zjBefore, 'the replay read nothing');
});

test('data request: the peer down answers 503 unreachable and nothing is logged as read', async () => {
  const id = await consent('zj:population:social_assistance');
  const shBefore = (await crossPlatformEntries(sh.url)).length;
  await proxy.close();
  const r = await (await reviewer()).post(REQUESTS, request({ consent: id }));
  assert.equal(r.status, 503, r.text);
  assert.equal(r.data.error.message, en['error.federation.unreachable']);
  assert.equal((await crossPlatformEntries(sh.url)).length, shBefore, 'nothing logged here');
});
