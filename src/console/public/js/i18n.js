// The console's words and formats. Every string a person reads comes from the catalogues in
// ../i18n/, one per page or area, where each entry holds every language side by side (so none can
// lack a translation; test/console-i18n.test.ts checks it); dates and numbers go through Intl in
// the chosen language. `{name}` is filled in by t(); an entry of { one, other } is a plural chosen
// by `count` (Icelandic "one" is also 21, 31…). Icelandic is the default when the browser asks
// for it; a choice made in the switch is remembered in localStorage (it is a preference of the
// browser, not of the key).
import app from '../i18n/app.json' with { type: 'json' };
import errors from '../i18n/errors.json' with { type: 'json' };
import vocabulary from '../i18n/vocabulary.json' with { type: 'json' };
import carrier from '../i18n/carrier.json' with { type: 'json' };
import messages from '../i18n/messages.json' with { type: 'json' };
import settings from '../i18n/settings.json' with { type: 'json' };
import billing from '../i18n/billing.json' with { type: 'json' };
import ownSenders from '../i18n/own-senders.json' with { type: 'json' };
import support from '../i18n/support.json' with { type: 'json' };

const ENTRIES = { ...app, ...errors, ...vocabulary, ...carrier, ...messages, ...settings, ...billing, ...ownSenders, ...support };
/** One catalogue per language, key → text, in the switch's order. */
export const CATALOGUES = Object.fromEntries(
  ['is', 'en'].map((language) => [language, Object.fromEntries(Object.entries(ENTRIES).map(([key, entry]) => [key, entry[language]]))]),
);
/** Each language named in itself, for the switch. */
export const LANGUAGE_NAMES = { is: 'Íslenska', en: 'English' };
const STORAGE_KEY = 'console.lang';

function preferred() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved in CATALOGUES) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (base in CATALOGUES) return base;
  }
  return 'en';
}

let lang = preferred();
let formats;

/**
 * Intl in the language when the browser has its locale data. Debian's Chromium, for one, has none
 * for Icelandic (it writes "2026 M12 1"): then the catalogue's own month names, date pattern and
 * separators are used, with Intl still doing the time zone and the digits.
 */
function makeFormats() {
  const native = Intl.DateTimeFormat.supportedLocalesOf([lang]).length > 0 && Intl.NumberFormat.supportedLocalesOf([lang]).length > 0;
  const catalogue = CATALOGUES[lang];
  const dateTime = new Intl.DateTimeFormat(native ? lang : 'en', native
    ? { dateStyle: 'medium', timeStyle: 'short' }
    : { year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const number = new Intl.NumberFormat(native ? lang : 'en');
  const months = catalogue['format.months'].split('|');
  const symbols = { group: catalogue['format.group'], decimal: catalogue['format.decimal'] };
  formats = {
    time: native
      ? (date) => dateTime.format(date)
      : (date) => {
          const parts = Object.fromEntries(dateTime.formatToParts(date).map((p) => [p.type, p.value]));
          return fill(catalogue['format.dateTime'], { ...parts, month: months[Number(parts.month) - 1] });
        },
    number: native ? (n) => number.format(n) : (n) => number.formatToParts(n).map((p) => symbols[p.type] ?? p.value).join(''),
    plural: new Intl.PluralRules(lang),
  };
  document.documentElement.lang = lang;
}
makeFormats();

const fill = (text, params) =>
  text.replace(/\{(\w+)\}/g, (whole, name) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formats.number(value) : String(value);
  });

export const currentLanguage = () => lang;

/** Switches the language and remembers it; the caller redraws. */
export function setLanguage(next) {
  if (!(next in CATALOGUES)) return;
  lang = next;
  localStorage.setItem(STORAGE_KEY, next);
  makeFormats();
}

export const has = (key) => key in CATALOGUES[lang];

/**
 * The text of `key` with `{name}` placeholders filled in; numbers are formatted for the language.
 * A plural entry ({ one, other }) is chosen by `params.count`. A key missing from the catalogue is
 * a bug: it is logged as an error (the browser tests fail on any) and the key itself is shown.
 */
export function t(key, params = {}) {
  let entry = CATALOGUES[lang][key];
  if (entry === undefined) {
    console.error(`missing translation: ${lang}.${key}`);
    return key;
  }
  if (typeof entry === 'object') entry = entry[formats.plural.select(params.count)] ?? entry.other;
  return fill(entry, params);
}

export const formatNumber = (n) => formats.number(n);
export const formatTime = (iso) => (iso ? formats.time(new Date(iso)) : '');
