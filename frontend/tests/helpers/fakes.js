// Stand-ins for the browser's EventSource and Jitsi's IFrame API.

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
    FakeJitsiApi.instances.push(this)
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
