// What every browser test starts from: a real `socialcrm sim`, a real
// `socialcrm serve --sim-url` on a fresh data directory, Debian's Chromium
// driven by playwright-core, and helpers that wait for conditions (never
// for fixed times). A missing Chromium or playwright-core fails the test
// with the command that installs it; nothing is skipped silently.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.SOCIALCRM_CHROMIUM || '/usr/bin/chromium';
export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'correct horse battery';
export const USER_PASSWORD = 'long enough password';
/** Bound of every wait: generous for two busy cores, still a clear failure. */
export const WAIT_MS = 30000;
/** How long a process gets to print its ready line. */
const START_MS = 30000;

export function binaryPath() {
  const i = process.argv.indexOf('--binary');
  const bin = i > 0 ? process.argv[i + 1] : process.env.SOCIALCRM_BINARY;
  if (!bin || !existsSync(bin)) throw new Error(`socialcrm binary not found (${bin}); pass --binary PATH`);
  return bin;
}

async function loadPlaywright() {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`bash scripts/install-deps.sh\` as root (Debian package chromium)`);
  try {
    return await import('playwright-core');
  } catch (e) {
    throw new Error(`npm package playwright-core is missing (${e.message}): run \`bash scripts/install-deps.sh\` or \`npm ci\` at the repository root`);
  }
}

/** A child process whose stdout lines can be awaited. */
export class Child {
  constructor(cmd, args, env = {}) {
    this.lines = [];
    this.err = '';
    this.waiters = [];
    this.proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    let buf = '';
    this.proc.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        this.lines.push(line);
        for (const w of [...this.waiters]) if (w.re.test(line)) { w.resolve(line); this.waiters.splice(this.waiters.indexOf(w), 1); }
      }
    });
    this.proc.stderr.on('data', (d) => { this.err = (this.err + d).slice(-20000); });
  }

  waitForLine(re, what) {
    const seen = this.lines.find((l) => re.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not print ${re} within ${START_MS} ms; stderr:\n${this.err}`)), START_MS);
      this.waiters.push({ re, resolve: (l) => { clearTimeout(timer); resolve(l); } });
      this.exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}) before it was ready; stderr:\n${this.err}`)); });
    });
  }

  async stop(signal = 'SIGTERM') {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}

/** Polls `fn` until it returns a truthy value; fails naming `what`. */
export async function eventually(fn, what, timeout = WAIT_MS) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for: ${what}${last ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A cookie-authenticated REST client (Node's fetch), like the browser's. */
export class Api {
  constructor(base) { this.base = base; this.cookie = ''; this.csrf = ''; }

  async call(method, p, body, headers = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    const res = await fetch(`${this.base}/api/v1${p}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    return { status: res.status, body: data };
  }

  async ok(method, p, body, headers) {
    const r = await this.call(method, p, body, headers);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${p} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async signIn(email, password) {
    const s = await this.ok('POST', '/session', { email, password });
    this.csrf = s.csrf_token;
    return s;
  }
}

/** The emulator's control API. */
export class Sim {
  constructor(url) { this.url = url; }

  async control(p, body) {
    const res = await fetch(`${this.url}/_sim${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`/_sim${p} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  async get(p) {
    const res = await fetch(`${this.url}/_sim${p}`);
    if (!res.ok) throw new Error(`/_sim${p} -> ${res.status}`);
    return res.json();
  }

  async user(network, handle, name = handle, password = 'pw') {
    return (await this.control('/users', { network, handle, name, password })).user_id;
  }

  async page(network, ownerId, name) {
    return (await this.control('/pages', { network, owner_id: ownerId, name })).page_id;
  }

  async token(network, userId, pageId) {
    const body = { network, user_id: userId };
    if (pageId) body.page_id = pageId;
    return (await this.control('/tokens', body)).access_token;
  }

  async post(network, authorId, text, kind = 'mention', toAccount) {
    const body = { network, author_id: authorId, text, kind };
    if (toAccount) body.to_account = toAccount;
    return (await this.control('/posts', body)).external_id;
  }
}

/** Starts serve on `dataDir`; `listen` fixed when restarting on the same port. */
export async function startServer(binary, { simUrl, dataDir, listen = '127.0.0.1:0' }) {
  const child = new Child(binary, ['serve', '--data', dataDir, '--listen', listen, '--sim-url', simUrl, '--poll-interval', '0.2'], {
    SOCIALCRM_ADMIN_EMAIL: ADMIN_EMAIL, SOCIALCRM_ADMIN_PASSWORD: ADMIN_PASSWORD, SOCIALCRM_LOG: process.env.SOCIALCRM_LOG || 'warn',
  });
  const line = await child.waitForLine(/socialcrm listening on http:\/\//, 'socialcrm serve');
  return { child, url: line.slice(line.indexOf('http://')).trim() };
}

/** What the server's pages must be served with (web/service.cpp ui_policy). */
const UI_POLICY = [/(^|;)\s*default-src 'self'\s*(;|$)/, /(^|;)\s*frame-ancestors 'none'\s*(;|$)/];

/**
 * Reports every Content-Security-Policy violation in the page to the test:
 * the browser fires `securitypolicyviolation` for each (blocked inline
 * script, style attribute, foreign load), before any page script runs.
 */
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (e) => {
    const where = e.sourceFile ? ` at ${e.sourceFile}:${e.lineNumber}` : '';
    window.__socialcrmCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || '(inline)'}${where}${e.sample ? ` (${e.sample})` : ''}`);
  }, true);
}

/**
 * What went wrong inside the pages: every uncaught exception and every
 * console error, unless the test declared it (allow()) as what it provokes;
 * and every Content-Security-Policy violation, or a page of the server
 * served without the UI's policy, which no declaration covers: the UI must
 * run under its policy as it is (issue 21).
 */
class PageErrors {
  constructor() { this.seen = []; this.allowed = []; this.csp = []; }

  /** Before the context's first page: violations reach the test. */
  async watchContext(context) {
    await context.exposeBinding('__socialcrmCspViolation', ({ page }, text) => {
      this.csp.push(`CSP violation in ${page ? page.url() : 'a page'}: ${text}`);
    });
    await context.addInitScript(reportCspViolations);
  }

  watch(page, index, serverOrigin) {
    const where = () => `page ${index} (${page.url()})`;
    page.on('pageerror', (e) => this.seen.push(`uncaught ${e.name || 'error'} in ${where()}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const at = m.location();
      const source = at && at.url ? ` at ${at.url}${at.lineNumber !== undefined ? `:${at.lineNumber + 1}` : ''}` : '';
      const text = `console error in ${where()}: ${m.text()}${source}`;
      if (/Content.Security.Policy/i.test(m.text())) this.csp.push(text);
      else this.seen.push(text);
    });
    // No violation is only worth something if the policy was in force.
    page.on('response', (r) => {
      if (r.request().resourceType() !== 'document' || new URL(r.url()).origin !== serverOrigin()) return;
      // A redirect (the OAuth callback's) renders nothing: the page it
      // leads to is checked when it arrives.
      if (r.status() >= 300 && r.status() < 400) return;
      const policy = r.headers()['content-security-policy'] || '';
      if (!UI_POLICY.every((re) => re.test(policy)))
        this.csp.push(`${r.url()} was served without the UI's Content-Security-Policy (got "${policy}")`);
    });
  }

  allow(pattern, why) {
    if (!why) throw new Error(`allowPageError(${pattern}) needs the reason the test provokes it`);
    this.allowed.push({ pattern, why });
  }

  /** The errors no declaration covers, CSP violations first. */
  unexpected() {
    return [...this.csp, ...this.seen.filter((e) => !this.allowed.some((a) => a.pattern.test(e)))];
  }

  /** Throws naming every unexpected error; lists the provoked ones. */
  check() {
    for (const e of this.seen) {
      const a = this.allowed.find((x) => x.pattern.test(e));
      if (a) console.log(`  provoked on purpose (${a.why}): ${e}`);
    }
    const bad = this.unexpected();
    if (bad.length) throw new Error(`${bad.length} error(s) in the page:\n  ${bad.join('\n  ')}`);
  }
}

/**
 * Runs one browser test: `body(env)` gets {binary, sim, server, admin (Api),
 * browser, newPage(), restartServer(), link(net, handle), step(text),
 * allowPageError(pattern, why), allowFailedRequest(path, status, why)}. An
 * uncaught exception or console error in any page fails the test at the
 * end, naming it, unless the test declared it as what it provokes on
 * purpose (a refused request, say). A Content-Security-Policy violation, or
 * a page served without the UI's policy, always fails it. Exit code 0 on success, 1 with the
 * error and a screenshot otherwise.
 */
export async function run(name, body) {
  const started = Date.now();
  const children = [];
  let browser = null;
  let pages = [];
  const errors = new PageErrors();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'socialcrm-ui-'));
  const step = (text) => console.log(`  [${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);
  console.log(`ui test: ${name}`);
  try {
    const binary = binaryPath();
    const { chromium } = await loadPlaywright();
    const simChild = new Child(binary, ['sim', '--listen', '127.0.0.1:0', '--seed', '7']);
    children.push(simChild);
    const simLine = await simChild.waitForLine(/listening on http:\/\//, 'socialcrm sim');
    const sim = new Sim(simLine.slice(simLine.indexOf('http://')).trim());
    const dataDir = path.join(tmp, 'data');
    mkdirSync(dataDir);
    let server = await startServer(binary, { simUrl: sim.url, dataDir });
    children.push(server.child);
    const admin = new Api(server.url);
    await admin.signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
    });
    const env = {
      binary, sim, admin, browser, step, tmp,
      get server() { return server; },
      async newPage(viewport = { width: 1280, height: 860 }) {
        const context = await browser.newContext({ viewport, baseURL: server.url });
        await errors.watchContext(context);
        const page = await context.newPage();
        page.setDefaultTimeout(WAIT_MS);
        errors.watch(page, pages.length, () => new URL(server.url).origin);
        pages.push(page);
        return page;
      },
      /** Stops the server and starts it again on the same port and data. */
      async restartServer(whileDown) {
        const listen = server.url.replace('http://', '');
        const exit = await server.child.stop('SIGTERM');
        if (exit.code !== 0) throw new Error(`serve did not stop cleanly: ${JSON.stringify(exit)}\n${server.child.err}`);
        if (whileDown) await whileDown();
        server = await startServer(binary, { simUrl: sim.url, dataDir, listen });
        children.push(server.child);
        return server;
      },
      /** Links an account over the API with an emulator token (setup only). */
      async link(network, handle) {
        const orgId = await sim.user(network, handle);
        const body = { network };
        let pageId;
        if (network === 'facebook' || network === 'googleplus') {
          pageId = await sim.page(network, orgId, `${handle} page`);
          body.access_token = await sim.token(network, orgId);
          body.page_id = pageId;
        } else if (network === 'bluesky') {
          body.identifier = handle; body.app_password = 'pw';
        } else {
          body.access_token = await sim.token(network, orgId);
        }
        const a = await admin.ok('POST', '/social/accounts', body);
        return { accountId: String(a.id), orgId, pageId };
      },
      /** Declares page errors matching `pattern` as provoked on purpose. */
      allowPageError(pattern, why) { errors.allow(pattern, why); },
      /**
       * Declares the API's refusal with `status` of requests to `path`
       * (under /api/v1, any query; `{id}` stands for one segment), which
       * the browser reports as a failed load, as provoked on purpose.
       */
      allowFailedRequest(apiPath, status, why) {
        const p = apiPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{id\\\}/g, '[^/?]+');
        errors.allow(new RegExp(`Failed to load resource: the server responded with a status of ${status} \\(.*\\) at https?://[^/]+/api/v1${p}(\\?\\S*)?:\\d+$`), why);
      },
      /** A new user of profile `profileName` (Standard, Administrator). */
      async createUser(email, profileName) {
        const profiles = await admin.ok('GET', '/profiles');
        const p = profiles.items.find((x) => x.name === profileName);
        if (!p) throw new Error(`no profile named ${profileName}`);
        await admin.ok('POST', '/users', { email, name: email.split('@')[0], password: USER_PASSWORD, profile_id: String(p.id) });
      },
    };
    await body(env);
    errors.check();
    console.log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  } catch (e) {
    console.error(`FAIL ${name}\n${e.stack || e}`);
    const bad = errors.unexpected();
    if (bad.length) console.error(`  errors in the page:\n    ${bad.join('\n    ')}`);
    for (const [i, p] of pages.entries()) {
      try {
        const file = path.join(process.cwd(), 'test-results', `${name.replace(/[^a-z0-9]+/gi, '-')}-${i}.png`);
        mkdirSync(path.dirname(file), { recursive: true });
        await p.screenshot({ path: file, fullPage: true });
        console.error(`  screenshot: ${file}`);
      } catch { /* the page may be gone */ }
    }
    const last = children[children.length - 1];
    if (last) console.error(`  server stderr (tail):\n${last.err.slice(-3000)}`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const c of children.reverse()) await c.stop('SIGTERM').catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
}

// --- page helpers -----------------------------------------------------------

export async function signIn(page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto('/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('header.topbar').waitFor();
}

/** A CRM column by id (customers, negotiation, leads, unknown). */
export function column(page, id) {
  return page.locator(`section.column-${id}`);
}

export function postsWithText(scope, text) {
  return scope.locator('article.post', { hasText: text });
}

/** Waits until exactly `n` posts in `scope` contain `text`. */
export async function expectCount(scope, text, n, what) {
  await eventually(async () => (await postsWithText(scope, text).count()) === n,
    what || `${n} post(s) with "${text}"`);
}

/** Waits until the live feed is connected. */
export async function waitOnline(page) {
  await page.locator('.conn[data-connection="online"]').waitFor();
}

/** A marker that a full page load would erase: proves "without reload". */
export async function markPage(page) {
  await page.evaluate(() => { window.__socialcrmTestMarker = 'still here'; });
}

/**
 * Clicks `locator` even when it is (aria-)disabled, and returns once the
 * page's own click handlers on it have run: a listener added after theirs
 * (listeners of one element run in the order they were added) counts the
 * click. What the handlers did, or did not do, can be asserted then.
 */
export async function forceClickHandled(locator) {
  await locator.evaluate((el) => {
    el.testClicks = 0;
    el.addEventListener('click', () => { el.testClicks += 1; });
  });
  await locator.click({ force: true });
  await eventually(() => locator.evaluate((el) => el.testClicks === 1), 'the page handled the click');
}

/**
 * The requests `page` sends from now on whose URL matches `pattern`, as a
 * list that grows. settled() resolves once every request the page started
 * before the call has been seen: a request of the page's own sent after
 * them comes back first.
 */
export function watchRequests(page, pattern) {
  const seen = [];
  page.on('request', (r) => { if (pattern.test(r.url())) seen.push(`${r.method()} ${r.url()}`); });
  seen.settled = () => page.evaluate(() => fetch('/healthz').then((r) => r.status));
  return seen;
}

export async function assertNotReloaded(page) {
  const v = await page.evaluate(() => window.__socialcrmTestMarker);
  if (v !== 'still here') throw new Error('the page was reloaded (the marker is gone)');
}
