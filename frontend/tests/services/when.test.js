import { describe, expect, it, vi } from 'vitest'

import {
  browserTimeZone,
  formatDay,
  formatSince,
  formatStart,
  relativeStart,
  timeZones,
  upcomingOf,
} from '@/services/when'

// Tuesday 11 March 2025, 19:00 in Berlin (CET, UTC+1) is 14:00 in New York (EDT since 9 March).
const TUESDAY_EVENING = '2025-03-11T18:00:00Z'
const MINUTE = 60_000
const upcoming = (startsAt, running = false) => ({ starts_at: startsAt, ends_at: null, running })
// ICU versions differ in their spaces (U+202F before PM) and in a comma after the weekday.
const plain = (text) => text.replace(/\s/g, ' ').replace(/^(\w+),/, '$1')

describe('formatStart', () => {
  it("shows the start in the viewer's time zone and locale, with the zone's short name", () => {
    expect(plain(formatStart(TUESDAY_EVENING, { locale: 'en-GB', timeZone: 'Europe/Berlin' }))).toBe(
      'Tue 11 Mar, 19:00 CET',
    )
    expect(plain(formatStart(TUESDAY_EVENING, { locale: 'en-US', timeZone: 'America/New_York' }))).toBe(
      'Tue Mar 11, 2:00 PM EDT',
    )
  })

  it('moves the day with the zone: late evening in New York is the next morning in Tokyo', () => {
    const late = '2025-03-12T02:30:00Z'

    expect(plain(formatStart(late, { locale: 'en-US', timeZone: 'America/New_York' }))).toMatch(/^Tue Mar 11, 10:30 PM/)
    expect(plain(formatStart(late, { locale: 'en-GB', timeZone: 'Asia/Tokyo' }))).toMatch(/^Wed 12 Mar, 11:30/)
  })
})

describe('formatDay and formatSince', () => {
  it('names a day with its date and time', () => {
    expect(plain(formatDay(TUESDAY_EVENING, { locale: 'en-GB', timeZone: 'Europe/Berlin' }))).toBe(
      'Tuesday 11 March 2025 at 19:00',
    )
  })

  it('says since when with the time alone on the same day, and with the date otherwise', () => {
    const options = { locale: 'en-GB', timeZone: 'Europe/Berlin' }
    const sameEvening = Date.parse(TUESDAY_EVENING) + 30 * MINUTE
    const nextDay = Date.parse(TUESDAY_EVENING) + 24 * 60 * MINUTE

    expect(formatSince(TUESDAY_EVENING, { ...options, now: sameEvening })).toBe('19:00')
    expect(plain(formatSince(TUESDAY_EVENING, { ...options, now: nextDay }))).toBe('11 Mar 2025, 19:00')
  })
})

describe('relativeStart', () => {
  const start = Date.parse(TUESDAY_EVENING)

  it.each([
    [10 * MINUTE, 'starts in 10 minutes'],
    [MINUTE, 'starts in 1 minute'],
    [30_000, 'starts in less than a minute'],
    [3 * 60 * MINUTE, 'starts in 3 hours'],
    [3 * 24 * 60 * MINUTE, 'starts in 3 days'],
    [(3 * 24 + 5) * 60 * MINUTE, 'starts in 3 days'],
    [-MINUTE, 'due now'],
  ])('%i ms ahead reads "%s"', (ahead, text) => {
    expect(relativeStart(upcoming(TUESDAY_EVENING), start - ahead)).toBe(text)
  })

  it('says "running now" while the session runs', () => {
    expect(relativeStart(upcoming(TUESDAY_EVENING, true), start + 5 * MINUTE)).toBe('running now')
  })
})

describe('upcomingOf', () => {
  it("is the circle's upcoming, or its single next_session, or null", () => {
    const next = upcoming(TUESDAY_EVENING)

    expect(upcomingOf({ upcoming: next, next_session: '2025-01-01T00:00:00Z' })).toBe(next)
    expect(upcomingOf({ upcoming: null, next_session: TUESDAY_EVENING })).toEqual(next)
    expect(upcomingOf({ upcoming: null, next_session: null })).toBeNull()
    expect(upcomingOf(null)).toBeNull()
  })
})

describe('time zones', () => {
  it("defaults to the browser's own zone", () => {
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({ timeZone: 'Europe/Berlin' })

    expect(browserTimeZone()).toBe('Europe/Berlin')
  })

  it('lists every zone the browser knows, sorted, with UTC and the current one in it', () => {
    const zones = timeZones('Mars/Olympus_Mons')

    expect(zones).toContain('America/New_York')
    expect(zones).toContain('UTC')
    expect(zones).toContain('Mars/Olympus_Mons')
    expect([...zones].sort()).toEqual(zones)
  })
})
