// Issue 10 leftover: with `serve --demo` the demo's people hold licences, issued through the
// licences service (signed, with status list indexes) and only once however often the server
// starts: 王芳's enterprise holds a business licence and 张伟 a driving licence that expires within
// 90 days.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, DB_KIND, createPgDatabase, dropPgDatabase } from './lib.mjs';

const DAY = 24 * 3600 * 1000;

test('demo licences: 王芳\'s enterprise holds a business licence, 张伟 a driving licence expiring within 90 days, issued once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-demo-licences-'));
  // One database for both starts (startServer drops a PostgreSQL database it made itself).
  const dbUrl = DB_KIND === 'postgres' ? createPgDatabase() : `sqlite:${join(dir, 'tongban.db')}`;
  let server = await startServer({ dir, db: dbUrl });
  try {
    const check = async () => {
      const zhang = await Client.login(server.url, 'zhang.wei');
      const driving = (await zhang.get('/api/v1/me/licences')).data.items.filter((l) => l.type === 'driving_licence');
      assert.equal(driving.length, 1, 'one driving licence');
      assert.equal(driving[0].status, 'valid');
      assert.equal(driving[0].delivered, true);
      const left = Date.parse(driving[0].valid_until) - Date.now();
      assert.ok(left > 0 && left < 90 * DAY, `expires within 90 days: ${driving[0].valid_until}`);

      const wang = await Client.login(server.url, 'wang.fang');
      const me = (await wang.get('/api/v1/me')).data;
      const enterprise = me.enterprises[0].code;
      const business = (await wang.get(`/api/v1/me/licences?enterprise=${enterprise}`)).data.items
        .filter((l) => l.type === 'business_licence');
      assert.equal(business.length, 1, 'one business licence');
      assert.equal(business[0].status, 'valid');
      assert.equal(business[0].claims.legal_representative, '王芳');
      // Signed and in a status list: anyone verifies it as valid.
      const credential = (await wang.get(`/api/v1/licences/${business[0].id}/credential`)).text;
      const verified = await new Client(server.url).post('/api/v1/verify', { token: credential });
      assert.equal(verified.data.status, 'valid', verified.text);
      return [driving[0].id, business[0].id];
    };
    const first = await check();
    // A restart on the same database issues nothing twice.
    await server.stop();
    server = await startServer({ dir, db: dbUrl });
    assert.deepEqual(await check(), first);
  } finally {
    await server.stop();
    if (DB_KIND === 'postgres') dropPgDatabase(dbUrl);
    rmSync(dir, { recursive: true, force: true });
  }
});
