// Building DOM nodes without innerHTML: every text from the server or a
// network goes through textContent, so a post can never inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
}

function apply(el, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function')
      el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key in el && !key.includes('-') && typeof value !== 'string' && el.namespaceURI !== SVG_NS)
      el[key] = value; // properties such as checked, disabled, value
    else el.setAttribute(key, value === true ? '' : value);
  }
}

/** h('button', {class: 'x', onClick: f}, 'Label', child, [more]) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  append(el, children);
  return el;
}

/** Replaces every child of `el`. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A fresh id for label/aria wiring. */
export function nextId(prefix = 'id') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled form field: <label>Text <input></label> plus an error slot. */
export function field(label, input, hint) {
  const id = input.id || nextId('f');
  input.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, role: 'alert', hidden: true });
  const hintEl = hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintEl && hintEl.id, error.id].filter(Boolean).join(' '));
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl, error);
  wrap.showError = (message) => {
    error.textContent = message || '';
    error.hidden = !message;
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
  };
  return wrap;
}

/** Shows a form-level error (or clears it with an empty message). */
export function formError(box, message) {
  box.textContent = message || '';
  box.hidden = !message;
}
