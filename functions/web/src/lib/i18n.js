// Languages, translations and Intl formatting. The language comes from the
// browser (navigator.languages) until the user picks one; the choice is
// remembered in localStorage (a preference, not a secret).
import { createStore, useStore } from './store.js';
import id from '../i18n/id.js';
import ja from '../i18n/ja.js';
import enPH from '../i18n/en-PH.js';
import esMX from '../i18n/es-MX.js';

export const LOCALES = [
  { code: 'id', name: 'Bahasa Indonesia', country: 'ID', currency: 'IDR' },
  { code: 'ja', name: '日本語', country: 'JP', currency: 'JPY' },
  { code: 'en-PH', name: 'English (Philippines)', country: 'PH', currency: 'PHP' },
  { code: 'es-MX', name: 'Español (México)', country: 'MX', currency: 'MXN' },
];
export const CATALOGS = { id, ja, 'en-PH': enPH, 'es-MX': esMX };
export const COUNTRIES = ['ID', 'JP', 'PH', 'MX'];
export const CURRENCIES = ['IDR', 'JPY', 'PHP', 'MXN'];

// EXPONENT is each currency's minor-unit exponent as the API (and Stripe)
// counts amounts: IDR 2, JPY 0, PHP 2, MXN 2.
export const EXPONENT = { IDR: 2, JPY: 0, PHP: 2, MXN: 2 };
// SHOWN_DECIMALS is how many decimals a price shows: IDR none (Rp 99.000).
const SHOWN_DECIMALS = { IDR: 0, JPY: 0, PHP: 2, MXN: 2 };

const STORAGE_KEY = 'kw.locale';

// negotiate picks a supported locale for the browser's preferences.
export function negotiate(prefs) {
  for (const p of prefs || []) {
    const lower = String(p).toLowerCase();
    const exact = LOCALES.find((l) => l.code.toLowerCase() === lower);
    if (exact) return exact.code;
    const lang = lower.split('-')[0];
    if (lang === 'id' || lang === 'in' || lang === 'ms') return 'id';
    if (lang === 'ja') return 'ja';
    if (lang === 'es') return 'es-MX';
    if (lang === 'en' || lang === 'fil' || lang === 'tl') return 'en-PH';
  }
  return 'en-PH';
}

function initial() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && CATALOGS[saved]) return saved;
  } catch {
    // storage may be disabled: fall back to the browser's languages
  }
  return negotiate(navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]);
}

export const localeStore = createStore(initial());
export const useLocale = () => useStore(localeStore);
export const locale = () => localeStore.get();
export const localeInfo = (code = locale()) => LOCALES.find((l) => l.code === code);

export function setLocale(code) {
  if (!CATALOGS[code]) return;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // not remembered; still switched
  }
  localeStore.set(code);
}

const cache = new Map();
function intl(kind, opts) {
  const key = kind + locale() + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl[kind](locale(), opts);
    cache.set(key, f);
  }
  return f;
}

// t translates key with {name} placeholders filled from params; a plural
// entry picks its form by params.n (Intl.PluralRules).
export function t(key, params = {}) {
  let msg = CATALOGS[locale()][key] ?? CATALOGS['en-PH'][key] ?? key;
  if (typeof msg === 'object') {
    msg = msg[intl('PluralRules', {}).select(params.n ?? 0)] ?? msg.other;
  }
  return msg.replace(/\{(\w+)\}/g, (_, k) => {
    const v = params[k];
    if (v === undefined || v === null) return '';
    return typeof v === 'number' ? formatNumber(v) : String(v);
  });
}

export const formatNumber = (n) => intl('NumberFormat', {}).format(n);

// formatMoney formats an API amount (integer minor units) in the current
// locale: Rp for IDR without decimals, ¥ for JPY, ₱ for PHP, $ for MXN.
export function formatMoney(m) {
  if (!m || typeof m.amount !== 'number') return '';
  const exp = EXPONENT[m.currency] ?? 2;
  const shown = SHOWN_DECIMALS[m.currency] ?? exp;
  const f = intl('NumberFormat', {
    style: 'currency',
    currency: m.currency,
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: shown,
    maximumFractionDigits: shown,
  });
  const text = f.format(m.amount / 10 ** exp);
  // ja formats the yen full-width (￥); Kwipper shows ¥ everywhere.
  return m.currency === 'JPY' ? text.replace('￥', '¥') : text;
}

// toMinor turns a price typed in major units ("99000", "149.50") into an
// integer amount of minor units, or null when it is not a number with at
// most the currency's decimals. No floating point.
export function toMinor(text, currency) {
  const exp = EXPONENT[currency] ?? 2;
  const s = String(text).trim().replace(',', '.');
  const m = /^(\d{1,15})(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] || '';
  if (frac.length > exp && /[^0]/.test(frac.slice(exp))) return null;
  return Number(m[1] + frac.slice(0, exp).padEnd(exp, '0'));
}

// toMajor is the inverse of toMinor, for a form's initial value.
export function toMajor(amount, currency) {
  const exp = EXPONENT[currency] ?? 2;
  if (exp === 0) return String(amount);
  const s = String(Math.abs(amount)).padStart(exp + 1, '0');
  const whole = s.slice(0, -exp);
  const frac = s.slice(-exp).replace(/0+$/, '');
  return (amount < 0 ? '-' : '') + whole + (frac ? '.' + frac : '');
}

export const formatDate = (iso) => (iso ? intl('DateTimeFormat', { dateStyle: 'medium' }).format(new Date(iso)) : '');
export const formatTime = (iso) => (iso ? intl('DateTimeFormat', { timeStyle: 'short' }).format(new Date(iso)) : '');

export function regionName(code) {
  try {
    return intl('DisplayNames', { type: 'region' }).of(code);
  } catch {
    return code;
  }
}

export function currencyName(code) {
  try {
    return intl('DisplayNames', { type: 'currency' }).of(code);
  } catch {
    return code;
  }
}

// languageName names a language (a caption track's, e.g. "id", "en-PH") in
// the user's language.
export function languageName(code) {
  if (!code) return '';
  try {
    return intl('DisplayNames', { type: 'language' }).of(code);
  } catch {
    return code;
  }
}
