// The personal homepage under load (issue 12; docs/PERFORMANCE.md "Homepage"): 张伟 of the demo
// city with 50 applications and 20 licences (his demo driving licence and 19 social security cards,
// each applied for, accepted, approved and delivered through the API; not timed), then
// GET /api/v1/me/home sent open-loop at RATE requests/s for SECONDS seconds (each request leaves on
// its schedule whether or not the previous one has answered, so a slow answer cannot hide the
// queue behind it). With BARE (the bare_beast binary), the same client and schedule against a
// minimal Beast server in the same run: the raw ceiling of an HTTP round trip on this machine.
// Prints "home_page RATE SECONDS SENT P50_MS P99_MS ERRORS BARE_P99_MS" (BARE_P99_MS "-" without BARE).
//   node bench/home_bench.mjs [RATE] [SECONDS]   (TONGBAN_BIN: the binary; BARE: bare_beast)
import { startServer, Client } from '../tests/api/lib.mjs';
import { measureGet } from './open_loop.mjs';

const RATE = Number(process.argv[2] ?? 200);
const SECONDS = Number(process.argv[3] ?? 20);
const must = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`); return r; };

const server = await startServer();
try {
  const zhang = await Client.login(server.url, 'zhang.wei');
  const reviewer = await Client.login(server.url, 'reviewer.hrss');
  for (let i = 0; i < 19; i += 1) {
    const app = must(await zhang.post('/api/v1/applications', { item: 'hrss.social-security-card', channel: 'web',
      fields: { delivery_address: '上海市浦东新区世纪大道100号', contact_phone: '13800138000' } }), 'apply');
    for (const action of ['accept', 'approve', 'deliver']) {
      must(await reviewer.post(`/api/v1/applications/${app.data.id}/actions/${action}`, {}), action);
    }
  }
  for (let i = 0; i < 31; i += 1) {
    must(await zhang.post('/api/v1/applications', { item: 'police.driving-licence-renewal', draft: true, fields: {} }), 'draft');
  }
  const home = must(await zhang.get('/api/v1/me/home'), 'home').data;
  const licences = (await zhang.get('/api/v1/me/licences?page_size=100')).data.items.length;
  if (licences !== 20 || !home.more_applications || home.suggestions.length === 0) {
    throw new Error(`setup: ${licences} licences, more_applications ${home.more_applications}, ${home.suggestions.length} suggestions`);
  }
  const headers = { authorization: `Bearer ${zhang.token}` };
  const url = `${server.url}/api/v1/me/home`;
  const figures = await measureGet(url, headers, RATE, SECONDS, process.env.BARE);
  console.log(`home_page ${RATE} ${SECONDS} ${figures}`);
} finally {
  await server.stop();
}
