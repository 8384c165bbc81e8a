// The meeting page of the Jitsi stand-in (site/room.html, served for any path: /<room>,
// /<tenant>/<room>). Like Jitsi Meet's modules/API/API.js it reads the hash parameters, opens the
// postis transport scoped to jitsi_meet_external_api_<id> (the "__ready__" handshake is postis's
// own), receives commands as events and answers requests. Instead of a conference it takes the
// (fake) camera, tells the recorder what it was given, and reports itself joined.
import { safeJsonParse } from '@jitsi/js-utils/json'
import { PostMessageTransportBackend, Transport } from '@jitsi/js-utils/transport'

// #key=<URI-encoded JSON>&... as Jitsi Meet's parseURLParams reads them.
function parseHashParams(hash) {
  const params = {}
  for (const part of hash.replace(/^#/, '').split('&')) {
    const [key, value] = part.split('=')
    if (!key || value === undefined) continue
    try {
      const decoded = decodeURIComponent(value)
      params[key] = decoded === 'undefined' ? undefined : safeJsonParse(decoded)
    } catch {
      console.warn(`stand-in: ignoring unparsable hash parameter ${key}`)
    }
  }
  return params
}

// { config: {...}, interfaceConfig: {...}, userInfo: {...} } from config.x, interfaceConfig.y...
function groupParams(params) {
  const groups = { config: {}, interfaceConfig: {}, userInfo: {}, appData: {} }
  for (const [key, value] of Object.entries(params)) {
    const dot = key.indexOf('.')
    const group = dot > 0 ? groups[key.slice(0, dot)] : undefined
    if (group) group[key.slice(dot + 1)] = value
  }
  return groups
}

function jwtPayload(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    const json = decodeURIComponent(
      Array.from(atob(part), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
    )
    return JSON.parse(json)
  } catch {
    return null
  }
}

// Jitsi endpoint ids are 8 hex digits.
function endpointId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('')
}

const hashParams = parseHashParams(window.location.hash)
const { config, interfaceConfig, userInfo } = groupParams(hashParams)
const apiId = hashParams.jitsi_meet_external_api_id
const jwt = new URLSearchParams(window.location.search).get('jwt')
// The interface language Jitsi Meet would show (?lang=, from the IFrame API's `lang` option).
const lang = new URLSearchParams(window.location.search).get('lang')
const claims = jwt ? jwtPayload(jwt) : null
const segments = window.location.pathname.split('/').filter(Boolean).map(decodeURIComponent)
// Jitsi Meet lower-cases the conference name; a leading segment is the tenant (JaaS: AppID).
const roomName = (segments[segments.length - 1] || '').toLowerCase()
const tenant = segments.slice(0, -1).join('/')

const state = {
  id: endpointId(),
  // With a token, Jitsi Meet takes the name from context.user.name, else from userInfo.
  displayName: claims?.context?.user?.name || userInfo.displayName || '',
  audioMuted: Boolean(config.startWithAudioMuted),
  videoMuted: Boolean(config.startWithVideoMuted),
  joined: false,
  stream: null,
  media: 'none',
  commands: [],
  participants: {},
}

const statusEl = document.getElementById('status')
document.getElementById('roomName').textContent = roomName

function setStatus(key, text) {
  statusEl.dataset.state = key
  statusEl.textContent = text
}

// Only inside the IFrame API (the id in the hash), as in Jitsi Meet.
const transport =
  typeof apiId === 'number'
    ? new Transport({
        backend: new PostMessageTransportBackend({
          postisOptions: { scope: `jitsi_meet_external_api_${apiId}` },
        }),
      })
    : null

function sendEvent(name, data = {}) {
  transport?.sendEvent({ name, ...data })
}

// Token mode: the affiliation (self-hosted) or moderator claim (JaaS). Public mode: the first in
// the room is moderator, and in the stand-in nobody is there before this page.
function isModerator() {
  const user = claims?.context?.user
  if (!user) return true
  return user.affiliation === 'owner' || user.moderator === 'true' || user.moderator === true
}

function formatted(name) {
  return name || 'Fellow Jitster'
}

function stopMedia() {
  state.stream?.getTracks().forEach((track) => track.stop())
  state.stream = null
  document.getElementById('localVideo').srcObject = null
}

function renderParticipants() {
  const list = document.getElementById('participants')
  list.replaceChildren(
    ...Object.entries(state.participants).map(([id, name]) => {
      const item = document.createElement('li')
      item.id = `participant_${id}`
      item.textContent = name
      return item
    }),
  )
}

const commands = {
  'video-hangup': () => {
    if (!state.joined) return
    state.joined = false
    stopMedia()
    setStatus('left', 'You left the meeting.')
    sendEvent('video-conference-left', { roomName })
    sendEvent('video-ready-to-close')
  },
  // Like Jitsi Meet: only a moderator may remove someone; the removed one is announced as
  // kicked out, then as gone. (The stand-in takes a token's role as the moderator's.)
  'kick-participant': (id) => {
    if (!(id in state.participants) || !isModerator()) return
    delete state.participants[id]
    renderParticipants()
    sendEvent('participant-kicked-out', { kicked: { id, local: false }, kicker: { id: state.id, local: true } })
    sendEvent('participant-left', { id })
  },
  'display-name': (name) => {
    state.displayName = name
    sendEvent('display-name-change', { id: state.id, displayname: name, formattedDisplayName: formatted(name) })
  },
  'toggle-audio': () => {
    state.audioMuted = !state.audioMuted
    sendEvent('audio-mute-status-changed', { muted: state.audioMuted })
  },
  'toggle-video': () => {
    state.videoMuted = !state.videoMuted
    sendEvent('video-mute-status-changed', { muted: state.videoMuted })
  },
}

const requests = {
  'is-audio-muted': () => state.audioMuted,
  'is-video-muted': () => state.videoMuted,
}

transport?.on('event', ({ name, data }) => {
  state.commands.push({ name, data })
  const command = commands[name]
  if (!command) return false
  command(...(data || []))
  return true
})

transport?.on('request', ({ name }, callback) => {
  const answer = requests[name]
  if (!answer) return false
  callback(answer())
  return true
})

async function startMedia() {
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true })
    document.getElementById('localVideo').srcObject = state.stream
    state.media = 'audio+video'
  } catch (error) {
    // Jitsi Meet still joins without devices; the stand-in does too, and records why.
    state.media = `error: ${error.name}`
    console.warn(`stand-in: no camera/microphone (${error.name})`)
  }
}

async function record() {
  const body = {
    room: roomName,
    path: window.location.pathname,
    tenant,
    jwt,
    lang,
    displayName: userInfo.displayName ?? null,
    userInfo,
    config,
    interfaceConfig,
    apiId: apiId ?? null,
    media: state.media,
    participantId: state.id,
  }
  const response = await fetch('/__standin/record', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) console.warn(`stand-in: the recorder answered ${response.status}`)
}

async function join() {
  await startMedia()
  await record()
  state.joined = true
  setStatus('joined', 'In the meeting.')
  sendEvent('video-conference-joined', {
    roomName,
    id: state.id,
    displayName: state.displayName,
    formattedDisplayName: formatted(state.displayName),
    avatarURL: claims?.context?.user?.avatar || '',
    breakoutRoom: false,
    visitor: false,
  })
}

// For tests (page.frame(...).evaluate): other people coming and going.
window.jitsiStandIn = {
  state,
  participantJoined({ id = endpointId(), displayName = '' } = {}) {
    state.participants[id] = displayName
    renderParticipants()
    sendEvent('participant-joined', { id, displayName, formattedDisplayName: formatted(displayName) })
    return id
  },
  participantLeft(id) {
    delete state.participants[id]
    renderParticipants()
    sendEvent('participant-left', { id })
  },
}

join()
