import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { networkError, reply } from '../helpers/http'

// api.js keeps the CSRF promise in module state: every test gets a fresh copy of the module.
let api
let attendanceCsvUrl
let calendarFileUrl
let describeError
let ensureCsrf
let fieldErrors
let http
let seen

function route(handlers) {
  return (config) => {
    seen.push(config)
    const handler = handlers[`${config.method} ${config.url}`]
    if (!handler) return reply(config, 404, { error: 'not_found', detail: `no stub for ${config.url}` })
    return handler(config)
  }
}

const ok =
  (data = {}) =>
  (config) =>
    reply(config, 200, data)

beforeEach(async () => {
  vi.resetModules()
  ;({ api, attendanceCsvUrl, calendarFileUrl, describeError, ensureCsrf, fieldErrors, http } =
    await import('@/services/api'))
  // the fresh module has a fresh i18n, whose English must be loaded as main.js does
  await (await import('@/i18n')).setLocale('en')
  seen = []
})

it('asks the API for its sentences in the language the page is shown in', async () => {
  const { setLocale } = await import('@/i18n')
  http.defaults.adapter = route({ 'get /auth/me/': ok({ role: 'participant' }) })
  await setLocale('de')
  await api.me()
  expect(seen.at(-1).headers['Accept-Language']).toBe('de')
  await setLocale('en')
})

afterEach(() => {
  vi.unstubAllGlobals()
  document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
})

const calls = (url) => seen.filter((config) => config.url === url)

describe('describeError', () => {
  it('says the server cannot be reached when there is no response', async () => {
    http.defaults.adapter = () => Promise.reject(networkError())
    const error = await api.me().catch((e) => e)

    const described = describeError(error)

    expect(described.code).toBe('unreachable')
    expect(described.status).toBe(0)
    expect(described.retryAfter).toBeNull()
    expect(described.message).toMatch(/can't reach/i)
    expect(described.message).toMatch(/connection/i)
  })

  it('treats something that is not an axios error at all as unreachable', () => {
    expect(describeError(new TypeError('boom')).code).toBe('unreachable')
    expect(describeError(undefined).code).toBe('unreachable')
  })

  it('turns a 429 with Retry-After: 120 into a wait of 2 minutes', async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok(),
      'post /auth/verify-key/': (config) =>
        reply(
          config,
          429,
          { error: 'too_many_attempts', detail: 'Too many attempts. Try again in 120 seconds.' },
          {
            'Retry-After': '120',
          },
        ),
    })
    const error = await api.verifyKey('K7QF-M2ZD-9XHC-R4TB').catch((e) => e)

    const described = describeError(error)

    expect(described.status).toBe(429)
    expect(described.code).toBe('too_many_attempts')
    expect(described.retryAfter).toBe(120)
    expect(described.message).toMatch(/2 minutes/)
    expect(described.message).not.toMatch(/120/)
  })

  it('turns a 429 with Retry-After: 30 into a wait of 30 seconds', async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok(),
      'post /auth/verify-key/': (config) =>
        reply(config, 429, { error: 'too_many_attempts', detail: 'x' }, { 'Retry-After': '30' }),
    })
    const error = await api.verifyKey('K7QF-M2ZD-9XHC-R4TB').catch((e) => e)

    const described = describeError(error)

    expect(described.retryAfter).toBe(30)
    expect(described.message).toMatch(/30 seconds/)
  })

  it('says "1 second", not "1 seconds"', async () => {
    http.defaults.adapter = (config) => reply(config, 429, { error: 'too_many_attempts' }, { 'Retry-After': '1' })
    const error = await api.me().catch((e) => e)

    expect(describeError(error).message).toMatch(/wait 1 second and/)
  })

  it('falls back to a wait of a minute when a 429 carries no Retry-After', async () => {
    http.defaults.adapter = (config) => reply(config, 429, { error: 'too_many_attempts' })
    const error = await api.me().catch((e) => e)

    const described = describeError(error)

    expect(described.retryAfter).toBe(60)
    expect(described.message).toMatch(/60 seconds/)
  })

  it('uses the context sentence for a 401 instead of the server detail', async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok(),
      'post /auth/verify-key/': (config) =>
        reply(config, 401, { error: 'not_authenticated', detail: 'This key is not valid.' }),
    })
    const error = await api.verifyKey('K7QF-M2ZD-9XHC-R4TB').catch((e) => e)

    const described = describeError(error, { 401: 'That key is not valid. Ask your facilitator.' })

    expect(described.status).toBe(401)
    expect(described.code).toBe('not_authenticated')
    expect(described.message).toBe('That key is not valid. Ask your facilitator.')
  })

  it("uses the server's detail for other 4xx answers", async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok(),
      'post /messages/': (config) => reply(config, 400, { error: 'invalid', detail: 'body: Must not be blank.' }),
    })
    const error = await api.postMessage('demo', 'announcement', ' ').catch((e) => e)

    const described = describeError(error, { 401: 'not this one' })

    expect(described).toMatchObject({
      status: 400,
      code: 'invalid',
      message: 'body: Must not be blank.',
      retryAfter: null,
    })
  })

  it('uses a generic sentence for a 5xx with no detail (e.g. a proxy error page)', async () => {
    http.defaults.adapter = (config) => {
      const failure = reply(config, 502, undefined)
      return failure.catch((error) => {
        error.response.data = '<html><body>502 Bad Gateway</body></html>'
        throw error
      })
    }
    const error = await api.listCircles().catch((e) => e)

    const described = describeError(error)

    expect(described.status).toBe(502)
    expect(described.code).toBe('error')
    expect(described.message).toMatch(/something went wrong on our side/i)
    expect(described.message).not.toMatch(/html|bad gateway/i)
  })

  it('uses a generic sentence for a 4xx without a detail', () => {
    const described = describeError({ response: { status: 413, data: null, headers: {} } })

    expect(described.message).toMatch(/did not work/i)
  })
})

describe('postMessage', () => {
  it('sends the Idempotency-Key it is given, and none when it is not', async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok({ csrf_token: 't' }),
      'post /messages/': ok({ seq: 1 }),
    })

    await api.postMessage('demo', 'announcement', 'hello', 'key-1')
    await api.postMessage('demo', 'announcement', 'hello')

    const posts = seen.filter((c) => c.url === '/messages/')
    expect(posts[0].headers['Idempotency-Key']).toBe('key-1')
    expect(posts[1].headers['Idempotency-Key']).toBeUndefined()
    expect(JSON.parse(posts[0].data)).toEqual({ circle: 'demo', kind: 'announcement', body: 'hello' })
  })
})

describe('CSRF', () => {
  it('fetches /auth/csrf/ once, before the first write only', async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok({ csrf_token: 't' }),
      'post /messages/': ok({ seq: 1 }),
      'post /auth/logout/': (config) => reply(config, 204),
    })

    await api.postMessage('demo', 'announcement', 'hello')
    await api.logout()

    expect(seen.map((c) => `${c.method} ${c.url}`)).toEqual([
      'get /auth/csrf/',
      'post /messages/',
      'post /auth/logout/',
    ])
  })

  it('shares one CSRF request between writes sent at the same time', async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok(),
      'post /messages/': ok({ seq: 1 }),
    })

    await Promise.all([api.postMessage('demo', 'prompt', 'a'), api.postMessage('demo', 'prompt', 'b')])

    expect(calls('/auth/csrf/')).toHaveLength(1)
    expect(calls('/messages/')).toHaveLength(2)
  })

  it('does not send the write when the CSRF request failed, and tries again on the next write', async () => {
    let csrfFails = true
    http.defaults.adapter = route({
      'get /auth/csrf/': (config) => (csrfFails ? Promise.reject(networkError()) : reply(config, 200, {})),
      'post /auth/verify-key/': ok({ role: 'participant', display_name: 'Ana', circles: [] }),
    })

    const first = await api.verifyKey('K7QF-M2ZD-9XHC-R4TB').catch((e) => e)
    expect(describeError(first).code).toBe('unreachable')
    expect(calls('/auth/verify-key/')).toHaveLength(0)

    csrfFails = false
    await expect(api.verifyKey('K7QF-M2ZD-9XHC-R4TB')).resolves.toMatchObject({ display_name: 'Ana' })
    expect(calls('/auth/csrf/')).toHaveLength(2)
    expect(calls('/auth/verify-key/')).toHaveLength(1)
  })

  it('does not fetch the CSRF cookie for reads', async () => {
    http.defaults.adapter = route({ 'get /auth/me/': ok({ role: 'participant' }) })

    await api.me()

    expect(calls('/auth/csrf/')).toHaveLength(0)
  })

  it('ensureCsrf() returns the same promise while one is pending or done', async () => {
    http.defaults.adapter = route({ 'get /auth/csrf/': ok() })

    const a = ensureCsrf()
    const b = ensureCsrf()
    expect(a).toBe(b)
    await a
    expect(ensureCsrf()).toBe(a)
  })

  // axios adds X-CSRFToken inside its own browser adapters (xhr/fetch), not before calling a
  // custom adapter, so this goes through the real xhr adapter with a fake XMLHttpRequest.
  it('sends the csrftoken cookie as X-CSRFToken on writes', async () => {
    const sent = []
    class FakeXHR {
      onloadend = null
      onerror = null
      onabort = null
      ontimeout = null
      readyState = 0
      status = 0
      statusText = ''
      responseText = ''
      responseURL = ''
      constructor() {
        this.headers = {}
        sent.push(this)
      }
      open(method, url) {
        this.method = method
        this.url = url
      }
      setRequestHeader(name, value) {
        this.headers[name] = value
      }
      addEventListener() {}
      removeEventListener() {}
      getAllResponseHeaders() {
        return 'content-type: application/json\r\n'
      }
      abort() {}
      send(body) {
        this.body = body
        queueMicrotask(() => {
          this.readyState = 4
          this.status = 200
          this.responseText = this.url.endsWith('/auth/csrf/') ? '{"csrf_token":"abc"}' : '{"seq":7}'
          this.onloadend?.({ type: 'loadend' })
        })
      }
    }
    vi.stubGlobal('XMLHttpRequest', FakeXHR)
    http.defaults.adapter = 'xhr'
    document.cookie = 'csrftoken=abc; path=/'

    await expect(api.postMessage('demo', 'announcement', 'hello')).resolves.toEqual({ seq: 7 })

    const post = sent.find((xhr) => xhr.method === 'POST')
    expect(post.url).toBe('/api/messages/')
    expect(post.headers['X-CSRFToken']).toBe('abc')
    expect(post.withCredentials).toBe(true)
    expect(JSON.parse(post.body)).toEqual({ circle: 'demo', kind: 'announcement', body: 'hello' })
  })
})

describe('requests', () => {
  it('sends reads to /api with their query parameters', async () => {
    http.defaults.adapter = route({ 'get /messages/': ok({ results: [] }) })

    await api.listMessages('demo', { after: 4 })

    expect(seen[0].baseURL).toBe('/api')
    expect(seen[0].params).toEqual({ circle: 'demo', after: 4 })
  })

  it('asks for the newest page of messages with only the circle, and returns the page', async () => {
    const newest = { results: [{ seq: 9 }], older: 8, newer: null, current_prompt: null, last_seq: 9, epoch: 'e1' }
    http.defaults.adapter = route({ 'get /messages/': ok(newest) })

    await expect(api.listMessages('demo')).resolves.toEqual(newest)

    expect(seen[0].params).toEqual({ circle: 'demo' })
    expect(http.getUri(seen[0])).toBe('/api/messages/?circle=demo')
  })

  it('sends the paging parameters that were given, and no others', async () => {
    http.defaults.adapter = route({ 'get /messages/': ok({ results: [] }) })

    await api.listMessages('demo', { before: 951, limit: 20 })
    await api.listMessages('demo', { before: null, after: undefined })

    expect(http.getUri(seen[0])).toBe('/api/messages/?circle=demo&before=951&limit=20')
    expect(seen[1].params).toEqual({ circle: 'demo' })
  })

  it('escapes slugs placed in a path', async () => {
    http.defaults.adapter = (config) => {
      seen.push(config)
      return reply(config, 200, {})
    }

    await api.getCircle('a/b?c')

    expect(seen[0].url).toBe('/circles/a%2Fb%3Fc/')
  })

  it('revokes a key with DELETE on the key', async () => {
    http.defaults.adapter = route({
      'get /auth/csrf/': ok(),
      'delete /circles/demo/keys/12/': (config) => reply(config, 204),
    })

    await api.revokeKey('demo', 12)

    expect(calls('/circles/demo/keys/12/')).toHaveLength(1)
  })
})

describe('the session rhythm endpoints', () => {
  const written = (url) => calls(url).map((config) => [config.method, config.data && JSON.parse(config.data)])

  it('reads the rhythm and the sessions of a circle', async () => {
    http.defaults.adapter = route({
      'get /circles/demo/rhythm/': ok({ server_time: '2025-03-04T18:00:00.000Z' }),
      'get /circles/demo/sessions/': ok({ sessions: [] }),
    })

    await expect(api.getRhythm('demo')).resolves.toEqual({ server_time: '2025-03-04T18:00:00.000Z' })
    await expect(api.listSessions('demo')).resolves.toEqual({ sessions: [] })
  })

  it('starts and ends sessions, commands the timer and changes the circle, the CSRF cookie first', async () => {
    http.defaults.adapter = (config) => {
      seen.push(config)
      return reply(config, 200, {})
    }

    await api.startSession('demo')
    await api.endSession('demo')
    await api.setTimer('demo', { action: 'start', seconds: 300, label: 'Pairs' })
    await api.timerElapsed('demo')
    await api.updateCircle('demo', { schedule: null })

    expect(written('/circles/demo/sessions/')).toEqual([['post', undefined]])
    expect(written('/circles/demo/sessions/current/end/')).toEqual([['post', undefined]])
    expect(written('/circles/demo/timer/')).toEqual([['put', { action: 'start', seconds: 300, label: 'Pairs' }]])
    expect(written('/circles/demo/timer/elapsed/')).toEqual([['post', undefined]])
    expect(written('/circles/demo/')).toEqual([['patch', { schedule: null }]])
    expect(seen[0].url).toBe('/auth/csrf/')
  })

  it('edits, orders and sends the run sheet', async () => {
    http.defaults.adapter = (config) => {
      seen.push(config)
      return reply(config, 200, {})
    }

    await api.getRunSheet('demo')
    await api.addRunSheetItem('demo', { kind: 'timer', body: '', minutes: 2 })
    await api.updateRunSheetItem('demo', 4, { body: 'x' })
    await api.deleteRunSheetItem('demo', 4)
    await api.orderRunSheet('demo', [3, 1, 2])
    await api.sendNextItem('demo')

    expect(written('/circles/demo/run-sheet/')).toEqual([
      ['get', undefined],
      ['post', { kind: 'timer', body: '', minutes: 2 }],
    ])
    expect(written('/circles/demo/run-sheet/4/')).toEqual([
      ['patch', { body: 'x' }],
      ['delete', undefined],
    ])
    expect(written('/circles/demo/run-sheet/order/')).toEqual([['put', { ids: [3, 1, 2] }]])
    expect(written('/circles/demo/run-sheet/next/')).toEqual([['post', undefined]])
  })

  it('makes and revokes calendar links, and names the calendar file', async () => {
    http.defaults.adapter = (config) => {
      seen.push(config)
      return reply(config, 200, { url: 'https://x.example/cal/s3cr3t.ics' })
    }

    await expect(api.createCalendarLink('demo')).resolves.toEqual({ url: 'https://x.example/cal/s3cr3t.ics' })
    await api.revokeCalendarLink('demo')

    expect(written('/circles/demo/calendar-link/')).toEqual([
      ['post', undefined],
      ['delete', undefined],
    ])
    expect(calendarFileUrl('a b')).toBe('/api/circles/a%20b/calendar.ics')
  })
})

describe('the voice endpoints', () => {
  const written = (url) => calls(url).map((config) => [config.method, config.data && JSON.parse(config.data)])

  it('reads the voice, sends responses and signals, shares, lowers and reports the call', async () => {
    http.defaults.adapter = (config) => {
      seen.push(config)
      return reply(config, 200, {})
    }

    await api.getVoice('demo')
    await api.getOwnVoice('demo')
    await api.respond('demo', 'How quiet it was')
    await api.shareResponse('demo', 3, 'anonymous')
    await api.raiseSignal('demo', 'hand')
    await api.lowerSignal('demo', 9)
    await api.reportCall('demo', true)
    await api.getAttendance('demo', 7)

    expect(written('/circles/demo/voice/')).toEqual([['get', undefined]])
    expect(written('/circles/demo/voice/mine/')).toEqual([['get', undefined]])
    expect(written('/circles/demo/responses/')).toEqual([['post', { body: 'How quiet it was' }]])
    expect(written('/circles/demo/responses/3/share/')).toEqual([['post', { as: 'anonymous' }]])
    expect(written('/circles/demo/signals/')).toEqual([['post', { kind: 'hand' }]])
    expect(written('/circles/demo/signals/9/')).toEqual([['delete', undefined]])
    expect(written('/circles/demo/presence/call/')).toEqual([['put', { in_call: true }]])
    expect(written('/circles/demo/sessions/7/attendance/')).toEqual([['get', undefined]])
    expect(seen.filter((config) => config.url === '/auth/csrf/')).toHaveLength(1)
  })

  it('names the attendance file of a session', () => {
    expect(attendanceCsvUrl('a b', 7)).toBe('/api/circles/a%20b/attendance.csv?session=7')
  })
})

describe('fieldErrors', () => {
  const refused = (status, data) => ({ response: { status, data, headers: {} } })

  it("flattens a 400's fields to one sentence per dotted name", () => {
    const error = refused(400, {
      error: 'invalid',
      detail: '…',
      fields: {
        name: ['Must not be blank.', 'Too short.'],
        non_field_errors: ['Nothing changed.'],
        schedule: {
          time: ['Enter a valid time.'],
          non_field_errors: ['week_of_month is for monthly schedules only.'],
          skipped_dates: { 1: ['Enter a valid date.'] },
        },
      },
    })

    expect(fieldErrors(error)).toEqual({
      name: 'Must not be blank. Too short.',
      '': 'Nothing changed.',
      'schedule.time': 'Enter a valid time.',
      schedule: 'week_of_month is for monthly schedules only.',
      'schedule.skipped_dates.1': 'Enter a valid date.',
    })
  })

  it('gives none for other failures, or a 400 without fields', () => {
    expect(fieldErrors(refused(403, { fields: { name: ['x'] } }))).toEqual({})
    expect(fieldErrors(refused(400, { error: 'invalid', detail: 'x' }))).toEqual({})
    expect(fieldErrors(undefined)).toEqual({})
  })

  it('reads the code of an error body that calls it code', () => {
    expect(describeError(refused(409, { code: 'session_open', detail: 'A session is already open.' }))).toMatchObject({
      code: 'session_open',
      message: 'A session is already open.',
    })
  })
})
