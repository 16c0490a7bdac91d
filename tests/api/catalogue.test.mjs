// The catalogue as people and other systems read it: where to go for an offline item, the
// standard item code and legal texts, and search (issue 8, findings 11, 12 and 13).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './lib.mjs';

let server;
let anon;
before(async () => {
  server = await startServer();
  anon = new Client(server.url);
});
after(async () => { await server.stop(); });

async function page(path, lang = 'zh-CN') {
  const res = await fetch(server.url + path, { headers: { 'accept-language': lang } });
  assert.equal(res.status, 200, path);
  return res.text();
}

describe('finding 12: offline items say where to go', () => {
  test('finding 12: every centre has an address, opening hours and a phone; items name the centres that take them', async () => {
    const centres = (await anon.get('/api/v1/service-centres')).data.items;
    assert.ok(centres.length >= 20);
    for (const c of centres) {
      assert.ok(c.address.zh && c.address.en, c.code);
      assert.ok(c.opening_hours.zh && c.opening_hours.en, `${c.code} has opening hours`);
      assert.match(c.phone, /^\+?\d[\d -]+\d$/, `${c.code} has a phone`);
    }
    const byCode = new Map(centres.map((c) => [c.code, c]));

    // A personal item done at a window: district and community centres.
    const dibao = (await anon.get('/api/v1/items/civil.minimum-living-allowance')).data;
    assert.equal(dibao.fully_online, false);
    assert.ok(dibao.service_centres.includes('pudong-lujiazui-community'));
    assert.ok(dibao.service_centres.includes('pudong-district-centre'));
    for (const code of dibao.service_centres) assert.ok(byCode.has(code), code);
    // An enterprise item: district centres only.
    const fire = (await anon.get('/api/v1/items/fire.public-gathering-safety-inspection')).data;
    assert.ok(fire.service_centres.length >= 16);
    for (const code of fire.service_centres) assert.equal(byCode.get(code).level, 'district', code);
    // An item with no window channel: nowhere to go.
    const appointment = (await anon.get('/api/v1/items/civil.marriage-registration-appointment')).data;
    assert.deepEqual(appointment.service_centres, []);
    // The list answers carry the same field.
    const list = (await anon.get('/api/v1/items?department=civil')).data.items;
    assert.deepEqual(list.find((i) => i.code === dibao.code).service_centres, dibao.service_centres);
  });

  test('finding 12: the item page shows each centre\'s address, opening hours and phone, by district', async () => {
    const html = await page('/items/civil.minimum-living-allowance');
    const centres = new Map((await anon.get('/api/v1/service-centres')).data.items.map((c) => [c.code, c]));
    const lujiazui = centres.get('pudong-lujiazui-community');
    assert.ok(html.includes(lujiazui.address.zh));
    assert.ok(html.includes(lujiazui.opening_hours.zh));
    assert.ok(html.includes(`>${lujiazui.phone}</a>`));
    const pudong = await page('/items/civil.minimum-living-allowance?district=310115', 'en');
    assert.ok(pudong.includes(lujiazui.address.en));
    assert.ok(!pudong.includes(centres.get('huangpu-district-centre').address.en), 'other districts are left out');
  });
});

describe('finding 13: the standard item code and the legal texts', () => {
  test('finding 13: items carry their standard code (事项编码) and links to the laws they cite', async () => {
    const card = (await anon.get('/api/v1/items/hrss.social-security-card')).data;
    assert.match(card.standard_code, /^[0-9A-Z]{10,40}$/);
    assert.ok(card.legal_texts.length >= 1);
    for (const t of card.legal_texts) {
      assert.ok(card.legal_basis.includes(t.title), t.title);
      assert.match(t.url, /^https:\/\//);
    }
    // Where the catalogue has no standard code, the field is null (never the internal code).
    const appointment = (await anon.get('/api/v1/items/civil.marriage-registration-appointment')).data;
    assert.equal(appointment.standard_code, null);
  });

  test('finding 13: the item page shows the standard code, not the internal slug, and links the legal basis', async () => {
    const card = (await anon.get('/api/v1/items/hrss.social-security-card')).data;
    const html = await page('/items/hrss.social-security-card');
    assert.ok(html.includes(`<dd>${card.standard_code}</dd>`), 'the standard code is shown');
    assert.ok(!/<dd>hrss\.social-security-card<\/dd>/.test(html), 'the internal code is not shown as the item code');
    assert.ok(html.includes(`href="${card.legal_texts[0].url}"`), 'the law is linked');
    const appointment = await page('/items/civil.marriage-registration-appointment');
    assert.ok(!appointment.includes('civil.marriage-registration-appointment</dd>'));
  });
});
