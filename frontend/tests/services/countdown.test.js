import { describe, expect, it } from 'vitest'

import { setLocale } from '@/i18n'
import { betterSample, clockSample, formatAmount, formatCountdown, remainingSeconds } from '@/services/countdown'

const AT = Date.parse('2025-03-04T18:00:00.000Z')

describe('clockSample', () => {
  it("takes the server's clock as read halfway through the round trip", () => {
    // Sent at AT, answered 200 ms later; the server said AT + 5 s + 100 ms: its clock is 5 s ahead.
    const sample = clockSample(AT, AT + 200, '2025-03-04T18:00:05.100Z')

    expect(sample).toEqual({ offset: 5000, roundTrip: 200 })
  })

  it('finds a browser clock that is ahead, too (a negative offset)', () => {
    const sample = clockSample(AT, AT + 50, '2025-03-04T17:59:00.025Z')

    expect(sample.offset).toBe(-60_000)
  })

  it('gives nothing for an answer without a usable time', () => {
    expect(clockSample(AT, AT + 10, undefined)).toBeNull()
    expect(clockSample(AT, AT + 10, 'not a time')).toBeNull()
    expect(clockSample(AT + 10, AT, '2025-03-04T18:00:00.000Z')).toBeNull() // the clock went back
  })
})

describe('betterSample', () => {
  const slow = { offset: 900, roundTrip: 1800 }
  const fast = { offset: 1000, roundTrip: 40 }

  it('keeps the estimate of the fastest round trip', () => {
    expect(betterSample(null, slow)).toBe(slow)
    expect(betterSample(slow, fast)).toBe(fast)
    expect(betterSample(fast, slow)).toBe(fast)
    expect(betterSample(fast, null)).toBe(fast)
  })

  it('prefers the newer of two equally fast ones', () => {
    const newer = { offset: 1010, roundTrip: 40 }

    expect(betterSample(fast, newer)).toBe(newer)
  })
})

describe('remainingSeconds', () => {
  const running = { state: 'running', duration_seconds: 300, ends_at: '2025-03-04T18:05:00.000Z', label: '' }

  it("counts a running timer down to ends_at on the server's clock, rounding up", () => {
    expect(remainingSeconds(running, AT)).toBe(300)
    expect(remainingSeconds(running, AT + 100)).toBe(300)
    expect(remainingSeconds(running, AT + 1000)).toBe(299)
    expect(remainingSeconds(running, AT + 299_001)).toBe(1)
    expect(remainingSeconds(running, AT + 300_000)).toBe(0)
    expect(remainingSeconds(running, AT + 400_000)).toBe(0)
  })

  it('shows what a paused timer has left, whatever the time', () => {
    const paused = { state: 'paused', duration_seconds: 300, remaining_seconds: 125, label: '' }

    expect(remainingSeconds(paused, AT)).toBe(125)
    expect(remainingSeconds(paused, AT + 3_600_000)).toBe(125)
  })

  it('is 0 for a finished timer and the duration for an idle one', () => {
    expect(remainingSeconds({ state: 'finished', duration_seconds: 60 }, AT)).toBe(0)
    expect(remainingSeconds({ state: 'idle', duration_seconds: 0 }, AT)).toBe(0)
  })
})

describe('formatCountdown', () => {
  it.each([
    [0, '00:00'],
    [9, '00:09'],
    [65, '01:05'],
    [600, '10:00'],
    [5400, '90:00'],
    [14400, '240:00'],
    [-3, '00:00'],
  ])('shows %i seconds as %s', (seconds, text) => {
    expect(formatCountdown(seconds)).toBe(text)
  })

  it("writes the digits of the viewer's language", () => {
    expect(formatCountdown(65, { locale: 'ar-EG' })).toBe('٠١:٠٥')
    expect(formatCountdown(5400, { locale: 'ar-EG' })).toBe('٩٠:٠٠')
  })

  it('is in the language the page is shown in unless told', async () => {
    await setLocale('de')

    expect(formatCountdown(65)).toBe('01:05')
    expect(formatAmount(0.17)).toBe('0,17')
  })
})

describe('formatAmount', () => {
  it('writes a number with the decimal sign of the language', () => {
    expect(formatAmount(0.17, { locale: 'en' })).toBe('0.17')
    expect(formatAmount(0.17, { locale: 'es' })).toBe('0,17')
    expect(formatAmount(240, { locale: 'de' })).toBe('240')
  })

  it('groups thousands unless told not to', () => {
    expect(formatAmount(2000, { locale: 'en' })).toBe('2,000')
    expect(formatAmount(2000, { locale: 'en', useGrouping: false })).toBe('2000')
  })
})
