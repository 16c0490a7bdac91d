// Shared by the browser tests: starts the real tongban binary on a free port with a fresh
// database and the demo accounts, launches Chromium through playwright-core, and checks every
// visited page with axe-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const axePath = require.resolve('axe-core/axe.min.js');

export const texts = {
  zh: JSON.parse(readFileSync(path.join(repoRoot, 'web/i18n/zh.json'), 'utf8')),
  en: JSON.parse(readFileSync(path.join(repoRoot, 'web/i18n/en.json'), 'utf8')),
};

export const CITIZEN = { username: 'zhang.wei', password: 'demo-password-1' };
export const REVIEWER = { username: 'reviewer.market', password: 'demo-password-1' };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The address the server says it serves on (it listens on a port the kernel picks: a port chosen
// here and passed on could be taken by another suite's server in between, and the pages would
// then be asked of that server), once its home page answers.
async function waitForServer(child, logs) {
  const deadline = Date.now() + 60_000;
  let base = null;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tongban exited with ${child.exitCode}:\n${logs.join('')}`);
    base ??= logs.join('').match(/serving on (http:\/\/127\.0\.0\.1:\d+)\//)?.[1] ?? null;
    if (base) {
      try {
        const res = await fetch(`${base}/`);
        if (res.status === 200) return base;
      } catch {
        // not answering yet
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`tongban did not answer within 60 s:\n${logs.join('')}`);
}

// Starts the server and the browser. Call stop() in an `after` hook.
// `extraArgs`: more `serve` options (e.g. --data-source DATASET=URL).
export async function start({ extraArgs = [] } = {}) {
  const bin = process.env.TONGBAN_BIN
    ? path.resolve(process.env.TONGBAN_BIN)
    : path.join(repoRoot, 'build', 'tongban');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tongban-browser-'));
  const logs = [];
  const child = spawn(bin, ['serve', '--db', `sqlite:${dir}/t.db`, '--listen', '127.0.0.1:0', '--demo', ...extraArgs], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => logs.push(d.toString()));
  child.stderr.on('data', (d) => logs.push(d.toString()));
  // A server that dies under a test fails every page after it with "connection refused": say why.
  let stopping = false;
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`tongban exited during the tests: ${signal ?? `exit code ${code}`}; its output:\n${logs.join('').slice(-20000)}`);
  });
  const base = await waitForServer(child, logs);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const env = {
    base,
    browser,
    dir,  // the server's SQLite database is dir/t.db
    checked: [],
    async newPage(options = {}) {
      // axe is injected as a script tag; the server's CSP (script-src 'self') would block it.
      const context = await browser.newContext({ bypassCSP: true, locale: 'zh-CN', ...options });
      return context.newPage();
    },
    async stop() {
      stopping = true;
      await browser.close().catch(() => {});
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 10_000);
        child.on('exit', () => { clearTimeout(timer); resolve(); });
      });
      rmSync(dir, { recursive: true, force: true });
    },
    logs,
  };
  return env;
}

// Runs axe-core on the page and fails with the list of violations when there is any.
export async function checkA11y(env, page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  const url = page.url();
  env.checked.push(url);
  if (violations.length > 0) {
    console.log(`axe violations on ${url}:\n${JSON.stringify(violations, null, 2)}`);
  }
  assert.deepEqual(violations, [], `axe found violations on ${url}`);
}

// Navigates and checks the new page.
export async function go(env, page, url) {
  const res = await page.goto(url.startsWith('http') ? url : env.base + url);
  await checkA11y(env, page);
  return res;
}

// Clicks something that loads a new page, waits for it and checks it.
export async function clickAndCheck(env, page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
  await checkA11y(env, page);
}

export async function signIn(env, page, user, lang) {
  await go(env, page, '/login');
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await clickAndCheck(env, page, page.locator('form[action="/login"] button[type=submit]'));
  assert.ok(!page.url().includes('/login'), `signed in as ${user.username}, still on ${page.url()}`);
  if (lang) assert.equal(await page.getAttribute('html', 'lang'), lang);
}

// GB 11643 check character, for valid resident id numbers in forms.
export function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// GB 32100 check character.
export function creditCode(first17) {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((s, c, i) => s + alphabet.indexOf(c) * weights[i], 0);
  return first17 + alphabet[(31 - (sum % 31)) % 31];
}

// A valid answer for a catalogue field.
export function sampleValue(field) {
  switch (field.type) {
    case 'number': {
      const min = field.min ?? 1;
      return String(Math.max(min, Math.min(field.max ?? 10, 10)));
    }
    case 'date': return '2026-12-01';
    case 'select': return field.options[0].value;
    case 'boolean': return 'true';
    case 'id_number': return residentId('31011519900101123');
    case 'credit_code': return creditCode('91310000MA1K00001');
    case 'phone': return '13800138000';
    case 'email': return 'zhang.wei@example.com';
    case 'address': return '上海市浦东新区世纪大道100号';
    default: {
      let text = '测试内容示例';
      while (field.min && [...text].length < field.min) text += '示例';
      if (field.max && [...text].length > field.max) text = [...text].slice(0, field.max).join('');
      return text;
    }
  }
}

// A market item a person can apply for, preferring one without required uploads (fewest first).
export async function pickMarketItem(env) {
  const res = await fetch(`${env.base}/api/v1/items?department=market`);
  assert.equal(res.status, 200);
  const list = (await res.json()).items;
  const details = [];
  for (const summary of list) {
    const item = await (await fetch(`${env.base}/api/v1/items/${encodeURIComponent(summary.code)}`)).json();
    if (item.applicant && item.applicant !== 'person') continue;
    if ((item.fields || []).some((f) => !f.source && f.pattern)) continue;
    const uploads = (item.materials || []).filter((m) => m.source === 'upload' && m.required !== false);
    const asked = (item.fields || []).filter((f) => !f.source);
    if (!asked.some((f) => f.required)) continue;  // the flow leaves one required field empty first
    details.push({ item, uploads, asked });
  }
  assert.ok(details.length > 0, 'no market item a person can apply for');
  details.sort((a, b) => a.uploads.length - b.uploads.length);
  return details[0];
}

// Fills one field of the apply form.
export async function fillField(page, field, value) {
  const selector = `#field-${field.name}`;
  if (field.type === 'select' || field.type === 'boolean') await page.selectOption(selector, value);
  else await page.fill(selector, value);
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

// Fails when the page scrolls sideways at a viewport `width` px wide (narrow screens, elder mode).
export async function noSidewaysScroll(page, width = 360) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `${page.url()} is ${scroll} px wide`);
}
