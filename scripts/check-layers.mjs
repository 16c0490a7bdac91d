#!/usr/bin/env node
// Fails when a source file includes across a forbidden edge between the layers of src/README.md,
// or includes a library its layer may not see. Every library compiles with `-I src`, so the
// compiler alone cannot refuse `#include "storage/..."` in domain code: this check does, and
// `make test` runs it (ctest `layers`), together with a test that it fails on a forbidden edge.
//
//   node scripts/check-layers.mjs [SRC_DIR]     # default: src/ beside this script
//
// Prints one line per forbidden include (file:line: what, and why) and exits 1; silent and 0
// when every include is allowed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// Which project layers each layer may include, and which libraries (include path prefixes).
// Standard C++ headers (<string>, <cstdint>, ...) are allowed everywhere.
const LAYERS = {
  common: { uses: [], libs: ['fmt/'] },
  domain: { uses: ['common'], libs: [] },
  ports: { uses: ['common', 'domain'], libs: [] },
  crypto: { uses: ['common', 'domain', 'ports'], libs: ['sodium.h', 'openssl/', 'nlohmann/', 'zlib.h', 'qrencode.h'] },
  storage: { uses: ['common', 'domain', 'ports'], libs: ['sqlite3.h', 'libpq-fe.h', 'nlohmann/'] },
  services: { uses: ['common', 'domain', 'ports'], libs: [] },
  http: {
    uses: ['common', 'domain', 'ports', 'services'],
    libs: ['boost/', 'nlohmann/', 'spdlog/', 'kainjow/', 'fmt/', 'openssl/', 'sys/', 'curl/'],
  },
  app: {
    uses: ['common', 'domain', 'ports', 'crypto', 'storage', 'services', 'http'],
    libs: ['nlohmann/', 'spdlog/', 'fmt/', 'yaml-cpp/', 'CLI/', 'unistd.h', 'fcntl.h', 'sys/'],
  },
};
// Beast and Asio are heavy: only these files of http/ may include them (keeps builds lean).
const BOOST_FILES = [/^http\/server\.cc$/, /^http\/client\.cc$/, /^http\/net\//];

const STD_HEADER = /^[a-z_0-9]+$/;

function* sources(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(h|cc)$/.test(name)) yield path;
  }
}

export function checkLayers(srcDir) {
  const problems = [];
  for (const file of sources(srcDir)) {
    const rel = relative(srcDir, file).split('\\').join('/');
    const layer = rel.split('/')[0];
    const rules = LAYERS[layer];
    if (!rules) continue;  // README.md and friends; a new layer must be added above
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      const m = /^\s*#\s*include\s*([<"])([^>"]+)[>"]/.exec(line);
      if (!m) return;
      const [, bracket, target] = m;
      const where = `${rel}:${i + 1}`;
      if (bracket === '"') {
        const top = target.includes('/') ? target.split('/')[0] : layer;
        if (top === layer || rules.uses.includes(top)) return;
        if (LAYERS[top]) {
          problems.push(`${where}: includes "${target}": ${layer}/ may not depend on ${top}/ (src/README.md)`);
        } else {
          problems.push(`${where}: includes "${target}", which is no layer of src/`);
        }
        return;
      }
      if (STD_HEADER.test(target)) return;
      if (!rules.libs.some((prefix) => target === prefix || target.startsWith(prefix))) {
        problems.push(`${where}: includes <${target}>: ${layer}/ may not use that library`);
        return;
      }
      if (target.startsWith('boost/') && !BOOST_FILES.some((re) => re.test(rel))) {
        problems.push(`${where}: includes <${target}>: Beast and Asio belong to http/server.cc and http/net/ only`);
      }
    });
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  const srcDir = resolve(process.argv[2] ?? join(here, '..', 'src'));
  const problems = checkLayers(srcDir);
  for (const p of problems) console.error(p);
  process.exit(problems.length ? 1 : 0);
}
