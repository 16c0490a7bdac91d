// Pilots (先行先试, issue 13 item 5): a variant of an item and a bundle enabled in 浦东新区 first are
// seen only there (by the person's registered district, or the district a visitor chooses) until
// the catalogue is published with the pilot promoted city-wide; an application keeps the variant it
// was created with. Runs on SQLite and on PostgreSQL (TONGBAN_TEST_DB=postgres).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, Client, fillFields, startServer } from './lib.mjs';

const ITEM = 'civil.minimum-living-allowance';
const PILOT = 'pudong-low-income-online';
const BUNDLE = 'close-a-business';
const PUDONG = '310115';
const HUANGPU = '310101';

async function until(check) {
  for (let i = 0; i < 75; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

test('a pilot is seen only in its district until promoted, and an application keeps its variant', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tongban-pilots-'));
  const server = await startServer({ extraArgs: ['--catalogue-refresh-seconds', '1'] });
  try {
    const anon = new Client(server.url);
    // The pilots, public.
    const pilots = await anon.get('/api/v1/pilots');
    assert.equal(pilots.status, 200, pilots.text);
    const pilot = pilots.data.items.find((p) => p.code === PILOT);
    assert.ok(pilot, 'the demo pilot is listed');
    assert.deepEqual(pilot.districts, [PUDONG]);
    assert.equal(pilot.city, false);
    assert.equal(pilot.item_variant.item, ITEM);
    assert.ok(pilots.data.items.some((p) => p.bundle === BUNDLE));

    const base = (await anon.get(`/api/v1/items/${ITEM}`)).data;
    assert.equal(base.pilot, null, 'a visitor who chose no district sees the item as it is');
    assert.ok(base.promised_limit_days > pilot.item_variant.promised_limit_days);
    assert.ok(base.materials.some((m) => m.code === 'income_proof'));

    // 张伟 is registered in 浦东新区, 陈国强 in 黄浦区 (the demo city).
    const zhang = await Client.login(server.url, 'zhang.wei');
    const chen = await Client.login(server.url, 'chen.guoqiang');
    const seen = (await zhang.get(`/api/v1/items/${ITEM}`)).data;
    assert.equal(seen.pilot?.code, PILOT, 'a Pudong person sees the variant');
    assert.equal(seen.promised_limit_days, pilot.item_variant.promised_limit_days);
    assert.equal(seen.fully_online, true);
    assert.ok(!seen.materials.some((m) => m.code === 'income_proof'), 'shared data replaces the dropped material');
    assert.equal(seen.legal_limit_days, base.legal_limit_days);
    const other = (await chen.get(`/api/v1/items/${ITEM}`)).data;
    assert.equal(other.pilot, null, 'a Huangpu person does not');
    assert.equal(other.promised_limit_days, base.promised_limit_days);

    // A visitor chooses a district; a code that is no district says what to fix.
    assert.equal((await anon.get(`/api/v1/items/${ITEM}?district=${PUDONG}`)).data.pilot?.code, PILOT);
    assert.equal((await anon.get(`/api/v1/items/${ITEM}?district=${HUANGPU}`)).data.pilot, null);
    const bad = await anon.get(`/api/v1/items/${ITEM}?district=999999`, { headers: { 'accept-language': 'en' } });
    assert.equal(bad.status, 400);
    assert.match(bad.data.error.message, /district code/);
    // The lists and the search answer the same variant.
    const listed = (await zhang.get('/api/v1/items?department=civil')).data.items.find((i) => i.code === ITEM);
    assert.equal(listed.pilot?.code, PILOT);
    assert.equal((await chen.get('/api/v1/items?department=civil')).data.items.find((i) => i.code === ITEM).pilot, null);
    const found = (await zhang.get('/api/v1/search?q=' + encodeURIComponent('最低生活保障'))).data.items.find((i) => i.code === ITEM);
    assert.equal(found.pilot?.code, PILOT);
    assert.equal(found.fully_online, true);

    // The bundle is offered in Pudong only.
    const bundlesOf = async (who, q = '') => (await who.get('/api/v1/bundles' + q)).data.items.map((b) => b.code);
    assert.ok((await bundlesOf(zhang)).includes(BUNDLE));
    assert.ok(!(await bundlesOf(chen)).includes(BUNDLE));
    assert.ok(!(await bundlesOf(anon)).includes(BUNDLE));
    assert.ok((await bundlesOf(anon, `?district=${PUDONG}`)).includes(BUNDLE));
    // The search leaves it out where it is not offered, as the list does.
    const searched = async (who, q = '') => (await who.get('/api/v1/search?q=' + encodeURIComponent('注销') + q)).data.items
      .filter((i) => i.kind === 'bundle').map((b) => b.code);
    assert.ok((await searched(zhang)).includes(BUNDLE));
    assert.ok(!(await searched(chen)).includes(BUNDLE));
    assert.ok(!(await searched(anon)).includes(BUNDLE));
    assert.ok((await searched(anon, `&district=${PUDONG}`)).includes(BUNDLE));
    const one = (await chen.get(`/api/v1/bundles/${BUNDLE}`)).data;
    assert.equal(one.offered, false);
    assert.equal(one.pilot.code, 'pudong-close-a-business');

    // Applications are created with the variant of the applicant's district.
    const draft = async (who) => {
      const r = await who.post('/api/v1/applications', { item: ITEM, channel: 'web', draft: true, fields: {} });
      assert.equal(r.status, 201, r.text);
      return r.data;
    };
    const zhangs = await draft(zhang);
    assert.equal(zhangs.pilot, PILOT);
    assert.ok(!zhangs.materials.some((m) => m.code === 'income_proof'));
    const chens = await draft(chen);
    assert.equal(chens.pilot, null);
    assert.ok(chens.materials.some((m) => m.code === 'income_proof'));

    // Promotion: the catalogue published with the pilot city-wide, with a reason (a decision record).
    cpSync(join(ROOT, 'catalogue'), join(tmp, 'cat'), { recursive: true });
    const file = join(tmp, 'cat/pilots.yaml');
    const original = readFileSync(file, 'utf8');
    const promoted = original.replace(`    districts: ["${PUDONG}"]\n    item_variant:`, '    city: true\n    item_variant:');
    assert.notEqual(promoted, original);
    writeFileSync(file, promoted);
    const published = spawnSync(BIN, ['catalogue', 'publish', join(tmp, 'cat'), '--db', server.dbUrl,
      '--reason', 'the Pudong pilot worked: fully online everywhere', '--by', 'reform.office'],
    { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
    assert.equal(published.status, 0, published.stderr);
    assert.ok(await until(async () => (await chen.get(`/api/v1/items/${ITEM}`)).data.pilot?.code === PILOT),
      'after promotion the Huangpu person sees the variant');
    const everyone = (await anon.get(`/api/v1/items/${ITEM}`)).data;
    assert.equal(everyone.pilot?.city, true);
    assert.equal(everyone.promised_limit_days, pilot.item_variant.promised_limit_days);
    assert.ok(!(await bundlesOf(chen)).includes(BUNDLE), 'the bundle pilot was not promoted');

    // Applications created before keep what they were created with; new ones get the variant.
    assert.equal((await zhang.get(`/api/v1/applications/${zhangs.id}`)).data.pilot, PILOT);
    const before = (await chen.get(`/api/v1/applications/${chens.id}`)).data;
    assert.equal(before.pilot, null);
    assert.ok(before.materials.some((m) => m.code === 'income_proof'));
    const chensAfter = await draft(chen);
    assert.equal(chensAfter.pilot, PILOT);

    // Submitted now, each keeps its promised limit: 陈国强's draft from before the promotion the
    // item's, the others the pilot's (the deadlines are the same working-day count from today).
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('scan')]);
    const submit = async (who, app) => {
      const patched = await who.request('PATCH', `/api/v1/applications/${app.id}`, { json: { fields: fillFields(base) } });
      assert.equal(patched.status, 200, patched.text);
      for (const m of app.materials.filter((x) => x.status === 'missing')) {
        const r = await who.request('PUT', `/api/v1/applications/${app.id}/materials/${m.code}`,
          { body: png, headers: { 'x-file-name': 'scan.png' } });
        assert.equal(r.status, 200, r.text);
      }
      const r = await who.post(`/api/v1/applications/${app.id}/actions/submit`, {});
      assert.equal(r.status, 200, r.text);
      return r.data.deadline;
    };
    const zhangsDeadline = await submit(zhang, zhangs);
    const chensDeadline = await submit(chen, chens);
    const newDeadline = await submit(chen, chensAfter);
    assert.equal(newDeadline, zhangsDeadline);
    assert.ok(chensDeadline > zhangsDeadline, `${chensDeadline} is after ${zhangsDeadline}`);

    // The promotion is a decision record, compared side by side with the version before.
    const office = await Client.login(server.url, 'reform.office');
    const versions = (await office.get('/api/v1/catalogue/versions')).data.items;
    assert.equal(versions[0].reason, 'the Pudong pilot worked: fully online everywhere');
    const c = await office.get(`/api/v1/catalogue/versions/${versions[0].version}/comparison?with=${versions[1].version}`);
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(c.data.files.map((f) => [f.path, f.change]), [['pilots.yaml', 'changed']]);
    assert.ok(c.data.files[0].rows.some((r) => r.kind !== 'same' && /city: true/.test(r.new ?? '')));
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('pilots: a bundle outside its pilot districts is refused with a plain reason', async () => {
  const server = await startServer();
  try {
    const chen = await Client.login(server.url, 'chen.guoqiang', undefined, { lang: 'en' });
    const r = await chen.post('/api/v1/applications', { bundle: BUNDLE, draft: true, fields: {} });
    assert.equal(r.status, 403, r.text);
    assert.match(r.data.error.message, /pilot districts/);
  } finally {
    await server.stop();
  }
});
