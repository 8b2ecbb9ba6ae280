// What every client-library test starts from: a real `socialcrm sim` with
// each network at the root of its own https listener (a private CA made by
// the emulator, trusted through NODE_EXTRA_CA_CERTS), the control API, and
// a small runner of named checks that prints the closing line CTest and CI
// read ("N passed, N failed"). The libraries under test are the networks'
// own npm packages, unmodified, pinned in package-lock.json.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Child, Sim, binaryPath, eventually } from '../ui/harness.mjs';

export { eventually };

const NETWORKS = ['x', 'facebook', 'googleplus', 'mastodon', 'bluesky'];

/**
 * Node reads NODE_EXTRA_CA_CERTS once, at start. The emulator makes its CA
 * on first start in a directory: make it there once, then run this same
 * script again with the CA trusted; the second run reuses the directory.
 * Returns the directory in the second run; never returns in the first.
 */
async function trustedTlsDir(binary) {
  if (process.env.SOCIALCRM_SIM_TLS_DIR) return process.env.SOCIALCRM_SIM_TLS_DIR;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'socialcrm-sim-tls-'));
  const first = new Child(binary, ['sim', '--listen', '127.0.0.1:0', '--tls', dir]);
  await first.waitForLine(/^socialcrm sim ca /, 'socialcrm sim --tls');
  await first.stop();
  const again = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'), SOCIALCRM_SIM_TLS_DIR: dir },
  });
  rmSync(dir, { recursive: true, force: true });
  process.exit(again.status ?? 1);
}

/** The emulator as a client test sees it: URLs and the control API. */
export class Emulator extends Sim {
  constructor(child, prefixUrl, urls, ca) {
    super(prefixUrl);
    this.child = child;
    /** Root URL of each network: urls.x === 'https://127.0.0.1:PORT'. */
    this.urls = urls;
    this.ca = ca;
  }

  /** What the app (here: the library) posted, liked, replied on `network`. */
  async published(network) {
    return (await this.get(`/published?network=${network}`)).published;
  }

  async fault(network, kind, extra = { count: 1 }) {
    return this.control('/faults', { network, kind, ...extra });
  }

  /** Per-network request and status counts (GET /_sim/stats). */
  async stats() {
    return this.get('/stats');
  }
}

/**
 * Starts `socialcrm sim` with root listeners over https and waits for the
 * line of every network. `tls: false` serves plain http.
 */
export async function startEmulator({ tls = true, seed = 7 } = {}) {
  const binary = binaryPath();
  const args = ['sim', '--listen', '127.0.0.1:0', '--seed', String(seed)];
  if (tls) args.push('--tls', await trustedTlsDir(binary));
  const child = new Child(binary, args);
  const first = await child.waitForLine(/^socialcrm sim listening on /, 'socialcrm sim');
  const urls = {};
  for (const net of NETWORKS) {
    const line = await child.waitForLine(new RegExp(`^socialcrm sim ${net} at `), `socialcrm sim (${net})`);
    urls[net] = line.split(' at ')[1].trim();
  }
  const ca = tls ? (await child.waitForLine(/^socialcrm sim ca /, 'socialcrm sim')).slice('socialcrm sim ca '.length).trim() : '';
  return new Emulator(child, first.slice(first.indexOf('http://')).trim(), urls, ca);
}

/**
 * Runs the named checks of one library against one emulator, in order, and
 * prints one line per check and the closing "N passed, N failed". A failed
 * check does not stop the others; the exit code is 1 when any failed.
 * `body(emu, check)` registers checks with `check(name, async () => ...)`.
 */
export async function run(name, body, options = {}) {
  const started = Date.now();
  console.log(`client test: ${name}`);
  let emu = null;
  let passed = 0;
  let failed = 0;
  const check = async (what, fn) => {
    const t = Date.now();
    try {
      await fn();
      passed++;
      console.log(`  ok   ${what} (${Date.now() - t} ms)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL ${what}\n${String(e.stack || e).replace(/^/gm, '       ')}`);
    }
  };
  try {
    emu = await startEmulator(options);
    await body(emu, check);
  } catch (e) {
    failed++;
    console.log(`  FAIL ${name}: ${e.stack || e}`);
    if (emu) console.log(`  emulator stderr (tail):\n${emu.child.err.slice(-3000)}`);
  } finally {
    if (emu) await emu.child.stop('SIGTERM');
  }
  console.log(`${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (failed > 0 || passed === 0) process.exitCode = 1;
}

/** Throws `what` with the actual value when `cond` is false. */
export function expect(cond, what, actual) {
  if (!cond) throw new Error(`${what}${actual === undefined ? '' : `; got ${JSON.stringify(actual)}`}`);
}

/** Awaits `promise`, which must reject; returns the error for inspection. */
export async function rejects(promise, what) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error(`${what}: expected an error, the call succeeded`);
}
