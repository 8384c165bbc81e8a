import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'

import { api } from '@/services/api'
import { betterSample, clockSample } from '@/services/countdown'
import { coalescedRefresh } from '@/services/refresh'

import { useMessagesStore } from './messages'

const IDLE = Object.freeze({ state: 'idle', duration_seconds: 0, label: '' })
const NO_RUN_SHEET = Object.freeze({ position: 0, total: 0 })

// The open circle's rhythm: its session, the shared timer, the next scheduled session and how far
// the run sheet has got, all from one GET. It is asked again whenever the live stream says
// something changed (`rhythm`), each time the stream connects (events may have been missed while
// it was away), and when the tab is shown again (a hidden tab may have slept). Each answer also
// measures this browser's clock against the server's, for the countdown.
export const useRhythmStore = defineStore('rhythm', () => {
  const slug = ref(null)
  const loaded = ref(false)
  const error = ref(null) // the last failed refresh's error, until one succeeds
  const session = ref(null) // { id, started_at } while a session is open
  const timer = ref(IDLE)
  const upcoming = ref(null)
  const runSheet = ref(NO_RUN_SHEET)
  const sessions = ref([]) // { id, started_at, ended_at }, newest first: they name the feed's groups
  const sessionChanges = ref(0) // bumped when a session starts or ends after the first answer
  const clock = ref(null) // the best estimate so far: { offset, roundTrip }
  let generation = 0 // bumped by follow() and stop(): answers for an earlier circle stand down
  let reportedEnd = null // the ends_at this page has told the server about

  const sessionOpen = computed(() => session.value !== null)
  const offset = computed(() => clock.value?.offset ?? 0)

  /** Now on the server's clock (ms), as well as this browser can tell. */
  function serverNow() {
    return Date.now() + offset.value
  }

  const feed = useMessagesStore()
  watch(
    () => feed.rhythmSignal,
    () => {
      if (slug.value && feed.slug === slug.value) refresh()
    },
    { flush: 'sync' },
  )

  function onVisibility() {
    if (document.visibilityState === 'visible') refresh()
  }

  /** Starts following a circle's rhythm; resolves once the first answers are in (or failed). */
  function follow(circleSlug) {
    stop()
    slug.value = circleSlug
    loaded.value = false
    error.value = null
    session.value = null
    timer.value = IDLE
    upcoming.value = null
    runSheet.value = NO_RUN_SHEET
    sessions.value = []
    clock.value = null
    reportedEnd = null
    document.addEventListener('visibilitychange', onVisibility)
    return Promise.all([refresh(), loadSessions()])
  }

  function stop() {
    generation += 1
    refresher.reset()
    slug.value = null
    document.removeEventListener('visibilitychange', onVisibility)
  }

  /** Asks for the rhythm again. Asked while an answer is on its way: one more after it, not one each. */
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
    const sentAt = Date.now()
    const answer = await api.getRhythm(slug.value)
    const receivedAt = Date.now()
    if (mine !== generation) return
    clock.value = betterSample(clock.value, clockSample(sentAt, receivedAt, answer.server_time))
    error.value = null
    const before = session.value?.id ?? null
    const wasLoaded = loaded.value
    session.value = answer.session ?? null
    timer.value = answer.timer ?? IDLE
    upcoming.value = answer.upcoming ?? null
    runSheet.value = answer.run_sheet ?? NO_RUN_SHEET
    loaded.value = true
    if (wasLoaded && (session.value?.id ?? null) !== before) {
      sessionChanges.value += 1
      loadSessions()
    }
  }

  /** The circle's sessions; without them the feed names its groups by their messages' dates. */
  async function loadSessions() {
    const mine = generation
    try {
      const answer = await api.listSessions(slug.value)
      if (mine === generation) sessions.value = answer.sessions ?? []
    } catch {
      // Not worth a sentence: the headings fall back to the messages' own dates.
    }
  }

  async function startSession() {
    await api.startSession(slug.value)
    await refresh()
  }

  async function endSession() {
    await api.endSession(slug.value)
    await refresh()
  }

  /** A facilitator's timer command ({ action, seconds?, label? }); the answer is the timer. */
  async function commandTimer(command) {
    const mine = generation
    const next = await api.setTimer(slug.value, command)
    if (mine === generation && next) timer.value = next
    return next
  }

  /**
   * The countdown reached zero on this page: tell the server, once per timer run. The server
   * decides whether it is up (by its own clock) and posts the one time cue; the answer is the timer.
   */
  async function timeUp() {
    const current = timer.value
    if (current.state !== 'running' || reportedEnd === current.ends_at) return
    reportedEnd = current.ends_at
    const mine = generation
    try {
      const next = await api.timerElapsed(slug.value)
      if (mine === generation && next) timer.value = next
    } catch {
      // The next rhythm event or refresh brings the timer as the server has it.
    }
  }

  /** How far the run sheet has got, as an answer of the run sheet's own endpoints says it. */
  function setRunSheetProgress({ position, total }) {
    runSheet.value = { position, total }
  }

  return {
    slug,
    loaded,
    error,
    session,
    sessionOpen,
    timer,
    upcoming,
    runSheet,
    sessions,
    sessionChanges,
    clock,
    offset,
    serverNow,
    follow,
    stop,
    refresh,
    startSession,
    endSession,
    commandTimer,
    timeUp,
    setRunSheetProgress,
  }
})
