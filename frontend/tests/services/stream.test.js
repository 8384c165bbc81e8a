import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { openMessageStream, STATES, streamUrl } from '@/services/stream'

import { FakeEventSource, message } from '../helpers/fakes'

let onMessage
let onState
let states

function open(slug = 'demo', options = {}) {
  return openMessageStream(slug, { onMessage, onState, EventSourceImpl: FakeEventSource, ...options })
}

beforeEach(() => {
  FakeEventSource.reset()
  states = []
  onMessage = vi.fn()
  onState = vi.fn((state) => states.push(state))
})

afterEach(() => {
  vi.useRealTimers()
})

describe('streamUrl', () => {
  it('names the circle and the last sequence seen', () => {
    const url = new URL(streamUrl('tuesday circle', 12), 'http://localhost')

    expect(url.pathname).toBe('/api/messages/stream/')
    expect(url.searchParams.get('circle')).toBe('tuesday circle')
    expect(url.searchParams.get('after')).toBe('12')
  })
})

describe('openMessageStream', () => {
  it('opens one EventSource for the circle, after the given sequence, with credentials', () => {
    open('demo', { after: 7 })

    expect(FakeEventSource.instances).toHaveLength(1)
    const source = FakeEventSource.last
    expect(source.url.startsWith('/api/messages/stream/?')).toBe(true)
    expect(source.params.get('circle')).toBe('demo')
    expect(source.params.get('after')).toBe('7')
    expect(source.init).toEqual({ withCredentials: true })
    expect(states).toEqual([STATES.CONNECTING])
  })

  it('starts after 0 when no sequence is given', () => {
    open('demo')

    expect(FakeEventSource.last.params.get('after')).toBe('0')
  })

  it('is live once the connection opens', () => {
    open()
    FakeEventSource.last.open()

    expect(states).toEqual([STATES.CONNECTING, STATES.LIVE])
  })

  it('hands each new message to onMessage once, parsed', () => {
    open('demo', { after: 2 })
    const source = FakeEventSource.last

    source.emit(message(3, 'prompt', 'What did you notice?'))

    expect(onMessage).toHaveBeenCalledTimes(1)
    expect(onMessage).toHaveBeenCalledWith(message(3, 'prompt', 'What did you notice?'))
  })

  it('ignores a duplicate or older sequence number', () => {
    open('demo', { after: 2 })
    const source = FakeEventSource.last

    source.emit(message(2)) // already had it (after=2)
    source.emit(message(3))
    source.emit(message(3)) // duplicate
    source.emit(message(1)) // older
    source.emit(message(4))

    expect(onMessage.mock.calls.map(([m]) => m.seq)).toEqual([3, 4])
  })

  it('says "reconnecting" and opens nothing new while the browser retries by itself', async () => {
    const shouldRetry = vi.fn(async () => true)
    open('demo', { shouldRetry })
    const source = FakeEventSource.last
    source.open()

    await source.fail(FakeEventSource.CONNECTING)

    expect(states.at(-1)).toBe(STATES.RECONNECTING)
    expect(FakeEventSource.instances).toHaveLength(1)
    expect(source.closed).toBe(false)
    expect(shouldRetry).not.toHaveBeenCalled()

    source.open() // the browser got through again
    expect(states.at(-1)).toBe(STATES.LIVE)
  })

  it('when the server refused (CLOSED), asks shouldRetry and reopens after a pause from the last sequence seen', async () => {
    vi.useFakeTimers()
    const shouldRetry = vi.fn(async () => true)
    open('demo', { after: 3, shouldRetry })
    const first = FakeEventSource.last
    first.open()
    first.emit(message(4))
    first.emit(message(5))

    await first.fail(FakeEventSource.CLOSED)

    expect(shouldRetry).toHaveBeenCalledTimes(1)
    expect(states.at(-1)).toBe(STATES.RECONNECTING)
    expect(first.closed).toBe(true)
    expect(FakeEventSource.instances).toHaveLength(1) // not at once

    await vi.advanceTimersByTimeAsync(2999)
    expect(FakeEventSource.instances).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeEventSource.instances).toHaveLength(2)

    const second = FakeEventSource.last
    expect(second.params.get('circle')).toBe('demo')
    expect(second.params.get('after')).toBe('5')
    expect(states.at(-1)).toBe(STATES.CONNECTING)

    // The old source's messages no longer count; the new one's do, still without duplicates.
    second.emit(message(5))
    second.emit(message(6))
    expect(onMessage.mock.calls.map(([m]) => m.seq)).toEqual([4, 5, 6])
  })

  it('ends, and opens nothing new, when shouldRetry says the session is gone', async () => {
    vi.useFakeTimers()
    const shouldRetry = vi.fn(async () => false)
    open('demo', { shouldRetry })
    const source = FakeEventSource.last

    await source.fail(FakeEventSource.CLOSED)
    await vi.advanceTimersByTimeAsync(60_000)

    expect(states.at(-1)).toBe(STATES.ENDED)
    expect(source.closed).toBe(true)
    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it("hands each connection's hello to onHello, parsed", async () => {
    vi.useFakeTimers()
    const onHello = vi.fn()
    open('demo', { onHello, shouldRetry: async () => true })
    FakeEventSource.last.dispatch('hello', '{"epoch": "f3a9", "last_seq": 10000}')

    expect(onHello).toHaveBeenCalledWith({ epoch: 'f3a9', last_seq: 10000 })

    // A new EventSource after a refusal says hello again, perhaps with other numbers.
    await FakeEventSource.last.fail(FakeEventSource.CLOSED)
    await vi.advanceTimersByTimeAsync(3000)
    FakeEventSource.last.dispatch('hello', '{"epoch": "b7c1", "last_seq": 12}')

    expect(onHello.mock.calls.map(([hello]) => hello)).toEqual([
      { epoch: 'f3a9', last_seq: 10000 },
      { epoch: 'b7c1', last_seq: 12 },
    ])
  })

  it('ignores a hello that is not JSON', () => {
    const onHello = vi.fn()
    open('demo', { onHello })

    FakeEventSource.last.dispatch('hello', 'not json')

    expect(onHello).not.toHaveBeenCalled()
  })

  it('calls onRhythm for each rhythm event, whatever its data, and leaves the messages alone', () => {
    const onRhythm = vi.fn()
    open('demo', { onRhythm })

    FakeEventSource.last.dispatch('rhythm', '{}')
    FakeEventSource.last.dispatch('rhythm', 'not json')

    expect(onRhythm).toHaveBeenCalledTimes(2)
    expect(onMessage).not.toHaveBeenCalled()
  })

  it('calls onVoice for each voice event, and nothing else', () => {
    const onVoice = vi.fn()
    const onRhythm = vi.fn()
    open('demo', { onVoice, onRhythm })

    FakeEventSource.last.dispatch('voice', '{}')
    FakeEventSource.last.dispatch('voice', 'not json')

    expect(onVoice).toHaveBeenCalledTimes(2)
    expect(onRhythm).not.toHaveBeenCalled()
    expect(onMessage).not.toHaveBeenCalled()
  })

  it("gives onEnd the end event's reason and detail, before the state says ended", () => {
    const onEnd = vi.fn(() => states.push('onEnd'))
    open('demo', { onEnd })
    FakeEventSource.last.open()

    FakeEventSource.last.dispatch('end', '{"reason": "circle_closed", "detail": "This circle was closed."}')

    expect(onEnd).toHaveBeenCalledWith({ reason: 'circle_closed', detail: 'This circle was closed.' })
    expect(states.slice(-2)).toEqual(['onEnd', STATES.ENDED])
  })

  it('ends with no reason when the end event carries no JSON', () => {
    const onEnd = vi.fn()
    open('demo', { onEnd })

    FakeEventSource.last.dispatch('end', '')

    expect(onEnd).toHaveBeenCalledWith({ reason: null, detail: '' })
    expect(states.at(-1)).toBe(STATES.ENDED)
  })

  it("ends and closes the source on the server's 'end' event", async () => {
    vi.useFakeTimers()
    open()
    const source = FakeEventSource.last
    source.open()

    source.dispatch('end', '{"reason": "session_ended", "detail": "The session ended."}')

    expect(states.at(-1)).toBe(STATES.ENDED)
    expect(source.closed).toBe(true)

    // A late error from the closed source changes nothing.
    await source.fail(FakeEventSource.CLOSED)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(states.at(-1)).toBe(STATES.ENDED)
    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it('close() closes the source and cancels a pending reconnect', async () => {
    vi.useFakeTimers()
    const stream = open('demo', { shouldRetry: async () => true })
    const source = FakeEventSource.last

    await source.fail(FakeEventSource.CLOSED) // a reconnect is now scheduled
    stream.close()
    await vi.advanceTimersByTimeAsync(60_000)

    expect(source.closed).toBe(true)
    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it('close() while shouldRetry is still answering opens nothing new', async () => {
    vi.useFakeTimers()
    let answer
    const shouldRetry = () => new Promise((resolve) => (answer = resolve))
    const stream = open('demo', { shouldRetry })

    const handled = FakeEventSource.last.fail(FakeEventSource.CLOSED)
    stream.close()
    answer(true)
    await handled
    await vi.advanceTimersByTimeAsync(60_000)

    expect(FakeEventSource.instances).toHaveLength(1)
  })

  it('close() stops state changes from the closed source', async () => {
    const stream = open()
    const source = FakeEventSource.last
    stream.close()
    onState.mockClear()

    await source.fail(FakeEventSource.CONNECTING)

    expect(source.closed).toBe(true)
    expect(onState).not.toHaveBeenCalled()
  })
})
