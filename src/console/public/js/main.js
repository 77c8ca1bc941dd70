// The console shell: sign-in with an API key, the navigation the key's role may use, and a
// hash router (#/chat/conv_1) so one static index.html serves every page.
import { api, session, ApiError } from './api.js';
import { h, replace, errorSlot, showError, busy } from './dom.js';
import * as settingsSms from './pages/settings-sms.js';
import * as billing from './pages/billing.js';
import * as communication from './pages/communication.js';
import * as chat from './pages/chat.js';
import * as support from './pages/support.js';

const PAGES = [
  { path: 'communication', label: 'Communication', roles: ['admin', 'agent'], page: communication },
  { path: 'chat', label: 'Chat', roles: ['admin', 'agent'], page: chat },
  { path: 'settings/sms', label: 'Settings', title: 'Settings → SMS / Text Messages', roles: ['admin'], page: settingsSms },
  { path: 'billing', label: 'Billing', roles: ['admin'], page: billing },
  { path: 'support', label: 'Support', roles: ['support'], page: support },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let me = null;
let cleanup = null;

const home = (role) => (role === 'support' ? 'support' : role === 'admin' ? 'settings/sms' : 'communication');

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  // the longest page path that prefixes the hash wins; the rest are the page's parameters
  const entry = [...PAGES].sort((a, b) => b.path.length - a.path.length).find((p) => {
    const segments = p.path.split('/');
    return segments.every((s, i) => parts[i] === s);
  });
  return { entry, params: entry ? parts.slice(entry.path.split('/').length) : [] };
}

export function navigate(path) {
  location.hash = `#/${path}`;
}

function renderNav(current) {
  const items = PAGES.filter((p) => p.roles.includes(me.role)).map((p) =>
    h('a', { href: `#/${p.path}`, 'aria-current': p === current ? 'page' : undefined }, p.label),
  );
  replace(nav, items);
  replace(
    who,
    h('span', { class: 'role', id: 'who-role' }, `${me.workspaceName ? `${me.workspaceName} · ` : ''}${me.role}`),
    h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'),
  );
}

async function route() {
  if (cleanup) cleanup();
  cleanup = null;
  if (!me) return;
  const { entry, params } = parseHash();
  if (!entry) return navigate(home(me.role));
  renderNav(entry);
  document.title = `${entry.title ?? entry.label} · Console`;
  if (!entry.roles.includes(me.role)) {
    replace(
      main,
      h('h1', {}, entry.title ?? entry.label),
      h('p', { class: 'notice', role: 'alert', id: 'forbidden' }, `${entry.label} needs the ${entry.roles.join(' or ')} role; your key has the ${me.role} role.`),
    );
    return;
  }
  const ctx = { main, me, params, navigate };
  replace(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    cleanup = (await entry.page.render(ctx)) ?? null;
  } catch (error) {
    replace(main, h('h1', {}, entry.title ?? entry.label), h('p', { class: 'error', role: 'alert' }, error.message));
  }
}

function signOut() {
  session.key = null;
  me = null;
  if (cleanup) cleanup();
  cleanup = null;
  location.hash = '';
  showSignIn();
}

function showSignIn(error) {
  replace(nav);
  replace(who);
  document.title = 'Sign in · Console';
  const slot = errorSlot('signin-error');
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'signin-help signin-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { class: 'help', id: 'signin-help' }, 'Your key stays in this browser tab only and is cleared when you close it.'),
    slot,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    session.key = input.value.trim();
    await busy(submit, async () => {
      try {
        await signIn();
      } catch (err) {
        session.key = null;
        showError(slot, err);
        input.focus();
      }
    });
  });
  replace(main, form);
  if (error) showError(slot, error);
  input.focus();
}

async function signIn() {
  me = await api('GET', '/v1/me');
  const { entry } = parseHash();
  if (!entry) navigate(home(me.role));
  else await route();
}

window.addEventListener('hashchange', route);

if (session.key) {
  signIn().catch((err) => {
    session.key = null;
    showSignIn(err instanceof ApiError && err.status === 401 ? new Error('Your key is no longer valid. Sign in again.') : err);
  });
} else {
  showSignIn();
}
