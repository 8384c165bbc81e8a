import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import VideoPanel from '@/components/video/VideoPanel.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'

import { FakeJitsiApi } from '../helpers/fakes'
import { deferred, httpError } from '../helpers/http'

// jitsi.js remembers every script that loaded, per URL, for the page's lifetime: each test
// uses its own script URL so that it starts from a script that has never been loaded.
let run = 0
let scripts

function jitsiConfig(overrides = {}) {
  run += 1
  return {
    mode: 'token',
    domain: 'meet.example',
    script_url: `https://meet.example/external_api.js?run=${run}`,
    room_name: 'ic-demo-3f9a',
    jwt: 'eyJhbGciOi.payload.sig',
    moderator: false,
    user_info: { displayName: 'Ana' },
    config_overwrite: { prejoinConfig: { enabled: true }, subject: 'Demo circle' },
    interface_config_overwrite: { SHOW_JITSI_WATERMARK: false },
    notice: null,
    expires_at: '2026-12-02T10:05:00Z',
    renew_after_seconds: 150,
    ...overrides,
  }
}

beforeEach(() => {
  FakeJitsiApi.reset()
  scripts = []
  // Keep Jitsi's <script> out of the document (happy-dom would try to fetch it); the test
  // plays the browser and fires its load or error.
  const realAppend = Node.prototype.appendChild
  vi.spyOn(document.head, 'appendChild').mockImplementation(function (node) {
    if (node.tagName === 'SCRIPT') {
      scripts.push(node)
      return node
    }
    return realAppend.call(this, node)
  })
})

afterEach(() => {
  delete window.JitsiMeetExternalAPI
})

function setup(props = {}) {
  return mount(VideoPanel, { props: { slug: 'demo', ...props }, attachTo: document.body })
}

const state = (wrapper) => wrapper.find('[data-testid="video-state"]').attributes('data-state')
const button = (wrapper, text) => wrapper.findAll('button').find((b) => b.text() === text)

function scriptLoads() {
  window.JitsiMeetExternalAPI = FakeJitsiApi
  scripts.at(-1).dispatchEvent(new Event('load'))
}

async function joined(props = {}, config = jitsiConfig()) {
  vi.spyOn(api, 'jitsiConfig').mockResolvedValue(config)
  const wrapper = setup(props)
  await button(wrapper, 'Join video').trigger('click')
  await flushPromises()
  scriptLoads()
  await flushPromises()
  return { wrapper, config, meeting: FakeJitsiApi.instances.at(-1) }
}

describe('VideoPanel', () => {
  it('can cancel while connecting: the half-made call is disposed and Join is offered again', async () => {
    const { wrapper, meeting } = await joined()
    expect(state(wrapper)).toBe('loading') // the pre-join screen: not joined yet

    await button(wrapper, 'Cancel').trigger('click')

    expect(meeting.disposeCalls).toBe(1)
    expect(state(wrapper)).toBe('idle')
    expect(button(wrapper, 'Join video')).toBeTruthy()
    wrapper.unmount()
  })

  it('loads nothing until the person chooses to join', () => {
    const spy = vi.spyOn(api, 'jitsiConfig')
    const wrapper = setup()

    expect(spy).not.toHaveBeenCalled()
    expect(scripts).toHaveLength(0)
    expect(state(wrapper)).toBe('idle')
    expect(wrapper.find('[data-testid="video-container"]').classes()).toContain('hidden')
    wrapper.unmount()
  })

  it('Join video fetches the config, loads the script from script_url and starts the meeting', async () => {
    const config = jitsiConfig()
    const fetchConfig = vi.spyOn(api, 'jitsiConfig').mockResolvedValue(config)
    const wrapper = setup()

    await button(wrapper, 'Join video').trigger('click')
    expect(state(wrapper)).toBe('loading')
    expect(wrapper.find('[data-testid="video-state"]').text()).toBe('Connecting to video…')
    await flushPromises()

    expect(fetchConfig).toHaveBeenCalledWith('demo')
    expect(scripts.map((s) => s.src)).toEqual([config.script_url])
    expect(FakeJitsiApi.instances).toHaveLength(0)

    scriptLoads()
    await flushPromises()

    expect(FakeJitsiApi.instances).toHaveLength(1)
    const meeting = FakeJitsiApi.instances[0]
    const container = wrapper.find('[data-testid="video-container"]')
    expect(meeting.domain).toBe('meet.example')
    expect(meeting.options.roomName).toBe('ic-demo-3f9a')
    expect(meeting.options.jwt).toBe('eyJhbGciOi.payload.sig')
    expect(meeting.options.userInfo).toEqual({ displayName: 'Ana' })
    expect(meeting.options.parentNode).toBe(container.element)
    expect(container.classes()).not.toContain('hidden')
    wrapper.unmount()
  })

  it('is in the call on videoConferenceJoined, and Leave sends hangup', async () => {
    const { wrapper, meeting } = await joined()

    meeting.fire('videoConferenceJoined', { roomName: 'ic-demo-3f9a' })
    await flushPromises()

    expect(state(wrapper)).toBe('joined')
    expect(wrapper.find('[data-testid="video-state"]').text()).toBe('You are in the call.')
    expect(button(wrapper, 'Join video')).toBeUndefined()

    await button(wrapper, 'Leave video').trigger('click')

    expect(meeting.commands).toEqual([['hangup']])
    wrapper.unmount()
  })

  it('has left on videoConferenceLeft: the meeting is disposed and joining again is offered', async () => {
    const { wrapper, meeting } = await joined()
    meeting.fire('videoConferenceJoined')
    await flushPromises()

    meeting.fire('videoConferenceLeft')
    await flushPromises()

    expect(state(wrapper)).toBe('left')
    expect(wrapper.find('[data-testid="video-state"]').text()).toBe('You left the call.')
    expect(meeting.disposeCalls).toBe(1)
    expect(button(wrapper, 'Join video again')).toBeDefined()
    expect(wrapper.find('[data-testid="video-container"]').classes()).toContain('hidden')
    wrapper.unmount()
  })

  it('has left on readyToClose too', async () => {
    const { wrapper, meeting } = await joined()

    meeting.fire('readyToClose')
    await flushPromises()

    expect(state(wrapper)).toBe('left')
    expect(meeting.disposeCalls).toBe(1)
    wrapper.unmount()
  })

  it('joins again with a new meeting, reusing the loaded script', async () => {
    const config = jitsiConfig()
    const { wrapper, meeting } = await joined({}, config)
    meeting.fire('videoConferenceLeft')
    await flushPromises()

    await button(wrapper, 'Join video again').trigger('click')
    await flushPromises()

    expect(scripts).toHaveLength(1)
    expect(FakeJitsiApi.instances).toHaveLength(2)
    wrapper.unmount()
  })

  it("says the video service could not be reached in the page's language", async () => {
    await setLocale('es')
    const config = jitsiConfig()
    vi.spyOn(api, 'jitsiConfig').mockResolvedValue(config)
    const wrapper = setup()
    await wrapper.find('button').trigger('click')
    await flushPromises()

    scripts[0].dispatchEvent(new Event('error'))
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toContain(
      `No se pudo contactar con el servicio de vídeo (${config.script_url}).`,
    )
  })

  it('shows an alert that says the messages keep working when the script fails', async () => {
    const config = jitsiConfig()
    vi.spyOn(api, 'jitsiConfig').mockResolvedValue(config)
    const wrapper = setup()
    await button(wrapper, 'Join video').trigger('click')
    await flushPromises()

    scripts[0].dispatchEvent(new Event('error'))
    await flushPromises()

    const alert = wrapper.find('[role="alert"]')
    expect(alert.text()).toContain('could not be reached')
    expect(alert.text()).toContain(config.script_url)
    expect(alert.text()).toContain('The messages keep working without video.')
    expect(state(wrapper)).toBe('error')
    expect(button(wrapper, 'Join video again')).toBeDefined()
    expect(FakeJitsiApi.instances).toHaveLength(0)
    wrapper.unmount()
  })

  it('tries the script again after a failure', async () => {
    const config = jitsiConfig()
    vi.spyOn(api, 'jitsiConfig').mockResolvedValue(config)
    const wrapper = setup()
    await button(wrapper, 'Join video').trigger('click')
    await flushPromises()
    scripts[0].dispatchEvent(new Event('error'))
    await flushPromises()

    await button(wrapper, 'Join video again').trigger('click')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    scriptLoads()
    await flushPromises()

    expect(scripts).toHaveLength(2)
    expect(FakeJitsiApi.instances).toHaveLength(1)
    wrapper.unmount()
  })

  it("shows the server's sentence when the config request fails", async () => {
    vi.spyOn(api, 'jitsiConfig').mockRejectedValue(
      httpError(503, { error: 'video_unavailable', detail: 'Video is not configured on this server yet.' }),
    )
    const wrapper = setup()

    await button(wrapper, 'Join video').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('Video is not configured on this server yet.')
    expect(scripts).toHaveLength(0)
    wrapper.unmount()
  })

  it('shows the public-mode notice to facilitators', async () => {
    const notice = 'This room is on the public meet.jit.si: anyone with its name can join.'
    const { wrapper } = await joined({ isFacilitator: true }, jitsiConfig({ mode: 'public', jwt: null, notice }))

    expect(wrapper.find('[data-testid="public-mode-notice"]').text()).toBe(notice)
    wrapper.unmount()
  })

  it('does not show the public-mode notice to participants', async () => {
    const notice = 'This room is on the public meet.jit.si: anyone with its name can join.'
    const { wrapper, meeting } = await joined(
      { isFacilitator: false },
      jitsiConfig({ mode: 'public', jwt: null, notice }),
    )

    expect(wrapper.find('[data-testid="public-mode-notice"]').exists()).toBe(false)
    expect('jwt' in meeting.options).toBe(false)
    wrapper.unmount()
  })

  it('disposes the meeting when it unmounts', async () => {
    const { wrapper, meeting } = await joined()
    meeting.fire('videoConferenceJoined')
    await flushPromises()

    wrapper.unmount()

    expect(meeting.disposeCalls).toBe(1)
  })

  // Leaving the room while the Jitsi script is still loading: the script arrives after the
  // panel is gone. Starting a meeting then would put a live call (camera, microphone) into a
  // page that no longer shows it (Jitsi puts the iframe in document.body when parentNode is null).
  it('starts no meeting when unmounted while the script was loading', async () => {
    vi.spyOn(api, 'jitsiConfig').mockResolvedValue(jitsiConfig())
    const wrapper = setup()
    await button(wrapper, 'Join video').trigger('click')
    await flushPromises()

    wrapper.unmount()
    scriptLoads()
    await flushPromises()

    const live = FakeJitsiApi.instances.filter((meeting) => meeting.disposeCalls === 0)
    expect(live).toEqual([])
  })

  it('starts no meeting when unmounted while the config was loading', async () => {
    const config = deferred()
    vi.spyOn(api, 'jitsiConfig').mockReturnValue(config.promise)
    const wrapper = setup()
    await button(wrapper, 'Join video').trigger('click')

    wrapper.unmount()
    config.resolve(jitsiConfig())
    await flushPromises()
    if (scripts.length) scriptLoads()
    await flushPromises()

    const live = FakeJitsiApi.instances.filter((meeting) => meeting.disposeCalls === 0)
    expect(live).toEqual([])
  })

  describe('saying whether the page is in the call', () => {
    // The room listens (onInCall), as it does in the page: it hears the panel even as it goes.
    let heard
    const listening = (props = {}) => ({ onInCall: (inCall) => heard.push(inCall), ...props })
    const said = () => heard
    beforeEach(() => {
      heard = []
    })

    it('says in-call on videoConferenceJoined, and not before', async () => {
      const { wrapper, meeting } = await joined(listening())
      expect(said()).toEqual([]) // the pre-join screen is not the call

      meeting.fire('videoConferenceJoined', {})
      await flushPromises()

      expect(said()).toEqual([true])
      wrapper.unmount()
    })

    it.each(['videoConferenceLeft', 'readyToClose'])('says out of the call on %s, once', async (event) => {
      const { wrapper, meeting } = await joined(listening())
      meeting.fire('videoConferenceJoined', {})

      meeting.fire(event, {})
      meeting.fire('readyToClose', {}) // Jitsi sends both on a hang-up
      wrapper.unmount()

      expect(said()).toEqual([true, false])
    })

    it('says out of the call when the panel goes while in it', async () => {
      const { wrapper, meeting } = await joined(listening())
      meeting.fire('videoConferenceJoined', {})

      wrapper.unmount()

      expect(said()).toEqual([true, false])
    })

    it('says nothing when the person never got into the call', async () => {
      const { wrapper } = await joined(listening())

      await button(wrapper, 'Cancel').trigger('click')
      wrapper.unmount()

      expect(said()).toEqual([])
    })

    it('says out, then in again, when the call moves to a new room', async () => {
      const { wrapper, meeting } = await joined(listening({ videoRoom: 'tag-1' }))
      meeting.fire('videoConferenceJoined', {})
      vi.spyOn(api, 'jitsiConfig').mockResolvedValue(jitsiConfig())

      await wrapper.setProps({ videoRoom: 'tag-2' })
      await flushPromises()
      scriptLoads()
      await flushPromises()
      FakeJitsiApi.instances.at(-1).fire('videoConferenceJoined', {})

      expect(said()).toEqual([true, false, true])
      wrapper.unmount()
    })
  })

  describe('when access ends', () => {
    afterEach(() => {
      vi.useRealTimers()
    })

    it("removes everyone called by the revoked key's name from the call, and says so", async () => {
      const { wrapper, meeting } = await joined({ isFacilitator: true })
      meeting.fire('videoConferenceJoined', {})
      meeting.fire('participantJoined', { id: 'a1', displayName: 'Participant #7' })
      meeting.fire('participantJoined', { id: 'b2', displayName: 'Ana' })
      meeting.fire('participantJoined', { id: 'c3', displayName: 'Participant #7' })
      meeting.fire('participantLeft', { id: 'c3' })
      await flushPromises()

      expect(wrapper.vm.removeFromCall('Participant #7')).toBe(1)
      await flushPromises()

      expect(meeting.commands).toEqual([['kickParticipant', 'a1']])
      expect(wrapper.find('[data-testid="video-action-status"]').text()).toBe(
        'Participant #7 was removed from the call.',
      )
      wrapper.unmount()
    })

    it('finds a participant by the name they changed to, and removes nobody when nobody matches', async () => {
      const { wrapper, meeting } = await joined({ isFacilitator: true })
      meeting.fire('participantJoined', { id: 'a1', displayName: 'Someone' })
      meeting.fire('displayNameChange', { id: 'a1', displayname: 'Pat' })

      expect(wrapper.vm.removeFromCall('Someone')).toBe(0)
      expect(wrapper.vm.removeFromCall('Pat')).toBe(1)
      expect(meeting.commands).toEqual([['kickParticipant', 'a1']])
      wrapper.unmount()
    })

    it('removes nobody when not in the call', () => {
      const wrapper = setup({ isFacilitator: true })

      expect(wrapper.vm.removeFromCall('Pat')).toBe(0)
      wrapper.unmount()
    })

    it('renews the token halfway through its life while the key is good', async () => {
      vi.useFakeTimers()
      const { wrapper, meeting } = await joined()
      meeting.fire('videoConferenceJoined', {})
      const renewals = vi.spyOn(api, 'jitsiConfig').mockClear().mockResolvedValue(jitsiConfig())

      await vi.advanceTimersByTimeAsync(149_000)
      expect(renewals).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(1_000)
      expect(renewals).toHaveBeenCalledTimes(1)
      await vi.advanceTimersByTimeAsync(150_000)
      expect(renewals).toHaveBeenCalledTimes(2)

      expect(state(wrapper)).toBe('joined')
      expect(meeting.disposeCalls).toBe(0)
      wrapper.unmount()
    })

    it('leaves the call when the renewal is refused (key revoked, expired or signed out)', async () => {
      vi.useFakeTimers()
      const { wrapper, meeting } = await joined()
      meeting.fire('videoConferenceJoined', {})
      vi.spyOn(api, 'jitsiConfig').mockRejectedValue(httpError(401, 'not_authenticated', 'No.'))

      await vi.advanceTimersByTimeAsync(150_000)

      expect(meeting.disposeCalls).toBe(1)
      expect(state(wrapper)).toBe('error')
      expect(wrapper.find('[role="alert"]').text()).toBe(
        'Your key no longer opens this circle, so you have left the call.',
      )
      wrapper.unmount()
    })

    it('stays in the call when a renewal fails for another reason, and tries again soon', async () => {
      vi.useFakeTimers()
      const { wrapper, meeting } = await joined()
      meeting.fire('videoConferenceJoined', {})
      const renewals = vi.spyOn(api, 'jitsiConfig').mockClear().mockRejectedValueOnce(new Error('offline'))
      renewals.mockResolvedValue(jitsiConfig())

      await vi.advanceTimersByTimeAsync(150_000)
      expect(state(wrapper)).toBe('joined')
      await vi.advanceTimersByTimeAsync(10_000)

      expect(renewals).toHaveBeenCalledTimes(2)
      expect(meeting.disposeCalls).toBe(0)
      wrapper.unmount()
    })

    it('stops renewing after leaving the call', async () => {
      vi.useFakeTimers()
      const { wrapper, meeting } = await joined()
      meeting.fire('videoConferenceJoined', {})
      meeting.fire('videoConferenceLeft', {})
      const renewals = vi.spyOn(api, 'jitsiConfig').mockClear()

      await vi.advanceTimersByTimeAsync(600_000)

      expect(renewals).not.toHaveBeenCalled()
      wrapper.unmount()
    })
  })

  describe('a new room', () => {
    afterEach(() => {
      vi.unstubAllGlobals()
    })

    it('follows the call to a new room: leaves the old one and joins again', async () => {
      const { wrapper, meeting } = await joined({ videoRoom: 'tag-1' })
      meeting.fire('videoConferenceJoined', {})
      const moved = jitsiConfig({ room_name: 'ic-new-room' })
      vi.spyOn(api, 'jitsiConfig').mockResolvedValue(moved)

      await wrapper.setProps({ videoRoom: 'tag-2' })
      await flushPromises()
      scriptLoads()
      await flushPromises()

      expect(meeting.disposeCalls).toBe(1)
      expect(FakeJitsiApi.instances.at(-1).options.roomName).toBe('ic-new-room')
      wrapper.unmount()
    })

    it('does not join when the room moves while the person is not in the call', async () => {
      const fetchConfig = vi.spyOn(api, 'jitsiConfig')
      const wrapper = setup({ videoRoom: 'tag-1' })

      await wrapper.setProps({ videoRoom: 'tag-2' })
      await flushPromises()

      expect(fetchConfig).not.toHaveBeenCalled()
      wrapper.unmount()
    })

    it('offers the facilitator, and only the facilitator, to move the call', async () => {
      const participant = setup()
      expect(button(participant, 'Move to a new room')).toBeUndefined()
      participant.unmount()

      const moveRoom = vi.spyOn(api, 'newVideoRoom').mockResolvedValue({})
      vi.stubGlobal(
        'confirm',
        vi.fn(() => true),
      )
      const wrapper = setup({ isFacilitator: true })
      await button(wrapper, 'Move to a new room').trigger('click')
      await flushPromises()

      expect(moveRoom).toHaveBeenCalledWith('demo')
      expect(wrapper.find('[data-testid="video-action-status"]').text()).toBe('The call moved to a new room.')
      wrapper.unmount()
    })

    it('moves nothing when the facilitator does not confirm', async () => {
      const moveRoom = vi.spyOn(api, 'newVideoRoom')
      vi.stubGlobal(
        'confirm',
        vi.fn(() => false),
      )
      const wrapper = setup({ isFacilitator: true })

      await button(wrapper, 'Move to a new room').trigger('click')

      expect(moveRoom).not.toHaveBeenCalled()
      wrapper.unmount()
    })
  })
})

describe('VideoPanel: languages and phones', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it("speaks the viewer's language, and gives the call the same", async () => {
    await setLocale('es')
    vi.spyOn(api, 'jitsiConfig').mockResolvedValue(jitsiConfig())
    const wrapper = setup({ isFacilitator: true })
    expect(wrapper.find('h2').text()).toBe('Vídeo')
    expect(button(wrapper, 'Pasar a una sala nueva')).toBeTruthy()

    await button(wrapper, 'Unirse al vídeo').trigger('click')
    await flushPromises()
    scriptLoads()
    await flushPromises()

    expect(FakeJitsiApi.instances.at(-1).options.lang).toBe('es')
    expect(wrapper.find('[data-testid="video-state"]').text()).toBe('Conectando con el vídeo…')
    expect(button(wrapper, 'Cancelar')).toBeTruthy()
    wrapper.unmount()
  })

  it('says in German that the messages keep working when the script fails', async () => {
    await setLocale('de')
    const config = jitsiConfig()
    vi.spyOn(api, 'jitsiConfig').mockResolvedValue(config)
    const wrapper = setup()
    await button(wrapper, 'Video beitreten').trigger('click')
    await flushPromises()

    scripts.at(-1).dispatchEvent(new Event('error'))
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe(
      `Der Videodienst war nicht erreichbar (${config.script_url}). Die Nachrichten funktionieren auch ohne Video weiter.`,
    )
    expect(button(wrapper, 'Video erneut beitreten')).toBeTruthy()
    wrapper.unmount()
  })

  it('asks to move the room in the language shown', async () => {
    await setLocale('de')
    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)
    const wrapper = setup({ isFacilitator: true })

    await button(wrapper, 'In einen neuen Raum wechseln').trigger('click')

    expect(confirm.mock.calls[0][0]).toMatch(/^Den Anruf in einen neuen Raum verlegen\?/)
    wrapper.unmount()
  })

  it('takes at most 40% of the height of a phone, and is 16:9 from the sm breakpoint on', () => {
    const wrapper = setup()

    const classes = wrapper.find('[data-testid="video-container"]').classes()
    expect(classes).toEqual(expect.arrayContaining(['h-[40vh]', 'w-full', 'sm:h-auto', 'sm:aspect-video']))
    expect(classes).not.toContain('aspect-video') // below sm the height is the 40%, whatever the width
    expect(classes.filter((name) => /^(min-)?w-\[/.test(name))).toEqual([]) // no fixed width
    wrapper.unmount()
  })

  it('gives every button a touch target of at least 44 px', async () => {
    const wrapper = setup({ isFacilitator: true })

    const buttons = wrapper.findAll('button')
    expect(buttons.length).toBeGreaterThan(1)
    for (const each of buttons) expect(each.classes()).toContain('min-h-11')
    wrapper.unmount()
  })
})
