// The interface's languages: vue-i18n with one message file per language and area of the
// interface, each fetched only when it is shown (a first visit downloads one language's `common`;
// a circle's views ask for theirs through their route's `meta.areas`). The choice of language is
// the person's own (remembered in this browser), else the first of the browser's languages we have.
import { createI18n } from 'vue-i18n'

export const LOCALES = {
  en: { name: 'English', dir: 'ltr' },
  es: { name: 'Español', dir: 'ltr' },
  de: { name: 'Deutsch', dir: 'ltr' },
  ar: { name: 'العربية', dir: 'rtl' },
}
export const DEFAULT_LOCALE = 'en'
export const STORAGE_KEY = 'ic.locale'

/** The areas of the interface, one message file each: locales/<lang>/<area>.json. */
export const AREAS = ['common', 'room', 'manage', 'voice']

const loaders = import.meta.glob('../locales/*/*.json', { import: 'default' })
const loaderOf = (code, area) => loaders[`../locales/${code}/${area}.json`]
// Which areas each language has fetched, and which areas the views shown so far have needed
// (switching language fetches those, so a view never shows keys).
const loadedAreas = new Map()
const areasInUse = new Set(['common'])

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

/**
 * The locale to format dates, times and numbers in: the browser's own regional variant of the
 * language shown (an en-GB browser reads 24-hour times in English), else the language itself.
 */
export function formatLocale(language = currentLocale(), languages = navigator.languages ?? []) {
  for (const tag of languages) {
    if (String(tag).toLowerCase().split('-')[0] !== language) continue
    try {
      return Intl.getCanonicalLocales(tag)[0]
    } catch {
      // not a valid tag: try the next
    }
  }
  return language
}

/** Fetches the given areas of a language's messages, each once. */
export async function loadLocale(code, areas = [...areasInUse]) {
  if (!loadedAreas.has(code)) loadedAreas.set(code, new Set())
  const have = loadedAreas.get(code)
  const missing = areas.filter((area) => !have.has(area))
  const files = await Promise.all(missing.map((area) => loaderOf(code, area)()))
  missing.forEach((area, index) => {
    i18n.global.mergeLocaleMessage(code, { [area]: files[index] })
    have.add(area)
  })
}

/** Makes sure the messages of `areas` are here in the language shown (a route's meta.areas). */
export async function useAreas(areas = []) {
  for (const area of areas) areasInUse.add(area)
  await loadLocale(currentLocale())
}

/**
 * Shows the interface in `code` from now on: its messages and the page's lang and dir (the API
 * is asked for the same language on every request). `remember` keeps it for this browser's next
 * visits. Only that language's areas in use are fetched: every language has every message
 * (tests/i18n), so nothing falls back to another.
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
