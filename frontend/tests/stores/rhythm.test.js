import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { api } from '@/services/api'
import { useMessagesStore } from '@/stores/messages'
import { useRhythmStore } from '@/stores/rhythm'

import { deferred, httpError } from '../helpers/http'
import { rhythm as answer } from '../helpers/rhythm'

const AT = Date.parse('2025-03-04T18:00:00.000Z')
const running = (endsAt = '2025-03-04T18:05:00.000Z') => ({
  state: 'running',
  duration_seconds: 300,
  ends_at: endsAt,
  label: 'Pairs',
})

let store
let feed
beforeEach(() => {
  setActivePinia(createPinia())
  store = useRhythmStore()
  feed = useMessagesStore()
  vi.spyOn(api, 'listSessions').mockResolvedValue({ sessions: [] })
})

afterEach(() => {
  store.stop()
  vi.useRealTimers()
})

/** getRhythm answering `body` after `ms` of the browser's clock have passed. */
function answersAfter(spy, ms, body) {
  spy.mockImplementationOnce(() => {
    vi.setSystemTime(Date.now() + ms)
    return Promise.resolve(body)
  })
}

describe('rhythm store: follow', () => {
  it("loads the circle's rhythm and sessions", async () => {
    const session = { id: 7, started_at: '2025-03-04T17:55:00Z' }
    const get = vi.spyOn(api, 'getRhythm').mockResolvedValue(
      answer({
        session,
        timer: running(),
        upcoming: { starts_at: '2025-03-11T18:00:00Z', ends_at: '2025-03-11T19:30:00Z', running: false },
        run_sheet: { position: 2, total: 5 },
      }),
    )
    api.listSessions.mockResolvedValue({ sessions: [{ ...session, ended_at: null }] })

    await store.follow('demo')

    expect(get).toHaveBeenCalledWith('demo')
    expect(api.listSessions).toHaveBeenCalledWith('demo')
    expect(store.loaded).toBe(true)
    expect(store.session).toEqual(session)
    expect(store.sessionOpen).toBe(true)
    expect(store.timer.state).toBe('running')
    expect(store.upcoming.starts_at).toBe('2025-03-11T18:00:00Z')
    expect(store.runSheet).toEqual({ position: 2, total: 5 })
    expect(store.sessions).toHaveLength(1)
  })

  it("estimates the server's clock from the fastest round trip", async () => {
    vi.useFakeTimers({ now: AT })
    const get = vi.spyOn(api, 'getRhythm')
    // A slow answer: 2 s on the way, the server 3 s ahead of this browser (read at its middle).
    answersAfter(get, 2000, answer({ server_time: new Date(AT + 1000 + 3000).toISOString() }))
    await store.follow('demo')
    expect(store.offset).toBe(3000)
    expect(store.clock.roundTrip).toBe(2000)

    // A fast one: 100 ms, and the server 2.5 s ahead. Its estimate is the better one.
    const sent = Date.now()
    answersAfter(get, 100, answer({ server_time: new Date(sent + 50 + 2500).toISOString() }))
    await store.refresh()
    expect(store.offset).toBe(2500)
    expect(store.serverNow()).toBe(Date.now() + 2500)

    // A slower one again does not replace it.
    const later = Date.now()
    answersAfter(get, 900, answer({ server_time: new Date(later + 450 + 9000).toISOString() }))
    await store.refresh()
    expect(store.offset).toBe(2500)
  })

  it('forgets the previous circle, its clock estimate included', async () => {
    vi.spyOn(api, 'getRhythm').mockResolvedValueOnce(answer({ session: { id: 1, started_at: 'x' } }))
    await store.follow('demo')
    const other = deferred()
    api.getRhythm.mockReturnValueOnce(other.promise)

    const following = store.follow('other')

    expect(store.session).toBeNull()
    expect(store.loaded).toBe(false)
    expect(store.clock).toBeNull()
    other.resolve(answer())
    await following
    expect(store.slug).toBe('other')
  })

  it('says why the rhythm could not be loaded, until it can', async () => {
    const failure = httpError(503, {})
    vi.spyOn(api, 'getRhythm').mockRejectedValueOnce(failure).mockResolvedValueOnce(answer())

    await store.follow('demo')
    expect(store.error).toBe(failure)
    expect(store.loaded).toBe(false)

    await store.refresh()
    expect(store.error).toBeNull()
    expect(store.loaded).toBe(true)
  })
})

describe('rhythm store: asking again', () => {
  beforeEach(async () => {
    vi.spyOn(api, 'getRhythm').mockResolvedValue(answer())
    feed.slug = 'demo'
    await store.follow('demo')
    api.getRhythm.mockClear()
  })

  it('asks again when the stream signals a change or a reconnect', async () => {
    feed.rhythmSignal += 1
    await flushPromises()

    expect(api.getRhythm).toHaveBeenCalledTimes(1)
    expect(api.getRhythm).toHaveBeenCalledWith('demo')
  })

  it('asks once more after the answer on its way, not once per signal', async () => {
    const first = deferred()
    api.getRhythm.mockReturnValueOnce(first.promise)

    feed.rhythmSignal += 1
    feed.rhythmSignal += 1
    feed.rhythmSignal += 1
    expect(api.getRhythm).toHaveBeenCalledTimes(1)
    first.resolve(answer())
    await flushPromises()

    expect(api.getRhythm).toHaveBeenCalledTimes(2)
  })

  it("ignores the signals of another circle's stream", async () => {
    feed.slug = 'other'
    feed.rhythmSignal += 1
    await flushPromises()

    expect(api.getRhythm).not.toHaveBeenCalled()
  })

  it('asks again when the tab is shown again, and not once stopped', async () => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    await flushPromises()
    expect(api.getRhythm).toHaveBeenCalledTimes(1)

    store.stop()
    document.dispatchEvent(new Event('visibilitychange'))
    feed.rhythmSignal += 1
    await flushPromises()
    expect(api.getRhythm).toHaveBeenCalledTimes(1)
  })

  it('does not ask while the tab is hidden', async () => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange'))
    await flushPromises()

    expect(api.getRhythm).not.toHaveBeenCalled()
  })

  it('drops an answer that arrives after the room was left', async () => {
    const late = deferred()
    api.getRhythm.mockReturnValueOnce(late.promise)
    const refreshing = store.refresh()

    store.stop()
    late.resolve(answer({ session: { id: 9, started_at: 'x' } }))
    await refreshing

    expect(store.session).toBeNull()
  })

  it('counts a session starting or ending, and loads the sessions again', async () => {
    api.listSessions.mockClear()
    const session = { id: 3, started_at: '2025-03-04T18:00:00Z' }
    api.getRhythm.mockResolvedValueOnce(answer({ session }))

    await store.refresh()
    expect(store.sessionChanges).toBe(1)
    expect(api.listSessions).toHaveBeenCalledTimes(1)

    api.getRhythm.mockResolvedValueOnce(answer({ session }))
    await store.refresh()
    expect(store.sessionChanges).toBe(1) // the same session: no change

    api.getRhythm.mockResolvedValueOnce(answer({ session: null }))
    await store.refresh()
    expect(store.sessionChanges).toBe(2)
  })
})

describe('rhythm store: actions', () => {
  beforeEach(async () => {
    vi.spyOn(api, 'getRhythm').mockResolvedValue(answer({ timer: running() }))
    await store.follow('demo')
  })

  it('starts and ends sessions, then asks for the rhythm', async () => {
    const start = vi.spyOn(api, 'startSession').mockResolvedValue({ id: 4, started_at: 'x' })
    const end = vi.spyOn(api, 'endSession').mockResolvedValue({})
    api.getRhythm.mockClear()

    await store.startSession()
    await store.endSession()

    expect(start).toHaveBeenCalledWith('demo')
    expect(end).toHaveBeenCalledWith('demo')
    expect(api.getRhythm).toHaveBeenCalledTimes(2)
  })

  it("passes a refusal on, with the server's sentence", async () => {
    vi.spyOn(api, 'endSession').mockRejectedValue(httpError(409, { error: 'conflict', detail: 'No session is open.' }))

    await expect(store.endSession()).rejects.toMatchObject({ response: { status: 409 } })
  })

  it('shows the timer a command answers', async () => {
    const paused = { state: 'paused', duration_seconds: 300, remaining_seconds: 200, label: '' }
    const put = vi.spyOn(api, 'setTimer').mockResolvedValue(paused)

    await store.commandTimer({ action: 'pause' })

    expect(put).toHaveBeenCalledWith('demo', { action: 'pause' })
    expect(store.timer).toEqual(paused)
  })

  it('tells the server the time is up once per run, and shows its answer', async () => {
    const finished = { state: 'finished', duration_seconds: 300, label: 'Pairs' }
    const elapsed = vi.spyOn(api, 'timerElapsed').mockResolvedValue(finished)

    await Promise.all([store.timeUp(), store.timeUp()])
    expect(elapsed).toHaveBeenCalledTimes(1)
    expect(store.timer).toEqual(finished)

    await store.timeUp() // finished: nothing to tell
    expect(elapsed).toHaveBeenCalledTimes(1)

    // The facilitator starts the timer again: its end is news again.
    api.getRhythm.mockResolvedValueOnce(answer({ timer: running('2025-03-04T18:10:00.000Z') }))
    await store.refresh()
    await store.timeUp()
    expect(elapsed).toHaveBeenCalledTimes(2)
  })

  it('keeps the timer as it was when telling the server fails', async () => {
    vi.spyOn(api, 'timerElapsed').mockRejectedValue(httpError(503, {}))

    await store.timeUp()

    expect(store.timer.state).toBe('running')
  })
})
