// A circle's live messages over Server-Sent Events.
//
// EventSource reconnects by itself after a dropped connection and sends Last-Event-ID, so the
// server resumes exactly after the last message seen. When the server refuses outright (the
// browser gives up: readyState CLOSED) we open a new EventSource from the last sequence number
// after a pause, unless the caller says the session is gone.

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

/**
 * Opens the stream. Callbacks: onMessage(message), onState(state), shouldRetry() -> Promise<bool>
 * (asked when the server refused the stream). Returns { close() }.
 */
export function openMessageStream(
  slug,
  { after = 0, onMessage, onState, shouldRetry = async () => true, EventSourceImpl = EventSource },
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
    source.addEventListener('end', () => {
      stop()
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
