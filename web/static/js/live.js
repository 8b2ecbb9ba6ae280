// The live feed over WebSocket /api/v1/live (API.md, SPEC S-3.7, S-9.4).
// The first subscribe starts at the server's newest event: its
// `subscribed` comes with `fresh: true`, and whoever shows posts loads
// them over REST after it (or loads again), so a post stored while the
// socket was opening is fetched rather than missed. `subscribed` names the
// last event covered; from then on a reconnect resumes from the last seq
// handled, so after a dropped connection or a server restart nothing is
// missed, and events at or below that seq are dropped, so nothing is
// doubled. After `resync` it starts over. The state is 'online' once the
// server has confirmed a subscribe: from then on events flow.
//
// Events: 'status' {state: connecting|online|offline, retryAt}, 'post',
// 'standing_changed', 'subscribed' (detail: the message and `fresh`),
// 'resync', 'servererror' (detail: the message), 'stale' (several
// reconnects failed: the session may have ended).

/** First reconnect delay; doubled per failure up to the maximum. */
const RETRY_MIN_MS = 300;
/** A server that is down for long is retried this often at most. */
const RETRY_MAX_MS = 5000;
/** Keeps proxies and the server's idle timeout from closing a quiet socket. */
const PING_EVERY_MS = 20000;
/** No message at all for this long: the connection is dead; reconnect. */
const SILENCE_LIMIT_MS = 50000;
/** Failed connects in a row before asking whether the session still holds. */
const FAILURES_BEFORE_CHECK = 3;

export class LiveFeed extends EventTarget {
  constructor() {
    super();
    this.views = [];
    this.extra = new Map(); // other subscribers' views (record pages), by key
    this.lastSeq = 0;
    this.synced = false; // lastSeq is a point the server can resume from
    this.awaiting = []; // per subscribe sent and not yet answered: was it fresh
    this.state = 'offline';
    this.ws = null;
    this.retryMs = RETRY_MIN_MS;
    this.retryTimer = 0;
    this.failures = 0;
    this.pingTimer = 0;
    this.lastMessageAt = 0;
    this.stopped = true;
    this.onBrowserOnline = () => this.reconnectNow();
  }

  /** Forgets the resume point: the next subscribe starts from now. */
  reset() {
    this.lastSeq = 0;
    this.synced = false;
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onBrowserOnline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.awaiting = [];
    window.removeEventListener('online', this.onBrowserOnline);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.close(1000, 'signed out');
      this.ws = null;
    }
    this.setState('offline');
  }

  /** Replaces the subscribed views; sent now when connected. */
  setViews(views) {
    this.views = views;
    this.sendSubscribe();
  }

  /**
   * Views another part of the page needs besides the board's (a record
   * page following one person): subscribed together, each view once.
   * An empty list removes them.
   */
  setExtraViews(key, views) {
    if (views && views.length) this.extra.set(key, views);
    else this.extra.delete(key);
    this.sendSubscribe();
  }

  /** The board's views and every extra one, without repeats. */
  allViews() {
    const seen = new Set();
    const out = [];
    for (const v of [...this.views, ...[...this.extra.values()].flat()]) {
      const k = JSON.stringify(v);
      if (!seen.has(k)) { seen.add(k); out.push(v); }
    }
    return out;
  }

  reconnectNow() {
    if (this.stopped || this.state === 'online' || this.state === 'connecting') return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  setState(state, extra = {}) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('status', { detail: { state, ...extra } }));
  }

  /**
   * Resolves once a load over REST would not miss anything: the server
   * answered a subscribe (events after it come live), or the socket is
   * down (the fresh subscribe after it comes back says to load again).
   */
  settled() {
    if (this.state === 'offline' && !this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.removeEventListener('subscribed', done);
        this.removeEventListener('status', onStatus);
        resolve();
      };
      const onStatus = (e) => { if (e.detail.state === 'offline') done(); };
      this.addEventListener('subscribed', done);
      this.addEventListener('status', onStatus);
    });
  }

  connect() {
    this.awaiting = [];
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.setState('connecting');
    let ws;
    try {
      ws = new WebSocket(`${scheme}://${location.host}/api/v1/live`);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = RETRY_MIN_MS;
      this.failures = 0;
      this.lastMessageAt = Date.now();
      this.sendSubscribe();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.keepAlive(), PING_EVERY_MS);
    };
    ws.onmessage = (e) => {
      this.lastMessageAt = Date.now();
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      this.handle(msg);
    };
    ws.onclose = () => {
      clearInterval(this.pingTimer);
      this.awaiting = [];
      if (this.ws === ws) this.ws = null;
      if (!this.stopped) this.scheduleRetry();
    };
    ws.onerror = () => { /* onclose follows and schedules the retry */ };
  }

  scheduleRetry() {
    this.failures += 1;
    // A refused upgrade looks like any failure; the page asks the REST API,
    // whose 401 leads back to the sign-in screen.
    if (this.failures % FAILURES_BEFORE_CHECK === 0) this.dispatchEvent(new Event('stale'));
    const delay = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.setState('offline', { retryAt: Date.now() + delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  keepAlive() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastMessageAt > SILENCE_LIMIT_MS) {
      this.ws.close(4000, 'silent');
      return;
    }
    this.ws.send(JSON.stringify({ type: 'ping' }));
  }

  sendSubscribe() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    // batch: messages that wait for one write come as one, so a busy feed
    // costs the browser one frame and one JSON.parse per write, not per event.
    const msg = { type: 'subscribe', views: this.allViews(), batch: true };
    if (this.synced) msg.resume_from = this.lastSeq;
    this.awaiting.push(!this.synced);
    this.ws.send(JSON.stringify(msg));
  }

  handle(msg) {
    switch (msg.type) {
      case 'batch':
        // The messages that waited together, in order.
        if (Array.isArray(msg.events)) {
          for (const ev of msg.events) {
            if (ev && typeof ev === 'object') this.handle(ev);
          }
        }
        break;
      case 'post':
      case 'standing_changed': {
        const seq = Number(msg.seq);
        // Events come in seq order: one at or below the last handled is a
        // replay of something already shown.
        if (Number.isFinite(seq) && seq <= this.lastSeq) return;
        if (Number.isFinite(seq)) this.lastSeq = seq;
        this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
        break;
      }
      case 'resync':
        // The server stopped this subscription: start over from now, and
        // the board refetches its columns.
        this.reset();
        this.sendSubscribe();
        this.dispatchEvent(new CustomEvent('resync', { detail: msg }));
        break;
      case 'subscribed': {
        // Sent after any replay: everything up to seq has been delivered.
        const seq = Number(msg.seq);
        if (Number.isFinite(seq) && seq > this.lastSeq) this.lastSeq = seq;
        this.synced = true;
        const fresh = this.awaiting.length ? this.awaiting.shift() : false;
        if (this.state !== 'online') this.setState('online');
        this.dispatchEvent(new CustomEvent('subscribed', { detail: { ...msg, fresh } }));
        break;
      }
      case 'error':
        this.dispatchEvent(new CustomEvent('servererror', { detail: msg }));
        break;
      default:
        break; // pong and anything newer: nothing to do
    }
  }
}
