// Login throttling: per account across every address with growing delays, and per address for
// the accounts that address has been guessing, without refusing a right password for that alone.
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

// Finding 8 of the security review: the old rule (5 per account and address, 30 per address) let
// an attacker with many addresses guess without limit and locked everyone behind one NAT out.
test('finding 8: failures on an account throttle it from every address, and only it', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await login('zhang.wei', 'not-the-password', '127.0.0.2');
    assert.equal(r.status, 401);
  }
  const throttled = await login('zhang.wei', DEMO_PASSWORD, '127.0.0.2');
  assert.equal(throttled.status, 429, 'even the right password waits once throttled');
  assert.equal(throttled.data.error.code, 'resource_exhausted');
  const elsewhere = await login('zhang.wei', DEMO_PASSWORD, '127.0.0.3');
  assert.equal(elsewhere.status, 429, 'another address waits too: the delay belongs to the account');
  const otherAccount = await login('li.na', DEMO_PASSWORD, '127.0.0.2');
  assert.equal(otherAccount.status, 200, 'other accounts are not affected');
});

test('finding 8: an attacker with many addresses is throttled per account', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await login('wang.fang', 'guess-password', `127.0.1.${i + 1}`);
    assert.equal(r.status, 401);
  }
  const r = await login('wang.fang', 'guess-password', '127.0.1.9');
  assert.equal(r.status, 429, 'a sixth address gets no free guess');
});

test('finding 8: a spraying address is refused for the accounts it guessed, never for another account\'s right password', async () => {
  // 100 failures (the address limit) across 100 usernames from one shared address.
  for (let i = 0; i < 100; i++) {
    const r = await login(`nobody${i}`, 'guess-password', '127.0.0.4');
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  const again = await login('nobody0', 'guess-password', '127.0.0.4');
  assert.equal(again.status, 429, 'a second guess at an account from the spraying address');
  const sameNameElsewhere = await login('nobody0', 'guess-password', '127.0.0.5');
  assert.equal(sameNameElsewhere.status, 401, 'from another address the account has had one failure only');
  const neighbour = await login('li.na', DEMO_PASSWORD, '127.0.0.4');
  assert.equal(neighbour.status, 200, 'a person behind the same address signs in with the right password');
});
