import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'

import { describe, expect, it } from 'vitest'

import { DEFAULT_LOCALE, formatLocale, initialLocale, LOCALES } from '@/i18n'

// Every language has every message, with the same placeholders and the plural forms its
// grammar needs, and every message the code asks for exists. Read from the files themselves, so
// a string added in English only fails here, not in front of a Spanish-speaking participant.
const root = join(process.cwd(), 'src') // vitest runs in frontend/
const AREAS = ['common', 'manage', 'room', 'voice']
const PLURAL_FORMS = { ar: 6 } // zero | one | two | few | many | other; the rest: one | other

function messagesOf(code) {
  return Object.fromEntries(
    AREAS.map((area) => [area, JSON.parse(readFileSync(join(root, 'locales', code, `${area}.json`), 'utf8'))]),
  )
}

function flatten(tree, prefix = '', into = {}) {
  for (const [key, value] of Object.entries(tree)) {
    const name = prefix ? `${prefix}.${key}` : key
    if (value && typeof value === 'object') flatten(value, name, into)
    else into[name] = value
  }
  return into
}

const placeholders = (message) => [...new Set(message.match(/\{\w+\}/g) ?? [])].sort()
const forms = (message) => message.split(/(?<!\\)\|/).length

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(vue|js)$/.test(name) ? [path] : []
  })
}

const english = flatten(messagesOf(DEFAULT_LOCALE))

describe.each(Object.keys(LOCALES).filter((code) => code !== DEFAULT_LOCALE))('the %s messages', (code) => {
  const messages = flatten(messagesOf(code))

  it('have every English message and nothing else', () => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(english).sort())
  })

  it('are all written (none empty)', () => {
    const empty = Object.keys(messages).filter((key) => typeof messages[key] !== 'string' || !messages[key].trim())
    expect(empty).toEqual([])
  })

  it('keep every placeholder of the English message', () => {
    const differing = Object.keys(english).filter(
      (key) => key in messages && placeholders(messages[key]).join() !== placeholders(english[key]).join(),
    )
    expect(differing).toEqual([])
  })

  it('have the plural forms of the language where English has plurals', () => {
    const want = PLURAL_FORMS[code] ?? 2
    const wrong = Object.keys(english).filter(
      (key) => forms(english[key]) > 1 && key in messages && forms(messages[key]) !== want,
    )
    expect(wrong).toEqual([])
  })
})

describe('the messages the code asks for', () => {
  const asked = new Set()
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8')
    // t('area.key'), $t('area.key'), translate('area.key'); a key built at run time is written
    // with a literal prefix and checked by the component's own test.
    for (const match of text.matchAll(/\b(?:\$?t|translate)\(\s*'((?:common|manage|room|voice)\.[\w.]+)'/g)) {
      asked.add(match[1])
    }
  }

  it('are found in the source (the scan works)', () => {
    expect(asked.size).toBeGreaterThan(20)
  })

  it('all exist in English', () => {
    expect([...asked].filter((key) => !(key in english))).toEqual([])
  })
})

describe('the language a first visit is shown in', () => {
  it('is a remembered choice first', () => {
    expect(initialLocale({ stored: 'de', languages: ['es-MX'] })).toBe('de')
  })

  it("is otherwise the browser's first language the app has, by its primary tag", () => {
    expect(initialLocale({ stored: null, languages: ['fr-FR', 'es-MX', 'de'] })).toBe('es')
    expect(initialLocale({ stored: null, languages: ['AR-eg'] })).toBe('ar')
  })

  it('is English when nothing matches, and a stored language the app lacks is ignored', () => {
    expect(initialLocale({ stored: 'xx', languages: ['fr', 'ja'] })).toBe('en')
  })
})

describe('formatLocale', () => {
  it("formats in the browser's own variant of the language shown", () => {
    expect(formatLocale('en', ['en-GB', 'de-DE'])).toBe('en-GB')
    expect(formatLocale('de', ['en-GB', 'de-AT'])).toBe('de-AT')
    expect(formatLocale('es', ['es-419'])).toBe('es-419')
  })

  it('formats in the language itself when the browser has no variant of it', () => {
    expect(formatLocale('ar', ['en-GB', 'de-DE'])).toBe('ar')
    expect(formatLocale('en', [])).toBe('en')
  })

  it('skips tags that are not valid', () => {
    expect(formatLocale('en', ['en-', 'en-GB'])).toBe('en-GB')
  })

  it('gives an en-GB browser 24-hour times in English', () => {
    const at = new Date('2026-12-08T18:00:00Z')
    const time = (locale) => at.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' })
    expect(time(formatLocale('en', ['en-GB']))).toBe('18:00')
  })
})
