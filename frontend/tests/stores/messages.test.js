import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { api } from '@/services/api'
import { STATES } from '@/services/stream'
import { useAuthStore } from '@/stores/auth'
import { useMessagesStore } from '@/stores/messages'

import { message } from '../helpers/fakes'
import { deferred, httpError, networkError } from '../helpers/http'

// A stream opener that records what the store asked for; tests play the server's part.
function fakeOpener() {
  const opened = []
  const openStream = vi.fn((slug, options) => {
    const stream = { slug, options, close: vi.fn() }
    opened.push(stream)
    return stream
  })
  return { openStream, opened }
}

let store
beforeEach(() => {
  setActivePinia(createPinia())
  store = useMessagesStore()
})

const seqs = () => store.messages.map((m) => m.seq)

describe('messages store: follow', () => {
  it('loads the history, then opens the stream after its last sequence', async () => {
    const list = vi.spyOn(api, 'listMessages').mockResolvedValue([message(1), message(2), message(5)])
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })

    expect(list).toHaveBeenCalledWith('demo')
    expect(seqs()).toEqual([1, 2, 5])
    expect(openStream).toHaveBeenCalledTimes(1)
    expect(opened[0].slug).toBe('demo')
    expect(opened[0].options.after).toBe(5)
    expect(store.slug).toBe('demo')
    expect(store.lastSeq).toBe(5)
  })

  it('opens the stream only after the history has arrived', async () => {
    const history = deferred()
    vi.spyOn(api, 'listMessages').mockReturnValue(history.promise)
    const { openStream } = fakeOpener()

    const following = store.follow('demo', { openStream })
    await Promise.resolve()
    expect(openStream).not.toHaveBeenCalled()

    history.resolve([message(3)])
    await following
    expect(openStream.mock.calls[0][1].after).toBe(3)
  })

  it('opens the stream after 0 for a circle with no messages yet', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([])
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })

    expect(opened[0].options.after).toBe(0)
  })

  it('appends live messages in sequence order and ignores duplicates', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([message(1), message(2)])
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    const { onMessage } = opened[0].options

    onMessage(message(3))
    onMessage(message(2)) // already in the history
    onMessage(message(5))
    onMessage(message(4))
    onMessage(message(5))

    expect(seqs()).toEqual([1, 2, 3, 4, 5])
  })

  it('reflects the stream state', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([])
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    opened[0].options.onState(STATES.LIVE)
    expect(store.connection).toBe(STATES.LIVE)
    opened[0].options.onState(STATES.RECONNECTING)
    expect(store.connection).toBe(STATES.RECONNECTING)
  })

  it('currentPrompt is the latest prompt, not the latest message', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([
      message(1, 'prompt', 'First question'),
      message(2, 'announcement', 'Welcome'),
    ])
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    expect(store.currentPrompt.body).toBe('First question')

    opened[0].options.onMessage(message(3, 'prompt', 'Second question'))
    opened[0].options.onMessage(message(4, 'time_cue', '5 minutes left'))

    expect(store.currentPrompt.seq).toBe(3)
    expect(store.currentPrompt.body).toBe('Second question')
  })

  it('currentPrompt is null when there is no prompt', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([message(1, 'announcement')])
    await store.follow('demo', fakeOpener())

    expect(store.currentPrompt).toBeNull()
  })

  it('following again closes the previous stream and starts from an empty list', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValueOnce([message(1), message(2)]).mockResolvedValueOnce([message(1, 'prompt', 'other circle')])
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })
    await store.follow('other', { openStream })

    expect(opened[0].close).toHaveBeenCalled()
    expect(store.slug).toBe('other')
    expect(store.messages).toEqual([message(1, 'prompt', 'other circle')])
  })

  it('stop() closes the stream', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([])
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    store.stop()

    expect(opened[0].close).toHaveBeenCalledTimes(1)
  })

  it('propagates a failure to load the history and opens no stream', async () => {
    const missing = httpError(404, { error: 'not_found', detail: 'x' })
    vi.spyOn(api, 'listMessages').mockRejectedValue(missing)
    const { openStream } = fakeOpener()

    await expect(store.follow('demo', { openStream })).rejects.toBe(missing)
    expect(openStream).not.toHaveBeenCalled()
  })

  // Leaving the room (CircleRoomView calls stop() on unmount) while the history is still loading.
  it('opens no stream when stop() was called while the history was loading', async () => {
    const history = deferred()
    vi.spyOn(api, 'listMessages').mockReturnValue(history.promise)
    const { openStream, opened } = fakeOpener()

    const following = store.follow('demo', { openStream })
    store.stop()
    history.resolve([message(1)])
    await following.catch(() => {})

    const stillOpen = opened.filter((stream) => !stream.close.mock.calls.length)
    expect(stillOpen).toEqual([])
  })

  // Switching circles (the room's slug prop changes) before the first circle's history arrived.
  it('a newer follow() wins over one still loading: one stream, only the newer circle', async () => {
    const first = deferred()
    const second = deferred()
    vi.spyOn(api, 'listMessages').mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise)
    const { openStream, opened } = fakeOpener()

    const followingA = store.follow('circle-a', { openStream })
    const followingB = store.follow('circle-b', { openStream })
    second.resolve([message(1, 'announcement', 'from b')])
    await followingB
    first.resolve([message(1, 'announcement', 'from a'), message(2, 'announcement', 'from a')])
    await followingA.catch(() => {})

    expect(store.slug).toBe('circle-b')
    expect(store.messages.map((m) => m.body)).toEqual(['from b'])
    const stillOpen = opened.filter((stream) => !stream.close.mock.calls.length)
    expect(stillOpen.map((stream) => stream.slug)).toEqual(['circle-b'])
  })
})

describe('messages store: shouldRetry', () => {
  async function followed() {
    vi.spyOn(api, 'listMessages').mockResolvedValue([])
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    return opened[0].options.shouldRetry
  }

  it('is true while the session is still good', async () => {
    const shouldRetry = await followed()
    vi.spyOn(api, 'me').mockResolvedValue({ role: 'participant', display_name: 'Ana', circles: [] })

    await expect(shouldRetry()).resolves.toBe(true)
  })

  it('is false after a 401 from /auth/me/, and the person is signed out', async () => {
    const auth = useAuthStore()
    auth.identity = { role: 'participant', display_name: 'Ana', circles: [] }
    const shouldRetry = await followed()
    vi.spyOn(api, 'me').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))

    await expect(shouldRetry()).resolves.toBe(false)
    expect(auth.signedIn).toBe(false)
  })

  it('is true when the server cannot be reached (keep trying)', async () => {
    const shouldRetry = await followed()
    vi.spyOn(api, 'me').mockRejectedValue(networkError())

    await expect(shouldRetry()).resolves.toBe(true)
  })
})

describe('messages store: post', () => {
  it('posts to the followed circle and shows the message at once', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([message(1)])
    const post = vi.spyOn(api, 'postMessage').mockResolvedValue(message(2, 'prompt', 'Why?'))
    await store.follow('demo', fakeOpener())

    await expect(store.post('prompt', 'Why?')).resolves.toEqual(message(2, 'prompt', 'Why?'))

    expect(post).toHaveBeenCalledWith('demo', 'prompt', 'Why?')
    expect(seqs()).toEqual([1, 2])
  })

  it('adds the message once even when the stream delivers it too (before or after)', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([])
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    const { onMessage } = opened[0].options

    vi.spyOn(api, 'postMessage').mockResolvedValueOnce(message(1, 'prompt', 'a'))
    await store.post('prompt', 'a')
    onMessage(message(1, 'prompt', 'a')) // stream after the POST answered

    onMessage(message(2, 'announcement', 'b')) // stream before the POST answered
    vi.spyOn(api, 'postMessage').mockResolvedValueOnce(message(2, 'announcement', 'b'))
    await store.post('announcement', 'b')

    expect(seqs()).toEqual([1, 2])
  })

  it('passes a refused post on and adds nothing', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue([])
    await store.follow('demo', fakeOpener())
    const refused = httpError(403, { error: 'forbidden', detail: 'x' })
    vi.spyOn(api, 'postMessage').mockRejectedValue(refused)

    await expect(store.post('prompt', 'a')).rejects.toBe(refused)
    expect(store.messages).toEqual([])
  })
})
