// The backend API: one axios instance, the CSRF dance, and the one place that turns API errors
// into sentences a person can act on.
import axios from 'axios'

import { currentLocale, translate as t } from '@/i18n'

export const http = axios.create({
  baseURL: '/api',
  withCredentials: true,
  xsrfCookieName: 'csrftoken',
  xsrfHeaderName: 'X-CSRFToken',
  headers: { Accept: 'application/json' },
  timeout: 15000,
})

// The API's sentences (errors, refusals) come back in the language the page is shown in.
http.interceptors.request.use((config) => {
  config.headers['Accept-Language'] = currentLocale()
  return config
})

let csrfReady = null

/** Make sure the CSRF cookie exists before the first write (Django sets it on this GET). */
export function ensureCsrf() {
  if (!csrfReady) {
    csrfReady = http.get('/auth/csrf/').catch((error) => {
      csrfReady = null
      throw error
    })
  }
  return csrfReady
}

async function write(method, url, data, headers = {}) {
  await ensureCsrf()
  const response = await http.request({ method, url, data, headers })
  return response.data
}

async function read(url, params) {
  const response = await http.get(url, { params })
  return response.data
}

/** The query parameters that were given: a cursor left out must not reach the server as "null". */
function given(params) {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined && value !== null))
}

const circlePath = (slug) => `/circles/${encodeURIComponent(slug)}/`

export const api = {
  verifyKey: (key) => write('post', '/auth/verify-key/', { key }),
  me: () => read('/auth/me/'),
  logout: () => write('post', '/auth/logout/'),
  listCircles: () => read('/circles/'),
  getCircle: (slug) => read(circlePath(slug)),
  // The facilitator's changes: any of name, description, active, schedule (null: no schedule).
  updateCircle: (slug, changes) => write('patch', circlePath(slug), changes),
  // One page (the newest without before/after): { results, older, newer, current_prompt, last_seq, epoch }.
  listMessages: (slug, { before, after, limit } = {}) =>
    read('/messages/', given({ circle: slug, before, after, limit })),
  // requestKey (Idempotency-Key): sending the same post again returns the message it made.
  postMessage: (slug, kind, body, requestKey) =>
    write('post', '/messages/', { circle: slug, kind, body }, requestKey ? { 'Idempotency-Key': requestKey } : {}),
  listKeys: (slug) => read(`/circles/${encodeURIComponent(slug)}/keys/`),
  issueKeys: (slug, request) => write('post', `/circles/${encodeURIComponent(slug)}/keys/`, request),
  revokeKey: (slug, id) => write('delete', `/circles/${encodeURIComponent(slug)}/keys/${id}/`),
  jitsiConfig: (slug) => read('/jitsi/config/', { circle: slug }),
  newVideoRoom: (slug) => write('post', `/circles/${encodeURIComponent(slug)}/video-room/`),
  // The session rhythm: { server_time, session, timer, upcoming, run_sheet } in one answer.
  getRhythm: (slug) => read(`${circlePath(slug)}rhythm/`),
  listSessions: (slug) => read(`${circlePath(slug)}sessions/`),
  startSession: (slug) => write('post', `${circlePath(slug)}sessions/`),
  endSession: (slug) => write('post', `${circlePath(slug)}sessions/current/end/`),
  // command: { action: 'start', seconds, label? }, { action: 'add', seconds }, or { action } for
  // 'pause', 'resume' and 'stop'. Answers the timer.
  setTimer: (slug, command) => write('put', `${circlePath(slug)}timer/`, command),
  // Any member's page says its countdown reached zero; the server decides (and says it once).
  timerElapsed: (slug) => write('post', `${circlePath(slug)}timer/elapsed/`),
  getRunSheet: (slug) => read(`${circlePath(slug)}run-sheet/`),
  addRunSheetItem: (slug, item) => write('post', `${circlePath(slug)}run-sheet/`, item),
  updateRunSheetItem: (slug, id, changes) => write('patch', `${circlePath(slug)}run-sheet/${id}/`, changes),
  deleteRunSheetItem: (slug, id) => write('delete', `${circlePath(slug)}run-sheet/${id}/`),
  orderRunSheet: (slug, ids) => write('put', `${circlePath(slug)}run-sheet/order/`, { ids }),
  sendNextItem: (slug) => write('post', `${circlePath(slug)}run-sheet/next/`),
  // A subscribe URL that carries its own secret: answered once, and a new one revokes the old.
  createCalendarLink: (slug) => write('post', `${circlePath(slug)}calendar-link/`),
  revokeCalendarLink: (slug) => write('delete', `${circlePath(slug)}calendar-link/`),
  // The participants' voice (docs/voice-api.md): the facilitator's view and a member's own.
  getVoice: (slug) => read(`${circlePath(slug)}voice/`),
  getOwnVoice: (slug) => read(`${circlePath(slug)}voice/mine/`),
  respond: (slug, body) => write('post', `${circlePath(slug)}responses/`, { body }),
  // as: 'named' | 'anonymous'. Answers the response, now shared.
  shareResponse: (slug, id, as) => write('post', `${circlePath(slug)}responses/${id}/share/`, { as }),
  // kind: 'hand' | 'here' | 'moment'. Answers the signal (the same one when it is already up).
  raiseSignal: (slug, kind) => write('post', `${circlePath(slug)}signals/`, { kind }),
  lowerSignal: (slug, id) => write('delete', `${circlePath(slug)}signals/${id}/`),
  reportCall: (slug, inCall) => write('put', `${circlePath(slug)}presence/call/`, { in_call: inCall }),
  getAttendance: (slug, sessionId) => read(`${circlePath(slug)}sessions/${sessionId}/attendance/`),
}

/** Where a member downloads the circle's sessions as an .ics file (a plain link: the session cookie goes along). */
export function calendarFileUrl(slug) {
  return `${http.defaults.baseURL}${circlePath(slug)}calendar.ics`
}

/** Where the facilitator downloads a session's attendance as CSV (a plain link, like the calendar file). */
export function attendanceCsvUrl(slug, sessionId) {
  const query = new URLSearchParams({ session: String(sessionId) })
  return `${http.defaults.baseURL}${circlePath(slug)}attendance.csv?${query}`
}

function waitPhrase(seconds) {
  if (seconds < 90) return t('common.wait.seconds', seconds)
  return t('common.wait.minutes', Math.ceil(seconds / 60))
}

/**
 * What went wrong, for people: { status, code, message, retryAfter }.
 * `context` may override the message per status, e.g. { 401: 'That key is not valid.' }.
 */
export function describeError(error, context = {}) {
  const response = error?.response
  if (!response) {
    return {
      status: 0,
      code: 'unreachable',
      message: t('common.errors.unreachable'),
      retryAfter: null,
    }
  }
  const { status, data, headers } = response
  const code = data?.error || data?.code || 'error'
  if (status === 429) {
    const retryAfter = Number.parseInt(headers?.['retry-after'], 10) || 60
    return {
      status,
      code,
      retryAfter,
      message: t('common.errors.throttled', { wait: waitPhrase(retryAfter) }),
    }
  }
  const fallback = status >= 500 ? t('common.errors.server') : t('common.errors.failed')
  return {
    status,
    code,
    retryAfter: null,
    message: context[status] || (typeof data?.detail === 'string' ? data.detail : fallback),
  }
}

/** Adds DRF's nested errors to `into`, one sentence per dotted field name. */
function flatten(errors, name, into) {
  if (typeof errors === 'string') {
    into[name] = into[name] ? `${into[name]} ${errors}` : errors
  } else if (Array.isArray(errors)) {
    errors.forEach((item, i) => flatten(item, typeof item === 'string' || !name ? name : `${name}.${i}`, into))
  } else if (errors && typeof errors === 'object') {
    for (const [key, inner] of Object.entries(errors)) {
      flatten(inner, key === 'non_field_errors' ? name : name ? `${name}.${key}` : key, into)
    }
  }
  return into
}

/**
 * A refused form's errors by field, for showing each beside its field: a 400's `fields` (as DRF
 * reports them) flattened to dotted names, e.g. { name: 'Must not be blank.', 'schedule.time':
 * '...', 'schedule.skipped_dates.1': '...' }. Errors of a whole object are under its own name
 * ('schedule'), of the whole request under ''. Any other failure has none: {}.
 */
export function fieldErrors(error) {
  const response = error?.response
  if (response?.status !== 400) return {}
  return flatten(response.data?.fields ?? {}, '', {})
}
