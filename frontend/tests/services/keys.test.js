import { describe, expect, it } from 'vitest'

import { canonicalKey, joinLink, keyFromFragment, looksLikeKey } from '@/services/keys'

describe('canonicalKey', () => {
  it('reads lower case, spaces and dashes the way the server does', () => {
    expect(canonicalKey('k7qf-m2zd-9xhc-r4tb')).toBe('K7QFM2ZD9XHCR4TB')
    expect(canonicalKey('  K7QF M2ZD  9XHC R4TB ')).toBe('K7QFM2ZD9XHCR4TB')
    expect(canonicalKey('K7QFM2ZD9XHCR4TB')).toBe('K7QFM2ZD9XHCR4TB')
  })

  it('reads I and L as 1 and O as 0, in either case', () => {
    expect(canonicalKey('IiLl-OoOo')).toBe('11110000')
  })

  it('copes with nothing typed', () => {
    expect(canonicalKey('')).toBe('')
    expect(canonicalKey(null)).toBe('')
    expect(canonicalKey(undefined)).toBe('')
  })
})

describe('looksLikeKey', () => {
  it('accepts 16 Crockford characters however they were typed', () => {
    expect(looksLikeKey('K7QF-M2ZD-9XHC-R4TB')).toBe(true)
    expect(looksLikeKey('k7qf m2zd 9xhc r4tb')).toBe(true)
    expect(looksLikeKey('K7QF-M2ZD-9XHC-R4T8')).toBe(true)
    expect(looksLikeKey('k7qf-m2zd-9xhc-r4tI')).toBe(true) // I reads as 1
  })

  it('refuses the wrong length', () => {
    expect(looksLikeKey('K7QF-M2ZD-9XHC-R4T')).toBe(false)
    expect(looksLikeKey('K7QF-M2ZD-9XHC-R4TB-A')).toBe(false)
    expect(looksLikeKey('')).toBe(false)
  })

  it('refuses characters outside Crockford base32 (U, punctuation)', () => {
    expect(looksLikeKey('K7QF-M2ZD-9XHC-R4TU')).toBe(false)
    expect(looksLikeKey('K7QF-M2ZD-9XHC-R4T!')).toBe(false)
    expect(looksLikeKey('K7QF_M2ZD_9XHC_R4TB')).toBe(false)
  })
})

describe('keyFromFragment', () => {
  it('reads the key from #key=...', () => {
    expect(keyFromFragment('#key=K7QF-M2ZD-9XHC-R4TB')).toBe('K7QF-M2ZD-9XHC-R4TB')
  })

  it('reads the key next to other parameters, in any order', () => {
    expect(keyFromFragment('#key=K7QF-M2ZD-9XHC-R4TB&utm=mail')).toBe('K7QF-M2ZD-9XHC-R4TB')
    expect(keyFromFragment('#from=mail&key=K7QF-M2ZD-9XHC-R4TB')).toBe('K7QF-M2ZD-9XHC-R4TB')
  })

  it('decodes an encoded key and trims it', () => {
    expect(keyFromFragment('#key=%20K7QF%20M2ZD%20')).toBe('K7QF M2ZD')
  })

  it('gives null when there is no key', () => {
    expect(keyFromFragment('')).toBeNull()
    expect(keyFromFragment(null)).toBeNull()
    expect(keyFromFragment('#')).toBeNull()
    expect(keyFromFragment('#key=')).toBeNull()
    expect(keyFromFragment('#other=1')).toBeNull()
  })
})

describe('joinLink', () => {
  it('puts the key in the fragment, never in the path or the query', () => {
    const link = joinLink('K7QF-M2ZD-9XHC-R4TB', 'https://circles.example')
    const url = new URL(link)

    expect(link).toBe('https://circles.example/#key=K7QF-M2ZD-9XHC-R4TB')
    expect(url.pathname).toBe('/')
    expect(url.search).toBe('')
    expect(url.hash).toBe('#key=K7QF-M2ZD-9XHC-R4TB')
  })

  it('URL-encodes the key so the fragment reads back the same', () => {
    const key = 'a b&key=evil#x'
    const url = new URL(joinLink(key, 'https://circles.example'))

    expect(url.hash).toBe('#key=a%20b%26key%3Devil%23x')
    expect(keyFromFragment(url.hash)).toBe(key.trim())
  })

  it("uses the page's own origin by default", () => {
    expect(joinLink('K7QF-M2ZD-9XHC-R4TB')).toBe(`${window.location.origin}/#key=K7QF-M2ZD-9XHC-R4TB`)
  })
})
