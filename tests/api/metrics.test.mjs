// Performance dashboards (issue 13 item 3), black box against the real binary (SQLite, or
// PostgreSQL with TONGBAN_TEST_DB=postgres): cases are filed, decided (one of them late, after an
// in-person correction) and rated through the public API, and the figures of their slice are
// checked against values computed by hand from what the test did; the CSV carries the same
// numbers; a bad slice is refused with a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, fillFields, simplePersonItem, runSql, ROOT } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// Dates in the city's time (UTC+8), as the server counts them.
function cityDate(offsetDays = 0) {
  return new Date(Date.now() + 8 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);
}

// Whether `date` is a working day by catalogue/calendar.yaml: a weekday that is not a holiday, or
// a weekend day made a working day.
function isWorkingDay(date) {
  const text = readFileSync(join(ROOT, 'catalogue/calendar.yaml'), 'utf8');
  const listed = (key) => [...text.matchAll(new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`, 'g'))]
    .flatMap((m) => m[1].replace(/#.*$/gm, '').match(/\d{4}-\d{2}-\d{2}/g) ?? []);
  if (listed('workdays').includes(date)) return true;
  if (listed('holidays').includes(date)) return false;
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6;
}

const round1 = (x) => Math.round(x * 10) / 10;
const fetched = (app) => app.materials.filter((m) => m.status === 'fetched');

test('the figures of a slice match what was done: applications, on time, days, visits, materials, ratings', async () => {
  const person = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
  // Not fully online: its department may ask the person to come in.
  const departments = ['market', 'police', 'civil', 'hrss', 'health', 'housing', 'tax', 'transport', 'education',
    'medical-insurance'];
  const item = await simplePersonItem(person, departments, (i) => !i.fully_online);
  const reviewer = await Client.login(server.url, `reviewer.${item.department}`);
  const month = cityDate().slice(0, 7);
  const anonymous = new Client(server.url);
  const before = await anonymous.get(`/api/v1/metrics?item=${item.code}&month=${month}`);
  assert.equal(before.status, 200, before.text);
  assert.equal(before.data.figures.applications, 0, 'the demo city has no case of this item yet');

  const file = async (headers = {}) => {
    const made = await person.post('/api/v1/applications', { item: item.code, fields: fillFields(item) }, { headers });
    assert.equal(made.status, 201, made.text);
    return made.data;
  };
  const act = async (who, id, action, body = {}) => {
    const r = await who.post(`/api/v1/applications/${id}/actions/${action}`, body);
    assert.equal(r.status, 200, `${action}: ${r.text}`);
    return r.data;
  };
  // 1: web, approved the day it came, delivered and completed. 2: mobile, refused. 3: web, the department asks the person
  // to come in person, then decides after its deadline (moved to yesterday).
  const one = await file();
  await act(reviewer, one.id, 'accept');
  await act(reviewer, one.id, 'approve');
  for (const action of ['deliver', 'complete']) await act(reviewer, one.id, action);  // ended: it may be rated
  const two = await file({ 'x-tongban-channel': 'mobile' });
  assert.equal(two.channel, 'mobile');
  await act(reviewer, two.id, 'accept');
  await act(reviewer, two.id, 'refuse', { reason: '不符合条件' });
  const three = await file();
  await act(reviewer, three.id, 'accept');
  await act(reviewer, three.id, 'request-correction', { reason: '请带原件来窗口核对', in_person: true });
  await act(person, three.id, 'resubmit');
  runSql(server, `UPDATE applications SET deadline = '${cityDate(-1)}' WHERE id = '${three.id}'`);
  await act(reviewer, three.id, 'approve');

  // Ratings: 5 for the first, 1 for the second, whose rectification is answered on time.
  assert.equal((await person.post(`/api/v1/applications/${one.id}/rating`, { level: 5 })).status, 201);
  assert.equal((await person.post(`/api/v1/applications/${two.id}/rating`, { level: 1 })).status, 201);
  const open = await reviewer.get('/api/v1/rectifications?state=open');
  const rect = open.data.items.find((x) => x.application === two.id);
  assert.ok(rect, open.text);
  const replied = await reviewer.post(`/api/v1/rectifications/${rect.id}/reply`, { text: '已改进', changes: '简化流程' });
  assert.equal(replied.status, 200, replied.text);

  const P = item.promised_limit_days;
  const L = item.legal_limit_days;
  const lateDays = P + (isWorkingDay(cityDate()) ? 1 : 0);
  const visitsOne = item.licence_type ? 2 : 1;  // hand in, and collect the result an e-licence replaces
  const all = [one, two, three];
  const byLicence = all.flatMap(fetched).filter((m) => m.licence).length;
  const byShared = all.flatMap(fetched).length - byLicence;

  const r = await anonymous.get(`/api/v1/metrics?item=${item.code}&month=${month}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.data.slice, { department: '', item: item.code, district: '', channel: '', month });
  assert.deepEqual(r.data.figures, {
    applications: 3,
    online_share: 100,
    decided: 3,
    fully_online_share: round1((2 * 100) / 3),
    on_time_share: round1((2 * 100) / 3),
    average_days: round1(lateDays / 3),
    p90_days: lateDays,
    average_legal_days: L,
    average_promised_days: P,
    legal_ratio: L > 0 ? round1((lateDays * 100) / (3 * L)) : null,
    promised_ratio: P > 0 ? round1((lateDays * 100) / (3 * P)) : null,
    promise_compression: L > 0 ? round1((P * 100) / L) : null,
    visits_avoided: visitsOne + 1,
    materials_shared: byShared,
    materials_licence: byLicence,
    ratings: 2,
    satisfaction_index: 60,
    bad_ratings: 1,
    rectified_on_time_share: 100,
  });
  // The twelve months end with this one; the breakdown of an item is by district (all online: '').
  assert.equal(r.data.trend.length, 12);
  assert.equal(r.data.trend.at(-1).key, month);
  assert.equal(r.data.trend.at(-1).figures.applications, 3);
  assert.deepEqual(r.data.breakdown.rows.map((x) => [x.key, x.figures.applications]), [['', 3]]);
  assert.equal(r.data.breakdown.by, 'district');

  // The mobile slice holds the second case alone; the department's breakdown lists the item.
  const mobile = await anonymous.get(`/api/v1/metrics?item=${item.code}&channel=mobile&month=${month}`);
  assert.equal(mobile.data.figures.applications, 1);
  assert.equal(mobile.data.figures.on_time_share, 100);
  assert.equal(mobile.data.figures.satisfaction_index, 20);
  const dept = await anonymous.get(`/api/v1/metrics?department=${item.department}&month=${month}`);
  assert.equal(dept.data.breakdown.by, 'item');
  assert.equal(dept.data.breakdown.rows.find((x) => x.key === item.code).figures.applications, 3);
  const city = await anonymous.get('/api/v1/metrics');
  assert.equal(city.data.slice.month, month);
  assert.ok(city.data.breakdown.rows.some((x) => x.key === item.department));

  // The CSV: a header and the slice's row with the same numbers, an absent figure left empty.
  const csv = await anonymous.get(`/api/v1/metrics.csv?item=${item.code}&month=${month}`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  const head = lines[0].split(',');
  const slice = lines[1].split(',');
  assert.deepEqual(head.slice(0, 3), ['row', 'key', 'applications']);
  assert.equal(slice[0], 'slice');
  assert.equal(slice[1], month);
  for (const [name, value] of Object.entries(r.data.figures)) {
    const cell = slice[head.indexOf(name)];
    assert.equal(cell === '' ? null : Number(cell), value, name);
  }
  assert.equal(lines.length, 1 + 1 + 12 + 1);
});

test('a slice that is not one is refused with what to fix, in the person\'s language', async () => {
  const en = new Client(server.url, { lang: 'en' });
  for (const [query, pattern] of [
    ['month=2026-13', /for example 2026-11/],
    ['month=November', /for example 2026-11/],
    ['department=nope', /no such department/],
    ['item=nope', /no such service/],
    ['district=999999', /no such district/],
    ['channel=fax', /web, mobile, kiosk or window/],
  ]) {
    const r = await en.get(`/api/v1/metrics?${query}`);
    assert.equal(r.status, 400, `${query}: ${r.text}`);
    assert.match(r.data.error.message, pattern, query);
    assert.equal((await en.get(`/api/v1/metrics.csv?${query}`)).status, 400, query);
  }
  const zh = await new Client(server.url, { lang: 'zh' }).get('/api/v1/metrics?month=2026-13');
  assert.match(zh.data.error.message, /例如 2026-11/);
  const page = await en.get('/metrics?month=2026-13');
  assert.equal(page.status, 400);
  assert.match(page.text, /for example 2026-11/);
});
