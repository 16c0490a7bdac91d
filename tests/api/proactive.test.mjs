// Benefits without applying (免申即享, issue 12 item 1): the daily job offers the elderly allowance
// the month a person turns 65. 王秀英 (a demo account who turns 65 this month) finds it on her
// homepage after the job's first run at start-up and confirms it through the API; a person loaded
// with `data load` is offered it by `tongban jobs run proactive` (the operators' trigger), once
// however often it runs, and declines it. Officials see an offer only once it is confirmed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, Client, DEMO_PASSWORD, ROOT, startServer } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

function run(args, input) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 120000, input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// The city's today (UTC+8) as YYYY-MM-DD.
function cityToday() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function offersOf(client, { atLeast = 1, seconds = 30 } = {}) {
  const until = Date.now() + seconds * 1000;
  while (true) {
    const home = await client.get('/api/v1/me/home');
    assert.equal(home.status, 200, home.text);
    if (home.data.offers.length >= atLeast || Date.now() > until) return home.data.offers;
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('proactive: 王秀英 turns 65 this month; the job at start-up offered her the allowance and she confirms it', async () => {
  const wang = await Client.login(server.url, 'wang.xiuying');
  const offers = await offersOf(wang);
  assert.equal(offers.length, 1, JSON.stringify(offers));
  const offer = offers[0];
  assert.equal(offer.item, 'civil.elderly-allowance');
  assert.equal(offer.state, 'offered');
  assert.ok(offer.answer_by, 'an ask offer waits for an answer until a date');
  assert.equal(offer.fields.contact_phone, '13800138707', 'pre-filled from her account');
  assert.deepEqual(offer.missing, []);
  // The platform's step, in her timeline.
  const events = await wang.get(`/api/v1/applications/${offer.id}/events`);
  assert.equal(events.status, 200, events.text);
  const list = events.data.items;
  assert.equal(list[0].action, 'offer');
  assert.equal(list[0].actor_role, 'platform');
  // Her inbox has the offer.
  const messages = await wang.get('/api/v1/me/messages');
  assert.equal(messages.status, 200, messages.text);
  assert.ok(JSON.stringify(messages.data).includes('proactive_offered'), messages.text);
  // The department does not see it before she confirms.
  const reviewer = await Client.login(server.url, 'reviewer.civil');
  assert.equal((await reviewer.get(`/api/v1/applications/${offer.id}`)).status, 404);
  // One step: confirm.
  const confirmed = await wang.post(`/api/v1/applications/${offer.id}/actions/confirm`, {});
  assert.equal(confirmed.status, 200, confirmed.text);
  assert.equal(confirmed.data.state, 'submitted');
  assert.ok(confirmed.data.deadline);
  assert.equal((await reviewer.get(`/api/v1/applications/${offer.id}`)).status, 200);
  assert.equal((await offersOf(wang, { atLeast: 0, seconds: 0 })).length, 0);
  // Answered once: a second answer conflicts.
  assert.equal((await wang.post(`/api/v1/applications/${offer.id}/actions/decline`, {})).status, 409);
});

test('proactive: `tongban jobs run proactive` offers a newly loaded person once, however often it runs; they decline', async () => {
  const today = cityToday();
  const [year, month] = today.split('-');
  const birth = `${Number(year) - 65}-${month}-01`;
  const id = residentId(`310115${birth.replaceAll('-', '')}818`);
  const dir = mkdtempSync(join(tmpdir(), 'tongban-proactive-'));
  try {
    const population = join(dir, 'population.jsonl');
    writeFileSync(population, JSON.stringify({ subject_id: id, name: '李秀兰', id_number: id, sex: '女', birth_date: birth }) + '\n');
    const households = join(dir, 'households.jsonl');
    writeFileSync(households, JSON.stringify({
      subject_id: id, record_id: 'H-PROACTIVE-1', household_id: 'H-PROACTIVE-1', head_id_number: id,
      relation_to_head: '户主', registered_address: '上海市浦东新区世纪大道1号', district: '310115',
    }) + '\n');
    for (const [dataset, file] of [['population', population], ['household_registration', households]]) {
      const loaded = run(['data', 'load', dataset, file, '--db', server.dbUrl]);
      assert.equal(loaded.code, 0, loaded.err);
    }
    const added = run(['user', 'add', '--db', server.dbUrl, '--username', 'li.xiulan', '--role', 'citizen',
      '--person', id, '--name', '李秀兰', '--password-stdin'], `${DEMO_PASSWORD}\n`);
    assert.equal(added.code, 0, added.err);
    const first = run(['jobs', 'run', 'proactive', '--db', server.dbUrl]);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /\b1 offered\b/, first.out);
    const second = run(['jobs', 'run', 'proactive', '--db', server.dbUrl]);
    assert.equal(second.code, 0, second.err);
    assert.match(second.out, /\b0 offered\b/, second.out);
    assert.notEqual(run(['jobs', 'run', 'no-such-job', '--db', server.dbUrl]).code, 0);

    const li = await Client.login(server.url, 'li.xiulan');
    const offers = await offersOf(li);
    assert.equal(offers.length, 1);
    const offer = offers[0];
    // She has no phone on record: the offer asks for it when confirming.
    assert.deepEqual(offer.missing, ['contact_phone']);
    const missing = await li.post(`/api/v1/applications/${offer.id}/actions/confirm`, {});
    assert.equal(missing.status, 400, missing.text);
    assert.ok(missing.data.error.fields.some((f) => f.field === 'contact_phone'), missing.text);
    const wrong = await li.post(`/api/v1/applications/${offer.id}/actions/confirm`, { fields: { contact_phone: 'call me' } });
    assert.equal(wrong.status, 400, wrong.text);
    assert.equal((await li.get(`/api/v1/applications/${offer.id}`)).data.state, 'offered', 'a wrong answer changes nothing');
    // An action that is not an answer to an offer is refused.
    assert.equal((await li.post(`/api/v1/applications/${offer.id}/actions/submit`, {})).status, 403);
    const declined = await li.post(`/api/v1/applications/${offer.id}/actions/decline`, { reason: '已在外地领取' });
    assert.equal(declined.status, 200, declined.text);
    assert.equal(declined.data.state, 'declined');
    assert.equal((await li.post(`/api/v1/applications/${offer.id}/actions/confirm`, {})).status, 409);
    // Running again does not offer it a second time.
    const third = run(['jobs', 'run', 'proactive', '--db', server.dbUrl]);
    assert.match(third.out, /\b0 offered\b/, third.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
