import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { api } from '@/services/api'
import { openMessageStream, STATES } from '@/services/stream'

import { useAuthStore } from './auth'

// After a database restore one reload brings the page and the stream back into agreement. A
// server whose list and stream keep disagreeing gets a few reloads, never an endless loop.
const MAX_RELOADS = 3
const RELOAD_RETRY_MS = 3000

/** Where `seq` is, or belongs, in a list in ascending seq order. */
function indexOfSeq(list, seq) {
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (list[middle].seq < seq) low = middle + 1
    else high = middle
  }
  return low
}

/** Two lists in ascending seq order as one, each seq once. */
function merge(a, b) {
  const merged = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const next = j === b.length || (i < a.length && a[i].seq <= b[j].seq) ? a[i++] : b[j++]
    if (merged.at(-1)?.seq !== next.seq) merged.push(next)
  }
  return merged
}

/** The newest prompt in the list numbered above `floor`, or null. */
function latestPromptAbove(list, floor) {
  for (let i = list.length - 1; i >= 0 && list[i].seq > floor; i -= 1) {
    if (list[i].kind === 'prompt') return list[i]
  }
  return null
}

/** The later of two prompts, either of which may be null; on a tie, the first. */
function later(a, b) {
  if (!a || !b) return a ?? b ?? null
  return b.seq > a.seq ? b : a
}

// The open circle's messages: the newest page first, then live over SSE, then older pages as
// the person asks for them; always in ascending sequence order.
// A post whose answer was lost is sent again this many times in all, after 1, 2, 3 s.
const POST_ATTEMPTS = 4
const POST_RETRY_MS = 1000
const LOST_ANSWER_STATUSES = new Set([502, 503, 504])

function answerWasLost(failure) {
  const status = failure?.response?.status
  return status === undefined || LOST_ANSWER_STATUSES.has(status)
}

function newRequestKey() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export const useMessagesStore = defineStore('messages', () => {
  const slug = ref(null)
  const messages = ref([])
  const connection = ref(STATES.CONNECTING)
  const older = ref(null) // the cursor for the previous page (before=); null when nothing is older
  const loadingOlder = ref(false)
  const olderLoaded = ref(false) // an older page was added: the list is more than one page
  const pagePrompt = ref(null) // the circle's current prompt as the server last said, even if not loaded
  // The server's word on the prompt covers every message up to this seq: a prompt at or below it
  // that the server no longer names (its session ended) is not pinned again from the list.
  const promptFloor = ref(0)
  const endReason = ref(null) // why the server ended the stream (`end` event), once known
  const videoRoom = ref(null) // a tag of the circle's current video room (each hello says it)
  // Bumped when the circle's rhythm may have changed: a `rhythm` event, and every hello (a
  // reconnect may have missed events). The rhythm store watches it and asks again.
  const rhythmSignal = ref(0)
  // The same for the circle's voice (responses, signals, presence): a `voice` event, every hello.
  const voiceSignal = ref(0)
  // Bumped at every hello: the stream (re)connected, and the server counts this page in the room
  // again. Leaving the room left the call on the server, so a page in the call says so again.
  const hellos = ref(0)
  let epoch = null // which numbering the shown messages belong to (changes on a restore)
  let streamAfter = 0 // the seq the current stream was opened after
  let openStream = openMessageStream
  let stream = null
  let reloads = 0 // reloads since a hello last agreed with the page
  let retryTimer = null
  let generation = 0 // bumped by every follow(), reload and stop(): stale work stands down

  const lastSeq = computed(() => messages.value.at(-1)?.seq ?? 0)
  const hasOlder = computed(() => older.value !== null)
  // The server's current prompt (a prompt older than the loaded page stays pinned), until a newer
  // one arrives. A session's end unpins its prompt: the server says so (adoptPrompt).
  const currentPrompt = computed(() => later(pagePrompt.value, latestPromptAbove(messages.value, promptFloor.value)))

  /** Adds one message. Live ones come in order, so the usual case is one push, not a sort. */
  function add(message) {
    const list = messages.value
    if (!list.length || message.seq > list.at(-1).seq) {
      list.push(message)
      return
    }
    const at = indexOfSeq(list, message.seq)
    if (list[at]?.seq === message.seq) return // already shown
    list.splice(at, 0, message)
  }

  /** Shows the newest page of the circle's messages, then follows the live stream from there. */
  async function follow(circleSlug, { openStream: opener = openMessageStream } = {}) {
    stop()
    slug.value = circleSlug
    openStream = opener
    reloads = 0
    // Not live until this circle's stream opens: the feed takes in what arrives meanwhile (the
    // newest page) as what was already said, and announces only what comes live.
    connection.value = STATES.CONNECTING
    endReason.value = null
    videoRoom.value = null
    messages.value = []
    forgetPage()
    pagePrompt.value = null
    await showNewest(generation)
  }

  function forgetPage() {
    promptFloor.value = 0
    older.value = null
    loadingOlder.value = false
    olderLoaded.value = false
    epoch = null
  }

  async function showNewest(mine) {
    const page = await api.listMessages(slug.value)
    if (mine !== generation) return
    messages.value = [...page.results]
    older.value = page.older ?? null
    pagePrompt.value = page.current_prompt ?? null
    promptFloor.value = page.results.at(-1)?.seq ?? page.last_seq ?? 0
    epoch = page.epoch
    // After the newest message the page holds; an empty page still knows the circle's last seq.
    listen(mine, page.results.at(-1)?.seq ?? page.last_seq ?? 0)
  }

  function listen(mine, after) {
    let ending = null
    streamAfter = after
    stream = openStream(slug.value, {
      after,
      onMessage: (message) => {
        if (mine === generation) add(message)
      },
      onHello: (hello) => {
        if (mine !== generation) return
        rhythmSignal.value += 1
        voiceSignal.value += 1
        hellos.value += 1
        if (hello.video_room) videoRoom.value = hello.video_room
        if (sameNumbers(hello)) reloads = 0
        else renumbered()
      },
      onEnd: ({ reason }) => {
        ending = reason
      },
      onRhythm: () => {
        if (mine === generation) rhythmSignal.value += 1
      },
      onVoice: () => {
        if (mine === generation) voiceSignal.value += 1
      },
      onState: (state) => {
        if (mine !== generation) return
        connection.value = state
        if (state === STATES.ENDED) settleEnd(mine, ending)
      },
      shouldRetry: sessionStillGood,
    })
  }

  /** Whether the server still numbers messages as the shown ones are numbered. */
  function sameNumbers(report) {
    return report.epoch === epoch && report.last_seq >= Math.max(lastSeq.value, streamAfter)
  }

  /** The numbers changed under what is shown (a restore): show the newest page again, no gap. */
  function renumbered() {
    if (reloads >= MAX_RELOADS) return // the list and the stream keep disagreeing: keep what is shown
    reloads += 1
    reload()
  }

  async function reload() {
    stop() // the old stream and an older page on its way belong to the old numbering
    const mine = generation
    forgetPage()
    connection.value = STATES.RECONNECTING
    try {
      await showNewest(mine)
    } catch {
      if (mine !== generation) return
      const retry = await sessionStillGood()
      if (mine !== generation) return
      if (retry) retryTimer = setTimeout(reload, RELOAD_RETRY_MS)
      else connection.value = STATES.ENDED // signed out: the room sends the person to key entry
    }
  }

  // The stream was refused or a reload failed: try again while the session is good; otherwise
  // the key was revoked or the person signed out.
  async function sessionStillGood() {
    try {
      return (await useAuthStore().refresh()) !== null
    } catch {
      return true // the server is unreachable: keep trying
    }
  }

  // The server ended the stream (key revoked, session gone, circle closed): find out whether we
  // are still signed in, and only then say why it ended, so the room that reads the reason can
  // trust auth.signedIn beside it (a signed-out person goes to key entry, not the circle list).
  async function settleEnd(mine, reason) {
    await useAuthStore()
      .refresh()
      .catch(() => {})
    if (mine === generation) endReason.value = reason
  }

  /** Adds the page before the oldest shown; a call while one is on its way does nothing. */
  async function loadOlder() {
    if (loadingOlder.value || older.value === null) return
    const mine = generation
    const asOf = lastSeq.value
    loadingOlder.value = true
    try {
      const page = await api.listMessages(slug.value, { before: older.value })
      if (mine !== generation) return
      if (!sameNumbers(page)) {
        renumbered() // this page does not fit with what is shown
        return
      }
      messages.value = merge(page.results, messages.value)
      older.value = page.older ?? null
      olderLoaded.value = true
      adoptPrompt(page.current_prompt ?? null, asOf)
    } finally {
      if (mine === generation) loadingOlder.value = false
    }
  }

  /**
   * The server's current prompt, as an answer asked for when `asOf` was the newest seq shown
   * (a page, or the circle fetched again after its session changed) says it. Prompts up to asOf
   * count only if the server names them; newer ones (live) still replace it. An answer older
   * than the one already adopted changes nothing.
   */
  function adoptPrompt(prompt, asOf) {
    if (asOf < promptFloor.value) return
    pagePrompt.value = prompt
    promptFloor.value = asOf
  }

  function stop() {
    generation += 1
    clearTimeout(retryTimer)
    stream?.close()
    stream = null
  }

  /**
   * Posts a message. When the answer is lost (no answer, or the server or its database was
   * briefly away) it is sent again with the same Idempotency-Key, so it is made once, never
   * twice; a refusal (4xx) is passed on at once.
   */
  async function post(kind, body) {
    const requestKey = newRequestKey()
    for (let attempt = 1; ; attempt += 1) {
      try {
        const message = await api.postMessage(slug.value, kind, body, requestKey)
        add(message) // the stream brings it too; add() ignores the second copy
        return message
      } catch (failure) {
        if (attempt >= POST_ATTEMPTS || !answerWasLost(failure)) throw failure
        await pause(POST_RETRY_MS * attempt)
      }
    }
  }

  return {
    slug,
    messages,
    connection,
    lastSeq,
    hasOlder,
    loadingOlder,
    olderLoaded,
    currentPrompt,
    endReason,
    videoRoom,
    rhythmSignal,
    voiceSignal,
    hellos,
    follow,
    adoptPrompt,
    loadOlder,
    stop,
    post,
    add,
  }
})
