// Stand-ins for the browser's EventSource and IntersectionObserver, and Jitsi's IFrame API.

/** An EventSource that never touches the network; tests drive it. */
export class FakeEventSource {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static instances = []

  constructor(url, init) {
    this.url = url
    this.init = init
    this.readyState = FakeEventSource.CONNECTING
    this.listeners = {}
    this.closed = false
    this.onopen = null
    this.onmessage = null
    this.onerror = null
    FakeEventSource.instances.push(this)
  }

  static reset() {
    FakeEventSource.instances = []
  }

  static get last() {
    return FakeEventSource.instances.at(-1)
  }

  get params() {
    return new URL(this.url, 'http://localhost').searchParams
  }

  addEventListener(type, listener) {
    ;(this.listeners[type] ??= []).push(listener)
  }

  removeEventListener(type, listener) {
    this.listeners[type] = (this.listeners[type] ?? []).filter((l) => l !== listener)
  }

  close() {
    this.readyState = FakeEventSource.CLOSED
    this.closed = true
  }

  // --- driven by tests ---
  open() {
    this.readyState = FakeEventSource.OPEN
    this.onopen?.({ type: 'open' })
  }

  emit(message) {
    this.onmessage?.({ type: 'message', data: JSON.stringify(message), lastEventId: String(message.seq) })
  }

  dispatch(type, data = '{}') {
    for (const listener of this.listeners[type] ?? []) listener({ type, data })
  }

  /** The connection failed; readyState says whether the browser is retrying (CONNECTING) or gave up (CLOSED). */
  fail(readyState) {
    this.readyState = readyState
    return this.onerror?.({ type: 'error' })
  }
}

/** An IntersectionObserver that watches nothing by itself; tests say what is in view. */
export class FakeIntersectionObserver {
  static instances = []

  constructor(callback, options) {
    this.callback = callback
    this.options = options
    this.targets = new Set()
    this.disconnected = false
    FakeIntersectionObserver.instances.push(this)
  }

  static reset() {
    FakeIntersectionObserver.instances = []
  }

  static get last() {
    return FakeIntersectionObserver.instances.at(-1)
  }

  observe(target) {
    this.targets.add(target)
  }

  unobserve(target) {
    this.targets.delete(target)
  }

  disconnect() {
    this.targets.clear()
    this.disconnected = true
  }

  // --- driven by tests ---
  /** Reports every observed target as in view (or not), as the browser does after a scroll. */
  report(isIntersecting) {
    const entries = [...this.targets].map((target) => ({ target, isIntersecting }))
    if (entries.length) this.callback(entries, this)
  }
}

/**
 * JitsiMeetExternalAPI: records what the app asks of it; tests fire its events.
 * Like the real object (which talks to a cross-origin iframe), it breaks when called through a
 * proxy such as Vue's reactive(): the private field is only readable on the object itself.
 */
export class FakeJitsiApi {
  static instances = []
  #own = true

  constructor(domain, options) {
    this.domain = domain
    this.options = options
    this.listeners = {}
    this.commands = []
    this.disposeCalls = 0
    this.frame = document.createElement('iframe')
    FakeJitsiApi.instances.push(this)
  }

  getIFrame() {
    return this.frame
  }

  static reset() {
    FakeJitsiApi.instances = []
  }

  addListener(name, listener) {
    ;(this.listeners[name] ??= []).push(listener)
  }

  executeCommand(...args) {
    if (!this.#own) return
    this.commands.push(args)
  }

  dispose() {
    if (!this.#own) return
    this.disposeCalls += 1
    // The real API throws when its iframe is already gone.
    if (this.disposeCalls > 1) throw new Error('already disposed')
  }

  fire(name, event = {}) {
    for (const listener of this.listeners[name] ?? []) listener(event)
  }
}

export const message = (seq, kind = 'announcement', body = `message ${seq}`, author = 'Ann') => ({
  seq,
  kind,
  body,
  author,
  created: '2025-03-04T18:30:00Z',
})

/**
 * One page of GET /api/messages/ as the backend answers it: the newest page by default (nothing
 * newer), its current prompt the latest prompt it holds, all numbered in epoch "e1".
 */
export const page = (results = [], overrides = {}) => ({
  results,
  older: null,
  newer: null,
  current_prompt: results.findLast((m) => m.kind === 'prompt') ?? null,
  last_seq: results.at(-1)?.seq ?? 0,
  epoch: 'e1',
  ...overrides,
})
