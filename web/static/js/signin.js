// The sign-in screen (POST /session). The cookie it sets is HttpOnly; the
// CSRF token in the answer goes with every mutation.

import { h, field, formError } from './dom.js';
import { post as apiPost, setCsrf } from './api.js';

export function renderSignIn(root, onSignedIn, message) {
  const email = h('input', { type: 'email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: !message }, message || '');
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Sign in');
  const form = h('form', { class: 'stack signin-form', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to socialcrm'),
    field('E-mail', email), field('Password', password), error, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    formError(error, '');
    try {
      const session = await apiPost('/session', { email: email.value.trim(), password: password.value }, { quiet401: true });
      setCsrf(session.csrf_token);
      onSignedIn(session);
    } catch (err) {
      formError(error, err.status === 401 ? 'Wrong e-mail or password.' : err.message);
      submit.disabled = false;
      password.select();
    }
  });
  root.replaceChildren(h('main', { class: 'signin', id: 'main' }, form));
  email.focus();
}
