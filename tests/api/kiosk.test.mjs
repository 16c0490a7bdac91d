// Issue 11 item 5 over HTTP: the kiosk flow with cookies, as a kiosk's browser sends them. The
// kiosk is set up with ?centre=; a person's identity code opens a kiosk session (its own cookie,
// Path=/kiosk) that the rest of the site and the API treat as signed out and that the same code
// cannot open twice; the person picks a common service, confirms the pre-filled data (read and
// logged in their access log) and submits; the application records the centre and channel kiosk
// on every event; every kiosk response is no-store; signing out leaves nothing. Signed in, the
// person rates a finished service (issue 13 item 1): only their own ended, unrated cases, a page
// at a time, recorded with channel kiosk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, fillFields, acceptedCase } from './lib.mjs';

const CENTRE = 'pudong-district-centre';
const ITEM = 'hrss.social-security-card';

// A browser's cookie jar for one kiosk, with form posts and no redirect following.
class Kiosk {
  constructor(base, lang = 'en') {
    this.base = base;
    this.lang = lang;
    this.cookies = new Map();
  }

  async request(method, path, form) {
    const headers = { 'accept-language': this.lang };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location'), setCookies: res.headers.getSetCookie() };
  }

  get(path) { return this.request('GET', path); }
  post(path, form) { return this.request('POST', path, form); }
}

const hidden = (html, name) => {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  assert.ok(m, `the page has a ${name} field`);
  return m[1];
};

async function signIn(kiosk, code) {
  const screen = await kiosk.get('/kiosk/code');
  assert.equal(screen.status, 200, screen.text);
  return kiosk.post('/kiosk/sign-in', { code, form_token: hidden(screen.text, 'form_token') });
}

test('issue 11 item 5: the kiosk flow over HTTP, channel kiosk and the centre recorded on the application', async () => {
  const server = await startServer();
  try {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const code = (await citizen.get('/api/v1/me/identity-code')).data.token;
    const kiosk = new Kiosk(server.url);

    // Not set up: the start screen says so. Set up: the centre stays on the device in a cookie.
    let r = await kiosk.get('/kiosk');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.text, /not set up/);
    r = await kiosk.get('/kiosk?centre=nowhere');
    assert.equal(r.status, 400);
    r = await kiosk.get(`/kiosk?centre=${CENTRE}`);
    assert.equal(r.status, 303);
    assert.equal(r.location, '/kiosk');
    assert.equal(kiosk.cookies.get('tongban_kiosk_centre'), CENTRE);
    r = await kiosk.get('/kiosk');
    assert.match(r.text, /href="\/kiosk\/code"/);
    assert.match(r.text, new RegExp(`href="/service-centres/${CENTRE}/ticket"`));

    // Sign in with the code: a session cookie for /kiosk only, HttpOnly.
    r = await signIn(kiosk, code);
    assert.equal(r.status, 303, r.text);
    assert.equal(r.location, '/kiosk/services');
    const sessionCookie = r.setCookies.find((c) => c.startsWith('tongban_kiosk='));
    assert.match(sessionCookie, /Path=\/kiosk;/);
    assert.match(sessionCookie, /HttpOnly/);
    const kioskToken = kiosk.cookies.get('tongban_kiosk');
    assert.ok(kioskToken);

    // Outside the kiosk the session is no session: as a bearer token and as the site's cookie.
    r = await new Client(server.url, { token: kioskToken }).get('/api/v1/me');
    assert.equal(r.status, 401, r.text);
    const site = await fetch(`${server.url}/applications`, { headers: { cookie: `tongban_session=${kioskToken}` }, redirect: 'manual' });
    assert.equal(site.status, 303);
    assert.match(site.headers.get('location'), /^\/login/);

    // The same code again (a photograph of it) opens nothing, with a plain reason.
    const other = new Kiosk(server.url);
    await other.get(`/kiosk?centre=${CENTRE}`);
    r = await signIn(other, code);
    assert.equal(r.status, 401);
    assert.match(r.text, /used already/);
    assert.equal(other.cookies.get('tongban_kiosk'), undefined);

    // Pick a service: only the common ones the kiosk channel offers.
    r = await kiosk.get('/kiosk/services');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.text, new RegExp(`href="/kiosk/apply/${ITEM}"`));
    r = await kiosk.get('/kiosk/apply/market.business-licence');
    assert.equal(r.status, 404);

    // Confirm the pre-filled data: read now, and in the person's access log.
    const before = (await citizen.get('/api/v1/me/access-log')).data.items.length;
    r = await kiosk.get(`/kiosk/apply/${ITEM}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /What we fill in for you/);
    const csrf = hidden(r.text, 'csrf_token');
    const after = (await citizen.get('/api/v1/me/access-log')).data.items.length;
    assert.ok(after > before, `the pre-fill read is logged (${before} → ${after})`);

    // Without the CSRF token nothing is submitted.
    const item = (await citizen.get(`/api/v1/items/${ITEM}`)).data;
    const fields = fillFields(item);
    r = await kiosk.post(`/kiosk/apply/${ITEM}`, fields);
    assert.equal(r.status, 403);
    r = await kiosk.post(`/kiosk/apply/${ITEM}`, { ...fields, csrf_token: csrf });
    assert.equal(r.status, 303, r.text);
    const m = r.location.match(/^\/kiosk\/receipt\/([^/?]+)$/);
    assert.ok(m, r.location);
    const id = m[1];

    // The receipt: reference, item, department, deadline; printable and a "show" view.
    r = await kiosk.get(r.location);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const app = (await citizen.get(`/api/v1/applications/${id}`)).data;
    assert.equal(app.channel, 'kiosk');
    assert.equal(app.centre, CENTRE);
    assert.equal(app.state, 'submitted');
    assert.ok(r.text.includes(app.reference), 'the receipt shows the reference');
    assert.ok(r.text.includes(app.deadline), 'the receipt shows the deadline');
    assert.ok(r.text.includes(item.name?.en ?? item.name), 'the receipt names the item');
    r = await kiosk.get(`/kiosk/receipt/${id}?view=show`);
    assert.ok(r.text.includes(app.reference));
    const events = (await citizen.get(`/api/v1/applications/${id}/events`)).data;
    const list = events.items ?? events;
    assert.ok(list.length >= 1);
    for (const e of list) assert.equal(e.channel, 'kiosk', JSON.stringify(e));

    // Signing out: the start screen, nothing of the person; the old cookie opens nothing.
    r = await kiosk.post('/kiosk/sign-out', { csrf_token: csrf });
    assert.equal(r.status, 303);
    assert.equal(r.location, '/kiosk?signed_out=1');
    assert.equal(kiosk.cookies.get('tongban_kiosk'), undefined);
    r = await kiosk.get(r.location);
    assert.match(r.text, /You are signed out/);
    assert.ok(!r.text.includes(app.reference));
    assert.ok(!r.text.includes(citizen.user.display_name ?? '张伟'));
    kiosk.cookies.set('tongban_kiosk', kioskToken);
    r = await kiosk.get(`/kiosk/receipt/${id}`);
    assert.equal(r.status, 303);
    assert.equal(r.location, '/kiosk?signed_out=1');
  } finally {
    await server.stop();
  }
});

test('issue 11 item 5: a tampered, foreign or malformed code opens no kiosk session, with a plain reason in the person\'s language', async () => {
  const server = await startServer();
  try {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const code = (await citizen.get('/api/v1/me/identity-code')).data.token;
    const [h, p, s] = code.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, name: '李四' })).toString('base64url')}.${s}`;
    const foreign = `${Buffer.from(JSON.stringify({ ...header, kid: 'zj-platform-identity-key' })).toString('base64url')}.${p}.${s}`;
    const en = new Kiosk(server.url, 'en');
    await en.get(`/kiosk?centre=${CENTRE}`);
    let r = await signIn(en, forged);
    assert.equal(r.status, 401);
    assert.match(r.text, /has been changed/);
    r = await signIn(en, foreign);
    assert.equal(r.status, 401);
    assert.match(r.text, /not an identity code of this city/);
    const zh = new Kiosk(server.url, 'zh');
    await zh.get(`/kiosk?centre=${CENTRE}`);
    r = await signIn(zh, 'nonsense');
    assert.equal(r.status, 401);
    assert.match(r.text, /无法识别的随申码/);
    // Without the form's pre-session token (a cross-site form) nothing is checked.
    r = await zh.post('/kiosk/sign-in', { code, form_token: 'x'.repeat(30) });
    assert.equal(r.status, 400);
    // The untouched code still opens one.
    r = await signIn(zh, code);
    assert.equal(r.status, 303, r.text);
  } finally {
    await server.stop();
  }
});

// An ended (refused) case of `person`'s, or only accepted with `end: false`.
const aCase = async (server, person, options) => (await acceptedCase(server, person, options)).data;

test('issue 13 item 1: at the kiosk the person rates a finished service: only theirs, ended and unrated, a page at a time, channel kiosk', async () => {
  const server = await startServer();
  try {
    const citizen = await Client.login(server.url, 'zhang.wei');
    const ended = [];
    for (let i = 0; i < 6; i++) ended.push(await aCase(server, citizen));
    const open = await aCase(server, citizen, { end: false });
    const ratedOnWeb = await aCase(server, citizen);
    assert.equal((await citizen.post(`/api/v1/applications/${ratedOnWeb.id}/rating`, { level: 5 })).status, 201);
    const other = await Client.login(server.url, 'li.na');
    const notHers = await aCase(server, other);

    const kiosk = new Kiosk(server.url);
    await kiosk.get(`/kiosk?centre=${CENTRE}`);
    let r = await signIn(kiosk, (await citizen.get('/api/v1/me/identity-code')).data.token);
    assert.equal(r.status, 303, r.text);
    r = await kiosk.get('/kiosk/services');
    assert.match(r.text, /href="\/kiosk\/rate"/);
    assert.match(r.text, /Rate a finished service/);

    // Newest first, 5 a page: the first page is the 5 newest of the 6 ended, unrated cases (the demo
    // city's older cases come after them); the open, the rated and li.na's are on no page.
    r = await kiosk.get('/kiosk/rate');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const listed = (html) => [...html.matchAll(/href="\/kiosk\/rate\/([^"?]+)"/g)].map((m) => m[1]);
    const first = listed(r.text);
    assert.deepEqual([...first].sort(), ended.slice(1).map((a) => a.id).sort(), r.text);
    const all = [...first];
    for (let pages = 1; ; pages++) {
      const next = r.text.match(/href="(\/kiosk\/rate\?page_token=[^"]+)"/);
      if (!next) break;
      assert.ok(pages < 20, 'the pages end');
      r = await kiosk.get(next[1].replace(/&amp;/g, '&'));
      assert.equal(r.status, 200, r.text);
      all.push(...listed(r.text));
    }
    assert.ok(all.includes(ended[0].id), 'the sixth on a later page');
    assert.equal(new Set(all).size, all.length, 'no case twice');
    for (const id of [open.id, ratedOnWeb.id, notHers.id]) assert.ok(!all.includes(id), id);

    // The form; a level is required; then the rating, channel kiosk.
    const target = ended[0].id;
    r = await kiosk.get(`/kiosk/rate/${target}`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /name="level" value="5"/);
    const csrf = hidden(r.text, 'csrf_token');
    r = await kiosk.post(`/kiosk/rate/${target}`, { csrf_token: csrf, comment: 'ok' });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /Choose a level/);
    r = await kiosk.post(`/kiosk/rate/${target}`, { csrf_token: 'forged', level: '2' });
    assert.equal(r.status, 403);
    r = await kiosk.post(`/kiosk/rate/${target}`, { csrf_token: csrf, level: '2', tag: 'slow', comment: '等了很久' });
    assert.equal(r.status, 303, r.text);
    assert.equal(r.location, '/kiosk/rate?done=rated');
    r = await kiosk.get(r.location);
    assert.match(r.text, /Your rating has been recorded/);
    assert.ok(!listed(r.text).includes(target));
    const rating = await citizen.get(`/api/v1/applications/${target}/rating`);
    assert.equal(rating.status, 200, rating.text);
    assert.equal(rating.data.rating.channel, 'kiosk');
    assert.equal(rating.data.rating.level, 2);
    assert.deepEqual(rating.data.rating.tags, ['slow']);

    // Rated already, not ended, someone else's: refused with the reason (or not found).
    r = await kiosk.get(`/kiosk/rate/${target}`);
    assert.equal(r.status, 409);
    assert.match(r.text, /rated already/);
    r = await kiosk.post(`/kiosk/rate/${target}`, { csrf_token: csrf, level: '5' });
    assert.equal(r.status, 409);
    r = await kiosk.get(`/kiosk/rate/${open.id}`);
    assert.equal(r.status, 409);
    assert.match(r.text, /not ended/);
    r = await kiosk.get(`/kiosk/rate/${notHers.id}`);
    assert.equal(r.status, 404);
    r = await kiosk.post(`/kiosk/rate/${notHers.id}`, { csrf_token: csrf, level: '1' });
    assert.equal(r.status, 404);
    assert.equal((await other.get(`/api/v1/applications/${notHers.id}/rating`)).data.rating, null);

    // Signed out: the rating pages send the kiosk back to the start.
    await kiosk.post('/kiosk/sign-out', { csrf_token: csrf });
    r = await kiosk.get('/kiosk/rate');
    assert.equal(r.status, 303);
    assert.equal(r.location, '/kiosk?signed_out=1');
  } finally {
    await server.stop();
  }
});
