import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useMessagesStore } from '@/stores/messages'
import { useRhythmStore } from '@/stores/rhythm'
import { useVoiceStore, voiceError } from '@/stores/voice'

import { deferred, httpError, networkError } from '../helpers/http'
import { ownVoice, present, response, signal, voice as answer } from '../helpers/voice'

let store
let feed
beforeEach(() => {
  setActivePinia(createPinia())
  store = useVoiceStore()
  feed = useMessagesStore()
})

afterEach(() => {
  store.stop()
})

describe('voice store: follow', () => {
  it("reads the facilitator's view for a facilitator, and not their own", async () => {
    const view = answer({
      session: { id: 7, started_at: '2025-03-04T18:00:02Z' },
      responses: [response(3)],
      hands: [signal(9, 'hand', 'Ben'), signal(11, 'hand', 'Ana')],
      signals: [signal(10, 'here', 'Ana')],
      presence: { room: [present('Ana'), present('Ben')], call: [present('Ana')] },
    })
    const get = vi.spyOn(api, 'getVoice').mockResolvedValue(view)
    const own = vi.spyOn(api, 'getOwnVoice')

    await store.follow('demo', { facilitator: true })

    expect(get).toHaveBeenCalledWith('demo')
    expect(own).not.toHaveBeenCalled()
    expect(store.loaded).toBe(true)
    expect(store.session.id).toBe(7)
    expect(store.responses).toEqual([response(3)])
    expect(store.hands.map((h) => h.person)).toEqual(['Ben', 'Ana'])
    expect(store.signals.map((s) => s.id)).toEqual([10])
    expect(store.presence.room.map((p) => p.person)).toEqual(['Ana', 'Ben'])
    expect(store.presence.call.map((p) => p.person)).toEqual(['Ana'])
  })

  it("reads a participant's own responses and signals, and not the facilitator's view", async () => {
    const own = vi
      .spyOn(api, 'getOwnVoice')
      .mockResolvedValue(ownVoice({ responses: [response(4)], signals: { hand: 9 } }))
    const get = vi.spyOn(api, 'getVoice')

    await store.follow('demo')

    expect(own).toHaveBeenCalledWith('demo')
    expect(get).not.toHaveBeenCalled()
    expect(store.myResponses).toEqual([response(4)])
    expect(store.mySignals).toEqual({ hand: 9, here: null, moment: null })
  })

  it('forgets the previous circle', async () => {
    vi.spyOn(api, 'getOwnVoice').mockResolvedValueOnce(ownVoice({ responses: [response(1)], signals: { here: 2 } }))
    await store.follow('demo')
    const other = deferred()
    api.getOwnVoice.mockReturnValueOnce(other.promise)

    const following = store.follow('other')

    expect(store.loaded).toBe(false)
    expect(store.myResponses).toEqual([])
    expect(store.mySignals.here).toBeNull()
    other.resolve(ownVoice())
    await following
    expect(store.slug).toBe('other')
  })

  it('keeps why the voice could not be loaded, until it can', async () => {
    const failure = httpError(503, {})
    vi.spyOn(api, 'getVoice').mockRejectedValueOnce(failure).mockResolvedValueOnce(answer())

    await store.follow('demo', { facilitator: true })
    expect(store.error).toBe(failure)
    expect(store.loaded).toBe(false)

    await store.refresh()
    expect(store.error).toBeNull()
    expect(store.loaded).toBe(true)
  })
})

describe('voice store: asking again', () => {
  beforeEach(async () => {
    vi.spyOn(api, 'getVoice').mockResolvedValue(answer())
    feed.slug = 'demo'
    await store.follow('demo', { facilitator: true })
    api.getVoice.mockClear()
  })

  it('asks again when the stream signals a voice change or a reconnect', async () => {
    feed.voiceSignal += 1
    await flushPromises()

    expect(api.getVoice).toHaveBeenCalledTimes(1)
    expect(api.getVoice).toHaveBeenCalledWith('demo')
  })

  it('asks once more after the answer on its way, not once per signal', async () => {
    const first = deferred()
    api.getVoice.mockReturnValueOnce(first.promise)

    feed.voiceSignal += 1
    feed.voiceSignal += 1
    feed.voiceSignal += 1
    expect(api.getVoice).toHaveBeenCalledTimes(1)
    first.resolve(answer())
    await flushPromises()

    expect(api.getVoice).toHaveBeenCalledTimes(2)
  })

  it("ignores another circle's stream, and every signal once stopped", async () => {
    feed.slug = 'other'
    feed.voiceSignal += 1
    await flushPromises()
    expect(api.getVoice).not.toHaveBeenCalled()

    feed.slug = 'demo'
    store.stop()
    feed.voiceSignal += 1
    await flushPromises()
    expect(api.getVoice).not.toHaveBeenCalled()
  })

  it('asks again when a session starts or ends: the end lowers every signal', async () => {
    const rhythm = useRhythmStore()
    rhythm.slug = 'demo'

    rhythm.sessionChanges += 1
    await flushPromises()

    expect(api.getVoice).toHaveBeenCalledTimes(1)
  })

  it('drops an answer that arrives after the room was left', async () => {
    const late = deferred()
    api.getVoice.mockReturnValueOnce(late.promise)
    const refreshing = store.refresh()

    store.stop()
    late.resolve(answer({ hands: [signal(9)] }))
    await refreshing

    expect(store.hands).toEqual([])
  })
})

describe("voice store: a participant's actions", () => {
  beforeEach(async () => {
    vi.spyOn(api, 'getOwnVoice').mockResolvedValue(ownVoice({ responses: [response(1)] }))
    await store.follow('demo')
  })

  it('sends a response and shows it first, once, even when the stream brings it too', async () => {
    const sent = response(2, { body: 'How quiet it was' })
    const post = vi.spyOn(api, 'respond').mockResolvedValue(sent)

    await store.respond('How quiet it was')

    expect(post).toHaveBeenCalledWith('demo', 'How quiet it was')
    expect(store.myResponses.map((r) => r.id)).toEqual([2, 1])

    api.getOwnVoice.mockResolvedValue(ownVoice({ responses: [sent, response(1)] }))
    await store.refresh()
    expect(store.myResponses.map((r) => r.id)).toEqual([2, 1])
  })

  it('passes a refusal on: no prompt pinned, or sending too fast', async () => {
    vi.spyOn(api, 'respond').mockRejectedValue(httpError(409, { error: 'conflict', detail: 'No prompt is pinned.' }))

    await expect(store.respond('x')).rejects.toMatchObject({ response: { status: 409 } })
    expect(store.myResponses.map((r) => r.id)).toEqual([1])
  })

  it('raises a signal and lowers it by its id', async () => {
    const raise = vi.spyOn(api, 'raiseSignal').mockResolvedValue(signal(9, 'hand', 'Ana'))
    const lower = vi.spyOn(api, 'lowerSignal').mockResolvedValue('')

    await store.raise('hand')
    expect(raise).toHaveBeenCalledWith('demo', 'hand')
    expect(store.mySignals).toEqual({ hand: 9, here: null, moment: null })

    await store.lower(9)
    expect(lower).toHaveBeenCalledWith('demo', 9)
    expect(store.mySignals).toEqual({ hand: null, here: null, moment: null })
  })
})

describe("voice store: the facilitator's actions", () => {
  beforeEach(async () => {
    vi.spyOn(api, 'getVoice').mockResolvedValue(
      answer({
        responses: [response(3), response(4)],
        hands: [signal(9, 'hand', 'Ben'), signal(11, 'hand', 'Ana')],
        signals: [signal(10, 'moment', 'Chi')],
      }),
    )
    await store.follow('demo', { facilitator: true })
  })

  it('shares a response, named or anonymous, and shows it shared', async () => {
    const share = vi.spyOn(api, 'shareResponse').mockResolvedValue(response(4, { shared: 'anonymous' }))

    await store.share(4, 'anonymous')

    expect(share).toHaveBeenCalledWith('demo', 4, 'anonymous')
    expect(store.responses.map((r) => r.shared)).toEqual([null, 'anonymous'])
  })

  it("lowers someone's hand, and only theirs", async () => {
    vi.spyOn(api, 'lowerSignal').mockResolvedValue('')

    await store.lower(9)

    expect(api.lowerSignal).toHaveBeenCalledWith('demo', 9)
    expect(store.hands.map((h) => h.person)).toEqual(['Ana'])
    expect(store.signals).toHaveLength(1)
  })
})

describe('voice store: being in the call', () => {
  beforeEach(async () => {
    vi.spyOn(api, 'getOwnVoice').mockResolvedValue(ownVoice())
    feed.slug = 'demo'
    await store.follow('demo')
  })

  it('says when the page joins and leaves the call', async () => {
    const put = vi.spyOn(api, 'reportCall').mockResolvedValue('')

    await expect(store.reportCall(true)).resolves.toBe(true)
    await expect(store.reportCall(false)).resolves.toBe(true)

    expect(put.mock.calls).toEqual([
      ['demo', true],
      ['demo', false],
    ])
  })

  it('never fails: a report the server did not take resolves to false', async () => {
    vi.spyOn(api, 'reportCall').mockRejectedValue(networkError())

    await expect(store.reportCall(true)).resolves.toBe(false)
  })

  it('still reports leaving once the room stopped following the circle', async () => {
    const put = vi.spyOn(api, 'reportCall').mockResolvedValue('')
    store.stop()

    await store.reportCall(false, 'demo')
    await store.reportCall(false) // no circle named, none followed: nothing to say

    expect(put.mock.calls).toEqual([['demo', false]])
  })

  it('says again that it is in the call when the stream comes back, and not after leaving it', async () => {
    const put = vi.spyOn(api, 'reportCall').mockResolvedValue('')

    feed.hellos += 1 // not in the call: nothing to say
    await flushPromises()
    expect(put).not.toHaveBeenCalled()

    await store.reportCall(true)
    feed.hellos += 1
    await flushPromises()
    expect(put.mock.calls).toEqual([
      ['demo', true],
      ['demo', true],
    ])

    await store.reportCall(false)
    feed.hellos += 1
    await flushPromises()
    expect(put).toHaveBeenCalledTimes(3)
  })
})

describe('voiceError', () => {
  it("gives a 429's own sentence: it says the limit and the wait", () => {
    const sentence =
      'You are sending too fast: at most 10 responses and signals in 60 seconds. Try again in 12 seconds.'
    const failure = httpError(429, { error: 'throttled', detail: sentence }, { 'Retry-After': '12' })

    expect(voiceError(failure)).toBe(sentence)
  })

  it('gives any other refusal as describeError does', () => {
    expect(voiceError(httpError(409, { error: 'conflict', detail: 'No prompt is pinned in this circle now.' }))).toBe(
      'No prompt is pinned in this circle now.',
    )
    expect(voiceError(httpError(429, {}, { 'Retry-After': '30' }))).toBe(
      'Too many attempts. Please wait 30 seconds and try again.',
    )
    expect(voiceError(networkError())).toBe("Can't reach InquiryCircle. Check your connection and try again.")
  })

  it("says its own sentences in the viewer's language; the server's 429 sentence as it came", async () => {
    await setLocale('es')

    expect(voiceError(networkError())).toBe(
      'No se puede conectar con InquiryCircle. Comprueba tu conexión y vuelve a intentarlo.',
    )
    const sentence = 'Vas demasiado rápido.'
    expect(voiceError(httpError(429, { error: 'throttled', detail: sentence }))).toBe(sentence)
  })
})
