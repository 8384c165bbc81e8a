// When sessions are, for people: each in the viewer's own time zone and locale (the server sends
// UTC), with the zone's short name beside the time so a shared screen or a printed card is never
// ambiguous. `locale` is the language the page is shown in unless given; `timeZone` is the
// browser's unless given (the tests give both).
import { formatLocale, translate as t } from '@/i18n'

const START = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A session's start, e.g. "Tue 11 Mar, 19:00 CET" (en-GB) or "Tue, Mar 11, 2:00 PM EDT" (en-US). */
export function formatStart(iso, { locale = formatLocale(), timeZone } = {}) {
  return new Intl.DateTimeFormat(locale, { ...START, timeZone }).format(new Date(iso))
}

/** A past moment with its date, e.g. a session's heading in the feed: "Tuesday 11 March 2025 at 19:02". */
export function formatDay(iso, { locale = formatLocale(), timeZone } = {}) {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(iso))
}

/** Since when something runs: the time alone on the same day, with the date otherwise. */
export function formatSince(iso, { now = Date.now(), locale = formatLocale(), timeZone } = {}) {
  const date = new Date(iso)
  const day = (d) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(d) // YYYY-MM-DD in that zone
  if (day(date) === day(new Date(now))) {
    return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone }).format(date)
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date)
}

/**
 * How far off the session is: "starts in 10 minutes", "starts in 3 days", or "running now" while
 * it runs. A start that has passed without the session running is "due now". The relative part
 * comes from Intl in the same language as the sentence around it ("beginnt in 3 Tagen").
 */
export function relativeStart(upcoming, now = Date.now(), locale = formatLocale()) {
  if (upcoming.running) return t('common.nextSession.running')
  const ahead = Date.parse(upcoming.starts_at) - now
  if (ahead <= 0) return t('common.nextSession.due')
  if (ahead < MINUTE) return t('common.nextSession.soon')
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'always' })
  const startsIn = (amount, unit) => t('common.nextSession.startsIn', { relative: relative.format(amount, unit) })
  const minutes = Math.round(ahead / MINUTE)
  if (minutes < 60) return startsIn(minutes, 'minute')
  const hours = Math.round(ahead / HOUR)
  if (hours < 24) return startsIn(hours, 'hour')
  return startsIn(Math.round(ahead / DAY), 'day')
}

/**
 * A circle's next session as { starts_at, ends_at, running }, or null: its `upcoming`, or for a
 * circle without a schedule the single date a facilitator may have set (`next_session`).
 */
export function upcomingOf(circle) {
  if (circle?.upcoming) return circle.upcoming
  if (circle?.next_session) return { starts_at: circle.next_session, ends_at: null, running: false }
  return null
}

/** The browser's own time zone (an IANA name), the default for a new schedule. */
export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Every time zone this browser knows, for a select, with `current` in it even if it does not. */
export function timeZones(current) {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return [...new Set([...known, 'UTC', current].filter(Boolean))].sort()
}
