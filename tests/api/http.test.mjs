// The HTTP layer seen from outside: strict request framing (security review, finding 9), with the
// server's own error messages in the request's language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, ROOT } from './lib.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); });

const texts = (lang) => JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));

// Sends raw bytes on one connection and resolves to everything the server sent until it closed
// the connection (or 10 s passed: then `closed` is false).
function exchange(bytes) {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    const timer = setTimeout(() => { socket.destroy(); resolve({ text, closed: false }); }, 10000);
    socket.on('data', (c) => { text += c.toString('utf8'); });
    socket.on('end', () => { clearTimeout(timer); socket.end(); resolve({ text, closed: true }); });
    socket.on('error', (e) => { clearTimeout(timer); if (text) resolve({ text, closed: true }); else reject(e); });
    socket.write(bytes);
  });
}

function responses(text) {
  return [...text.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]));
}

function errorBody(text) {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).error;
}

test('finding 9: a transfer coding other than chunked gets 501 and its body is never served as a second request', async () => {
  const smuggled = 'GET /api/v1/items/market.business-licence HTTP/1.1\r\nHost: x\r\n\r\n';
  for (const coding of ['gzip', 'xchunked', 'chunked, identity']) {
    const r = await exchange(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${coding}\r\n`
      + `Accept-Language: en\r\n\r\n${smuggled}`);
    assert.deepEqual(responses(r.text), [501], `${coding}: ${r.text}`);
    assert.ok(r.closed, 'the connection is closed after the error');
    assert.match(r.text, /\r\nConnection: close\r\n/);
    assert.equal(errorBody(r.text).message, texts('en')['error.http.transfer_coding']);
  }
});

test('finding 9: both Content-Length and Transfer-Encoding, or two Content-Lengths, get 400 and close', async () => {
  for (const framing of ['Content-Length: 4\r\nTransfer-Encoding: chunked', 'Transfer-Encoding: gzip\r\nContent-Length: 4',
    'Content-Length: 4\r\nContent-Length: 4', 'Content-Length: 4\r\nContent-Length: 40']) {
    const r = await exchange(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\n${framing}\r\n\r\n{}{}GET / HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.deepEqual(responses(r.text), [400], `${framing}: ${r.text}`);
    assert.ok(r.closed);
  }
});

test('finding 9: HTTP/1.1 without Host, and folded headers, get 400 in the request\'s language', async () => {
  const noHost = await exchange('GET /api/v1/items HTTP/1.1\r\nAccept-Language: zh\r\n\r\n');
  assert.deepEqual(responses(noHost.text), [400], noHost.text);
  assert.ok(noHost.closed);
  assert.equal(errorBody(noHost.text).code, 'invalid_argument');
  assert.equal(errorBody(noHost.text).message, texts('zh')['error.http.host']);

  const folded = await exchange('GET /api/v1/items HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\nX-Note: one\r\n two\r\n\r\n');
  assert.deepEqual(responses(folded.text), [400], folded.text);
  assert.ok(folded.closed);
  assert.equal(errorBody(folded.text).message, texts('en')['error.http.folded_header']);

  const fine = await exchange('GET /api/v1/items/market.business-licence HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual(responses(fine.text), [200], 'a well-formed request is still served');
});
