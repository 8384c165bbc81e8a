import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { api } from '@/services/api'
import { STATES } from '@/services/stream'
import { useAuthStore } from '@/stores/auth'
import { useMessagesStore } from '@/stores/messages'

import { message, page } from '../helpers/fakes'
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
  it('loads the newest page, then opens the stream after the newest message it holds', async () => {
    const list = vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1), message(2), message(5)]))
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })

    expect(list).toHaveBeenCalledWith('demo') // no cursor: the newest page
    expect(seqs()).toEqual([1, 2, 5])
    expect(openStream).toHaveBeenCalledTimes(1)
    expect(opened[0].slug).toBe('demo')
    expect(opened[0].options.after).toBe(5)
    expect(store.slug).toBe('demo')
    expect(store.lastSeq).toBe(5)
  })

  it('opens the stream only after the page has arrived', async () => {
    const history = deferred()
    vi.spyOn(api, 'listMessages').mockReturnValue(history.promise)
    const { openStream } = fakeOpener()

    const following = store.follow('demo', { openStream })
    await Promise.resolve()
    expect(openStream).not.toHaveBeenCalled()

    history.resolve(page([message(3)]))
    await following
    expect(openStream.mock.calls[0][1].after).toBe(3)
  })

  it('opens the stream after 0 for a circle with no messages yet', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })

    expect(opened[0].options.after).toBe(0)
  })

  it("opens the stream after the page's last_seq when the page is empty", async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([], { last_seq: 40 }))
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })

    expect(opened[0].options.after).toBe(40)
  })

  it('opens the stream after the newest message the page holds, even when last_seq is higher', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(4), message(6)], { last_seq: 9 }))
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })

    expect(opened[0].options.after).toBe(6)
  })

  it('appends live messages in sequence order and ignores duplicates', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1), message(2)]))
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

  it('adds a message that arrives in order without sorting the list', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1), message(2)]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    const sort = vi.spyOn(Array.prototype, 'sort')

    opened[0].options.onMessage(message(3))
    opened[0].options.onMessage(message(4))

    expect(sort).not.toHaveBeenCalled()
    expect(seqs()).toEqual([1, 2, 3, 4])
  })

  it('puts a late message in its place, once', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(2), message(5), message(9)]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    const { onMessage } = opened[0].options

    onMessage(message(7))
    onMessage(message(1))
    onMessage(message(7))
    onMessage(message(3))

    expect(seqs()).toEqual([1, 2, 3, 5, 7, 9])
  })

  it('reflects the stream state', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    opened[0].options.onState(STATES.LIVE)
    expect(store.connection).toBe(STATES.LIVE)
    opened[0].options.onState(STATES.RECONNECTING)
    expect(store.connection).toBe(STATES.RECONNECTING)
  })

  it('currentPrompt is the latest prompt, not the latest message', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(
      page([message(1, 'prompt', 'First question'), message(2, 'announcement', 'Welcome')]),
    )
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    expect(store.currentPrompt.body).toBe('First question')

    opened[0].options.onMessage(message(3, 'prompt', 'Second question'))
    opened[0].options.onMessage(message(4, 'time_cue', '5 minutes left'))

    expect(store.currentPrompt.seq).toBe(3)
    expect(store.currentPrompt.body).toBe('Second question')
  })

  it('currentPrompt is null when there is no prompt', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1, 'announcement')]))
    await store.follow('demo', fakeOpener())

    expect(store.currentPrompt).toBeNull()
  })

  it('following again closes the previous stream and starts from an empty list', async () => {
    vi.spyOn(api, 'listMessages')
      .mockResolvedValueOnce(page([message(1), message(2)]))
      .mockResolvedValueOnce(page([message(1, 'prompt', 'other circle')]))
    const { openStream, opened } = fakeOpener()

    await store.follow('demo', { openStream })
    await store.follow('other', { openStream })

    expect(opened[0].close).toHaveBeenCalled()
    expect(store.slug).toBe('other')
    expect(store.messages).toEqual([message(1, 'prompt', 'other circle')])
  })

  it('is connecting, not live, while the newest page of a circle followed again arrives', async () => {
    const second = deferred()
    vi.spyOn(api, 'listMessages')
      .mockResolvedValueOnce(page([message(1)]))
      .mockReturnValueOnce(second.promise)
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    opened[0].options.onState(STATES.LIVE)

    const following = store.follow('other', { openStream })
    expect(store.connection).toBe(STATES.CONNECTING)
    second.resolve(page([message(7)]))
    await following

    expect(seqs()).toEqual([7])
    expect(store.connection).toBe(STATES.CONNECTING) // until the new stream says it is open
  })

  it('stop() closes the stream', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    store.stop()

    expect(opened[0].close).toHaveBeenCalledTimes(1)
  })

  it('propagates a failure to load the page and opens no stream', async () => {
    const missing = httpError(404, { error: 'not_found', detail: 'x' })
    vi.spyOn(api, 'listMessages').mockRejectedValue(missing)
    const { openStream } = fakeOpener()

    await expect(store.follow('demo', { openStream })).rejects.toBe(missing)
    expect(openStream).not.toHaveBeenCalled()
  })

  // Leaving the room (CircleRoomView calls stop() on unmount) while the page is still loading.
  it('opens no stream when stop() was called while the page was loading', async () => {
    const history = deferred()
    vi.spyOn(api, 'listMessages').mockReturnValue(history.promise)
    const { openStream, opened } = fakeOpener()

    const following = store.follow('demo', { openStream })
    store.stop()
    history.resolve(page([message(1)]))
    await following.catch(() => {})

    const stillOpen = opened.filter((stream) => !stream.close.mock.calls.length)
    expect(stillOpen).toEqual([])
  })

  // Switching circles (the room's slug prop changes) before the first circle's page arrived.
  it('a newer follow() wins over one still loading: one stream, only the newer circle', async () => {
    const first = deferred()
    const second = deferred()
    vi.spyOn(api, 'listMessages').mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise)
    const { openStream, opened } = fakeOpener()

    const followingA = store.follow('circle-a', { openStream })
    const followingB = store.follow('circle-b', { openStream })
    second.resolve(page([message(1, 'announcement', 'from b')]))
    await followingB
    first.resolve(page([message(1, 'announcement', 'from a'), message(2, 'announcement', 'from a')]))
    await followingA.catch(() => {})

    expect(store.slug).toBe('circle-b')
    expect(store.messages.map((m) => m.body)).toEqual(['from b'])
    const stillOpen = opened.filter((stream) => !stream.close.mock.calls.length)
    expect(stillOpen.map((stream) => stream.slug)).toEqual(['circle-b'])
  })
})

describe('messages store: shouldRetry', () => {
  async function followed() {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
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
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1)]))
    const post = vi.spyOn(api, 'postMessage').mockResolvedValue(message(2, 'prompt', 'Why?'))
    await store.follow('demo', fakeOpener())

    await expect(store.post('prompt', 'Why?')).resolves.toEqual(message(2, 'prompt', 'Why?'))

    expect(post).toHaveBeenCalledWith('demo', 'prompt', 'Why?', expect.stringMatching(/^[\w-]{8,64}$/))
    expect(seqs()).toEqual([1, 2])
  })

  it('adds the message once even when the stream delivers it too (before or after)', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
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
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    await store.follow('demo', fakeOpener())
    const refused = httpError(403, { error: 'forbidden', detail: 'x' })
    vi.spyOn(api, 'postMessage').mockRejectedValue(refused)

    await expect(store.post('prompt', 'a')).rejects.toBe(refused)
    expect(store.messages).toEqual([])
    expect(api.postMessage).toHaveBeenCalledTimes(1) // a refusal is not sent again
  })

  it('sends a post whose answer was lost again, with the same key, and shows it once', async () => {
    vi.useFakeTimers()
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    await store.follow('demo', fakeOpener())
    const post = vi
      .spyOn(api, 'postMessage')
      .mockRejectedValueOnce(new Error('Network Error')) // no answer at all
      .mockRejectedValueOnce(httpError(503, { error: 'database_unavailable', detail: 'x' }))
      .mockRejectedValueOnce(httpError(502, { error: 'backend_unavailable', detail: 'x' }))
      .mockResolvedValueOnce(message(1, 'prompt', 'a'))

    const posted = store.post('prompt', 'a')
    await vi.advanceTimersByTimeAsync(6_000)

    await expect(posted).resolves.toEqual(message(1, 'prompt', 'a'))
    expect(post).toHaveBeenCalledTimes(4)
    const keys = new Set(post.mock.calls.map((call) => call[3]))
    expect(keys.size).toBe(1) // one message, however many times it was sent
    expect(seqs()).toEqual([1])
    vi.useRealTimers()
  })

  it('gives up after four tries and says why', async () => {
    vi.useFakeTimers()
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    await store.follow('demo', fakeOpener())
    const away = httpError(503, { error: 'database_unavailable', detail: 'x' })
    const post = vi.spyOn(api, 'postMessage').mockRejectedValue(away)

    const posted = store.post('prompt', 'a')
    await Promise.all([expect(posted).rejects.toBe(away), vi.advanceTimersByTimeAsync(6_000)])

    expect(post).toHaveBeenCalledTimes(4)
    vi.useRealTimers()
  })

  it('gives each new post a key of its own', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    await store.follow('demo', fakeOpener())
    const post = vi.spyOn(api, 'postMessage').mockResolvedValueOnce(message(1)).mockResolvedValueOnce(message(2))

    await store.post('announcement', 'same words')
    await store.post('announcement', 'same words')

    expect(post.mock.calls[0][3]).not.toBe(post.mock.calls[1][3])
  })
})

// Seqs from..to, ascending: a page's worth of announcements.
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i))

describe('messages store: older pages', () => {
  async function followed(newest = page(range(51, 100), { older: 51 })) {
    const list = vi.spyOn(api, 'listMessages').mockResolvedValueOnce(newest)
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    return { list, opened }
  }

  it('knows from the newest page whether something is older', async () => {
    await followed()
    expect(store.hasOlder).toBe(true)
    expect(store.olderLoaded).toBe(false)

    await followed(page(range(1, 10)))
    expect(store.hasOlder).toBe(false)
  })

  it('loads the page before the oldest shown and puts it first, in order', async () => {
    const { list } = await followed()
    list.mockResolvedValueOnce(page(range(1, 50), { last_seq: 100 }))

    await store.loadOlder()

    expect(list).toHaveBeenLastCalledWith('demo', { before: 51 })
    expect(seqs()).toEqual(range(1, 100).map((m) => m.seq))
    expect(store.hasOlder).toBe(false)
    expect(store.olderLoaded).toBe(true)
    expect(store.lastSeq).toBe(100)
  })

  it('pages back with each older cursor in turn', async () => {
    const { list } = await followed(page(range(21, 30), { older: 21 }))
    list
      .mockResolvedValueOnce(page(range(11, 20), { older: 11, last_seq: 30 }))
      .mockResolvedValueOnce(page(range(1, 10), { last_seq: 30 }))

    await store.loadOlder()
    expect(store.hasOlder).toBe(true)
    await store.loadOlder()

    expect(list.mock.calls.slice(1)).toEqual([
      ['demo', { before: 21 }],
      ['demo', { before: 11 }],
    ])
    expect(seqs()).toEqual(range(1, 30).map((m) => m.seq))
    expect(store.hasOlder).toBe(false)
  })

  it('never shows a message twice when an older page overlaps what is shown', async () => {
    const { list } = await followed(page(range(5, 8), { older: 5 }))
    list.mockResolvedValueOnce(page([message(2), message(5), message(6)], { last_seq: 8 }))

    await store.loadOlder()

    expect(seqs()).toEqual([2, 5, 6, 7, 8])
  })

  it('keeps live messages that arrived while the older page was loading', async () => {
    const { list, opened } = await followed(page(range(3, 4), { older: 3 }))
    const older = deferred()
    list.mockReturnValueOnce(older.promise)

    const loading = store.loadOlder()
    opened[0].options.onMessage(message(5))
    older.resolve(page(range(1, 2), { last_seq: 5 }))
    await loading

    expect(seqs()).toEqual([1, 2, 3, 4, 5])
  })

  it('asks for nothing when nothing is older', async () => {
    const { list } = await followed(page(range(1, 10)))

    await store.loadOlder()

    expect(list).toHaveBeenCalledTimes(1)
  })

  it('loads one page when asked twice at once, and says it is loading meanwhile', async () => {
    const { list } = await followed()
    const older = deferred()
    list.mockReturnValueOnce(older.promise)

    const first = store.loadOlder()
    const second = store.loadOlder()
    expect(store.loadingOlder).toBe(true)
    older.resolve(page(range(1, 50), { last_seq: 100 }))
    await Promise.all([first, second])

    expect(list).toHaveBeenCalledTimes(2) // the newest page, then one older page
    expect(store.loadingOlder).toBe(false)
    expect(seqs()).toHaveLength(100)
  })

  it('an older page still on its way when another circle is followed stands down', async () => {
    const { list } = await followed()
    const older = deferred()
    list.mockReturnValueOnce(older.promise)

    const loading = store.loadOlder()
    list.mockResolvedValueOnce(page([message(1, 'announcement', 'other circle')]))
    await store.follow('other', fakeOpener())
    older.resolve(page(range(1, 50), { last_seq: 100 }))
    await loading

    expect(store.messages.map((m) => m.body)).toEqual(['other circle'])
    expect(store.hasOlder).toBe(false)
    expect(store.loadingOlder).toBe(false)
  })

  it('passes a failure on, and the same page can be asked for again', async () => {
    const { list } = await followed()
    const failure = networkError()
    list.mockRejectedValueOnce(failure)

    await expect(store.loadOlder()).rejects.toBe(failure)
    expect(store.loadingOlder).toBe(false)
    expect(store.hasOlder).toBe(true)

    list.mockResolvedValueOnce(page(range(1, 50), { last_seq: 100 }))
    await store.loadOlder()
    expect(list).toHaveBeenLastCalledWith('demo', { before: 51 })
    expect(seqs()).toHaveLength(100)
  })
})

describe('messages store: currentPrompt', () => {
  it("keeps the page's prompt pinned when it is older than every loaded message", async () => {
    const old = message(12, 'prompt', 'What brought you here?')
    vi.spyOn(api, 'listMessages').mockResolvedValue(page(range(51, 100), { older: 51, current_prompt: old }))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    expect(store.currentPrompt).toEqual(old)

    opened[0].options.onMessage(message(101, 'announcement', 'Two more minutes'))
    expect(store.currentPrompt).toEqual(old)

    opened[0].options.onMessage(message(102, 'prompt', 'What surprised you?'))
    expect(store.currentPrompt.body).toBe('What surprised you?')
  })

  it("an older page's prompts do not replace the newer pinned prompt", async () => {
    const pinned = message(40, 'prompt', 'Newest question')
    const list = vi
      .spyOn(api, 'listMessages')
      .mockResolvedValueOnce(page(range(51, 60), { older: 51, current_prompt: pinned }))
    await store.follow('demo', fakeOpener())
    list.mockResolvedValueOnce(
      page([message(30, 'prompt', 'Older question')], { last_seq: 60, current_prompt: pinned }),
    )

    await store.loadOlder()

    expect(store.currentPrompt).toEqual(pinned)
  })

  it('is forgotten when another circle is followed', async () => {
    vi.spyOn(api, 'listMessages')
      .mockResolvedValueOnce(page(range(51, 60), { current_prompt: message(3, 'prompt', 'demo question') }))
      .mockResolvedValueOnce(page([]))
    await store.follow('demo', fakeOpener())
    await store.follow('other', fakeOpener())

    expect(store.currentPrompt).toBeNull()
  })
})

describe('messages store: after a database restore', () => {
  async function followed(first = page([message(1), message(2), message(3)])) {
    const list = vi.spyOn(api, 'listMessages').mockResolvedValueOnce(first)
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    return { list, opened }
  }

  it('keeps the video room each hello names, for the video to follow when it moves', async () => {
    const { opened } = await followed()
    expect(store.videoRoom).toBeNull()

    opened[0].options.onHello({ epoch: 'e1', last_seq: 3, video_room: 'room-1' })
    expect(store.videoRoom).toBe('room-1')
    opened[0].options.onHello({ epoch: 'e1', last_seq: 3, video_room: 'room-2' })
    expect(store.videoRoom).toBe('room-2')

    vi.spyOn(api, 'listMessages').mockResolvedValueOnce(page([]))
    await store.follow('other', { openStream: fakeOpener().openStream })
    expect(store.videoRoom).toBeNull() // another circle: its own room, once its stream says
  })

  it('changes nothing when the hello matches the page', async () => {
    const { list, opened } = await followed()

    opened[0].options.onHello({ epoch: 'e1', last_seq: 3 })
    opened[0].options.onHello({ epoch: 'e1', last_seq: 8 }) // newer messages are on their way
    await flushPromises()

    expect(list).toHaveBeenCalledTimes(1)
    expect(opened[0].close).not.toHaveBeenCalled()
  })

  it('shows the newest page again and reopens the stream from it when the epoch changed', async () => {
    const { list, opened } = await followed()
    list.mockResolvedValueOnce(
      page([message(1, 'announcement', 'restored'), message(2, 'announcement', 'restored')], { epoch: 'e2' }),
    )

    opened[0].options.onHello({ epoch: 'e2', last_seq: 2 })
    await flushPromises()

    expect(list).toHaveBeenLastCalledWith('demo')
    expect(opened[0].close).toHaveBeenCalled()
    expect(store.messages.map((m) => m.body)).toEqual(['restored', 'restored'])
    expect(opened).toHaveLength(2)
    expect(opened[1].options.after).toBe(2)
  })

  it('reloads when the hello says the last seq is below the newest one shown', async () => {
    const { list, opened } = await followed()
    list.mockResolvedValueOnce(page([message(1)]))

    opened[0].options.onHello({ epoch: 'e1', last_seq: 1 })
    await flushPromises()

    expect(list).toHaveBeenCalledTimes(2)
    expect(seqs()).toEqual([1])
    expect(opened[1].options.after).toBe(1)
  })

  it('reloads when the hello is below the last_seq an empty page gave', async () => {
    const { list, opened } = await followed(page([], { last_seq: 40 }))
    list.mockResolvedValueOnce(page([], { last_seq: 10 }))

    opened[0].options.onHello({ epoch: 'e1', last_seq: 10 })
    await flushPromises()

    expect(list).toHaveBeenCalledTimes(2)
    expect(opened[1].options.after).toBe(10)
  })

  it('forgets the old cursor and pinned prompt for the new numbering', async () => {
    const { list, opened } = await followed(
      page(range(51, 60), { older: 51, current_prompt: message(5, 'prompt', 'old') }),
    )
    const newest = deferred()
    list.mockReturnValueOnce(newest.promise)

    opened[0].options.onHello({ epoch: 'e2', last_seq: 10 })
    expect(store.hasOlder).toBe(false) // the cursor 51 means nothing in the new numbering
    await store.loadOlder()
    expect(list).toHaveBeenCalledTimes(2) // the newest page only

    newest.resolve(page(range(1, 10), { epoch: 'e2' }))
    await flushPromises()
    expect(store.hasOlder).toBe(false)
    expect(store.currentPrompt).toBeNull()
  })

  it('reloads at most a few times when the list and the stream keep disagreeing', async () => {
    const { list, opened } = await followed()
    list.mockResolvedValue(page([message(1)])) // the list keeps saying e1 ...

    for (let i = 0; i < 10; i += 1) {
      opened.at(-1).options.onHello({ epoch: 'e2', last_seq: 1 }) // ... the stream keeps saying e2
      await flushPromises()
    }

    expect(list).toHaveBeenCalledTimes(1 + 3)
    expect(opened).toHaveLength(1 + 3)
    expect(opened.at(-1).close).not.toHaveBeenCalled() // still following what is shown
  })

  it('reloads again for a later restore once a hello agreed', async () => {
    const { list, opened } = await followed()
    list.mockResolvedValue(page([message(1)]))
    for (let i = 0; i < 3; i += 1) {
      opened.at(-1).options.onHello({ epoch: 'e2', last_seq: 1 }) // disagrees: reload, up to the limit
      await flushPromises()
    }
    expect(list).toHaveBeenCalledTimes(4)

    opened.at(-1).options.onHello({ epoch: 'e1', last_seq: 1 }) // agrees at last
    opened.at(-1).options.onHello({ epoch: 'e9', last_seq: 1 }) // a later restore
    await flushPromises()

    expect(list).toHaveBeenCalledTimes(5)
  })

  it('ignores what a replaced stream still says', async () => {
    const { list, opened } = await followed()
    list.mockResolvedValueOnce(page([message(1)], { epoch: 'e2' }))
    opened[0].options.onHello({ epoch: 'e2', last_seq: 1 })
    await flushPromises()

    opened[0].options.onMessage(message(4, 'announcement', 'old numbering'))
    opened[0].options.onHello({ epoch: 'e1', last_seq: 4 })
    opened[0].options.onState(STATES.LIVE)
    await flushPromises()

    expect(seqs()).toEqual([1])
    expect(list).toHaveBeenCalledTimes(2)
    expect(store.connection).toBe(STATES.RECONNECTING)
  })

  it('drops an older page of the old numbering that arrives after the reload', async () => {
    const { list, opened } = await followed(page(range(51, 60), { older: 51 }))
    const older = deferred()
    list.mockReturnValueOnce(older.promise).mockResolvedValueOnce(page(range(1, 5), { epoch: 'e2' }))

    const loading = store.loadOlder()
    opened[0].options.onHello({ epoch: 'e2', last_seq: 5 })
    await flushPromises()
    older.resolve(page(range(1, 50), { last_seq: 60 }))
    await loading

    expect(seqs()).toEqual([1, 2, 3, 4, 5])
  })

  it('does not add an older page from another epoch, and shows the newest page again', async () => {
    const { list } = await followed(page(range(51, 60), { older: 51 }))
    list
      .mockResolvedValueOnce(page(range(1, 50), { epoch: 'e2', last_seq: 60 }))
      .mockResolvedValueOnce(page(range(1, 5), { epoch: 'e2' }))

    await store.loadOlder()
    await flushPromises()

    expect(list).toHaveBeenCalledTimes(3)
    expect(seqs()).toEqual([1, 2, 3, 4, 5])
  })

  it('tries the reload again after a pause when it failed and the session is still good', async () => {
    vi.useFakeTimers()
    try {
      const { list, opened } = await followed()
      vi.spyOn(api, 'me').mockResolvedValue({ role: 'participant', display_name: 'Ana', circles: [] })
      list.mockRejectedValueOnce(networkError()).mockResolvedValueOnce(page([message(1)], { epoch: 'e2' }))

      opened[0].options.onHello({ epoch: 'e2', last_seq: 1 })
      await vi.advanceTimersByTimeAsync(0)
      expect(store.connection).toBe(STATES.RECONNECTING)
      expect(list).toHaveBeenCalledTimes(2)

      await vi.advanceTimersByTimeAsync(3000)
      expect(list).toHaveBeenCalledTimes(3)
      expect(seqs()).toEqual([1])
      expect(opened).toHaveLength(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('ends when the reload failed because the session is gone', async () => {
    vi.useFakeTimers()
    try {
      const { list, opened } = await followed()
      vi.spyOn(api, 'me').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
      list.mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))

      opened[0].options.onHello({ epoch: 'e2', last_seq: 1 })
      await vi.advanceTimersByTimeAsync(60_000)

      expect(store.connection).toBe(STATES.ENDED)
      expect(list).toHaveBeenCalledTimes(2)
      expect(opened).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('stop() cancels a reload waiting to try again', async () => {
    vi.useFakeTimers()
    try {
      const { list, opened } = await followed()
      vi.spyOn(api, 'me').mockResolvedValue({ role: 'participant', display_name: 'Ana', circles: [] })
      list.mockRejectedValue(networkError())

      opened[0].options.onHello({ epoch: 'e2', last_seq: 1 })
      await vi.advanceTimersByTimeAsync(0)
      store.stop()
      await vi.advanceTimersByTimeAsync(60_000)

      expect(list).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('messages store: end of the stream', () => {
  const signedIn = { role: 'participant', display_name: 'Ana', circles: [] }

  it('says why the server ended the stream, once the session was checked', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    const answer = deferred()
    const me = vi.spyOn(api, 'me').mockReturnValue(answer.promise)
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    opened[0].options.onEnd({ reason: 'circle_closed', detail: 'This circle was closed.' })
    opened[0].options.onState(STATES.ENDED)
    await flushPromises()
    expect(store.connection).toBe(STATES.ENDED)
    expect(me).toHaveBeenCalled()
    expect(store.endReason).toBeNull() // not before we know whether we are signed in

    answer.resolve(signedIn)
    await flushPromises()
    expect(store.endReason).toBe('circle_closed')
  })

  it('has no reason when the stream ended without an end event', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    vi.spyOn(api, 'me').mockResolvedValue(null)
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    opened[0].options.onState(STATES.ENDED)
    await flushPromises()

    expect(store.endReason).toBeNull()
  })

  it('forgets the reason when a circle is followed again', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    vi.spyOn(api, 'me').mockResolvedValue(signedIn)
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    opened[0].options.onEnd({ reason: 'circle_closed', detail: '' })
    opened[0].options.onState(STATES.ENDED)
    await flushPromises()

    await store.follow('other', { openStream })

    expect(store.endReason).toBeNull()
  })
})

describe('messages store: the session rhythm', () => {
  it('signals a rhythm change for each rhythm event and each hello of its own stream', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1)]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    const before = store.rhythmSignal

    opened[0].options.onRhythm()
    opened[0].options.onHello({ epoch: 'e1', last_seq: 1 })
    expect(store.rhythmSignal).toBe(before + 2)

    store.stop()
    opened[0].options.onRhythm() // a stream of the past
    expect(store.rhythmSignal).toBe(before + 2)
  })

  it('signals a voice change for each voice event and each hello, and counts the hellos', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1)]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    const { voiceSignal, rhythmSignal, hellos } = store

    opened[0].options.onVoice()
    expect(store.voiceSignal).toBe(voiceSignal + 1)
    expect(store.rhythmSignal).toBe(rhythmSignal) // a voice event is not a rhythm change
    expect(store.hellos).toBe(hellos)

    opened[0].options.onHello({ epoch: 'e1', last_seq: 1 })
    expect(store.voiceSignal).toBe(voiceSignal + 2)
    expect(store.hellos).toBe(hellos + 1)

    store.stop()
    opened[0].options.onVoice() // a stream of the past
    expect(store.voiceSignal).toBe(voiceSignal + 2)
  })

  it('pins no prompt of an ended session: the page says there is none', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(
      page([message(1, 'prompt', 'Who are you today?'), message(2)], { current_prompt: null }),
    )
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })

    expect(store.currentPrompt).toBeNull()

    opened[0].options.onMessage(message(3, 'prompt', 'What did you notice?'))
    expect(store.currentPrompt.body).toBe('What did you notice?')
  })

  it("adopts the server's prompt after a session ended, and pins newer prompts again", async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1, 'prompt', 'Who are you today?')]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    opened[0].options.onMessage(message(2, 'prompt', 'And now?'))
    expect(store.currentPrompt.body).toBe('And now?')

    store.adoptPrompt(null, 2) // the circle, fetched again once the session ended
    expect(store.currentPrompt).toBeNull()

    opened[0].options.onMessage(message(3, 'prompt', 'A new session'))
    expect(store.currentPrompt.body).toBe('A new session')
  })

  it('keeps a prompt that arrived after the answer was asked for', async () => {
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([message(1, 'prompt', 'Old')]))
    const { openStream, opened } = fakeOpener()
    await store.follow('demo', { openStream })
    const asOf = store.lastSeq
    opened[0].options.onMessage(message(2, 'prompt', 'Posted meanwhile'))

    store.adoptPrompt(null, asOf)

    expect(store.currentPrompt.body).toBe('Posted meanwhile')
  })

  it('ignores an answer older than the one it has', async () => {
    const pinned = message(5, 'prompt', 'Current')
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([pinned]))
    await store.follow('demo', fakeOpener())

    store.adoptPrompt(null, 3)

    expect(store.currentPrompt).toEqual(pinned)
  })
})
