// Durability: submit under load, kill -9 the server, restart on the same database: every
// application that got a 201 is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, fillFields, simplePersonItem, DB_KIND, dropPgDatabase } from './lib.mjs';

test('every acknowledged submission survives kill -9', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-crash-'));
  try {
    const first = await startServer({ dir });
    const citizen = await Client.login(first.url, 'zhang.wei');
    const item = await simplePersonItem(citizen);
    const body = { item: item.code, channel: 'web', fields: fillFields(item) };
    const acknowledged = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const r = await citizen.post('/api/v1/applications', body);
          if (r.status === 201) acknowledged.push(r.data.id);
        } catch {
          return;  // the server is gone
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await new Promise((r) => setTimeout(r, 2500));
    await first.kill9();  // mid-flight: requests in progress are cut off
    stop = true;
    await Promise.all(workers);
    assert.ok(acknowledged.length > 50, `only ${acknowledged.length} submissions acknowledged before the kill`);

    const second = await startServer({ dir, db: first.dbUrl });
    try {
      const again = await Client.login(second.url, 'zhang.wei');
      const missing = [];
      for (let i = 0; i < acknowledged.length; i += 32) {
        const batch = acknowledged.slice(i, i + 32);
        const results = await Promise.all(batch.map((id) => again.get(`/api/v1/applications/${id}`)));
        results.forEach((r, j) => { if (r.status !== 200 || r.data.state !== 'submitted') missing.push(batch[j]); });
      }
      assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged submissions lost`);
    } finally {
      await second.stop();
      if (DB_KIND === 'postgres') dropPgDatabase(first.dbUrl);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
