// Relative times ("3m", "2h", "Mar 4") that stay current: one timer
// refreshes every <time data-ts> on the page, so nothing re-renders.

import { h } from './dom.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How often the labels are refreshed: finer than the coarsest unit shown. */
const TICK_MS = 30 * 1000;

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const sameYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const otherYear = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** Accepts ms since the epoch, seconds, or an ISO string. */
export function toMs(t) {
  if (typeof t === 'number') return t < 1e11 ? t * 1000 : t;
  if (typeof t === 'string' && t !== '') {
    const n = Number(t);
    if (!Number.isNaN(n)) return toMs(n);
    return Date.parse(t);
  }
  return NaN;
}

export function relative(t, now = Date.now()) {
  const ms = toMs(t);
  if (Number.isNaN(ms)) return '';
  const d = now - ms;
  if (d < 45 * 1000) return 'now';
  if (d < HOUR) return `${Math.max(1, Math.round(d / MINUTE))}m`;
  if (d < DAY) return `${Math.floor(d / HOUR)}h`;
  if (d < 7 * DAY) return `${Math.floor(d / DAY)}d`;
  const date = new Date(ms);
  return (date.getFullYear() === new Date(now).getFullYear() ? sameYear : otherYear).format(date);
}

export function absolute(t) {
  const ms = toMs(t);
  return Number.isNaN(ms) ? '' : full.format(new Date(ms));
}

/** <time> showing the relative time, the full date on hover. */
export function timeEl(t) {
  const ms = toMs(t);
  if (Number.isNaN(ms)) return h('time', {}, '');
  return h('time', {
    datetime: new Date(ms).toISOString(), title: absolute(ms), dataset: { ts: String(ms) },
  }, relative(ms));
}

let timer = 0;
export function startClock() {
  if (timer) return;
  timer = setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll('time[data-ts]')) {
      const text = relative(Number(el.dataset.ts), now);
      if (el.textContent !== text) el.textContent = text;
    }
  }, TICK_MS);
}
