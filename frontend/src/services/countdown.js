// The shared timer's arithmetic. A timer runs on the server: it says when it ends (ends_at, on the
// server's clock). Every page counts down to that instant by its own clock corrected by its
// offset to the server's, so a browser whose clock is a minute wrong still ends with the others.
// Its numbers are written in the viewer's language (its digits and decimal sign).
import { formatLocale } from '@/i18n'

/**
 * One estimate of the offset (server clock - this browser's clock, ms) from a request sent at
 * sentAt and answered at receivedAt (Date.now() both) whose answer said serverTime (ISO). The
 * server read its clock somewhere during the round trip: taking the middle is wrong by at most
 * half of it. Null when the answer carries no usable time.
 */
export function clockSample(sentAt, receivedAt, serverTime) {
  const server = Date.parse(serverTime)
  if (Number.isNaN(server) || receivedAt < sentAt) return null
  return { offset: server - (sentAt + receivedAt) / 2, roundTrip: receivedAt - sentAt }
}

/** The estimate to keep: the one from the fastest round trip, whose error bound is smallest. */
export function betterSample(best, sample) {
  if (!sample) return best
  if (!best) return sample
  return sample.roundTrip <= best.roundTrip ? sample : best
}

/**
 * Whole seconds left on the timer at serverNow (ms, the server's clock). Rounded up, so the
 * display shows 00:00 only once the time is really up.
 */
export function remainingSeconds(timer, serverNow) {
  switch (timer?.state) {
    case 'running':
      return Math.max(0, Math.ceil((Date.parse(timer.ends_at) - serverNow) / 1000))
    case 'paused':
      return Math.max(0, timer.remaining_seconds ?? 0)
    case 'idle':
      return Math.max(0, timer.duration_seconds ?? 0)
    default:
      return 0
  }
}

const formats = new Map() // one Intl.NumberFormat per locale and style: the countdown asks 4 times a second

function numberFormat(locale, options = {}) {
  const key = `${locale} ${JSON.stringify(options)}`
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(locale, options))
  return formats.get(key)
}

/**
 * Seconds as mm:ss in the digits of `locale` (the page's language unless given); a timer of more
 * than an hour counts its minutes on: 90:00.
 */
export function formatCountdown(seconds, { locale = formatLocale() } = {}) {
  const whole = Math.max(0, Math.floor(seconds))
  const twoDigits = numberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false })
  return `${twoDigits.format(Math.floor(whole / 60))}:${twoDigits.format(whole % 60)}`
}

/**
 * A number for a sentence (minutes, seconds, characters left), e.g. 0.17 as "0,17" in German.
 * `useGrouping: false` writes 2000 as it reads today, not "2,000".
 */
export function formatAmount(value, { locale = formatLocale(), useGrouping = true } = {}) {
  return numberFormat(locale, { maximumFractionDigits: 2, useGrouping }).format(value)
}
