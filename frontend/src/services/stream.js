// A circle's live messages over Server-Sent Events.
//
// EventSource reconnects by itself after a dropped connection and sends Last-Event-ID, so the
// server resumes exactly after the last message seen. When the server refuses outright (the
// browser gives up: readyState CLOSED) we open a new EventSource from the last sequence number
// after a pause, unless the caller says the session is gone.
//
// Each connection starts with a `hello` ({ epoch, last_seq }): after a database restore the
// numbers may go back, and only the caller, which knows what it shows, can tell. The server
// says why it ends a stream in an `end` event ({ reason, detail }) and then closes it. A `rhythm`
// event ({}) says the circle's session, timer, run sheet or schedule changed: the caller asks for
// them again (they are not in the stream, and an event missed while away costs nothing: each
// hello is a reason to ask again too). A `voice` event ({}) says the same of the circle's
// responses, signals and presence, to the pages it concerns (docs/voice-api.md).

export const STATES = Object.freeze({
  CONNECTING: 'connecting',
  LIVE: 'live',
  RECONNECTING: 'reconnecting',
  ENDED: 'ended',
})

const RETRY_MS = 3000

export function streamUrl(slug, after) {
  const params = new URLSearchParams({ circle: slug, after: String(after) })
  return `/api/messages/stream/?${params}`
}

/** An event's JSON data, or null when it is not JSON (a garbled event must not break the page). */
function parseData(event) {
  try {
    return JSON.parse(event.data)
  } catch {
    return null
  }
}

/**
 * Opens the stream. Callbacks: onMessage(message), onState(state), onHello({ epoch, last_seq })
 * (each time a connection opens), onEnd({ reason, detail }) (the server ended the stream; called
 * just before onState(ENDED)), onRhythm() (the circle's rhythm changed), onVoice() (its voice
 * changed: responses, signals, who is in the room or the call), shouldRetry() ->
 * Promise<bool> (asked when the server refused the stream). Returns { close() }.
 */
export function openMessageStream(
  slug,
  {
    after = 0,
    onMessage,
    onState,
    onHello = () => {},
    onEnd = () => {},
    onRhythm = () => {},
    onVoice = () => {},
    shouldRetry = async () => true,
    EventSourceImpl = EventSource,
  },
) {
  let lastSeq = after
  let source = null
  let closed = false
  let retryTimer = null

  function connect() {
    onState(STATES.CONNECTING)
    source = new EventSourceImpl(streamUrl(slug, lastSeq), { withCredentials: true })
    source.onopen = () => onState(STATES.LIVE)
    source.onmessage = (event) => {
      const message = JSON.parse(event.data)
      if (message.seq <= lastSeq) return // already shown: never a duplicate
      lastSeq = message.seq
      onMessage(message)
    }
    source.addEventListener('hello', (event) => {
      const hello = parseData(event)
      if (hello) onHello(hello)
    })
    source.addEventListener('rhythm', () => onRhythm())
    source.addEventListener('voice', () => onVoice())
    source.addEventListener('end', (event) => {
      stop()
      const { reason = null, detail = '' } = parseData(event) ?? {}
      onEnd({ reason, detail })
      onState(STATES.ENDED)
    })
    source.onerror = async () => {
      if (closed) return
      if (source.readyState !== EventSourceImpl.CLOSED) {
        onState(STATES.RECONNECTING) // the browser is already retrying
        return
      }
      onState(STATES.RECONNECTING)
      source.close()
      if (await shouldRetry()) {
        if (!closed) retryTimer = setTimeout(connect, RETRY_MS)
      } else {
        stop()
        onState(STATES.ENDED)
      }
    }
  }

  function stop() {
    closed = true
    clearTimeout(retryTimer)
    source?.close()
  }

  connect()
  return { close: stop }
}
