// Good/bad ratings and rectification (issue 13 items 1 and 2), black box against the real binary
// (SQLite, or PostgreSQL with TONGBAN_TEST_DB=postgres): the applicant rates an ended case once;
// every other attempt is refused with its own reason and writes nothing; the message sent when a
// case ends carries a signed link that rates it without signing in, once; a bad rating opens a
// rectification that the department answers, the person is told and says whether it satisfied
// them; a bundle's sub-cases are rated each; the public summary counts it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, submitBundle, runSql, acceptedCase } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// A case of zhang.wei's, submitted and accepted; refused too unless `end` is false.
const aCase = (person, options) => acceptedCase(server, person, options);

test('finding: the applicant rates an ended case once; not the applicant, twice, not ended and period over are refused', async () => {
  const person = await Client.login(server.url, 'zhang.wei', undefined, { lang: 'en' });
  const { id, item, reviewer } = await aCase(person);

  const byReviewer = await reviewer.post(`/api/v1/applications/${id}/rating`, { level: 5 });
  assert.equal(byReviewer.status, 403, byReviewer.text);
  assert.equal(byReviewer.data.error.message.length > 0, true);
  const other = await Client.login(server.url, 'li.na');
  assert.equal((await other.post(`/api/v1/applications/${id}/rating`, { level: 1 })).status, 404);
  const badLevel = await person.post(`/api/v1/applications/${id}/rating`, { level: 7 });
  assert.equal(badLevel.status, 400, badLevel.text);
  assert.match(badLevel.data.error.message, /5 \(very satisfied\)/);
  assert.equal((await person.post(`/api/v1/applications/${id}/rating`, { level: 4, tags: ['nope'] })).status, 400);
  assert.equal((await person.get(`/api/v1/applications/${id}/rating`)).data.rating, null);

  const open = await aCase(person, { end: false });
  const early = await person.post(`/api/v1/applications/${open.id}/rating`, { level: 4 });
  assert.equal(early.status, 409, early.text);
  assert.match(early.data.error.message, /not ended/);

  const view = await person.get(`/api/v1/applications/${id}/rating`);
  assert.equal(view.data.may_rate, true, view.text);
  const rated = await person.post(`/api/v1/applications/${id}/rating`, { level: 4, comment: '很快', tags: ['fast'] });
  assert.equal(rated.status, 201, rated.text);
  assert.equal(rated.data.channel, 'web');
  assert.equal(rated.data.level, 4);
  assert.ok(rated.data.ended_event);
  const twice = await person.post(`/api/v1/applications/${id}/rating`, { level: 1 });
  assert.equal(twice.status, 409, twice.text);
  assert.match(twice.data.error.message, /rated already/);
  assert.equal((await person.get(`/api/v1/applications/${id}/rating`)).data.rating.level, 4);

  // A case that ended 40 days ago (its ending event moved back): the period is over.
  const old = await aCase(person);
  runSql(server, `UPDATE events SET at = at - 40 * 86400 WHERE application_id = '${old.id}'`);
  const late = await person.post(`/api/v1/applications/${old.id}/rating`, { level: 3 });
  assert.equal(late.status, 409, late.text);
  assert.match(late.data.error.message, /time to rate this case is over/);

  const summary = await new Client(server.url).get(`/api/v1/ratings/summary?item=${item.code}`);
  assert.equal(summary.status, 200, summary.text);
  assert.equal(summary.data.ratings, 1);
  assert.equal(summary.data.levels['4'], 1);
  assert.equal(summary.data.satisfaction_index, 80);
});

test('finding: the message link rates once without sign-in; a bad rating is answered, told and given feedback', async () => {
  const person = await Client.login(server.url, 'zhang.wei');
  const { id, item, reviewer } = await aCase(person);
  const inbox = (await person.get('/api/v1/me/messages')).data.items;
  const invitation = inbox.find((m) => m.kind === 'rating_invitation' && m.reference.kind === 'rating_link');
  assert.ok(invitation, JSON.stringify(inbox.slice(0, 3)));
  const token = invitation.reference.id;
  const anonymous = new Client(server.url, { lang: 'en' });
  const seen = await anonymous.get(`/api/v1/rating-links/${token}`);
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.data.application, id);
  assert.equal(seen.data.rated, false);
  const forged = await anonymous.post(`/api/v1/rating-links/${token.slice(0, -3)}abc`, { level: 5 });
  assert.equal(forged.status, 403, forged.text);
  const rated = await anonymous.post(`/api/v1/rating-links/${token}`, { level: 1, comment: '跑了三趟', tags: ['slow'] });
  assert.equal(rated.status, 201, rated.text);
  assert.equal(rated.data.channel, 'message');
  const again = await anonymous.post(`/api/v1/rating-links/${token}`, { level: 5 });
  assert.equal(again.status, 409, again.text);
  assert.equal((await anonymous.get(`/api/v1/rating-links/${token}`)).data.rated, true);

  // The department's reviewer lists the rectification; another department's and the person do not.
  const list = await reviewer.get('/api/v1/rectifications?state=open');
  assert.equal(list.status, 200, list.text);
  const r = list.data.items.find((x) => x.application === id);
  assert.ok(r, list.text);
  assert.equal(r.state, 'open');
  assert.match(r.deadline, /^\d{4}-\d{2}-\d{2}$/);
  const foreign = await Client.login(server.url, item.department === 'tax' ? 'reviewer.police' : 'reviewer.tax');
  assert.ok(!(await foreign.get('/api/v1/rectifications')).data.items.some((x) => x.id === r.id));
  assert.equal((await foreign.post(`/api/v1/rectifications/${r.id}/reply`, { text: 'x', changes: 'y' })).status, 404);
  assert.equal((await person.get('/api/v1/rectifications')).status, 403);
  assert.equal((await person.post(`/api/v1/rectifications/${r.id}/feedback`, { satisfied: true })).status, 409);
  assert.equal((await reviewer.post(`/api/v1/rectifications/${r.id}/reply`, { text: '', changes: 'y' })).status, 400);

  const replied = await reviewer.post(`/api/v1/rectifications/${r.id}/reply`, { text: '已改进', changes: '材料减为三份' });
  assert.equal(replied.status, 200, replied.text);
  assert.equal(replied.data.state, 'replied');
  const told = (await person.get('/api/v1/me/messages')).data.items.find((m) => m.kind === 'rating_answered');
  assert.ok(told);
  assert.equal(told.reference.id, id);
  const feedback = await person.post(`/api/v1/rectifications/${r.id}/feedback`, { satisfied: true });
  assert.equal(feedback.status, 200, feedback.text);
  assert.equal(feedback.data.satisfied, true);
  assert.equal((await person.post(`/api/v1/rectifications/${r.id}/feedback`, { satisfied: false })).status, 409);
  const mine = await person.get(`/api/v1/applications/${id}/rating`);
  assert.equal(mine.data.rectification.reply.text, '已改进');

  const summary = (await anonymous.get(`/api/v1/ratings/summary?department=${item.department}`)).data;
  assert.ok(summary.levels['1'] >= 1);
  assert.ok(summary.rectified_on_time >= 1);
  // The reform office lists escalated ones (none is overdue yet).
  const reform = await Client.login(server.url, 'reform.office');
  const escalated = await reform.get('/api/v1/rectifications');
  assert.equal(escalated.status, 200, escalated.text);
  assert.ok(escalated.data.items.every((x) => x.state === 'escalated'));
});

test("finding: a bundle's sub-cases are rated each, never the bundle case", async () => {
  const admin = await Client.login(server.url, 'wang.fang');
  const code = (await admin.get('/api/v1/me')).data.enterprises[0].code;
  const made = await submitBundle(admin, 'open-a-restaurant', code);
  const licence = made.sub_cases.find((s) => s.item === 'market.business-licence');
  const reviewer = await Client.login(server.url, 'reviewer.market');
  assert.equal((await reviewer.post(`/api/v1/applications/${licence.id}/actions/accept`, {})).status, 200);
  assert.equal((await reviewer.post(`/api/v1/applications/${licence.id}/actions/refuse`, { reason: '名称重复' })).status, 200);
  const ended = (await admin.get(`/api/v1/applications/${made.id}`)).data;
  assert.equal(ended.state, 'refused');
  assert.equal((await admin.post(`/api/v1/applications/${made.id}/rating`, { level: 3 })).status, 404);
  for (const sub of ended.sub_cases) {
    const rated = await admin.post(`/api/v1/applications/${sub.id}/rating`, { level: 3 });
    assert.equal(rated.status, 201, `${sub.item}: ${rated.text}`);
    assert.equal(rated.data.item, sub.item);
    assert.equal((await admin.post(`/api/v1/applications/${sub.id}/rating`, { level: 3 })).status, 409);
  }
});

test('finding: the window tablet records the person\'s rating with channel window and the clerk as assisted; a clerk never rates alone', async () => {
  const person = await Client.login(server.url, 'zhang.wei');
  const { id } = await aCase(person);
  const clerk = await Client.login(server.url, 'clerk.pudong');
  // Without the person at the window (no visit of theirs): refused.
  assert.equal((await clerk.post(`/api/v1/applications/${id}/rating`, { level: 5 })).status, 404);
  const code = (await person.get('/api/v1/me/identity-code')).data.token;
  const visit = await clerk.post('/api/v1/window/visits', { identity_code: code });
  assert.equal(visit.status, 201, visit.text);
  const reference = (await person.get(`/api/v1/applications/${id}`)).data.reference;
  const rated = await clerk.post(`/api/v1/window/visits/${visit.data.id}/applications/${reference}/rating`, { level: 5, tags: ['friendly_staff'] });
  assert.equal(rated.status, 201, rated.text);
  assert.equal(rated.data.channel, 'window');
  assert.equal(rated.data.assisted, true);
  assert.equal(rated.data.application, id);
  // The person's own rating of it afterwards is the second one.
  assert.equal((await person.post(`/api/v1/applications/${id}/rating`, { level: 1 })).status, 409);

  // From the mobile app the channel is recorded as mobile.
  const other = await aCase(person);
  const mobile = await person.post(`/api/v1/applications/${other.id}/rating`, { level: 5 }, { headers: { 'x-tongban-channel': 'mobile' } });
  assert.equal(mobile.status, 201, mobile.text);
  assert.equal(mobile.data.channel, 'mobile');
});
