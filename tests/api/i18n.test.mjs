// Every message key the code can answer with has a text in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

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
