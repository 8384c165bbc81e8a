// The interface's languages: vue-i18n with one message file per language and area, each
// language fetched only when someone chooses it (a first visit downloads one). The choice is the
// person's own (remembered in this browser), else the first of the browser's languages we have.
import { createI18n } from 'vue-i18n'

export const LOCALES = {
  en: { name: 'English', dir: 'ltr' },
  es: { name: 'Español', dir: 'ltr' },
  de: { name: 'Deutsch', dir: 'ltr' },
  ar: { name: 'العربية', dir: 'rtl' },
}
export const DEFAULT_LOCALE = 'en'
export const STORAGE_KEY = 'ic.locale'

const loaders = import.meta.glob('../locales/*/index.js', { import: 'default' })
const loaderOf = (code) => loaders[`../locales/${code}/index.js`]

// Arabic has six plural forms (zero, one, two, few, many, other), written in that order; the
// others two (one, other). vue-i18n's default rule is English's.
const ARABIC_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other']
const arabicPlural = new Intl.PluralRules('ar')

export const i18n = createI18n({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: {},
  pluralRules: { ar: (choice) => ARABIC_FORMS.indexOf(arabicPlural.select(choice)) },
  missingWarn: false,
  fallbackWarn: false,
})

/** The language to start in: a remembered choice, else the browser's first language we have. */
export function initialLocale({ stored = readStored(), languages = navigator.languages ?? [] } = {}) {
  if (stored && LOCALES[stored]) return stored
  for (const tag of languages) {
    const primary = String(tag).toLowerCase().split('-')[0]
    if (LOCALES[primary]) return primary
  }
  return DEFAULT_LOCALE
}

function readStored() {
  try {
    return window.localStorage.getItem(STORAGE_KEY)
  } catch {
    return null // storage refused (private mode, blocked cookies): the browser's languages decide
  }
}

/** The language shown now, e.g. for dates, numbers and the video call. */
export function currentLocale() {
  return i18n.global.locale.value
}

/** Fetches a language's messages once. */
export async function loadLocale(code) {
  if (!i18n.global.availableLocales.includes(code) || !Object.keys(i18n.global.getLocaleMessage(code)).length) {
    i18n.global.setLocaleMessage(code, await loaderOf(code)())
  }
}

/**
 * Shows the interface in `code` from now on: its messages and the page's lang and dir (the API
 * is asked for the same language on every request). `remember` keeps it for this browser's next
 * visits. Only that language is fetched: every language has every message (tests/i18n).
 */
export async function setLocale(code, { remember = false } = {}) {
  const locale = LOCALES[code] ? code : DEFAULT_LOCALE
  await loadLocale(locale)
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  document.documentElement.dir = LOCALES[locale].dir
  if (remember) {
    try {
      window.localStorage.setItem(STORAGE_KEY, locale)
    } catch {
      // not remembered: the choice holds until the page is closed
    }
  }
  return locale
}

/** t() for code outside components (stores, services). */
export const translate = (...args) => i18n.global.t(...args)
