// "My data" and flags on it (issue 9 item 4), black box, on the database TONGBAN_TEST_DB names:
// GET /api/v1/me/data lists what the demo city's datasets hold on the demo person, each dataset
// read an access-log entry (purpose me_data, legal basis self); a flag reaches the owner
// department's data owner (and nobody else), who answers and corrects the record; bad flags and
// bad answers are refused and change nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const dataset = (data, code) => data.datasets.find((d) => d.code === code);

test('me/data lists the demo person\'s records by dataset and each read is in the access log', async () => {
  const zhang = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
  const me = await zhang.get('/api/v1/me/data');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.data.subject, 'person');
  const population = dataset(me.data, 'population');
  assert.ok(population, 'the population register holds a record on 张伟');
  assert.equal(population.records.length, 1);
  assert.equal(population.records[0].values.name, '张伟');
  assert.equal(population.records[0].values.id_number, zhang.user.person_id ?? me.data.subject_id);
  assert.match(population.records[0].as_of, /^\d{4}-\d\d-\d\dT/);
  assert.equal(population.fields.find((f) => f.name === 'birth_date').label.en, 'Date of birth');
  assert.equal(population.department, 'police');
  assert.ok(dataset(me.data, 'household_registration'), 'household registration');
  assert.ok(dataset(me.data, 'marriage'), 'marriage record');
  assert.ok(me.data.datasets.every((d) => d.records.length > 0), 'only datasets holding records on him');
  const log = await zhang.get('/api/v1/me/access-log?page_size=200');
  assert.equal(log.status, 200, log.text);
  const mine = log.data.items.filter((e) => e.purpose === 'me_data');
  for (const d of me.data.datasets) {
    const entry = mine.find((e) => e.dataset === d.code);
    assert.ok(entry, `an access-log entry for ${d.code}`);
    assert.equal(entry.legal_basis, 'self');
    assert.equal(entry.accessor.role, 'citizen');
  }
  // An official has no data of their own here; nobody signed out reads anything.
  const reviewer = await Client.login(server.url, 'reviewer.police');
  assert.equal((await reviewer.get('/api/v1/me/data')).status, 403);
  assert.equal((await new Client(server.url).get('/api/v1/me/data')).status, 401);
});

test('an enterprise agent sees the enterprise\'s records; another enterprise is refused', async () => {
  const wang = await Client.login(server.url, 'wang.fang');
  const code = (await wang.get('/api/v1/me')).data.enterprises[0].code;
  const data = await wang.get(`/api/v1/me/data?enterprise=${code}`);
  assert.equal(data.status, 200, data.text);
  assert.equal(data.data.subject, 'enterprise');
  assert.ok(dataset(data.data, 'market_entity'), 'the market register holds the enterprise');
  const other = await wang.get('/api/v1/me/data?enterprise=91310115MA00000026');
  assert.equal(other.status, 403);
  const zhang = await Client.login(server.url, 'zhang.wei');
  assert.equal((await zhang.get(`/api/v1/me/data?enterprise=${code}`)).status, 403);
});

test('a flag reaches the data owner of the dataset\'s department, who answers and corrects the record', async () => {
  const zhang = await Client.login(server.url, 'zhang.wei');
  const comment = '我已搬家，现住址为上海市浦东新区世纪大道200号';
  const raised = await zhang.post('/api/v1/me/data/flags', { dataset: 'population', field: 'address', comment });
  assert.equal(raised.status, 201, raised.text);
  assert.equal(raised.data.state, 'open');
  assert.equal(raised.data.department, 'police');
  assert.equal(raised.data.comment, comment);
  const owner = await Client.login(server.url, 'owner.police');
  const open = await owner.get('/api/v1/data-flags');
  assert.equal(open.status, 200, open.text);
  const flag = open.data.items.find((f) => f.id === raised.data.id);
  assert.ok(flag, 'the police data owner sees the flag');
  assert.equal(flag.field_label.zh, '住址');
  // Another department's data owner and the police reviewer do not.
  const civil = await Client.login(server.url, 'owner.civil');
  assert.ok(!(await civil.get('/api/v1/data-flags')).data.items.some((f) => f.id === raised.data.id));
  assert.equal((await civil.post(`/api/v1/data-flags/${raised.data.id}/answer`, { answer: 'x', corrected: false })).status, 403);
  const reviewer = await Client.login(server.url, 'reviewer.police');
  assert.equal((await reviewer.get('/api/v1/data-flags')).status, 403);
  const newAddress = '上海市浦东新区世纪大道200号';
  const answered = await owner.post(`/api/v1/data-flags/${raised.data.id}/answer`,
    { answer: '已核实并更正住址。', corrected: true, value: newAddress });
  assert.equal(answered.status, 200, answered.text);
  assert.equal(answered.data.state, 'answered');
  assert.equal(answered.data.corrected, true);
  const again = await owner.post(`/api/v1/data-flags/${raised.data.id}/answer`, { answer: '再次', corrected: false });
  assert.equal(again.status, 409);
  assert.ok(!(await owner.get('/api/v1/data-flags')).data.items.some((f) => f.id === raised.data.id), 'no longer open');
  assert.ok((await owner.get('/api/v1/data-flags?state=answered')).data.items.some((f) => f.id === raised.data.id));
  const me = (await zhang.get('/api/v1/me/data')).data;
  assert.equal(dataset(me, 'population').records[0].values.address, newAddress);
  const mine = me.flags.find((f) => f.id === raised.data.id);
  assert.equal(mine.state, 'answered');
  assert.equal(mine.answer, '已核实并更正住址。');
  assert.equal(mine.corrected, true);
  // The owner's write is in the person's access log.
  const log = (await zhang.get('/api/v1/me/access-log?page_size=200')).data.items;
  const write = log.find((e) => e.purpose === `data_flag:${raised.data.id}`);
  assert.ok(write, 'the correction is logged');
  assert.equal(write.accessor.role, 'data_owner');
  assert.deepEqual(write.fields, ['address']);
});

test('a bad flag or a bad answer is refused with a clear message and changes nothing', async () => {
  const zhang = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
  const before = (await zhang.get('/api/v1/me/data')).data;
  const cases = [
    [{ dataset: 'no_such', field: 'address', comment: 'x' }, 400, 'error.flag.dataset'],
    [{ dataset: 'market_entity', field: 'name', comment: 'x' }, 400, 'error.flag.dataset'],
    [{ dataset: 'population', field: 'no_such', comment: 'x' }, 400, 'error.flag.field'],
    [{ dataset: 'population', field: 'address', comment: '   ' }, 400, 'error.flag.comment_required'],
    [{ dataset: 'population', field: 'address', comment: 'x'.repeat(1001) }, 400, 'error.flag.comment_too_long'],
    [{ dataset: 'population', field: 'address', comment: 'x', record_id: 'nope' }, 404, 'error.flag.no_record'],
    [{ dataset: 'population', field: 'address', comment: 7 }, 400, 'error.json.type'],
  ];
  for (const [body, status] of cases) {
    const r = await zhang.post('/api/v1/me/data/flags', body);
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.ok(r.data.error.message.length > 10 && !r.data.error.message.startsWith('error.'), r.data.error.message);
  }
  const unchanged = (await zhang.get('/api/v1/me/data')).data;
  assert.deepEqual(unchanged.flags, before.flags, 'no flag was added');
  // An owner's bad answers: nothing answered, nothing written.
  const raised = await zhang.post('/api/v1/me/data/flags', { dataset: 'population', field: 'birth_date', comment: '生日错了' });
  assert.equal(raised.status, 201, raised.text);
  const owner = await Client.login(server.url, 'owner.police', undefined, { lang: 'en' });
  const answer = (body) => owner.post(`/api/v1/data-flags/${raised.data.id}/answer`, body);
  for (const [body, status] of [
    [{ answer: '', corrected: false }, 400],
    [{ answer: 'fixed', corrected: true, value: 'not-a-date' }, 400],
    [{ answer: 'fixed', corrected: false, value: '1988-01-01' }, 400],
    [{ answer: 'fixed', corrected: 'yes' }, 400],
  ]) {
    const r = await answer(body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
  }
  assert.equal((await owner.post('/api/v1/data-flags/no-such/answer', { answer: 'x' })).status, 404);
  const after = (await zhang.get('/api/v1/me/data')).data;
  assert.equal(dataset(after, 'population').records[0].values.birth_date,
    dataset(before, 'population').records[0].values.birth_date);
  assert.equal(after.flags.find((f) => f.id === raised.data.id).state, 'open');
});
