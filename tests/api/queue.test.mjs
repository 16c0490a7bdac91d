// Appointments, queue tickets and the calling display (issue 11 item 4; docs/api.md "Service
// centres and windows"), against the real binary on SQLite, or PostgreSQL with
// TONGBAN_TEST_DB=postgres: slots with the places left, 50 parallel bookings of one slot book
// exactly its capacity, one person one appointment per slot, cancelling, tickets in series A
// (appointment today) and B (walk-in, anonymous), two clerks calling at once never get the same
// ticket, and the display's numbers (no personal data); one A ticket per booking (20 requests at
// once give one ticket) and the appointment then attended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, DB_KIND, startServer, Client, allItems, createPgDatabase, dropPgDatabase, requestFrom, runSql } from './lib.mjs';

const CENTRE = 'pudong-district-centre';
const PEOPLE = 50;

// A valid resident id (GB 11643, ISO 7064 MOD 11-2) for the i-th test person.
function residentId(i) {
  const first17 = `31011519900101${String(100 + i).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, k) => s + Number(d) * weights[k], 0);
  return first17 + '10X98765432'[sum % 11];
}

function addUser(db, username, i) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, ['user', 'add', '--db', db, '--username', username, '--password-stdin', '--role', 'citizen',
      '--person', residentId(i), '--name', username], { cwd: ROOT, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (c) => { err += c; });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`user add ${username}: ${code} ${err}`))));
    p.stdin.end('queue-test-password\n');
  });
}

// A server on a fresh database that also holds PEOPLE citizens queue.person.0 .. 49.
async function withServer(fn, people = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-queue-'));
  const db = DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(dir, 'tongban.db')}`;
  try {
    const migrated = spawnSync(BIN, ['migrate', '--db', db], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(migrated.status, 0, migrated.stderr);
    for (let i = 0; i < people; i += 5) {
      await Promise.all([0, 1, 2, 3, 4].map((k) => addUser(db, `queue.person.${i + k}`, i + k)));
    }
    const server = await startServer({ dir, db });
    try {
      return await fn(server);
    } finally {
      await server.stop();
    }
  } finally {
    if (DB_KIND === 'postgres') dropPgDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

function isoDate(d) { return d.toISOString().slice(0, 10); }

// The next day (after today, city time) with free slots at the centre, and its slots.
async function nextOpenDay(client) {
  const day = new Date(Date.now() + 8 * 3600 * 1000);
  for (let i = 1; i <= 10; i++) {
    const date = isoDate(new Date(day.getTime() + i * 86400 * 1000));
    const r = await client.get(`/api/v1/service-centres/${CENTRE}/slots?date=${date}`);
    assert.equal(r.status, 200, r.text);
    if (r.data.slots.length > 0) return { date, slots: r.data.slots };
  }
  throw new Error('no open day in the next 10 days');
}

async function windowItem(client) {
  const item = (await allItems(client)).find((i) => (i.service_centres || []).includes(CENTRE) && i.applicant === 'person');
  assert.ok(item, 'a person item done at the Pudong centre');
  return item.code;
}

test('finding 1: 50 parallel bookings of a slot book exactly its capacity; one person one appointment per slot', () =>
  withServer(async (server) => {
    const anon = new Client(server.url);
    const { date, slots } = await nextOpenDay(anon);
    const slot = slots[slots.length - 1];
    assert.ok(slot.capacity < PEOPLE, `capacity ${slot.capacity} < ${PEOPLE}`);
    assert.equal(slot.left, slot.capacity);
    const item = await windowItem(anon);
    const people = await Promise.all(
      Array.from({ length: PEOPLE }, (_, i) => Client.login(server.url, `queue.person.${i}`, 'queue-test-password')));
    const answers = await Promise.all(people.map((c) =>
      c.post('/api/v1/appointments', { centre: CENTRE, slot: slot.slot, item })));
    const booked = answers.filter((r) => r.status === 201);
    const full = answers.filter((r) => r.status === 409 && r.data.error.code === 'conflict');
    assert.equal(booked.length, slot.capacity, answers.filter((r) => r.status !== 201 && r.status !== 409).map((r) => r.text).join('\n'));
    assert.equal(full.length, PEOPLE - slot.capacity);
    for (const r of booked) assert.match(r.data.reference, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const after = await anon.get(`/api/v1/service-centres/${CENTRE}/slots?date=${date}`);
    assert.equal(after.data.slots.find((s) => s.slot === slot.slot).left, 0);

    // One person, one appointment per slot.
    const other = slots[0];
    const first = await people[0].post('/api/v1/appointments', { centre: CENTRE, slot: other.slot, item });
    assert.equal(first.status, 201, first.text);
    const again = await people[0].post('/api/v1/appointments', { centre: CENTRE, slot: other.slot, item });
    assert.equal(again.status, 409);
    assert.match(again.data.error.message, /already booked|已预约/);

    // Cancel gives the place back; mine lists it as cancelled.
    const cancel = await people[0].post(`/api/v1/appointments/${first.data.id}/cancel`, {});
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.data.status, 'cancelled');
    const mine = await people[0].get('/api/v1/appointments');
    assert.equal(mine.status, 200);
    assert.ok(mine.data.items.some((a) => a.id === first.data.id && a.status === 'cancelled'));
    const stranger = await people[1].post(`/api/v1/appointments/${first.data.id}/cancel`, {});
    assert.equal(stranger.status, 404);
  }, PEOPLE));

test('finding 2: slots answer 400 for a bad date, an empty list with a reason on a day off, 401 to book signed out', () =>
  withServer(async (server) => {
    const anon = new Client(server.url, { lang: 'en' });
    for (const date of ['', 'tomorrow', '2026-13-01']) {
      const r = await anon.get(`/api/v1/service-centres/${CENTRE}/slots?date=${date}`);
      assert.equal(r.status, 400, date);
      assert.equal(r.data.error.code, 'invalid_argument');
      assert.match(r.data.error.message, /year-month-day/);
    }
    // 2026-10-04 is a Sunday inside the National Day break.
    const holiday = await anon.get(`/api/v1/service-centres/${CENTRE}/slots?date=2026-10-04`);
    assert.equal(holiday.status, 200);
    assert.deepEqual(holiday.data.slots, []);
    assert.equal(holiday.data.closed.code, 'not_working_day');
    assert.match(holiday.data.closed.message, /closed/);
    const unknown = await anon.get('/api/v1/service-centres/nowhere/slots?date=2026-10-09');
    assert.equal(unknown.status, 404);
    const signedOut = await anon.post('/api/v1/appointments', { centre: CENTRE, slot: '2026-10-09T09:00', item: 'x' });
    assert.equal(signedOut.status, 401);
  }));

test('finding 3: tickets A for an appointment and B for walk-ins; two clerks calling at once never get the same ticket', () =>
  withServer(async (server) => {
    const anon = new Client(server.url);
    const walkIns = [];
    for (let i = 0; i < 12; i++) {
      // From two addresses: one address takes at most 10 anonymous tickets in 15 minutes.
      const r = await requestFrom(server.url, 'POST', `/api/v1/service-centres/${CENTRE}/tickets`, `127.0.0.${2 + (i % 2)}`, { json: {} });
      if (r.status === 409) return; // the centre is closed today (a holiday): nothing more to check here
      assert.equal(r.status, 201, r.text);
      walkIns.push(r.data);
    }
    assert.equal(walkIns[0].number, 'B001');
    assert.equal(walkIns[11].number, 'B012');
    assert.equal(walkIns[0].with_appointment, false);
    assert.ok(!('user_id' in walkIns[0]));
    const page = await anon.get(`/api/v1/service-centres/${CENTRE}/tickets/${walkIns[0].id}`);
    assert.equal(page.status, 200);
    assert.equal(page.data.waiting, 12);

    const citizen = await Client.login(server.url, 'zhang.wei');
    const refused = await citizen.post(`/api/v1/service-centres/${CENTRE}/tickets/next`, { counter: '1' });
    assert.equal(refused.status, 403);
    const [c1, c2] = await Promise.all([Client.login(server.url, 'clerk.pudong'), Client.login(server.url, 'clerk.pudong')]);
    const other = await Client.login(server.url, 'clerk.lujiazui');
    assert.equal((await other.post(`/api/v1/service-centres/${CENTRE}/tickets/next`, { counter: '1' })).status, 403);
    assert.equal((await c1.post(`/api/v1/service-centres/${CENTRE}/tickets/next`, { counter: '<b>' })).status, 400);

    const calls = await Promise.all(Array.from({ length: 16 }, (_, i) =>
      (i % 2 ? c1 : c2).post(`/api/v1/service-centres/${CENTRE}/tickets/next`, { counter: String(1 + (i % 2)) })));
    const called = calls.filter((r) => r.status === 200).map((r) => r.data.number);
    const empty = calls.filter((r) => r.status === 404);
    assert.equal(called.length, 12, calls.map((r) => r.text).join('\n'));
    assert.equal(new Set(called).size, 12, `no ticket called twice: ${called}`);
    assert.equal(empty.length, 4);
    assert.equal(empty[0].data.error.code, 'not_found');

    const done = await c1.post(`/api/v1/service-centres/${CENTRE}/tickets/${walkIns[0].id}/done`, {});
    assert.equal(done.status, 200, done.text);
    assert.equal(done.data.status, 'done');
    const twice = await c1.post(`/api/v1/service-centres/${CENTRE}/tickets/${walkIns[0].id}/no-show`, {});
    assert.equal(twice.status, 409);

    const display = await anon.get(`/api/v1/service-centres/${CENTRE}/display`);
    assert.equal(display.status, 200);
    assert.equal(display.data.called.length, 10);
    assert.equal(display.data.waiting, 0);
    for (const t of display.data.called) assert.deepEqual(Object.keys(t).sort(), ['called_at', 'counter', 'number']);
  }));

// Unix seconds of 09:00 today in the city (UTC+8): a slot of today's, whatever the hour now.
function todayAtNine() {
  const city = new Date(Date.now() + 8 * 3600 * 1000);
  return Date.UTC(city.getUTCFullYear(), city.getUTCMonth(), city.getUTCDate(), 9) / 1000 - 8 * 3600;
}

test('issue 11 gap 2: one A ticket per booking; 20 requests at once give one ticket, and the appointment is attended', () =>
  withServer(async (server) => {
    const person = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
    const { slots } = await nextOpenDay(person);
    const item = await windowItem(person);
    const booked = await person.post('/api/v1/appointments', { centre: CENTRE, slot: slots[0].slot, item });
    assert.equal(booked.status, 201, booked.text);
    // Bookings are for the future: the booking is moved to today, as if it had been made days ago.
    runSql(server, `UPDATE appointments SET slot_start = ${todayAtNine()} WHERE id = '${booked.data.id}'`);
    const path = `/api/v1/service-centres/${CENTRE}/tickets`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => person.post(path, {})));
    if (answers.every((r) => r.status === 409 && /closed/.test(r.text))) return; // the centre is closed today
    for (const r of answers) assert.ok(r.status === 201 || r.status === 200, r.text);
    assert.equal(answers.filter((r) => r.status === 201).length, 1, answers.map((r) => r.status).join(','));
    const ids = new Set(answers.map((r) => r.data.id));
    assert.equal(ids.size, 1, `one ticket: ${[...ids]}`);
    assert.equal(answers[0].data.number, 'A001');
    assert.equal(answers[0].data.with_appointment, true);
    // Asked again later: the same ticket, no new number; nothing else waits.
    const again = await person.post(path, {});
    assert.equal(again.status, 200, again.text);
    assert.equal(again.data.id, answers[0].data.id);
    const display = await new Client(server.url).get(`/api/v1/service-centres/${CENTRE}/display`);
    assert.equal(display.data.waiting, 1);
    assert.deepEqual(runSql(server, `SELECT COUNT(*) FROM queue_tickets WHERE appointment_id = '${booked.data.id}'`), ['1']);

    // Attended: in the API and on the person's appointments page; it can no longer be cancelled.
    const mine = await person.get('/api/v1/appointments');
    assert.equal(mine.data.items.find((a) => a.id === booked.data.id).status, 'attended');
    const cancel = await person.post(`/api/v1/appointments/${booked.data.id}/cancel`, {});
    assert.equal(cancel.status, 409, cancel.text);
    const res = await fetch(`${server.url}/me/appointments`, { headers: { authorization: `Bearer ${person.token}`, 'accept-language': 'en' } });
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(html, /Attended \(ticket taken\)/);

    // Another person without a booking still takes a walk-in (B) ticket, each time a new one.
    const other = await Client.login(server.url, 'li.na');
    const b1 = await other.post(path, {});
    const b2 = await other.post(path, {});
    assert.equal(b1.status, 201, b1.text);
    assert.equal(b2.status, 201, b2.text);
    assert.match(b1.data.number, /^B/);
    assert.notEqual(b1.data.id, b2.data.id);
  }));

test('walk-in tickets are rate limited per client address: 429 resource_exhausted past 10 in 15 minutes, other addresses unaffected', () =>
  withServer(async (server) => {
    const path = `/api/v1/service-centres/${CENTRE}/tickets`;
    const first = await requestFrom(server.url, 'POST', path, '127.0.0.21', { json: {} });
    if (first.status === 409) return; // the centre is closed today (a holiday): no tickets at all
    assert.equal(first.status, 201, first.text);
    for (let i = 1; i < 10; i++) {
      const r = await requestFrom(server.url, 'POST', path, '127.0.0.21', { json: {} });
      assert.equal(r.status, 201, r.text);
    }
    const refused = await requestFrom(server.url, 'POST', path, '127.0.0.21', { json: {} });
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.data.error.code, 'resource_exhausted');
    assert.match(refused.data.error.message, /Too many tickets/);
    // The take-a-ticket page from the same address says so too, and nothing was taken.
    const page = await requestFrom(server.url, 'POST', `/service-centres/${CENTRE}/ticket`, '127.0.0.21', { form: {} });
    assert.equal(page.status, 429, page.text.slice(0, 300));
    assert.match(page.text, /Too many tickets/);
    const display = await new Client(server.url).get(`/api/v1/service-centres/${CENTRE}/display`);
    assert.equal(display.data.waiting, 10);
    // Another address still gets a number.
    const other = await requestFrom(server.url, 'POST', path, '127.0.0.22', { json: {} });
    assert.equal(other.status, 201, other.text);
  }));

test('finding 4: tongban catalogue check refuses a malformed appointment schedule with file and line', async () => {
  const { cpSync, readFileSync, writeFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'tongban-queue-cat-'));
  try {
    cpSync(join(ROOT, 'catalogue'), dir, { recursive: true });
    const good = spawnSync(BIN, ['catalogue', 'check', dir], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(good.status, 0, good.stdout + good.stderr);
    const file = join(dir, 'centres.yaml');
    const text = readFileSync(file, 'utf8');
    const first = 'appointments: {slot_minutes: 30, capacity: 4, weekdays: "09:00-17:00", saturday: "09:00-12:00"}';
    assert.ok(text.includes(first));
    for (const [bad, message] of [
      ['appointments: {slot_minutes: 30, capacity: 0, weekdays: "09:00-17:00"}', /capacity/],
      ['appointments: {slot_minutes: 30, capacity: 4, weekdays: "17:00-09:00"}', /weekdays/],
      ['appointments: {slot_minutes: 45, capacity: 4, weekdays: "09:00-17:00"}', /whole number of slots/],
      ['appointments: {slot_minutes: 30, capacity: 4, weekdays: "09:00-17:00", saturday: "9-12"}', /saturday/],
    ]) {
      writeFileSync(file, text.replace(first, bad));
      const r = spawnSync(BIN, ['catalogue', 'check', dir], { cwd: ROOT, encoding: 'utf8' });
      assert.notEqual(r.status, 0, bad);
      assert.match(r.stdout + r.stderr, /centres\.yaml:\d+/, bad);
      assert.match(r.stdout + r.stderr, message, bad);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
