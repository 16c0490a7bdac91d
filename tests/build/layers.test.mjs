// The layer check (scripts/check-layers.mjs) passes on src/ and fails on each kind of forbidden
// edge: a project layer, a library, and Beast outside the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers } from '../../scripts/check-layers.mjs';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function tree(files) {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test('src/ includes only across allowed edges', () => {
  assert.deepEqual(checkLayers(SRC), []);
});

test('a domain file that includes storage, JSON or a system header fails the check', () => {
  const dir = tree({
    'domain/bad.h': '#pragma once\n#include <string>\n#include "common/result.h"\n#include "storage/sql_store.h"\n',
    'domain/bad.cc': '#include "domain/bad.h"\n#include <nlohmann/json.hpp>\n#include <unistd.h>\n',
  });
  try {
    const problems = checkLayers(dir);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /^domain\/bad\.cc:2: includes <nlohmann\/json\.hpp>/);
    assert.match(problems[1], /^domain\/bad\.cc:3: includes <unistd\.h>/);
    assert.match(problems[2], /^domain\/bad\.h:4: includes "storage\/sql_store\.h": domain\/ may not depend on storage\//);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('services may not reach http or storage; http pages may not include Beast', () => {
  const dir = tree({
    'services/a.cc': '#include "http/router.h"\n#include "storage/driver.h"\n#include "ports/store.h"\n',
    'http/web/page.cc': '#include "services/a.h"\n#include <boost/beast/http.hpp>\n',
    'http/server.cc': '#include <boost/beast/http.hpp>\n',
  });
  try {
    const problems = checkLayers(dir);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0], /^http\/web\/page\.cc:2: .*Beast and Asio belong to http\/server\.cc/);
    assert.match(problems[1], /^services\/a\.cc:1: .*services\/ may not depend on http\//);
    assert.match(problems[2], /^services\/a\.cc:2: .*services\/ may not depend on storage\//);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
