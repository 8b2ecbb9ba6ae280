// Inline SVG icons: the five networks and the few UI glyphs. Drawn here so
// the page never fetches anything at run time. Simplified marks, 24x24.

import { s } from './dom.js';

const PATHS = {
  // Networks
  x: 'M4 3h4.6l4.1 5.6L17.6 3H20l-6.2 7.2L21 21h-4.6l-4.5-6.1L6.6 21H4.2l6.6-7.6z',
  facebook: 'M12 2a10 10 0 0 0-1.6 19.9v-7h-2.5V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 2.2.2v2.5h-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.5 2.9h-2.3v7A10 10 0 0 0 12 2z',
  googleplus: 'M8.2 11v2.3h3.7c-.2 1-1.2 2.9-3.7 2.9a4.2 4.2 0 0 1 0-8.4c1.3 0 2.2.6 2.7 1l1.8-1.7A6.6 6.6 0 0 0 8.2 5.3a6.7 6.7 0 1 0 0 13.4c3.9 0 6.4-2.7 6.4-6.5 0-.4 0-.8-.1-1.2zM22 11h-2V9h-2v2h-2v2h2v2h2v-2h2z',
  mastodon: 'M20.9 8.3c0-4-2.6-5.2-2.6-5.2C16.9 2.5 14.6 2.2 12 2.2h-.1c-2.6 0-4.9.3-6.3.9 0 0-2.6 1.2-2.6 5.2 0 .9 0 2 .1 3.2.1 3.9.7 7.7 4.3 8.7 1.7.4 3.1.5 4.3.5 2.1-.1 3.3-.8 3.3-.8l-.1-1.6s-1.5.5-3.2.4c-1.7 0-3.5-.2-3.8-2.2v-.6s1.7.4 3.8.5c1.3.1 2.5-.1 3.7-.2 2.4-.3 4.4-1.7 4.7-3 .4-2.1.4-5.1.4-5.1zm-3.3 5.4h-2V8.8c0-1-.4-1.6-1.3-1.6-1 0-1.5.6-1.5 1.9v2.7h-2V9.1c0-1.3-.5-1.9-1.5-1.9-.9 0-1.3.5-1.3 1.6v4.9h-2V8.6c0-1 .3-1.9.8-2.5.6-.6 1.3-.9 2.2-.9 1 0 1.8.4 2.3 1.2l.5.8.5-.8c.5-.8 1.3-1.2 2.3-1.2.9 0 1.6.3 2.2.9.5.6.8 1.5.8 2.5z',
  bluesky: 'M6.3 4.1C8.6 5.8 11 9.3 12 11.2c1-1.9 3.4-5.4 5.7-7.1 1.6-1.2 4.3-2.2 4.3.9 0 .6-.4 5.2-.6 5.9-.7 2.6-3.3 3.2-5.6 2.8 4 .7 5 3 2.8 5.2-4.2 4.3-6-1.1-6.5-2.5l-.1-.3-.1.3c-.5 1.4-2.3 6.8-6.5 2.5-2.2-2.2-1.2-4.5 2.8-5.2-2.3.4-4.9-.2-5.6-2.8C2.4 10.2 2 5.6 2 5c0-3.1 2.7-2.1 4.3-.9z',
  // UI
  reply: 'M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z',
  like: 'M12 21.4 10.6 20C5.4 15.4 2 12.3 2 8.5 2 5.4 4.4 3 7.5 3c1.7 0 3.4.8 4.5 2.1C13.1 3.8 14.8 3 16.5 3 19.6 3 22 5.4 22 8.5c0 3.8-3.4 6.9-8.6 11.5z',
  repost: 'M7 7h10v3l4-4-4-4v3H5v6h2zm10 10H7v-3l-4 4 4 4v-3h12v-6h-2z',
  message: 'M20 4H4a2 2 0 0 0-2 2v12c0 1.1.9 2 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z',
  plus: 'M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6z',
  refresh: 'M17.7 6.3A8 8 0 1 0 19.7 14h-2.1a6 6 0 1 1-1.4-6.2L13 11h7V4z',
  close: 'M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z',
  filter: 'M3 5h18l-7 8v6l-4 2v-8z',
  compose: 'M3 17.2V21h3.8L17.8 10l-3.8-3.8zM20.7 7a1 1 0 0 0 0-1.4l-2.3-2.3a1 1 0 0 0-1.4 0l-1.8 1.8 3.7 3.7z',
  image: 'M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14c0 1.1.9 2 2 2h14a2 2 0 0 0 2-2zM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5z',
  more: 'M6 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4z',
  up: 'M4 12l1.4 1.4L11 7.8V20h2V7.8l5.6 5.6L20 12l-8-8z',
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4z',
  search: 'M15.5 14h-.8l-.3-.3A6.5 6.5 0 1 0 14 15.5l.3.3v.8l5 5 1.5-1.5zm-6 0a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9z',
  offline: 'M12 4C7.3 4 3.3 6 .6 9.2L12 21 23.4 9.2C20.7 6 16.7 4 12 4zM3.3 3 2 4.3l18.7 18.7 1.3-1.3z',
};

export const NETWORK_COLORS = {
  x: '#111111', facebook: '#1877f2', googleplus: '#db4437', mastodon: '#6364ff', bluesky: '#1185fe',
};

/**
 * An icon. With `label` it is an image with that accessible name (and a
 * tooltip); without, it is decoration hidden from assistive technology.
 */
export function icon(name, { label, size = 16, color } = {}) {
  const svg = s('svg', {
    viewBox: '0 0 24 24', width: size, height: size, class: `icon icon-${name}`,
    fill: color || 'currentColor', focusable: 'false',
  }, s('path', { d: PATHS[name] || PATHS.more }));
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    svg.prepend(s('title', {}, label));
  } else {
    svg.setAttribute('aria-hidden', 'true');
  }
  return svg;
}

/** A network's mark in its colour, labelled with the network's name. */
export function networkIcon(network, label, size = 16) {
  return icon(network, { label, size, color: NETWORK_COLORS[network] });
}
