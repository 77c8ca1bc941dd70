// The console shell: sign-in with an API key, the navigation the key's role may use, the language
// switch, and a hash router (#/chat/conv_1) so one static index.html serves every page.
import { api, session, ApiError } from './api.js';
import { h, replace, showPage, errorSlot, showError, busy } from './dom.js';
import { t, currentLanguage, setLanguage, LANGUAGE_NAMES, CATALOGUES } from './i18n.js';
import * as settingsSms from './pages/settings-sms.js';
import * as billing from './pages/billing.js';
import * as communication from './pages/communication.js';
import * as chat from './pages/chat.js';
import * as support from './pages/support.js';
import * as ownSenders from './pages/own-senders.js';

/** `label` and `title` are catalogue keys; `inNav: false` pages are reached from their parent page. */
const PAGES = [
  { path: 'communication', label: 'nav.communication', roles: ['admin', 'agent'], page: communication },
  { path: 'chat', label: 'nav.chat', roles: ['admin', 'agent'], page: chat },
  { path: 'settings/sms', label: 'nav.settings', title: 'nav.settingsTitle', roles: ['admin'], page: settingsSms },
  { path: 'settings/sms/own', label: 'nav.ownSenders', title: 'nav.ownSendersTitle', roles: ['admin'], page: ownSenders, inNav: false, parent: 'settings/sms' },
  { path: 'billing', label: 'nav.billing', roles: ['admin'], page: billing },
  { path: 'support', label: 'nav.support', roles: ['support'], page: support },
];
const titleOf = (entry) => t(entry.title ?? entry.label);

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const brand = document.getElementById('brand');
const languageSlot = document.getElementById('language');
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
  const items = PAGES.filter((p) => p.inNav !== false && p.roles.includes(me.role)).map((p) =>
    h('a', { href: `#/${p.path}`, 'aria-current': p === current || p.path === current.parent ? 'page' : undefined }, t(p.label)),
  );
  replace(nav, items);
  replace(
    who,
    h('span', { class: 'role', id: 'who-role' }, `${me.workspaceName ? `${me.workspaceName} · ` : ''}${t(`role.${me.role}`)}`),
    h('button', { type: 'button', class: 'link', onclick: signOut }, t('app.signOut')),
  );
}

/** The language switch, on every page including sign-in; a change redraws the page in place. */
function renderLanguageSwitch() {
  const select = h(
    'select',
    { id: 'language-select', 'aria-label': t('app.language') },
    Object.keys(CATALOGUES).map((lang) => h('option', { value: lang, lang, selected: lang === currentLanguage() }, LANGUAGE_NAMES[lang])),
  );
  // the switch stays in place (and keeps focus); only its label and the rest of the page change
  select.addEventListener('change', async () => {
    setLanguage(select.value);
    select.setAttribute('aria-label', t('app.language'));
    labelChrome();
    if (me) await route();
    else showSignIn(undefined, { focus: false });
  });
  replace(languageSlot, select);
}

/** Counts routings: a page that finishes drawing after the person has moved on stops its own polling. */
let routing = 0;

async function route() {
  const current = ++routing;
  if (cleanup) cleanup();
  cleanup = null;
  if (!me) return;
  const { entry, params } = parseHash();
  if (!entry) return navigate(home(me.role));
  renderNav(entry);
  document.title = `${titleOf(entry)} · ${t('app.title')}`;
  if (!entry.roles.includes(me.role)) {
    const roles = entry.roles.map((r) => t(`role.${r}`)).join(t('app.or'));
    showPage(main, titleOf(entry), h('p', { class: 'notice', role: 'alert', id: 'forbidden' }, t('app.forbidden', { page: t(entry.label), roles, role: t(`role.${me.role}`) })));
    return;
  }
  const ctx = { main, me, params, navigate };
  replace(main, h('p', { class: 'loading' }, t('app.loading')));
  try {
    const stop = (await entry.page.render(ctx)) ?? null;
    if (current === routing) cleanup = stop;
    else stop?.();
  } catch (error) {
    showPage(main, titleOf(entry), h('p', { class: 'error', role: 'alert' }, error.message));
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

/** The sign-in form; the key field takes focus unless the language switch (which keeps it) redrew it. */
function showSignIn(error, { focus = true } = {}) {
  replace(nav);
  replace(who);
  document.title = `${t('signin.title')} · ${t('app.title')}`;
  const slot = errorSlot('signin-error');
  const input = h('input', { id: 'api-key', name: 'apiKey', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', 'aria-describedby': 'signin-help signin-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
  const form = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('signin.title')),
    h('label', { for: 'api-key' }, t('signin.key')),
    input,
    h('p', { class: 'help', id: 'signin-help' }, t('signin.help')),
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
  if (focus) input.focus();
}

async function signIn() {
  me = await api('GET', '/v1/me');
  const { entry } = parseHash();
  if (!entry) navigate(home(me.role));
  else await route();
}

/** The words of the page's frame, outside any page. */
function labelChrome() {
  brand.textContent = t('app.brand');
  nav.setAttribute('aria-label', t('app.mainNav'));
}

window.addEventListener('hashchange', route);
labelChrome();
renderLanguageSwitch();

if (session.key) {
  signIn().catch((err) => {
    session.key = null;
    showSignIn(err instanceof ApiError && err.status === 401 ? new Error(t('app.keyExpired')) : err);
  });
} else {
  showSignIn();
}
