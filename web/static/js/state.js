// What the whole page shares: the signed-in user, the linked accounts and a
// bus for the few cross-module events (accounts changed, person changed).

import { get } from './api.js';

export const app = {
  session: null, // {user, profile, edition, csrf_token}
  accounts: [], // GET /social/accounts items
  bus: new EventTarget(),
};

export function emit(type, detail) {
  app.bus.dispatchEvent(new CustomEvent(type, { detail }));
}

/** Listens to a bus event; returns the function that stops listening. */
export function on(type, fn) {
  const listener = (e) => fn(e.detail);
  app.bus.addEventListener(type, listener);
  return () => app.bus.removeEventListener(type, listener);
}

export function profile() {
  return (app.session && app.session.profile) || {};
}

export function isSocialAdmin() {
  const p = profile();
  const u = (app.session && app.session.user) || {};
  return !!(p.social_admin || p.admin || u.super_admin);
}

export function isAdmin() {
  const p = profile();
  const u = (app.session && app.session.user) || {};
  return !!(p.admin || u.super_admin);
}

export function accountById(id) {
  return app.accounts.find((a) => String(a.id) === String(id)) || null;
}

/** Accounts that count as linked (a pending page choice does not). */
export function linkedAccounts() {
  return app.accounts.filter((a) => a.status !== 'pending_page');
}

export async function loadAccounts() {
  const data = await get('/social/accounts');
  app.accounts = (data && data.items) || [];
  emit('accounts', app.accounts);
  return app.accounts;
}

/** Same person reference? (record_type + record_id) */
export function samePerson(a, b) {
  return !!a && !!b && a.record_type === b.record_type && String(a.record_id) === String(b.record_id);
}
