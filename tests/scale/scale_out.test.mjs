// Scale-out: two `tongban serve` processes on one PostgreSQL database behind Debian's nginx
// (round robin, keep-alive to the upstreams), all on 127.0.0.1. The citizen/official flow runs
// through nginx and must be served by both servers; a session made on one server works on the
// other and ends on both; login throttling counts across servers; two reviewers acting on one
// application at the same moment through different servers get exactly one 200 and one 409.
//
// Needs TONGBAN_TEST_PG_URL (postgresql://USER@HOST:PORT/DB of a running cluster, e.g. from
// scripts/pg-test-cluster.sh start DIR), psql and nginx. The test creates its own database on that
// cluster and drops it at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Client, DEMO_PASSWORD } from '../api/lib.mjs';
import { Cluster } from './cluster.mjs';

const PG_URL = process.env.TONGBAN_TEST_PG_URL;
const ITEM = 'hrss.social-security-card';
const FIELDS = { delivery_address: '上海市浦东新区世纪大道100号', contact_phone: '13800138000' };

// A Client that sends its own X-Request-Id and remembers, per request, which upstream nginx
// says answered it.
class TracedClient extends Client {
  constructor(base, log, opts) {
    super(base, opts);
    this.log = log;
  }

  async request(method, path, opts = {}) {
    const id = `scale-${randomBytes(8).toString('hex')}`;
    const r = await super.request(method, path, { ...opts, headers: { ...opts.headers, 'x-request-id': id } });
    this.log.push({ id, method, path, status: r.status, upstream: r.headers.get('x-upstream'), echoed: r.headers.get('x-request-id') });
    return r;
  }

  static async login(base, log, username, password = DEMO_PASSWORD) {
    const c = new TracedClient(base, log);
    const r = await c.post('/api/v1/session', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
    c.token = r.data.token;
    c.user = r.data.user;
    return c;
  }
}

// The access-log lines a server printed, keyed by request id.
function accessLog(server) {
  const byId = new Map();
  for (const line of server.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.type === 'access') byId.set(entry.request_id, entry);
    } catch { /* not an access-log line */ }
  }
  return byId;
}

// POST /api/v1/session through `base` from a chosen loopback address (nginx passes it on in
// X-Forwarded-For). Resolves to {status, upstream}.
function loginFrom(base, username, password, localAddress) {
  const body = JSON.stringify({ username, password });
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: '/api/v1/session', method: 'POST', localAddress, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, upstream: res.headers['x-upstream'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('two servers behind nginx on one PostgreSQL database', { timeout: 600000 }, async (t) => {
  if (!PG_URL) {
    t.skip('TONGBAN_TEST_PG_URL is not set: start a cluster (scripts/pg-test-cluster.sh start DIR) and export its URL');
    return;
  }
  const cluster = new Cluster(PG_URL);
  let stopped;
  try {
    await cluster.start({ servers: 2 });
    const [a, b] = cluster.servers;
    const lb = cluster.nginx.url;
    assert.notEqual(a.host, b.host);

    await t.test('the citizen/official flow through nginx is served by both servers', async () => {
      const log = [];
      const citizen = await TracedClient.login(lb, log, 'zhang.wei');
      const reviewer = await TracedClient.login(lb, log, 'reviewer.hrss');
      const item = await citizen.get(`/api/v1/items/${ITEM}`);
      assert.equal(item.status, 200, item.text);
      assert.deepEqual(item.data.fields.filter((f) => !f.source).map((f) => f.name).sort(), Object.keys(FIELDS).sort(),
        `${ITEM} asks for exactly the fields this test fills`);

      const created = await citizen.post('/api/v1/applications', { item: ITEM, channel: 'web', fields: FIELDS });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.data.state, 'submitted');
      const id = created.data.id;

      const queue = await reviewer.get('/api/v1/applications?state=submitted');
      assert.equal(queue.status, 200, queue.text);
      assert.ok(queue.data.items.some((x) => x.id === id), 'the application is in the reviewer\'s queue');

      const steps = [
        [reviewer, 'accept', {}, 'accepted'],
        [reviewer, 'request-correction', { reason: '请补充联系电话的说明' }, 'correction_requested'],
        [citizen, 'resubmit', { channel: 'web' }, 'under_review'],
        [reviewer, 'approve', {}, 'approved'],
        [reviewer, 'deliver', {}, 'delivered'],
        [citizen, 'complete', {}, 'completed'],
      ];
      for (const [who, action, body, state] of steps) {
        const r = await who.post(`/api/v1/applications/${id}/actions/${action}`, body);
        assert.equal(r.status, 200, `${action}: ${r.text}`);
        assert.equal(r.data.state, state, action);
        // Whichever server answers next must see this state.
        const seen = await citizen.get(`/api/v1/applications/${id}`);
        assert.equal(seen.status, 200, seen.text);
        assert.equal(seen.data.state, state, `after ${action}, read through nginx`);
      }
      const events = await citizen.get(`/api/v1/applications/${id}/events`);
      assert.equal(events.status, 200, events.text);
      assert.deepEqual(events.data.items.map((e) => e.action),
        ['submit', 'accept', 'request-correction', 'resubmit', 'approve', 'deliver', 'complete']);
      assert.equal(events.data.items[2].reason, '请补充联系电话的说明');

      // nginx names one upstream per request (no retries on the other) and both served.
      for (const r of log) {
        assert.ok([a.host, b.host].includes(r.upstream), `${r.method} ${r.path}: X-Upstream ${r.upstream}`);
        assert.equal(r.echoed, r.id, 'the server keeps the request id it was given');
      }
      const served = new Set(log.map((r) => r.upstream));
      assert.equal(served.size, 2, `both servers answered: ${JSON.stringify([...served])}`);

      // Each server's own access log holds exactly the requests nginx says it answered. The log
      // is flushed once a second.
      let logs;
      for (const deadline = Date.now() + 10000; ;) {
        logs = { [a.host]: accessLog(a), [b.host]: accessLog(b) };
        if (log.every((r) => logs[r.upstream].has(r.id)) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const r of log) {
        const other = r.upstream === a.host ? b.host : a.host;
        const entry = logs[r.upstream].get(r.id);
        assert.ok(entry, `${r.method} ${r.path} (${r.id}) is in the access log of ${r.upstream}`);
        assert.equal(entry.status, r.status);
        assert.equal(entry.remote, '127.0.0.1', 'the client address comes from X-Forwarded-For');
        assert.ok(!logs[other].has(r.id), `${r.id} is not in the access log of ${other}`);
      }
      const counts = [a.host, b.host].map((h) => log.filter((r) => r.upstream === h).length);
      t.diagnostic(`${log.length} requests through nginx: ${counts.join(' and ')} per server`);
    });

    await t.test('a session made on one server works on the other and ends on both', async () => {
      for (const [first, second] of [[a, b], [b, a]]) {
        const onFirst = await Client.login(first.url, 'li.na');
        const onSecond = new Client(second.url, { token: onFirst.token });
        const meFirst = await onFirst.get('/api/v1/me');
        const meSecond = await onSecond.get('/api/v1/me');
        assert.equal(meFirst.status, 200, meFirst.text);
        assert.equal(meSecond.status, 200, `a token from ${first.host} on ${second.host}: ${meSecond.text}`);
        assert.equal(meSecond.data.id, meFirst.data.id);
        // Writes too: a draft made on the second server is read on the first.
        const draft = await onSecond.post('/api/v1/applications', { item: ITEM, draft: true, fields: {} });
        assert.equal(draft.status, 201, draft.text);
        const read = await onFirst.get(`/api/v1/applications/${draft.data.id}`);
        assert.equal(read.status, 200, read.text);
        assert.equal(read.data.state, 'draft');

        const out = await onFirst.request('DELETE', '/api/v1/session');
        assert.equal(out.status, 204, out.text);
        const afterSecond = await onSecond.get('/api/v1/me');
        assert.equal(afterSecond.status, 401, `signed out on ${first.host}, refused on ${second.host}`);
        assert.equal(afterSecond.data.error.code, 'unauthenticated');
        assert.equal((await onFirst.get('/api/v1/me')).status, 401);
      }
      // A session made through nginx is accepted on each server's own port.
      const log = [];
      const viaLb = await TracedClient.login(lb, log, 'li.na');
      for (const s of [a, b]) {
        const r = await new Client(s.url, { token: viaLb.token }).get('/api/v1/me');
        assert.equal(r.status, 200, `${s.host}: ${r.text}`);
      }
    });

    await t.test('login throttling counts failures on both servers together', async () => {
      // Five failures through nginx from one address land on both servers...
      const seen = new Set();
      for (let i = 0; i < 5; i++) {
        const r = await loginFrom(lb, 'wang.fang', 'not-the-password', '127.0.0.9');
        assert.equal(r.status, 401);
        seen.add(r.upstream);
      }
      assert.equal(seen.size, 2, 'the failures were spread over both servers');
      // ...and the account is throttled, from every address, on each of them.
      const refused = new Set();
      for (let i = 0; i < 2; i++) {
        const r = await loginFrom(lb, 'wang.fang', DEMO_PASSWORD, i === 0 ? '127.0.0.9' : '127.0.0.10');
        assert.equal(r.status, 429, `right password after five failures, answered by ${r.upstream}`);
        refused.add(r.upstream);
      }
      assert.equal(refused.size, 2, 'both servers refuse');
      const other = await loginFrom(lb, 'zhao.lei', DEMO_PASSWORD, '127.0.0.9');
      assert.equal(other.status, 200, 'another account still signs in from that address');
    });

    await t.test('two reviewers acting at the same moment through different servers: one 200, one 409', async () => {
      const citizen = await Client.login(lb, 'zhang.wei');
      const onA = await Client.login(a.url, 'reviewer.hrss');
      const onB = await Client.login(b.url, 'reviewer.hrss');
      const rounds = 16;
      const pairs = [
        ['accept', {}, 'accept', {}],
        ['accept', {}, 'reject', { reason: '材料不全' }],
        ['reject', { reason: '材料不全' }, 'accept', {}],
      ];
      const wins = { a: 0, b: 0 };
      for (let i = 0; i < rounds; i++) {
        const app = await citizen.post('/api/v1/applications', { item: ITEM, channel: 'web', fields: FIELDS });
        assert.equal(app.status, 201, app.text);
        const id = app.data.id;
        // Warm both connections so that the two actions leave at the same moment.
        await Promise.all([onA.get('/api/v1/me'), onB.get('/api/v1/me')]);
        const [actA, bodyA, actB, bodyB] = pairs[i % pairs.length];
        const [ra, rb] = await Promise.all([
          onA.post(`/api/v1/applications/${id}/actions/${actA}`, bodyA),
          onB.post(`/api/v1/applications/${id}/actions/${actB}`, bodyB),
        ]);
        assert.deepEqual([ra.status, rb.status].sort(), [200, 409], `round ${i}: ${ra.status} ${ra.text} / ${rb.status} ${rb.text}`);
        const loser = ra.status === 409 ? ra : rb;
        assert.equal(loser.data.error.code, 'conflict');
        const winner = ra.status === 200 ? ra : rb;
        wins[ra.status === 200 ? 'a' : 'b']++;
        const events = await citizen.get(`/api/v1/applications/${id}/events`);
        assert.equal(events.status, 200, events.text);
        assert.equal(events.data.items.length, 2, `round ${i}: one submit and exactly one decision`);
        const now = await citizen.get(`/api/v1/applications/${id}`);
        assert.equal(now.data.state, winner.data.state);
        assert.equal(now.data.version, winner.data.version);
      }
      t.diagnostic(`${rounds} races: server A won ${wins.a}, server B won ${wins.b}`);
    });
  } finally {
    stopped = await cluster.stop();
  }
  assert.deepEqual(stopped.problems, [], 'clean-up');
  for (const p of stopped.report) {
    assert.equal(p.killed, false, `${p.name} stopped on SIGTERM`);
    assert.equal(p.code, 0, `${p.name} exited 0 (signal ${p.signal})`);
  }
});
