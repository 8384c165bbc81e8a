// Embedding Jitsi through its IFrame API (external_api.js), loaded only when someone joins.
//
// We load the script ourselves instead of using @jitsi/vue-sdk, whose 1.0.4 release reads its
// props once, never disposes the meeting, hands back a reactive proxy that breaks
// executeCommand across origins, and caches the first domain's script for the page's lifetime.
//
// This module imports nothing: tests/jitsi_standin loads it unchanged into a plain page. The
// caller translates its errors (by `reason`) and passes the language the call should speak.

const loaded = new Map()

/** Why the video service's script did not arrive: reason 'unreachable' or 'not_jitsi'. */
export class VideoScriptError extends Error {
  constructor(reason, url) {
    super(
      reason === 'not_jitsi'
        ? 'The video service answered, but not with the Jitsi API.'
        : `The video service could not be reached (${url}).`,
    )
    this.reason = reason
    this.url = url
  }
}

/** Loads external_api.js from url once per url; rejects with a VideoScriptError if it fails. */
export function loadJitsiScript(url, doc = document) {
  if (loaded.has(url)) return loaded.get(url)
  const promise = new Promise((resolve, reject) => {
    const script = doc.createElement('script')
    script.src = url
    script.async = true
    script.onload = () => {
      const Api = doc.defaultView?.JitsiMeetExternalAPI
      if (typeof Api === 'function') resolve(Api)
      else reject(new VideoScriptError('not_jitsi', url))
    }
    script.onerror = () => reject(new VideoScriptError('unreachable', url))
    doc.head.appendChild(script)
  }).catch((error) => {
    loaded.delete(url) // let a later attempt try again
    throw error
  })
  loaded.set(url, promise)
  return promise
}

/**
 * Starts a meeting in parentNode from the backend's /api/jitsi/config/ answer.
 * handlers: { onJoined, onLeft, onReadyToClose, onParticipantJoined, onParticipantLeft,
 * onNameChanged }. `lang` is the language the call's own interface speaks (the page's); `title`
 * names the call's frame for screen readers (Jitsi's IFrame API leaves it unnamed). Returns the
 * API object.
 */
export function startMeeting(JitsiMeetExternalAPI, config, parentNode, handlers = {}, { lang, title } = {}) {
  const options = {
    roomName: config.room_name,
    parentNode,
    width: '100%',
    height: '100%',
    userInfo: config.user_info,
    configOverwrite: config.config_overwrite,
    interfaceConfigOverwrite: config.interface_config_overwrite,
  }
  if (config.jwt) options.jwt = config.jwt
  if (lang) options.lang = lang
  const meeting = new JitsiMeetExternalAPI(config.domain, options)
  if (title) meeting.getIFrame().title = title
  meeting.addListener('videoConferenceJoined', (event) => handlers.onJoined?.(event))
  meeting.addListener('videoConferenceLeft', (event) => handlers.onLeft?.(event))
  meeting.addListener('readyToClose', () => handlers.onReadyToClose?.())
  meeting.addListener('participantJoined', (event) => handlers.onParticipantJoined?.(event))
  meeting.addListener('participantLeft', (event) => handlers.onParticipantLeft?.(event))
  meeting.addListener('participantKickedOut', (event) => handlers.onParticipantLeft?.(event.kicked ?? {}))
  meeting.addListener('displayNameChange', (event) =>
    handlers.onNameChanged?.({ id: event.id, displayName: event.displayname }),
  )
  return meeting
}

/** Leaves the call; the meeting answers with videoConferenceLeft / readyToClose. */
export function hangUp(meeting) {
  meeting?.executeCommand('hangup')
}

/**
 * Removes from the call everyone in participants ({ id: displayName }) called name: the page
 * of a revoked key may not leave by itself. Only a moderator's command is obeyed by Jitsi.
 * Returns the ids removed.
 */
export function removeByName(meeting, participants, name) {
  const ids = Object.keys(participants).filter((id) => participants[id] === name)
  for (const id of ids) meeting?.executeCommand('kickParticipant', id)
  return ids
}

/** Removes the iframe and its listeners. Safe to call twice. */
export function disposeMeeting(meeting) {
  try {
    meeting?.dispose()
  } catch {
    // already gone: nothing left to clean up
  }
}
