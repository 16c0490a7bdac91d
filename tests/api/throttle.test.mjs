// Login throttling: per (account, address) and per address, without letting an attacker lock the
// victim out from the victim's own address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, DEMO_PASSWORD } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

// POST /api/v1/session from a chosen loopback address (the whole of 127.0.0.0/8 is local).
function login(username, password, localAddress) {
  const body = JSON.stringify({ username, password });
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/api/v1/session', method: 'POST', localAddress,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, data: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('five failures from one address throttle that account there, not elsewhere', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await login('zhang.wei', 'not-the-password', '127.0.0.2');
    assert.equal(r.status, 401);
  }
  const throttled = await login('zhang.wei', DEMO_PASSWORD, '127.0.0.2');
  assert.equal(throttled.status, 429, 'even the right password waits once throttled');
  assert.equal(throttled.data.error.code, 'resource_exhausted');
  const victim = await login('zhang.wei', DEMO_PASSWORD, '127.0.0.3');
  assert.equal(victim.status, 200, 'the victim signs in from their own address');
  const otherAccount = await login('li.na', DEMO_PASSWORD, '127.0.0.2');
  assert.equal(otherAccount.status, 200, 'other accounts are not affected below the address limit');
});

test('an address spraying many accounts is throttled', async () => {
  let last;
  for (let i = 0; i < 31; i++) last = await login(`nobody${i}`, 'guess-password', '127.0.0.4');
  assert.equal(last.status, 429);
  const fromElsewhere = await login('li.na', DEMO_PASSWORD, '127.0.0.5');
  assert.equal(fromElsewhere.status, 200);
});
