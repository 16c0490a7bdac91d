// The public verification page /verify: paste a licence and read the result in plain words, in
// zh, en and elder mode, without JavaScript too; axe-core checks every page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { checkA11y, go, repoRoot, start, texts } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { if (env) await env.stop(); });

const bin = process.env.TONGBAN_BIN ? path.resolve(process.env.TONGBAN_BIN) : path.join(repoRoot, 'build', 'tongban');
const SIGN = path.join(path.dirname(bin), 'tests', 'tongban_jws_sign');

function credential() {
  const r = spawnSync(SIGN, ['--db', `sqlite:${env.dir}/t.db`, '--keys-dir', path.join(repoRoot, 'var/keys'),
    '--issuer', 'market', '--typ', 'vc+jwt', JSON.stringify({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential', 'TongbanLicence'],
      id: 'urn:tongban:licence:LIC-B-1',
      issuer: { id: 'urn:tongban:sh:issuer:market', name: '市场监督管理局' },
      validFrom: '2026-01-01T00:00:00+08:00',
      validUntil: '2099-01-01T00:00:00+08:00',
      credentialSubject: { licence_type: 'business_licence', holder_name: '张伟' },
    })], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function check(page, token) {
  await page.fill('#token', token);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await checkA11y(env, page);
  return (await page.textContent('#verify-result-title')).trim();
}

for (const lang of ['zh', 'en']) {
  test(`${lang}: a genuine licence reads valid, a changed one reads changed`, async () => {
    const page = await env.newPage({ locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
    await go(env, page, `/verify?lang=${lang}`);
    assert.equal((await page.textContent('h1')).trim(), texts[lang]['verify.heading']);
    const token = credential();
    assert.equal(await check(page, token), texts[lang]['verify.result.valid']);
    assert.match(await page.textContent('.summary-list'), /张伟/);
    const [h, p, s] = token.split('.');
    const changed = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    assert.equal(await check(page, changed), texts[lang]['verify.result.bad_signature']);
    assert.match(await page.textContent('.verify-reasons'), new RegExp(texts[lang]['error.jws.signature'].slice(0, 8)));
    // Nothing pasted: the error summary names the field.
    await page.fill('#token', '');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    await checkA11y(env, page);
    assert.match(await page.textContent('.error-summary'), new RegExp(texts[lang]['error.verify.token_required'].slice(0, 6)));
    await page.context().close();
  });
}

test('elder mode: large buttons, the same words; axe-clean', async () => {
  const page = await env.newPage();
  await page.goto(`${env.base}/prefs?elder=1&return=/verify`);
  await go(env, page, '/verify');
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')));
  assert.equal(await check(page, credential()), texts.zh['verify.result.valid']);
  const height = await page.evaluate(() => document.querySelector('button[type=submit]').getBoundingClientRect().height);
  assert.ok(height >= 56, `submit button ${height}px`);
  await page.context().close();
});

test('without JavaScript the page checks a pasted licence; the camera button stays hidden', async () => {
  const page = await env.newPage({ javaScriptEnabled: false });
  await page.goto(`${env.base}/verify`);
  assert.equal(await page.isVisible('[data-scan-start]'), false);
  await page.fill('#token', credential());
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  assert.equal((await page.textContent('#verify-result-title')).trim(), texts.zh['verify.result.valid']);
  await page.context().close();
});
