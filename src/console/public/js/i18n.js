// The console's words and formats. Every string a person reads comes from one catalogue per
// language (../i18n/<lang>.js); dates and numbers go through Intl in the chosen language.
// Icelandic is the default when the browser asks for it; a choice made in the switch is
// remembered in localStorage (it is a preference of the browser, not of the key).
import en from '../i18n/en.js';
import is from '../i18n/is.js';

export const CATALOGUES = { is, en };
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
function makeFormats() {
  formats = {
    time: new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }),
    number: new Intl.NumberFormat(lang),
    plural: new Intl.PluralRules(lang),
  };
  document.documentElement.lang = lang;
}
makeFormats();

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
  return entry.replace(/\{(\w+)\}/g, (whole, name) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formats.number.format(value) : String(value);
  });
}

export const formatNumber = (n) => formats.number.format(n);
export const formatTime = (iso) => (iso ? formats.time.format(new Date(iso)) : '');
