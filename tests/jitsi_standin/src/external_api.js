// A minimal JitsiMeetExternalAPI for tests, shaped after jitsi-meet's
// modules/API/external/external_api.js: same constructor options, same iframe URL, the same
// postMessage transport (@jitsi/js-utils), the same command and event names. Only what
// InquiryCircle and its tests use is here; unknown commands are refused as the real API does.
import { PostMessageTransportBackend, Transport } from '@jitsi/js-utils/transport'
import EventEmitter from 'events'

// API command name -> the event name the meeting page receives.
const COMMANDS = {
  avatarUrl: 'avatar-url',
  displayName: 'display-name',
  email: 'email',
  hangup: 'video-hangup',
  kickParticipant: 'kick-participant',
  password: 'password',
  subject: 'subject',
  toggleAudio: 'toggle-audio',
  toggleChat: 'toggle-chat',
  toggleFilmStrip: 'toggle-film-strip',
  toggleShareScreen: 'toggle-share-screen',
  toggleTileView: 'toggle-tile-view',
  toggleVideo: 'toggle-video',
}

// Event name on the wire (kebab-case) -> the name API listeners use (camelCase).
const EVENTS = {
  'audio-mute-status-changed': 'audioMuteStatusChanged',
  'display-name-change': 'displayNameChange',
  'participant-joined': 'participantJoined',
  'participant-kicked-out': 'participantKickedOut',
  'participant-left': 'participantLeft',
  'video-conference-joined': 'videoConferenceJoined',
  'video-conference-left': 'videoConferenceLeft',
  'video-mute-status-changed': 'videoMuteStatusChanged',
  'video-ready-to-close': 'readyToClose',
}

// The real API numbers its instances per page, from 0; the number names the postis scope.
let nextId = 0

// config.<key>=<URI-encoded JSON>&config.<key2>=... as Jitsi's urlObjectToString writes them.
function hashParams(prefix, values) {
  return Object.keys(values || {}).map(
    (key) => `${prefix}.${key}=${encodeURIComponent(JSON.stringify(values[key]))}`,
  )
}

function meetingUrl(domain, id, { roomName, jwt, lang, configOverwrite, interfaceConfigOverwrite, userInfo }) {
  const url = new URL(`https://${domain}/`)
  if (roomName) url.pathname = `${url.pathname.replace(/\/$/, '')}/${roomName}`
  // As urlObjectToString: the token and the interface language go in the query.
  const search = new URLSearchParams()
  if (jwt) search.set('jwt', jwt)
  const language = lang || configOverwrite?.defaultLanguage
  if (language) search.set('lang', language)
  if (search.size) url.search = `?${search}`
  const hash = [
    `jitsi_meet_external_api_id=${id}`,
    ...hashParams('config', configOverwrite),
    ...hashParams('interfaceConfig', interfaceConfigOverwrite),
    ...hashParams('userInfo', userInfo),
    // The real API forwards its own localStorage copy here; the stand-in has none.
    ...hashParams('appData', { localStorageContent: null }),
  ]
  url.hash = hash.join('&')
  return url.toString()
}

// Numbers are pixels; strings must carry a unit (px, em, pt or %), else the size is left alone.
function cssSize(value) {
  if (typeof value === 'number') return `${value}px`
  if (typeof value === 'string' && /([0-9]*\.?[0-9]+)(em|pt|px|%)$/.test(value)) return value
  return undefined
}

export default class JitsiMeetExternalAPI extends EventEmitter {
  constructor(domain, options = {}) {
    super()
    if (typeof options !== 'object' || options === null) {
      throw new Error('The stand-in only supports new JitsiMeetExternalAPI(domain, options).')
    }
    const {
      roomName = '',
      width = '100%',
      height = '100%',
      parentNode = document.body,
      configOverwrite = {},
      interfaceConfigOverwrite = {},
      jwt = undefined,
      lang = undefined,
      onload = undefined,
      userInfo = undefined,
    } = options
    const id = nextId
    this._url = meetingUrl(domain, id, {
      roomName,
      jwt,
      lang,
      configOverwrite,
      interfaceConfigOverwrite,
      userInfo,
    })
    this._parentNode = parentNode
    this._createIFrame(id, width, height, onload)
    this._transport = new Transport({
      backend: new PostMessageTransportBackend({
        postisOptions: {
          allowedOrigin: new URL(this._url).origin,
          scope: `jitsi_meet_external_api_${id}`,
          window: this._frame.contentWindow,
        },
      }),
    })
    this._participants = {}
    this._numberOfParticipants = 0
    this._myUserID = undefined
    this._setupListeners()
    nextId += 1
  }

  _createIFrame(id, width, height, onload) {
    const frame = document.createElement('iframe')
    frame.allow = 'camera; microphone; display-capture; autoplay; clipboard-write'
    frame.src = this._url
    frame.name = `jitsiConferenceFrame${id}`
    frame.id = frame.name
    frame.setAttribute('allowFullScreen', 'true')
    frame.style.border = 0
    const w = cssSize(width)
    const h = cssSize(height)
    if (w !== undefined) frame.style.width = w
    if (h !== undefined) frame.style.height = h
    if (onload) frame.onload = onload
    this._frame = this._parentNode.appendChild(frame)
  }

  _setupListeners() {
    this._transport.on('event', ({ name, ...data }) => {
      const userId = data.id
      switch (name) {
        case 'video-conference-joined':
          this._myUserID = userId
          this._participants[userId] = { avatarURL: data.avatarURL }
        // falls through: the local participant counts as a participant
        case 'participant-joined':
          this._participants[userId] = this._participants[userId] || {}
          this._participants[userId].displayName = data.displayName
          this._participants[userId].formattedDisplayName = data.formattedDisplayName
          this._numberOfParticipants += 1
          break
        case 'participant-kicked-out':
          // the kicked participant's participant-left follows and does the counting
          break
        case 'participant-left':
          this._numberOfParticipants -= 1
          delete this._participants[userId]
          break
        case 'video-conference-left':
          this._numberOfParticipants -= 1
          delete this._participants[this._myUserID]
          break
        default:
          break
      }
      const eventName = EVENTS[name]
      if (eventName) {
        this.emit(eventName, data)
        return true
      }
      return false
    })
  }

  /** Sends a command to the meeting, e.g. executeCommand('hangup'); unknown names are refused. */
  executeCommand(name, ...args) {
    if (!(name in COMMANDS)) {
      console.error('Not supported command name.')
      return
    }
    this._transport.sendEvent({ data: args, name: COMMANDS[name] })
  }

  executeCommands(commandList) {
    for (const name of Object.keys(commandList)) this.executeCommand(name, commandList[name])
  }

  isAudioMuted() {
    return this._transport.sendRequest({ name: 'is-audio-muted' })
  }

  isVideoMuted() {
    return this._transport.sendRequest({ name: 'is-video-muted' })
  }

  getIFrame() {
    return this._frame
  }

  getNumberOfParticipants() {
    return this._numberOfParticipants
  }

  getParticipantsInfo() {
    return Object.entries(this._participants).map(([participantId, info]) => ({ ...info, participantId }))
  }

  getDisplayName(participantId) {
    return (this._participants[participantId] || {}).displayName
  }

  /** Deprecated aliases the real API still has. */
  addEventListener(event, listener) {
    this.on(event, listener)
  }

  addEventListeners(listeners) {
    for (const event of Object.keys(listeners)) this.addEventListener(event, listeners[event])
  }

  removeEventListener(event) {
    this.removeAllListeners(event)
  }

  removeEventListeners(eventList) {
    eventList.forEach((event) => this.removeEventListener(event))
  }

  /** Stops the transport, drops every listener and removes the iframe. */
  dispose() {
    this.emit('_willDispose')
    this._transport.dispose()
    this.removeAllListeners()
    if (this._frame && this._frame.parentNode) this._frame.parentNode.removeChild(this._frame)
  }
}

// Like the real UMD build: a page that loads the script gets the class as a global.
globalThis.JitsiMeetExternalAPI = JitsiMeetExternalAPI
