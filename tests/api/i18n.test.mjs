// Every message key the code can answer with has a text in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, ROOT, startServer } from './lib.mjs';

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(cc|h)$/.test(name) ? [path] : [];
  });
}

test('every error key in src/ has a Chinese and an English text', () => {
  const keys = new Set();
  for (const file of sources(join(ROOT, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/"(error\.[a-z_]+(?:\.[a-z_]+)+)"/g)) keys.add(m[1]);
  }
  assert.ok(keys.size > 40, `found only ${keys.size} keys`);
  for (const lang of ['zh', 'en']) {
    const texts = JSON.parse(readFileSync(join(ROOT, `web/i18n/${lang}.json`), 'utf8'));
    const missing = [...keys].filter((k) => !(k in texts));
    assert.deepEqual(missing, [], `${lang}.json lacks these keys`);
  }
});

// --languages decides what the site offers: the switch shows only offered languages,
// Accept-Language picks among them, and the first is the default.
test('--languages en offers English only: no switch, Chinese asked for gets English', async () => {
  const server = await startServer({ demo: false, extraArgs: ['--languages', 'en'] });
  try {
    for (const path of ['/', '/?lang=zh']) {
      const res = await fetch(server.url + path, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(html, /<html lang="en"/, path);
      assert.doesNotMatch(html, /hreflang=/, `${path}: no language switch`);
    }
    const prefs = await fetch(server.url + '/prefs?lang=zh&return=/', { redirect: 'manual' });
    assert.equal(prefs.headers.get('set-cookie'), null, 'no cookie for a language not offered');
    const api = await new Client(server.url, { lang: 'zh-CN' }).get('/api/v1/applications');
    assert.equal(api.status, 401);
    assert.match(api.data.error.message, /^[\x20-\x7e]+$/, `an English message: ${api.data.error.message}`);
  } finally {
    await server.stop();
  }
});

test('--languages en,zh: English by default, Chinese when the browser prefers it, the switch shown', async () => {
  const server = await startServer({ demo: false, extraArgs: ['--languages', 'en,zh'] });
  try {
    const plain = await (await fetch(server.url + '/')).text();
    assert.match(plain, /<html lang="en"/);
    assert.match(plain, /hreflang="zh"/);
    const chinese = await (await fetch(server.url + '/', { headers: { 'accept-language': 'zh-CN' } })).text();
    assert.match(chinese, /<html lang="zh"/);
    assert.match(chinese, /hreflang="en"/);
  } finally {
    await server.stop();
  }
});
