// The backend API: one axios instance, the CSRF dance, and the one place that turns API errors
// into sentences a person can act on.
import axios from 'axios'

export const http = axios.create({
  baseURL: '/api',
  withCredentials: true,
  xsrfCookieName: 'csrftoken',
  xsrfHeaderName: 'X-CSRFToken',
  headers: { Accept: 'application/json' },
  timeout: 15000,
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

export const api = {
  verifyKey: (key) => write('post', '/auth/verify-key/', { key }),
  me: () => read('/auth/me/'),
  logout: () => write('post', '/auth/logout/'),
  listCircles: () => read('/circles/'),
  getCircle: (slug) => read(`/circles/${encodeURIComponent(slug)}/`),
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
}

function waitPhrase(seconds) {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minute${minutes === 1 ? '' : 's'}`
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
      message: "Can't reach InquiryCircle. Check your connection and try again.",
      retryAfter: null,
    }
  }
  const { status, data, headers } = response
  const code = data?.error || 'error'
  if (status === 429) {
    const retryAfter = Number.parseInt(headers?.['retry-after'], 10) || 60
    return {
      status,
      code,
      retryAfter,
      message: `Too many attempts. Please wait ${waitPhrase(retryAfter)} and try again.`,
    }
  }
  const fallback =
    status >= 500
      ? 'Something went wrong on our side. Please try again in a moment.'
      : 'That did not work. Please try again.'
  return {
    status,
    code,
    retryAfter: null,
    message: context[status] || (typeof data?.detail === 'string' ? data.detail : fallback),
  }
}
