// The city's datasets (issue 9 item 1): GET /api/v1/datasets and /datasets/{code} from the
// catalogue; `catalogue check` naming a missing dataset and a missing field; `data load` keeping
// nothing of a file with a bad row and naming the line (on the database of TONGBAN_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, startServer, Client, allItems } from './lib.mjs';

let server;
let anon;
before(async () => {
  server = await startServer();
  anon = new Client(server.url);
});
after(async () => { await server.stop(); });

function run(args) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('issue 9: the datasets are listed page by page with owner, classified fields and legal bases', async () => {
  const first = await anon.get('/api/v1/datasets?page_size=5');
  assert.equal(first.status, 200);
  assert.equal(first.data.items.length, 5);
  assert.ok(first.data.total >= 20);
  const all = [];
  let token = '';
  do {
    const page = await anon.get(`/api/v1/datasets?page_size=7${token ? `&page_token=${token}` : ''}`);
    assert.equal(page.status, 200);
    all.push(...page.data.items);
    token = page.data.next_page_token;
  } while (token);
  assert.equal(all.length, first.data.total);
  const codes = new Set(all.map((d) => d.code));
  for (const code of ['population', 'household_registration', 'birth_record', 'marriage', 'social_insurance',
    'medical_insurance', 'housing_fund_account', 'social_security_card', 'market_entity']) {
    assert.ok(codes.has(code), code);
  }
  for (const d of all) {
    assert.ok(d.name.zh && d.name.en, d.code);
    assert.ok(['person', 'enterprise'].includes(d.subject), d.code);
    assert.ok(d.owner && d.owner.code === d.department, d.code);
    assert.ok(d.fields.length > 0 && d.legal_bases.length > 0, d.code);
    for (const f of d.fields) assert.ok(['public', 'internal', 'personal', 'sensitive'].includes(f.class), `${d.code}.${f.name}`);
  }
  // Every dataset an item reads shared data from is listed, with the field it fills.
  const byCode = new Map(all.map((d) => [d.code, d]));
  for (const item of await allItems(anon)) {
    for (const m of item.materials) if (m.source === 'shared_data') assert.ok(byCode.has(m.dataset), `${item.code} ${m.dataset}`);
  }

  const population = await anon.get('/api/v1/datasets/population');
  assert.equal(population.status, 200);
  assert.equal(population.data.department, 'police');
  assert.equal(population.data.subject, 'person');
  const byName = new Map(population.data.fields.map((f) => [f.name, f]));
  assert.equal(byName.get('name').class, 'personal');
  assert.equal(byName.get('photo_hash').class, 'sensitive');
  assert.equal(byName.get('id_number').type, 'id_number');
  const market = await anon.get('/api/v1/datasets/market_entity');
  assert.equal(market.data.subject, 'enterprise');
  assert.ok(market.data.fields.some((f) => f.name === 'representative_id_number'));

  const police = await anon.get('/api/v1/datasets?department=police&subject=person');
  assert.ok(police.data.items.length >= 2);
  assert.ok(police.data.items.every((d) => d.department === 'police'));
  const missing = await anon.get('/api/v1/datasets/no_such_dataset');
  assert.equal(missing.status, 404);
  assert.equal(missing.data.error.code, 'not_found');
  assert.equal((await anon.get('/api/v1/datasets?page_size=0')).status, 400);
  assert.equal((await anon.get('/api/v1/datasets?subject=robot')).status, 400);
});

test('issue 9: catalogue check names the file, item and the missing dataset or field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-datasets-'));
  try {
    cpSync(join(ROOT, 'catalogue'), join(dir, 'cat'), { recursive: true });
    const file = join(dir, 'cat/items/civil.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const material = lines.findIndex((l) => l.includes('dataset: marriage}'));
    const field = lines.findIndex((l) => l.includes('dataset_field: name}'));
    assert.ok(material > 0 && field > 0);
    lines[material] = lines[material].replace('dataset: marriage}', 'dataset: marriages}');
    lines[field] = lines[field].replace('dataset_field: name}', 'dataset_field: full_name}');
    writeFileSync(file, lines.join('\n'));
    const r = run(['catalogue', 'check', join(dir, 'cat')]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, new RegExp(`items/civil\\.yaml:${material + 1}: item '[a-z.-]+' material '[a-z_]+': unknown dataset 'marriages'`));
    assert.match(r.err, new RegExp(`items/civil\\.yaml:${field + 1}: item '[a-z.-]+' field 'applicant_name': dataset 'population' has no field 'full_name'`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('issue 9: data load reports every bad row as FILE:LINE and keeps nothing; a good file loads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-load-'));
  try {
    const bad = join(dir, 'cards.csv');
    writeFileSync(bad, 'subject_id,card_number,issued_on,status\n'
      + '110101199003070935,C1,2020-01-01,正常\n'
      + '110101199003070936,C2,2020-01-01,正常\n'
      + '110101199003070951,C3,not-a-date,正常\n');
    const r = run(['data', 'load', 'social_security_card', bad, '--db', server.dbUrl]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, new RegExp(`${bad.replace(/[.]/g, '\\.')}:3: .*not a valid resident id`));
    assert.match(r.err, new RegExp(`${bad.replace(/[.]/g, '\\.')}:4: field 'issued_on'`));
    assert.match(r.err, /2 of 3 rows are bad; nothing was loaded/);
    const good = join(dir, 'cards.jsonl');
    writeFileSync(good, '{"subject_id":"110101199003070935","card_number":"C1","issued_on":"2020-01-01","status":"正常"}\n');
    const ok = run(['data', 'load', 'social_security_card', good, '--db', server.dbUrl]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /Loaded 1 records into social_security_card/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
