import { beforeEach, describe, expect, it, vi } from 'vitest'

import { FakeJitsiApi } from '../helpers/fakes'

// jitsi.js caches scripts per URL in module state: a fresh module for every test. It imports
// nothing (tests/jitsi_standin loads it into a plain page): its callers translate.
let jitsi

/**
 * A document whose <head> is a detached element: happy-dom never tries to fetch a script that
 * is not in a document, so the test decides when it "loads" or "fails".
 */
function fakeDocument() {
  return {
    createElement: (tag) => document.createElement(tag),
    head: document.createElement('div'),
    defaultView: {},
  }
}

const URL_A = 'https://meet.example/external_api.js'
const URL_B = 'https://8x8.vc/vpaas-magic-cookie-1/external_api.js'

beforeEach(async () => {
  vi.resetModules()
  jitsi = await import('@/services/jitsi')
  FakeJitsiApi.reset()
})

const scripts = (doc) => [...doc.head.querySelectorAll('script')]

describe('loadJitsiScript', () => {
  it('appends one async script for the URL and resolves with the API class once it loads', async () => {
    const doc = fakeDocument()
    const loading = jitsi.loadJitsiScript(URL_A, doc)

    expect(scripts(doc)).toHaveLength(1)
    const [script] = scripts(doc)
    expect(script.src).toBe(URL_A)
    expect(script.async).toBe(true)

    doc.defaultView.JitsiMeetExternalAPI = FakeJitsiApi
    script.dispatchEvent(new Event('load'))

    await expect(loading).resolves.toBe(FakeJitsiApi)
  })

  it('reuses the same load for a second call with the same URL', async () => {
    const doc = fakeDocument()
    const first = jitsi.loadJitsiScript(URL_A, doc)
    const second = jitsi.loadJitsiScript(URL_A, doc)

    expect(second).toBe(first)
    expect(scripts(doc)).toHaveLength(1)

    doc.defaultView.JitsiMeetExternalAPI = FakeJitsiApi
    scripts(doc)[0].dispatchEvent(new Event('load'))
    await first

    await expect(jitsi.loadJitsiScript(URL_A, doc)).resolves.toBe(FakeJitsiApi)
    expect(scripts(doc)).toHaveLength(1)
  })

  it('loads a different URL separately', () => {
    const doc = fakeDocument()
    jitsi.loadJitsiScript(URL_A, doc)
    jitsi.loadJitsiScript(URL_B, doc)

    expect(scripts(doc).map((s) => s.src)).toEqual([URL_A, URL_B])
  })

  it('rejects with a readable message naming the URL when the script fails to load', async () => {
    const doc = fakeDocument()
    const loading = jitsi.loadJitsiScript(URL_A, doc)

    scripts(doc)[0].dispatchEvent(new Event('error'))

    await expect(loading).rejects.toThrow(`The video service could not be reached (${URL_A}).`)
  })

  it('tries again on the next call after a failure', async () => {
    const doc = fakeDocument()
    const failed = jitsi.loadJitsiScript(URL_A, doc)
    scripts(doc)[0].dispatchEvent(new Event('error'))
    await expect(failed).rejects.toThrow()

    const retry = jitsi.loadJitsiScript(URL_A, doc)

    expect(retry).not.toBe(failed)
    expect(scripts(doc)).toHaveLength(2)
    doc.defaultView.JitsiMeetExternalAPI = FakeJitsiApi
    scripts(doc)[1].dispatchEvent(new Event('load'))
    await expect(retry).resolves.toBe(FakeJitsiApi)
  })

  it('rejects when the script loads but defines no JitsiMeetExternalAPI, and allows a retry', async () => {
    const doc = fakeDocument()
    const loading = jitsi.loadJitsiScript(URL_A, doc)

    scripts(doc)[0].dispatchEvent(new Event('load')) // e.g. a captive portal's page

    await expect(loading).rejects.toThrow(/not with the Jitsi API/)
    expect(jitsi.loadJitsiScript(URL_A, doc)).not.toBe(loading)
  })

  it('says why it failed by a reason the page translates', async () => {
    const doc = fakeDocument()
    const loading = jitsi.loadJitsiScript(URL_A, doc)

    scripts(doc)[0].dispatchEvent(new Event('error'))

    await expect(loading).rejects.toMatchObject({ reason: 'unreachable', url: URL_A })
    await expect(loading).rejects.toBeInstanceOf(jitsi.VideoScriptError)
  })

  it('appends to the real document and reads the API from its window by default', async () => {
    const appended = []
    vi.spyOn(document.head, 'appendChild').mockImplementation((node) => {
      appended.push(node) // kept out of the document: happy-dom would try to fetch it
      return node
    })
    const loading = jitsi.loadJitsiScript('https://default-doc.example/external_api.js')

    expect(appended.map((s) => s.src)).toEqual(['https://default-doc.example/external_api.js'])
    window.JitsiMeetExternalAPI = FakeJitsiApi
    try {
      appended[0].dispatchEvent(new Event('load'))
      await expect(loading).resolves.toBe(FakeJitsiApi)
    } finally {
      delete window.JitsiMeetExternalAPI
    }
  })
})

describe('startMeeting', () => {
  const config = {
    mode: 'token',
    domain: 'meet.example',
    script_url: URL_A,
    room_name: 'ic-demo-3f9a',
    jwt: 'eyJhbGciOi.payload.sig',
    moderator: true,
    user_info: { displayName: 'Ann' },
    config_overwrite: { prejoinConfig: { enabled: true }, subject: 'Demo circle' },
    interface_config_overwrite: { SHOW_JITSI_WATERMARK: false },
    notice: null,
  }

  it('passes the domain and every option from the config', () => {
    const parent = document.createElement('div')

    const meeting = jitsi.startMeeting(FakeJitsiApi, config, parent)

    expect(meeting).toBeInstanceOf(FakeJitsiApi)
    expect(meeting.domain).toBe('meet.example')
    expect(meeting.options).toMatchObject({
      roomName: 'ic-demo-3f9a',
      jwt: 'eyJhbGciOi.payload.sig',
      userInfo: { displayName: 'Ann' },
      configOverwrite: { prejoinConfig: { enabled: true }, subject: 'Demo circle' },
      interfaceConfigOverwrite: { SHOW_JITSI_WATERMARK: false },
    })
    expect(meeting.options.parentNode).toBe(parent)
  })

  it('names the call frame for screen readers when given a title', () => {
    const parent = document.createElement('div')
    expect(jitsi.startMeeting(FakeJitsiApi, config, parent, {}, { title: 'Video call' }).getIFrame().title).toBe(
      'Video call',
    )
  })

  it('gives the call the language it is asked for, and none when not asked', () => {
    const parent = document.createElement('div')
    expect(jitsi.startMeeting(FakeJitsiApi, config, parent, {}, { lang: 'de' }).options.lang).toBe('de')
    expect(jitsi.startMeeting(FakeJitsiApi, config, parent).options).not.toHaveProperty('lang')
  })

  it('sends no jwt at all when the config has none (public mode)', () => {
    const meeting = jitsi.startMeeting(
      FakeJitsiApi,
      { ...config, mode: 'public', jwt: null },
      document.createElement('div'),
    )

    expect('jwt' in meeting.options).toBe(false)
  })

  it('calls the handlers on joined, left and readyToClose', () => {
    const handlers = { onJoined: vi.fn(), onLeft: vi.fn(), onReadyToClose: vi.fn(), onParticipantJoined: vi.fn() }
    const meeting = jitsi.startMeeting(FakeJitsiApi, config, document.createElement('div'), handlers)

    meeting.fire('videoConferenceJoined', { roomName: 'ic-demo-3f9a' })
    expect(handlers.onJoined).toHaveBeenCalledWith({ roomName: 'ic-demo-3f9a' })
    expect(handlers.onLeft).not.toHaveBeenCalled()

    meeting.fire('videoConferenceLeft', { roomName: 'ic-demo-3f9a' })
    expect(handlers.onLeft).toHaveBeenCalledTimes(1)

    meeting.fire('readyToClose')
    expect(handlers.onReadyToClose).toHaveBeenCalledTimes(1)

    meeting.fire('participantJoined', { id: 'x' })
    expect(handlers.onParticipantJoined).toHaveBeenCalledWith({ id: 'x' })
  })

  it('tolerates missing handlers', () => {
    const meeting = jitsi.startMeeting(FakeJitsiApi, config, document.createElement('div'))

    expect(() => {
      meeting.fire('videoConferenceJoined')
      meeting.fire('videoConferenceLeft')
      meeting.fire('readyToClose')
    }).not.toThrow()
  })
})

describe('hangUp and disposeMeeting', () => {
  it('hangUp sends the hangup command', () => {
    const meeting = new FakeJitsiApi('meet.example', {})

    jitsi.hangUp(meeting)

    expect(meeting.commands).toEqual([['hangup']])
  })

  it('hangUp without a meeting does nothing', () => {
    expect(() => jitsi.hangUp(null)).not.toThrow()
  })

  it('disposeMeeting disposes, and tolerates a second call and no meeting', () => {
    const meeting = new FakeJitsiApi('meet.example', {})

    jitsi.disposeMeeting(meeting)
    expect(meeting.disposeCalls).toBe(1)

    expect(() => jitsi.disposeMeeting(meeting)).not.toThrow()
    expect(() => jitsi.disposeMeeting(null)).not.toThrow()
  })
})
