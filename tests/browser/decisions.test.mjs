// Decision records (issue 13 item 6): an administrator lists the catalogue's versions and compares
// two of them side by side, in zh, en and elder mode at 360 px, axe-core clean, with the form
// working without JavaScript (a plain GET form).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clickAndCheck, go, repoRoot, signIn, start } from './harness.mjs';

const ADMIN = { username: 'admin', password: 'demo-password-1' };
let env;
let tmp;

before(async () => {
  env = await start();
  // A second version: the social security card promised in 3 working days.
  tmp = mkdtempSync(path.join(tmpdir(), 'tongban-decisions-'));
  cpSync(path.join(repoRoot, 'catalogue'), path.join(tmp, 'cat'), { recursive: true });
  const file = path.join(tmp, 'cat/items/hrss.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/promised_limit_days: \d+/, 'promised_limit_days: 3'));
  const bin = process.env.TONGBAN_BIN ? path.resolve(process.env.TONGBAN_BIN) : path.join(repoRoot, 'build', 'tongban');
  const r = spawnSync(bin, ['catalogue', 'publish', path.join(tmp, 'cat'), '--db', `sqlite:${env.dir}/t.db`,
    '--reason', 'promise the card in 3 working days', '--by', 'reform.office'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
after(async () => {
  if (env) await env.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

for (const mode of [{ lang: 'zh' }, { lang: 'en' }, { lang: 'zh', elder: true }]) {
  test(`decision records (${mode.lang}${mode.elder ? ', elder' : ''}, 360 px): listed and compared side by side`, async () => {
    const page = await env.newPage({ locale: mode.lang === 'en' ? 'en-GB' : 'zh-CN', viewport: { width: 360, height: 740 } });
    if (mode.elder) await page.goto(`${env.base}/prefs?elder=1&return=/`);
    await signIn(env, page, ADMIN);
    if (mode.lang === 'en') await go(env, page, '/prefs?lang=en&return=/office/decisions');
    await go(env, page, '/office/decisions');
    assert.equal(await page.getAttribute('html', 'lang'), mode.lang === 'en' ? 'en' : 'zh');
    const rows = page.locator('table[aria-labelledby="decisions-list-title"] tbody tr');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.first().innerText(), /promise the card in 3 working days/);
    assert.match(await rows.first().innerText(), /reform\.office/);
    // The compare form, by keyboard: its defaults are the two newest versions.
    await page.focus('#decisions-to');
    await clickAndCheck(env, page, page.locator('form[action="/office/decisions/compare"] button[type=submit]'));
    assert.match(page.url(), /from=1&to=2/);
    const changed = page.locator('tr.diff-row--changed');
    assert.ok(await changed.count() >= 1);
    assert.match(await changed.first().innerText(), /promised_limit_days: 3/);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `the comparison is ${width} px wide`);
  });
}
