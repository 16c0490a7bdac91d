// Scale-out harness: a fresh PostgreSQL database on an existing cluster, several `tongban serve`
// processes on it, and Debian's nginx as a round-robin load balancer in front, all on 127.0.0.1.
// Everything started here is stopped by Cluster.stop() (SIGTERM, then SIGKILL after a timeout),
// which the tests call from after() so that it also runs when a test fails.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, chmodSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BIN, ROOT } from '../api/lib.mjs';

const STOP_TIMEOUT_MS = 10000;

// Runs one SQL statement with psql against `url`; throws with psql's message on failure.
export function psql(url, sql) {
  return execFileSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-t', '-A', '-c', sql], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000,
  });
}

// `url` with its database name replaced by `name` (postgresql://user@host:port/db?params).
export function withDatabase(url, name) {
  const m = url.match(/^(postgres(?:ql)?:\/\/[^/]+)(?:\/[^?]*)?(\?.*)?$/);
  if (!m) throw new Error(`not a PostgreSQL URL: ${url}`);
  return `${m[1]}/${name}${m[2] ?? ''}`;
}

// A TCP port nobody listens on right now (the kernel's choice; released before returning).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function exited(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) {
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  }
  return new Promise((r) => proc.once('exit', (code, signal) => r({ code, signal })));
}

// SIGTERM, then SIGKILL if the process is still there after `timeoutMs`. Resolves to
// {code, signal, killed} where killed says whether SIGKILL was needed.
export async function stopProcess(proc, timeoutMs = STOP_TIMEOUT_MS) {
  const done = exited(proc);
  if (proc.exitCode !== null || proc.signalCode !== null) return { ...(await done), killed: false };
  proc.kill('SIGTERM');
  let timer;
  const late = new Promise((r) => { timer = setTimeout(() => r(null), timeoutMs); });
  const first = await Promise.race([done, late]);
  clearTimeout(timer);
  if (first) return { ...first, killed: false };
  proc.kill('SIGKILL');
  return { ...(await done), killed: true };
}

function nginxConfig(dir, port, upstreams) {
  return `# Written by tests/scale/cluster.mjs for one test run.
daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 12m;

  upstream tongban {
${upstreams.map((u) => `    server ${u};`).join('\n')}
    keepalive 16;
  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tongban;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      # Fail the request rather than silently retrying it on the other server: a retried POST
      # could act twice, and the test must see what each server answered.
      proxy_next_upstream off;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

// Starts nginx with a generated config in `dir` balancing over `upstreams` ("127.0.0.1:PORT").
// Resolves to {url, proc, output()} once it answers GET /api/v1/items through an upstream.
export async function startNginx(dir, upstreams) {
  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  // Workers run as nobody when nginx starts as root; they must reach the temp paths in `dir`.
  chmodSync(dir, 0o755);
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, nginxConfig(dir, port, upstreams));
    // -e: the error log used before the config is read (otherwise /var/log/nginx/error.log).
    const proc = spawn(bin, ['-e', join(dir, 'error.log'), '-p', dir, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (c) => { output = (output + c).slice(-20000); });
    proc.stderr.on('data', (c) => { output = (output + c).slice(-20000); });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline && proc.exitCode === null && proc.signalCode === null) {
      try {
        const r = await fetch(`${url}/api/v1/items?page_size=1`);
        await r.arrayBuffer();
        if (r.status === 200 && r.headers.get('x-upstream')) return { url, proc, output: () => output };
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    const errorLog = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
    lastError = `${output}\n${errorLog}`.trim();
    await stopProcess(proc);
    if (!/Address already in use/.test(lastError)) break;  // only a lost port race is worth retrying
  }
  throw new Error(`nginx did not start:\n${lastError}`);
}

// Starts `tongban serve --db dbUrl --listen 127.0.0.1:0 --demo --trust-forwarded-for`. The
// process is pushed onto `processes` before waiting for it, so a caller's clean-up stops it even
// when it never comes up. Resolves to {url, host, proc, output()} once it prints its address.
export async function startBackend(dbUrl, processes) {
  const proc = spawn(BIN, ['serve', '--db', dbUrl, '--listen', '127.0.0.1:0', '--demo', '--trust-forwarded-for'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  processes.push(proc);
  // Keep the whole stdout: the access log (one JSON line per request) is what the tests count.
  let output = '';
  proc.stdout.on('data', (c) => { output += c; });
  proc.stderr.on('data', (c) => { output += c; });
  const deadline = Date.now() + 60000;
  for (;;) {
    const m = output.match(/serving on (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) return { url: m[1], host: new URL(m[1]).host, proc, output: () => output };
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`tongban serve --db ${dbUrl} exited (${proc.exitCode ?? proc.signalCode}):\n${output}`);
    }
    if (Date.now() > deadline) throw new Error(`tongban serve did not start in 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A fresh database on the cluster at `pgUrl`, `servers` tongban processes on it and nginx in front.
export class Cluster {
  constructor(pgUrl) {
    this.pgUrl = pgUrl;
    this.dir = mkdtempSync(join(tmpdir(), 'tongban-scale-'));
    this.dbName = `tongban_scale_${process.pid}_${randomBytes(4).toString('hex')}`;
    this.dbUrl = withDatabase(pgUrl, this.dbName);
    this.servers = [];
    this.processes = [];  // every tongban process started, up or not
    this.nginx = null;
    this.dbCreated = false;
  }

  async start({ servers = 2 } = {}) {
    // If the test process exits without stop() (an uncaught error, Ctrl-C), take the children with it.
    this.onExit = () => {
      for (const p of [...this.processes, this.nginx?.proc]) {
        if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      }
    };
    process.once('exit', this.onExit);
    psql(this.pgUrl, `CREATE DATABASE ${this.dbName}`);
    this.dbCreated = true;
    // One after the other: the first migrates the fresh database and adds the demo accounts;
    // the others find them there.
    for (let i = 0; i < servers; i++) {
      this.servers.push(await startBackend(this.dbUrl, this.processes));
    }
    const nginxDir = join(this.dir, 'nginx');
    mkdirSync(nginxDir);
    this.nginx = await startNginx(nginxDir, this.upstreams);
    return this;
  }

  // "127.0.0.1:PORT" of each server, as nginx reports it in X-Upstream.
  get upstreams() { return this.servers.map((s) => s.host); }

  // Stops nginx, then the servers, then drops the database. Never throws; returns what it saw
  // ({name, code, signal, killed} per process) so a test can check the servers shut down cleanly.
  async stop() {
    const report = [];
    const problems = [];
    const step = async (name, fn) => {
      try {
        const r = await fn();
        if (r) report.push({ name, ...r });
      } catch (e) {
        problems.push(`${name}: ${e.message}`);
      }
    };
    if (this.onExit) process.removeListener('exit', this.onExit);
    if (this.nginx) await step('nginx', () => stopProcess(this.nginx.proc));
    await Promise.all(this.processes.map((p, i) => step(`tongban ${i + 1}`, () => stopProcess(p))));
    if (this.dbCreated) await step('drop database', () => { psql(this.pgUrl, `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`); });
    rmSync(this.dir, { recursive: true, force: true });
    return { report, problems };
  }
}
