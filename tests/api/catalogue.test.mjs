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

describe('finding 11: search that finds what people type', () => {
  async function search(q, extra = '') {
    const r = await anon.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
    assert.equal(r.status, 200, r.text);
    return r.data;
  }
  const first = async (q, extra) => {
    const { items } = await search(q, extra);
    return items.length ? `${items[0].kind}:${items[0].code}` : 'nothing';
  };

  test('finding 11: each alias finds its item or bundle first (营业执照办理, 开餐馆, 生孩子, 社保)', async () => {
    assert.equal(await first('营业执照办理'), 'item:market.business-licence');
    assert.equal(await first('开餐馆'), 'bundle:open-a-restaurant');
    assert.equal(await first('生孩子'), 'bundle:baby-is-born');
    assert.equal(await first('社保'), 'item:hrss.social-security-card');
    const bundle = (await search('开餐馆')).items[0];
    assert.deepEqual(bundle.applicants, ['enterprise']);
    assert.ok(bundle.items.includes('market.business-licence'));
    // Aliases are catalogue data, in the item and bundle answers.
    assert.ok((await anon.get('/api/v1/items/hrss.social-security-card')).data.aliases.includes('社保'));
    assert.ok((await anon.get('/api/v1/bundles/baby-is-born')).data.aliases.includes('生孩子'));
  });

  test('finding 11: a name match ranks first: 社保 puts 社会保障卡 above 就业登记', async () => {
    const codes = (await search('社保')).items.map((i) => i.code);
    const card = codes.indexOf('hrss.social-security-card');
    const hiring = codes.indexOf('hrss.employment-registration');
    assert.equal(card, 0, codes.join(', '));
    assert.ok(hiring > card, codes.join(', '));
    // The items list ranks the same way.
    const items = (await anon.get(`/api/v1/items?q=${encodeURIComponent('社保')}`)).data.items.map((i) => i.code);
    assert.equal(items[0], 'hrss.social-security-card');
  });

  test('finding 11: pinyin, full or initials, and one wrong character', async () => {
    assert.equal(await first('shebao'), 'item:hrss.social-security-card');
    assert.equal(await first('sbk'), 'item:hrss.social-security-card');
    assert.equal(await first('yyzz'), 'item:market.business-licence');
    assert.equal(await first('yingyezhizhao'), 'item:market.business-licence');
    assert.equal(await first('kaicanguan'), 'bundle:open-a-restaurant');
    assert.equal(await first('营业执找'), 'item:market.business-licence');
    assert.equal(await first('business license'), 'item:market.business-licence');
    assert.equal((await search('宇宙飞船')).total, 0);
  });

  test('finding 11: a person/enterprise filter, for items and bundles', async () => {
    const person = await search('社保', '&applicant=person');
    assert.ok(person.items.length > 0);
    for (const r of person.items) {
      if (r.kind === 'item') assert.equal(r.applicant, 'person', r.code);
      else assert.ok(r.applicants.includes('person'), r.code);
    }
    const enterprise = await search('社保', '&applicant=enterprise');
    assert.equal(enterprise.items[0].code, 'hrss.employment-registration');
    assert.ok(!enterprise.items.some((r) => r.code === 'hrss.social-security-card'));
    assert.equal((await search('开餐馆', '&applicant=person')).total, 0);
    const items = (await anon.get('/api/v1/items?applicant=enterprise&page_size=100')).data.items;
    assert.ok(items.length >= 5);
    for (const i of items) assert.equal(i.applicant, 'enterprise', i.code);
    // A wrong filter value is refused with a message, in the request's language.
    const bad = await anon.get('/api/v1/search?q=x&applicant=robot');
    assert.equal(bad.status, 400);
    assert.equal(bad.data.error.code, 'invalid_argument');
    const badEn = await new Client(server.url, { lang: 'en' }).get('/api/v1/items?applicant=robot');
    assert.equal(badEn.status, 400);
    assert.match(badEn.data.error.message, /person or enterprise/);
  });

  test('finding 11: results page through with next_page_token', async () => {
    const one = await search('', '&page_size=2');
    assert.equal(one.items.length, 2);
    assert.ok(one.total > 30);
    const two = await search('', `&page_size=2&page_token=${one.next_page_token}`);
    assert.notDeepEqual(two.items.map((i) => i.code), one.items.map((i) => i.code));
    assert.equal((await anon.get('/api/v1/search?page_size=0')).status, 400);
  });

  test('finding 11: the search page shows bundles and filters by person or enterprise; the home page shows curated lists', async () => {
    const html = await page(`/items?q=${encodeURIComponent('生孩子')}`);
    assert.ok(html.includes('href="/bundles/baby-is-born"'));
    const enterprise = await page(`/items?q=${encodeURIComponent('社保')}&applicant=enterprise`);
    assert.ok(enterprise.includes('href="/items/hrss.employment-registration"'));
    assert.ok(!enterprise.includes('href="/items/hrss.social-security-card"'));
    const bundle = await page('/bundles/baby-is-born');
    assert.ok(bundle.includes('href="/items/hrss.social-security-card"'));
    const home = await page('/');
    // 常办事项 come from popular.yaml, not the alphabet: the social security card leads for people.
    const person = home.indexOf('id="popular-person"');
    const ent = home.indexOf('id="popular-enterprise"');
    assert.ok(person > 0 && ent > person);
    const firstPerson = home.slice(person).match(/href="\/items\/([^"]+)"/)[1];
    assert.equal(firstPerson, 'hrss.social-security-card');
    const agent = await Client.login(server.url, 'wang.fang');
    const agentHome = await fetch(server.url + '/', { headers: { authorization: `Bearer ${agent.token}` } });
    const agentHtml = await agentHome.text();
    assert.ok(agentHtml.includes('id="popular-enterprise"'));
    assert.ok(!agentHtml.includes('id="popular-person"'));
  });
});

describe('finding 15: language and date formats', () => {
  test('finding 15: en-US gets English only when it prefers English over Chinese', async () => {
    const lang = async (accept) => {
      const res = await fetch(server.url + '/items', { headers: { 'accept-language': accept } });
      return (await res.text()).match(/<html lang="([a-z]+)"/)[1];
    };
    assert.equal(await lang('en-US,en;q=0.9,zh-CN;q=0.8'), 'en');
    assert.equal(await lang('zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7'), 'zh');
    assert.equal(await lang('en-US;q=0.5,zh-CN;q=0.9'), 'zh');
    assert.equal(await lang('zh-TW,en;q=0.5'), 'zh');
    assert.equal(await lang('fr-FR,en;q=0.5'), 'en');
    const r = await new Client(server.url, { lang: 'en-US;q=0.3, zh;q=0.8' }).get('/api/v1/items/nothing');
    assert.equal(r.status, 404);
    assert.match(r.data.error.message, /[\u4e00-\u9fff]/, 'the message is in Chinese');
  });
});
