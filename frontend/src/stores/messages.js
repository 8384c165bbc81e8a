import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { api } from '@/services/api'
import { openMessageStream, STATES } from '@/services/stream'

import { useAuthStore } from './auth'

// The open circle's messages: history first, then live over SSE, in sequence order.
export const useMessagesStore = defineStore('messages', () => {
  const slug = ref(null)
  const messages = ref([])
  const connection = ref(STATES.CONNECTING)
  let stream = null
  let generation = 0 // bumped by every follow() and stop(): a stale follow() stands down

  const lastSeq = computed(() => messages.value.at(-1)?.seq ?? 0)
  const currentPrompt = computed(() => messages.value.findLast((m) => m.kind === 'prompt') ?? null)

  function add(message) {
    if (messages.value.some((m) => m.seq === message.seq)) return
    messages.value.push(message)
    messages.value.sort((a, b) => a.seq - b.seq)
  }

  /** Loads the history, then follows the live stream from where the history ends. */
  async function follow(circleSlug, { openStream = openMessageStream } = {}) {
    stop()
    const mine = generation
    slug.value = circleSlug
    messages.value = []
    const history = await api.listMessages(circleSlug)
    if (mine !== generation) return
    history.forEach(add)
    const auth = useAuthStore()
    stream = openStream(circleSlug, {
      after: lastSeq.value,
      onMessage: add,
      onState: (state) => {
        connection.value = state
        // The server ended the stream (key revoked, session gone): find out whether we are
        // still signed in, so the room can send the person back to key entry.
        if (state === STATES.ENDED) auth.refresh().catch(() => {})
      },
      // Refused: retry while the session is good; otherwise the key was revoked or signed out.
      shouldRetry: async () => {
        try {
          return (await auth.refresh()) !== null
        } catch {
          return true // the server is unreachable: keep trying
        }
      },
    })
  }

  function stop() {
    generation += 1
    stream?.close()
    stream = null
  }

  async function post(kind, body) {
    const message = await api.postMessage(slug.value, kind, body)
    add(message) // the stream brings it too; add() ignores the second copy
    return message
  }

  return { slug, messages, connection, lastSeq, currentPrompt, follow, stop, post, add }
})
