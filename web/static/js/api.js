// The REST client: JSON in and out, the CSRF header on every mutation, and
// one error type carrying the API's stable code and message.

let csrfToken = '';

/** Fired when the session ended (401 on any call). */
export const apiEvents = new EventTarget();

export function setCsrf(token) {
  csrfToken = token || '';
}

export class ApiError extends Error {
  constructor(status, code, message, body = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body; // the whole answer: some refusals carry more (compose results)
  }
}

/** ?a=1&b=2 from an object, skipping empty values. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'server_unreachable',
      'The server cannot be reached right now; try again in a moment.');
  }
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    if (res.status === 401 && !options.quiet401)
      apiEvents.dispatchEvent(new Event('unauthorized'));
    throw new ApiError(res.status, err.code || `http_${res.status}`,
      err.message || `The server answered ${res.status} ${res.statusText}`, data);
  }
  return data;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);
export const put = (path, body, options) => api('PUT', path, body, options);
export const patch = (path, body, options) => api('PATCH', path, body, options);
export const del = (path, options) => api('DELETE', path, undefined, options);

/** Every item of a `{items, next_offset}` list, following pages. */
export async function getAll(path, limit = 200) {
  const items = [];
  let offset = 0;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}offset=${offset}&limit=${limit}`);
    items.push(...(page.items || []));
    if (page.next_offset === null || page.next_offset === undefined) return items;
    offset = page.next_offset;
  }
}
