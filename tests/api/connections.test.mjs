// Connection exhaustion (security review, finding 4): about 20,000 idle connections from one
// client made a normal request time out, and `accept failed: Too many open files` was logged in a
// tight loop (388 MB in 15 s). Bounded: a few hundred connections, loopback addresses only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startServer } from './lib.mjs';

const ITEM = '/api/v1/items/market.business-licence';

// Opens `count` connections from `localAddress` that never send anything; resolves once each
// has connected or failed.
async function openIdle(url, count, localAddress) {
  const { port } = new URL(url);
  const sockets = [];
  await Promise.all(Array.from({ length: count }, () => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress });
    s.on('connect', resolve);
    s.on('error', resolve);
    s.on('close', resolve);
    sockets.push(s);
  })));
  return sockets;
}

// GET `path` over a new connection from `localAddress`; resolves to {status, ms}, or status 0
// when nothing came back within `timeout` ms.
function timedGet(url, path, localAddress, timeout = 10000) {
  const { port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, localAddress, agent: false, timeout }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Date.now() - started }));
    });
    req.on('timeout', () => { req.destroy(); resolve({ status: 0, ms: Date.now() - started }); });
    req.on('error', () => resolve({ status: 0, ms: Date.now() - started }));
    req.end();
  });
}

const lines = (server) => server.output().split('\n').length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('finding 4: idle connections from one address are capped; another address is served at once; the log stays small', async () => {
  const server = await startServer({ extraArgs: ['--max-connections', '64', '--max-connections-per-address', '8'] });
  try {
    const before = lines(server);
    const flood = await openIdle(server.url, 300, '127.0.0.1');
    await sleep(500);
    const r = await timedGet(server.url, ITEM, '127.0.0.2');
    assert.equal(r.status, 200);
    assert.ok(r.ms < 3000, `served in ${r.ms} ms`);
    const open = flood.filter((s) => !s.destroyed && s.readyState === 'open').length;
    assert.ok(open <= 8, `${open} idle connections from one address are still open`);
    assert.ok(lines(server) - before < 20, `the flood wrote ${lines(server) - before} lines:\n${server.output().slice(-2000)}`);
    for (const s of flood) s.destroy();
  } finally {
    await server.stop();
  }
});

test('finding 4: out of file descriptors (EMFILE), the server sheds idle connections, answers again and logs a few lines', async () => {
  // 64 descriptors: about 20 for the database and the process, the rest for connections.
  const server = await startServer({ launcher: ['prlimit', '--nofile=64:64', '--'],
    extraArgs: ['--max-connections-per-address', '0'] });
  try {
    const before = lines(server);
    const flood = [];
    for (const address of ['127.0.0.1', '127.0.0.3', '127.0.0.4']) flood.push(...await openIdle(server.url, 100, address));
    await sleep(1500);
    const r = await timedGet(server.url, ITEM, '127.0.0.2');
    assert.equal(r.status, 200, 'served while the flood holds its connections');
    assert.ok(r.ms < 5000, `served in ${r.ms} ms`);
    const written = lines(server) - before;
    assert.ok(written < 30, `the flood wrote ${written} lines:\n${server.output().slice(-2000)}`);
    for (const s of flood) s.destroy();
    await sleep(200);
    const after = await timedGet(server.url, ITEM, '127.0.0.2');
    assert.equal(after.status, 200, 'and after it');
  } finally {
    await server.stop();
  }
});
