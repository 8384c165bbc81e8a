import { defineStore } from 'pinia'
import { ref, watch } from 'vue'

import { api, describeError } from '@/services/api'
import { coalescedRefresh } from '@/services/refresh'

import { useMessagesStore } from './messages'
import { useRhythmStore } from './rhythm'

const NO_SIGNALS = Object.freeze({ hand: null, here: null, moment: null })
const NOBODY = Object.freeze({ room: [], call: [] })

/**
 * What went wrong, as a sentence. A 429 here is the response limit, and the server's own
 * sentence says what the limit is and how long to wait; anything else as describeError says it.
 */
export function voiceError(failure) {
  const detail = failure?.response?.data?.detail
  if (failure?.response?.status === 429 && typeof detail === 'string' && detail) return detail
  return describeError(failure).message
}

// The open circle's voice (docs/voice-api.md). The facilitator reads the whole of it (responses,
// raised hands and other signals, who is in the room and the call); a participant reads their own
// responses and signals. It is asked again when the live stream says the voice changed (`voice`),
// at each hello (events may have been missed while away), and when a session starts or ends (the
// end lowers every signal, and takes its responses off the facilitator's screen).
export const useVoiceStore = defineStore('voice', () => {
  const slug = ref(null)
  const facilitator = ref(false) // whose view is read: the facilitator's, or a participant's own
  const loaded = ref(false)
  const error = ref(null) // the last failed refresh's error, until one succeeds
  // The facilitator's view.
  const session = ref(null)
  const responses = ref([]) // { id, prompt: { seq, body }, author, body, created_at, shared }
  const hands = ref([]) // { id, person, raised_at }, in the order raised
  const signals = ref([]) // { id, kind: 'here' | 'moment', person, raised_at }
  const presence = ref(NOBODY) // { room: [{ person, role, since }], call: [...] }
  // A participant's own.
  const myResponses = ref([]) // newest first
  const mySignals = ref(NO_SIGNALS) // the id of each kind raised now, or null
  let generation = 0 // bumped by follow() and stop(): answers for an earlier circle stand down
  let callSlug = null // the circle whose call this page last said it is in

  const feed = useMessagesStore()
  const rhythm = useRhythmStore()
  watch(
    () => feed.voiceSignal,
    () => {
      if (slug.value && feed.slug === slug.value) refresh()
    },
    { flush: 'sync' },
  )
  watch(
    () => rhythm.sessionChanges,
    () => {
      if (slug.value && rhythm.slug === slug.value) refresh()
    },
  )
  // The stream came back: the server closed this page's call visit with its room visit.
  watch(
    () => feed.hellos,
    () => {
      if (callSlug && feed.slug === callSlug) send(callSlug, true)
    },
  )

  /** Starts following a circle's voice, as its facilitator or as a participant; resolves once the first answer is in (or failed). */
  function follow(circleSlug, { facilitator: asFacilitator = false } = {}) {
    stop()
    slug.value = circleSlug
    facilitator.value = asFacilitator
    loaded.value = false
    error.value = null
    session.value = null
    responses.value = []
    hands.value = []
    signals.value = []
    presence.value = NOBODY
    myResponses.value = []
    mySignals.value = NO_SIGNALS
    return refresh()
  }

  function stop() {
    generation += 1
    refresher.reset()
    slug.value = null
  }

  /** Asks for the voice again. Asked while an answer is on its way: one more after it, not one each. */
  const refresher = coalescedRefresh({
    ready: () => Boolean(slug.value),
    generation: () => generation,
    fetchOnce: (mine) => fetchOnce(mine),
    onError: (failure) => {
      error.value = failure
    },
  })
  const refresh = refresher.refresh

  async function fetchOnce(mine) {
    if (facilitator.value) {
      const answer = await api.getVoice(slug.value)
      if (mine !== generation) return
      session.value = answer.session ?? null
      responses.value = answer.responses ?? []
      hands.value = answer.hands ?? []
      signals.value = answer.signals ?? []
      presence.value = { room: answer.presence?.room ?? [], call: answer.presence?.call ?? [] }
    } else {
      const answer = await api.getOwnVoice(slug.value)
      if (mine !== generation) return
      myResponses.value = answer.responses ?? []
      mySignals.value = { ...NO_SIGNALS, ...answer.signals }
    }
    error.value = null
    loaded.value = true
  }

  /** A participant's response to the pinned prompt; the answer is the response. */
  async function respond(body) {
    const mine = generation
    const response = await api.respond(slug.value, body)
    if (mine === generation && !myResponses.value.some((r) => r.id === response.id)) {
      myResponses.value = [response, ...myResponses.value]
    }
    return response
  }

  /** The facilitator shares a response with the circle, 'named' or 'anonymous'. */
  async function share(id, as) {
    const mine = generation
    const shared = await api.shareResponse(slug.value, id, as)
    if (mine === generation) responses.value = responses.value.map((r) => (r.id === id ? shared : r))
    return shared
  }

  /** A participant raises a signal: 'hand', 'here' or 'moment'. */
  async function raise(kind) {
    const mine = generation
    const signal = await api.raiseSignal(slug.value, kind)
    if (mine === generation) mySignals.value = { ...mySignals.value, [signal.kind ?? kind]: signal.id }
    return signal
  }

  /** Lowers a signal: a participant their own, the facilitator anyone's. */
  async function lower(id) {
    const mine = generation
    await api.lowerSignal(slug.value, id)
    if (mine !== generation) return
    hands.value = hands.value.filter((s) => s.id !== id)
    signals.value = signals.value.filter((s) => s.id !== id)
    mySignals.value = Object.fromEntries(Object.entries(mySignals.value).map(([k, v]) => [k, v === id ? null : v]))
  }

  async function send(circleSlug, inCall) {
    try {
      await api.reportCall(circleSlug, inCall)
      return true
    } catch {
      return false // the next report, or the stream closing, sets it right; the video goes on
    }
  }

  /**
   * The page joined (true) or left (false) the video call of circleSlug (by default the one
   * followed: the room may have stopped following it before its video panel says it left).
   * Never fails: resolves to whether the server took it.
   */
  function reportCall(inCall, circleSlug = slug.value) {
    if (!circleSlug) return Promise.resolve(false)
    callSlug = inCall ? circleSlug : null
    return send(circleSlug, inCall)
  }

  return {
    slug,
    facilitator,
    loaded,
    error,
    session,
    responses,
    hands,
    signals,
    presence,
    myResponses,
    mySignals,
    follow,
    stop,
    refresh,
    respond,
    share,
    raise,
    lower,
    reportCall,
  }
})
