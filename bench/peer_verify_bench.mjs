// Verification of a peer platform's licence next to a local one (issue 14 benchmark; docs/PERFORMANCE.md
// "Mutual recognition"): Shanghai (sh) and Zhejiang (zj) of the demo, each its own tongban on
// 127.0.0.1 with its own database (SQLite) and keys, Shanghai peered with Zhejiang. Then wrk
// (bench/verify.lua, every answer must say valid) against Shanghai's POST /api/v1/verify with
// 张伟's driving licence issued by Shanghai (local: our key, our status bits) and with the one
// Zhejiang issued (peer: the peer's cached list through the parse cache, its status list
// credential cached from Zhejiang), alternately ROUNDS times each; the best round of each counts.
// Both servers run with verify.requests_per_minute: 0: the per-address limit would refuse a load
// generator on one address, and it costs the same one write on both paths.
// Prints "peer_verify LOCAL_RPS PEER_RPS RATIO NOT_VALID" (target RATIO >= 0.90).
//   node bench/peer_verify_bench.mjs [DURATION] [ROUNDS]   (TONGBAN_BIN: the binary; THREADS,
//   CONNECTIONS: wrk's and the servers' threads, as bench/run.sh)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, Client } from '../tests/api/lib.mjs';

const DURATION = process.argv[2] ?? '10s';
const ROUNDS = Number(process.argv[3] ?? 2);
const THREADS = process.env.THREADS ?? '2';
const CONNECTIONS = process.env.CONNECTIONS ?? '32';
const here = dirname(fileURLToPath(import.meta.url));
const must = (r, what) => { if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`); return r; };

function wrk(url, token) {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${DURATION}`, '-s', join(here, 'verify.lua'), url],
      { env: { ...process.env, TOKEN: token } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const rps = Number((out.match(/^Requests\/sec:\s+([\d.]+)/m) ?? [])[1]);
      const invalid = Number((out.match(/verify\.lua: (\d+) answers were not valid/) ?? [])[1]);
      if (code !== 0 || !Number.isFinite(rps)) reject(new Error(`wrk failed:\n${out}`));
      else resolve({ rps, invalid });
    });
  });
}

async function driving(base) {
  const holder = await Client.login(base, 'zhang.wei');
  const licence = must(await holder.get('/api/v1/me/licences'), 'licences').data.items
    .find((l) => l.type === 'driving_licence');
  if (!licence) throw new Error(`${base}: 张伟 has no driving licence`);
  return must(await holder.get(`/api/v1/licences/${licence.id}/credential`), 'credential').text;
}

const dir = mkdtempSync(join(tmpdir(), 'tongban-peer-bench-'));
const config = (extra) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `threads: ${THREADS}\nverify:\n  requests_per_minute: 0\n${extra}`);
  return file;
};
const servers = [];
try {
  const [sh, zj] = await Promise.all([
    startServer({ extraArgs: ['--config', config('')] }),
    startServer({ extraArgs: ['--config', config('platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n')] }),
  ]);
  servers.push(sh, zj);
  const admin = await Client.login(sh.url, 'admin');
  const platform = must(await new Client(zj.url).get('/api/v1/platform'), 'platform').data;
  must(await admin.post('/api/v1/federation/peers', { code: 'zj', url: zj.url, fingerprint: platform.list_key.kid }), 'add peer');
  const local = await driving(sh.url);
  const peer = await driving(zj.url);
  // Both must verify as valid before anything is measured (and the peer's status list is cached).
  for (const [name, token] of [['local', local], ['peer', peer]]) {
    const v = must(await new Client(sh.url).post('/api/v1/verify', { token }), name).data;
    if (v.status !== 'valid') throw new Error(`${name} licence: ${JSON.stringify(v)}`);
  }
  let best = { local: 0, peer: 0 }, invalid = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, token] of [['local', local], ['peer', peer]]) {
      const r = await wrk(sh.url, token);
      best[name] = Math.max(best[name], r.rps);
      invalid += r.invalid;
    }
  }
  console.log(`peer_verify ${best.local.toFixed(0)} ${best.peer.toFixed(0)} ${(best.peer / best.local).toFixed(2)} ${invalid}`);
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
}
