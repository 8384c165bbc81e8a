import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import { setLocale } from '@/i18n'
import { createAppRouter } from '@/router'
import { api } from '@/services/api'
import { useCirclesStore } from '@/stores/circles'
import { useRhythmStore } from '@/stores/rhythm'
import { useVoiceStore } from '@/stores/voice'
import VideoPanel from '@/components/video/VideoPanel.vue'
import CircleRoomView from '@/views/CircleRoomView.vue'

import { FakeEventSource, message, page } from '../helpers/fakes'
import { deferred, httpError } from '../helpers/http'
import { rhythm, runSheetItem, stubRhythm } from '../helpers/rhythm'
import { ownVoice, response, signal, stubVoice, voice } from '../helpers/voice'

const participant = { role: 'participant', display_name: 'Ana', circles: [{ slug: 'demo', name: 'Demo circle' }] }
const facilitator = { role: 'facilitator', display_name: 'Ann', circles: [{ slug: 'demo', name: 'Demo circle' }] }

function circle(overrides = {}) {
  return {
    slug: 'demo',
    name: 'Demo circle',
    description: 'Tuesdays at seven',
    next_session: null,
    active: true,
    facilitator: 'Ann',
    current_prompt: null,
    viewer_is_facilitator: false,
    schedule: null,
    upcoming: null,
    ...overrides,
  }
}

let pinia
let router
let me

beforeEach(() => {
  FakeEventSource.reset()
  vi.stubGlobal('EventSource', FakeEventSource)
  pinia = createPinia()
  router = createAppRouter(pinia, createMemoryHistory())
})

afterEach(() => {
  vi.unstubAllGlobals()
})

async function enter({
  identity = participant,
  detail = circle(),
  history = [],
  newest = page(history),
  keys = [],
  rhythmAnswer = rhythm(),
  sessions = [],
  items = [],
  voiceAnswer = voice(),
  own = ownVoice(),
} = {}) {
  me = vi.spyOn(api, 'me').mockResolvedValue(identity)
  stubRhythm({ answer: rhythmAnswer, sessions, items })
  stubVoice({ answer: voiceAnswer, own })
  vi.spyOn(api, 'getCircle').mockResolvedValue(detail)
  vi.spyOn(api, 'listMessages').mockResolvedValue(newest)
  vi.spyOn(api, 'listKeys').mockResolvedValue(keys)
  await router.push('/circles/demo')
  const wrapper = mount(CircleRoomView, {
    props: { slug: 'demo' },
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

const composer = (wrapper) => wrapper.find('section[aria-labelledby="composer-title"]')
const keyManager = (wrapper) => wrapper.find('section[aria-labelledby="keys-title"]')
const bodies = (wrapper) => wrapper.findAll('[data-testid="message-body"]').map((b) => b.text())

describe('CircleRoomView', () => {
  it('shows the circle, its messages and the video panel, and follows the live stream', async () => {
    const wrapper = await enter({
      history: [message(1, 'announcement', 'Welcome'), message(2, 'announcement', 'Settle in')],
    })

    expect(api.getCircle).toHaveBeenCalledWith('demo')
    expect(wrapper.find('[data-testid="circle-name"]').text()).toBe('Demo circle')
    expect(wrapper.text()).toContain('Facilitated by Ann')
    expect(document.title).toBe('Demo circle · InquiryCircle')
    expect(bodies(wrapper)).toEqual(['Settle in', 'Welcome'])
    expect(wrapper.findAll('button').some((b) => b.text() === 'Join video')).toBe(true)

    expect(FakeEventSource.instances).toHaveLength(1)
    const source = FakeEventSource.last
    expect(source.params.get('circle')).toBe('demo')
    expect(source.params.get('after')).toBe('2')

    source.open()
    source.emit(message(3, 'time_cue', '5 minutes left'))
    await flushPromises()

    expect(wrapper.find('[data-testid="connection-state"]').text()).toBe('Live')
    expect(bodies(wrapper)[0]).toBe('5 minutes left')
    wrapper.unmount()
  })

  it('announces each live message once, never the history it opened with', async () => {
    const wrapper = await enter({
      history: [message(1, 'announcement', 'Welcome'), message(2, 'prompt', 'What did you notice?')],
    })
    const spoken = () => wrapper.findAll('[data-testid="feed-announcer"] p').map((line) => line.text())
    const source = FakeEventSource.last
    source.open()
    await flushPromises()
    expect(spoken()).toEqual([])

    source.emit(message(3, 'time_cue', '5 minutes left'))
    await flushPromises()
    expect(spoken()).toEqual(['Time cue from Ann: 5 minutes left'])

    // The connection drops; the browser reconnects and the server sends 3 again, then 4.
    source.fail(FakeEventSource.CONNECTING)
    await flushPromises()
    source.open()
    source.emit(message(3, 'time_cue', '5 minutes left'))
    source.emit(message(4, 'announcement', 'Back together'))
    await flushPromises()

    expect(spoken()).toEqual(['Time cue from Ann: 5 minutes left', 'Announcement from Ann: Back together'])
    expect(bodies(wrapper)).toEqual(['Back together', '5 minutes left', 'What did you notice?', 'Welcome'])
    wrapper.unmount()
  })

  it("shows the room in the viewer's language", async () => {
    await setLocale('es')
    const wrapper = await enter({ detail: circle({ viewer_is_facilitator: true }), identity: facilitator })

    expect(wrapper.text()).toContain('Facilitado por Ann')
    expect(wrapper.find('#session-title').text()).toBe('Sesión')
    expect(wrapper.find('#feed-title').text()).toBe('Mensajes')
    expect(wrapper.find('#composer-title').text()).toBe('Enviar al círculo')
    expect(document.title).toBe('Demo circle · InquiryCircle')
    wrapper.unmount()
  })

  it('shows a participant no composer and no key manager', async () => {
    const wrapper = await enter({ identity: participant, detail: circle({ viewer_is_facilitator: false }) })

    expect(wrapper.find('[data-testid="circle-name"]').exists()).toBe(true)
    expect(composer(wrapper).exists()).toBe(false)
    expect(wrapper.find('textarea').exists()).toBe(false)
    expect(keyManager(wrapper).exists()).toBe(false)
    expect(api.listKeys).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('shows a facilitator the composer and the key manager', async () => {
    const wrapper = await enter({ identity: facilitator, detail: circle({ viewer_is_facilitator: true }) })

    expect(composer(wrapper).exists()).toBe(true)
    expect(keyManager(wrapper).exists()).toBe(true)
    expect(api.listKeys).toHaveBeenCalledWith('demo')
    wrapper.unmount()
  })

  it('says "Circle not available" for a 404, and follows nothing', async () => {
    me = vi.spyOn(api, 'me').mockResolvedValue(participant)
    stubRhythm()
    stubVoice()
    vi.spyOn(api, 'getCircle').mockRejectedValue(
      httpError(404, { error: 'not_found', detail: "There is no circle 'demo' that your key opens." }),
    )
    const list = vi.spyOn(api, 'listMessages')
    await router.push('/circles/demo')

    const wrapper = mount(CircleRoomView, { props: { slug: 'demo' }, global: { plugins: [pinia, router] } })
    await flushPromises()

    expect(wrapper.find('h1').text()).toBe('Circle not available')
    expect(wrapper.find('[role="alert"]').text()).toBe('This circle does not exist, or your key does not open it.')
    expect(wrapper.find('a').attributes('href')).toBe('/circles')
    expect(list).not.toHaveBeenCalled()
    expect(FakeEventSource.instances).toHaveLength(0)
    wrapper.unmount()
  })

  it('pins the circle prompt, then the newest live prompt', async () => {
    const opening = { seq: 4, body: 'What brought you here?', author: 'Ann', created: '2025-03-04T18:00:00Z' }
    const wrapper = await enter({ detail: circle({ current_prompt: opening }) })

    expect(wrapper.find('[data-testid="current-prompt"]').text()).toContain('What brought you here?')

    FakeEventSource.last.emit(message(5, 'prompt', 'What surprised you?'))
    FakeEventSource.last.emit(message(6, 'announcement', 'Two more minutes'))
    await flushPromises()

    expect(wrapper.find('[data-testid="current-prompt"]').text()).toContain('What surprised you?')
    wrapper.unmount()
  })

  it('posts what the facilitator writes and shows it once', async () => {
    const wrapper = await enter({ identity: facilitator, detail: circle({ viewer_is_facilitator: true }) })
    const post = vi.spyOn(api, 'postMessage').mockResolvedValue(message(1, 'prompt', 'What did you notice?', 'Ann'))

    await wrapper.find('input[value="prompt"]').setValue()
    await wrapper.find('textarea').setValue('What did you notice?')
    await composer(wrapper).find('form').trigger('submit')
    await flushPromises()
    FakeEventSource.last.emit(message(1, 'prompt', 'What did you notice?', 'Ann')) // the stream's copy
    await flushPromises()

    expect(post).toHaveBeenCalledWith('demo', 'prompt', 'What did you notice?', expect.any(String))
    expect(bodies(wrapper)).toEqual(['What did you notice?'])
    expect(wrapper.find('[data-testid="current-prompt"]').text()).toContain('What did you notice?')
    wrapper.unmount()
  })

  it('shows why a post failed in the composer', async () => {
    const wrapper = await enter({ identity: facilitator, detail: circle({ viewer_is_facilitator: true }) })
    vi.spyOn(api, 'postMessage').mockRejectedValue(
      httpError(400, { error: 'invalid', detail: 'body: Must not be blank.' }),
    )

    await wrapper
      .findAll('button')
      .find((b) => b.text() === '5 minutes left')
      .trigger('click')
    await flushPromises()

    expect(composer(wrapper).find('[role="alert"]').text()).toBe('body: Must not be blank.')
    wrapper.unmount()
  })

  it('goes back to key entry when the stream finds the key revoked', async () => {
    const wrapper = await enter()
    me.mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))

    await FakeEventSource.last.fail(FakeEventSource.CLOSED)

    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('key-entry'))
    expect(router.currentRoute.value.query.next).toBe('/circles/demo')
    expect(wrapper.find('[data-testid="connection-state"]').text()).toBe('Disconnected')
    wrapper.unmount()
  })

  it('pins a prompt older than the loaded page', async () => {
    const old = message(12, 'prompt', 'What brought you here?')
    const wrapper = await enter({
      newest: page([message(51, 'announcement', 'Settle in')], { older: 51, current_prompt: old }),
    })

    expect(wrapper.find('[data-testid="current-prompt"]').text()).toContain('What brought you here?')
    wrapper.unmount()
  })

  it('loads older messages with the button and shows them after the newer ones', async () => {
    const wrapper = await enter({
      newest: page([message(3, 'announcement', 'Third'), message(4, 'announcement', 'Fourth')], { older: 3 }),
    })
    api.listMessages.mockResolvedValueOnce(
      page([message(1, 'announcement', 'First'), message(2, 'announcement', 'Second')], { last_seq: 4 }),
    )

    await wrapper.find('[data-testid="load-older"]').trigger('click')
    await flushPromises()

    expect(api.listMessages).toHaveBeenLastCalledWith('demo', { before: 3 })
    expect(bodies(wrapper)).toEqual(['Fourth', 'Third', 'Second', 'First'])
    expect(wrapper.find('[data-testid="load-older"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="feed-start"]').exists()).toBe(true)
    expect(FakeEventSource.instances).toHaveLength(1) // the live stream goes on as it was
    wrapper.unmount()
  })

  it('says when older messages could not be loaded, and keeps the button', async () => {
    const wrapper = await enter({ newest: page([message(3)], { older: 3 }) })
    api.listMessages.mockRejectedValueOnce(httpError(503, {}))

    await wrapper.find('[data-testid="load-older"]').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe(
      'Could not load older messages: Something went wrong on our side. Please try again in a moment.',
    )
    expect(wrapper.find('[data-testid="load-older"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('shows the newest page again when the stream says the database was restored', async () => {
    const wrapper = await enter({
      history: [message(1, 'announcement', 'Welcome'), message(2, 'announcement', 'Lost in the restore')],
    })
    api.listMessages.mockResolvedValueOnce(page([message(1, 'announcement', 'Welcome')], { epoch: 'e2' }))
    const first = FakeEventSource.last
    first.open()

    first.dispatch('hello', JSON.stringify({ epoch: 'e2', last_seq: 1 }))
    await flushPromises()

    expect(bodies(wrapper)).toEqual(['Welcome'])
    expect(first.closed).toBe(true)
    expect(FakeEventSource.instances).toHaveLength(2)
    expect(FakeEventSource.last.params.get('after')).toBe('1')
    wrapper.unmount()
  })

  it.each(['circle_closed', 'circle_deleted'])(
    'goes to the circle list when the stream ends with %s',
    async (reason) => {
      const wrapper = await enter()
      vi.spyOn(api, 'listCircles').mockResolvedValue([])

      FakeEventSource.last.dispatch('end', JSON.stringify({ reason, detail: 'This circle is no longer open.' }))

      await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('circles'))
      wrapper.unmount()
    },
  )

  it('goes to key entry, not the circle list, when the closed circle took the key with it', async () => {
    const wrapper = await enter()
    me.mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
    vi.spyOn(api, 'listCircles').mockResolvedValue([])
    const replace = vi.spyOn(router, 'replace')

    FakeEventSource.last.dispatch('end', JSON.stringify({ reason: 'circle_deleted', detail: 'x' }))

    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('key-entry'))
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('key-entry')
    // Not even on the way: the circle list would only bounce a signed-out person back.
    expect(replace.mock.calls.map(([to]) => to.name)).toEqual(['key-entry'])
    wrapper.unmount()
  })

  it('stays in the room, disconnected, when the stream ends for another reason while signed in', async () => {
    const wrapper = await enter()
    vi.spyOn(api, 'listCircles').mockResolvedValue([])

    FakeEventSource.last.dispatch('end', JSON.stringify({ reason: 'session_ended', detail: 'The session ended.' }))
    await flushPromises()

    expect(router.currentRoute.value.name).toBe('circle')
    expect(wrapper.find('[data-testid="connection-state"]').text()).toBe('Disconnected')
    wrapper.unmount()
  })

  it('stops the stream and forgets the circle when it unmounts', async () => {
    const wrapper = await enter()
    const source = FakeEventSource.last

    wrapper.unmount()

    expect(source.closed).toBe(true)
    expect(useCirclesStore(pinia).current).toBeNull()
  })

  // Leaving the room before it finished opening: nothing may keep listening afterwards.
  it('leaves no stream open when it unmounts while the circle is still loading', async () => {
    me = vi.spyOn(api, 'me').mockResolvedValue(participant)
    stubRhythm()
    stubVoice()
    const detail = deferred()
    vi.spyOn(api, 'getCircle').mockReturnValue(detail.promise)
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    await router.push('/circles/demo')
    const wrapper = mount(CircleRoomView, { props: { slug: 'demo' }, global: { plugins: [pinia, router] } })
    await flushPromises()
    expect(wrapper.text()).toContain('Opening the circle…')

    wrapper.unmount()
    detail.resolve(circle())
    await flushPromises()

    expect(FakeEventSource.instances.filter((source) => !source.closed)).toEqual([])
  })

  describe('the session rhythm', () => {
    const SESSION = { id: 5, started_at: '2025-03-04T18:00:00Z' }
    const names = (wrapper) => wrapper.findAll('button').map((b) => b.attributes('aria-label') ?? b.text())
    const timerSection = (wrapper) => wrapper.find('section[aria-labelledby="timer-title"]')

    it("shows everyone the session's state, the timer and the next session, apart from the video", async () => {
      const wrapper = await enter({
        detail: circle({
          upcoming: { starts_at: '2025-03-11T18:00:00Z', ends_at: '2025-03-11T19:30:00Z', running: false },
        }),
        rhythmAnswer: rhythm({
          session: SESSION,
          upcoming: { starts_at: '2025-03-11T18:00:00Z', ends_at: '2025-03-11T19:30:00Z', running: false },
        }),
      })

      expect(api.getRhythm).toHaveBeenCalledWith('demo')
      expect(wrapper.find('[data-testid="session-state"]').text()).toMatch(/^Session running since /)
      expect(wrapper.text()).toContain('Next session:')
      expect(timerSection(wrapper).text()).toContain('No timer running')
      const video = wrapper.find('section[aria-labelledby="video-title"]').element
      expect(video.contains(timerSection(wrapper).element)).toBe(false)
      wrapper.unmount()
    })

    it('gives a participant no session, timer, run sheet or settings controls', async () => {
      const wrapper = await enter({ rhythmAnswer: rhythm({ session: SESSION }) })

      const offered = names(wrapper)
      for (const name of ['Start session', 'End session', '5 min', 'Start timer', 'Edit run sheet']) {
        expect(offered).not.toContain(name)
      }
      expect(offered.some((name) => name.startsWith('Send next'))).toBe(false)
      expect(wrapper.findAll('a').some((a) => a.text() === 'Circle settings')).toBe(false)
      expect(api.getRunSheet).not.toHaveBeenCalled()
      // Every member may subscribe to the calendar.
      expect(offered).toContain('Make a calendar link')
      wrapper.unmount()
    })

    it('gives the facilitator the session, timer and run sheet controls, and the settings', async () => {
      const wrapper = await enter({
        identity: facilitator,
        detail: circle({ viewer_is_facilitator: true }),
        items: [runSheetItem(1, 'prompt', 'What did you notice?')],
        rhythmAnswer: rhythm({ run_sheet: { position: 0, total: 1 } }),
      })

      const offered = names(wrapper)
      expect(offered).toContain('Start session')
      expect(offered).toContain('5 min')
      expect(offered).toContain('Send next')
      expect(wrapper.find('[data-testid="run-sheet-progress"]').text()).toBe('0 of 1 sent')
      const settings = wrapper.findAll('a').find((a) => a.text() === 'Circle settings')
      expect(settings.attributes('href')).toBe('/circles/demo/settings')
      wrapper.unmount()
    })

    it("asks for the rhythm again on the stream's rhythm event", async () => {
      const wrapper = await enter()
      await flushPromises()
      api.getRhythm.mockClear()
      api.getRhythm.mockResolvedValue(rhythm({ session: SESSION }))

      FakeEventSource.last.dispatch('rhythm', '{}')
      await flushPromises()

      expect(api.getRhythm).toHaveBeenCalledTimes(1)
      expect(wrapper.find('[data-testid="session-state"]').text()).toMatch(/^Session running since /)
      wrapper.unmount()
    })

    it('unpins the prompt when the session ends, and heads the feed by session', async () => {
      const prompt = { ...message(1, 'prompt', 'Who are you today?'), session: SESSION.id }
      const wrapper = await enter({
        detail: circle({ current_prompt: prompt }),
        history: [prompt],
        rhythmAnswer: rhythm({ session: SESSION }),
        sessions: [{ ...SESSION, ended_at: null }],
      })
      expect(wrapper.find('[data-testid="current-prompt"]').text()).toContain('Who are you today?')
      api.getRhythm.mockResolvedValue(rhythm({ session: null }))
      api.getCircle.mockResolvedValue(circle({ current_prompt: null }))

      FakeEventSource.last.dispatch('rhythm', '{}')
      await flushPromises()

      expect(api.getCircle).toHaveBeenCalledTimes(2)
      expect(wrapper.find('[data-testid="current-prompt"]').exists()).toBe(false)
      const group = wrapper.find('[data-testid="session-group"]')
      expect(group.find('h3').text()).toMatch(/^Session of /)
      expect(group.findAll('[data-testid="message-body"]').map((b) => b.text())).toEqual(['Who are you today?'])
      wrapper.unmount()
    })
  })

  describe("the participants' voice", () => {
    const PROMPT = { ...message(12, 'prompt', 'What surprised you?'), session: 5 }
    const asFacilitator = { identity: facilitator, detail: circle({ viewer_is_facilitator: true }) }
    const section = (wrapper, title) =>
      wrapper.findAll('section').find((s) => wrapper.find(`#${s.attributes('aria-labelledby')}`).text() === title)

    it('gives a participant the signals, and the response box while a prompt is pinned', async () => {
      const wrapper = await enter({ own: ownVoice({ signals: { hand: 9 } }) })

      expect(api.getOwnVoice).toHaveBeenCalledWith('demo')
      expect(api.getVoice).not.toHaveBeenCalled()
      const session = wrapper.find('section[aria-labelledby="session-title"]')
      expect(session.find('button[aria-pressed="true"]').text()).toBe('Lower hand')
      expect(wrapper.find('[data-testid="response-form"]').exists()).toBe(false) // no prompt pinned
      expect(section(wrapper, 'Participants')).toBeUndefined()
      expect(section(wrapper, 'Attendance')).toBeUndefined()

      FakeEventSource.last.emit(PROMPT)
      await flushPromises()

      const form = wrapper.find('[data-testid="response-form"]')
      expect(form.exists()).toBe(true)
      // Under the pinned prompt.
      const pinned = wrapper.find('[data-testid="current-prompt"]').element
      expect(pinned.compareDocumentPosition(form.element) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()
      wrapper.unmount()
    })

    it("sends a participant's response and lists it under the prompt", async () => {
      const wrapper = await enter({ detail: circle({ current_prompt: PROMPT }), history: [PROMPT] })
      vi.spyOn(api, 'respond').mockResolvedValue(
        response(3, { prompt: { seq: 12, body: 'What surprised you?' }, body: 'How quiet it was' }),
      )

      await wrapper.find('[data-testid="response-form"] textarea').setValue('How quiet it was')
      await wrapper.find('[data-testid="response-form"]').trigger('submit')
      await flushPromises()

      expect(api.respond).toHaveBeenCalledWith('demo', 'How quiet it was')
      expect(wrapper.findAll('[data-testid="my-responses"] li').map((li) => li.text())).toEqual(['How quiet it was'])
      wrapper.unmount()
    })

    it('gives the facilitator the participants and the attendance, and no response box or signals', async () => {
      const wrapper = await enter({
        ...asFacilitator,
        history: [PROMPT],
        sessions: [{ id: 5, started_at: '2025-03-04T18:00:00Z', ended_at: null }],
        voiceAnswer: voice({ hands: [signal(9, 'hand', 'Ben')] }),
      })

      expect(api.getVoice).toHaveBeenCalledWith('demo')
      expect(api.getOwnVoice).not.toHaveBeenCalled()
      expect(
        section(wrapper, 'Participants')
          .findAll('[data-testid="hands"] li span')
          .map((s) => s.text()),
      ).toEqual(['Ben'])
      expect(section(wrapper, 'Attendance').find('select').exists()).toBe(true)
      expect(wrapper.find('[data-testid="response-form"]').exists()).toBe(false)
      expect(wrapper.find('button[aria-pressed]').exists()).toBe(false)
      wrapper.unmount()
    })

    it("reads the voice again on the stream's voice event", async () => {
      const wrapper = await enter(asFacilitator)
      api.getVoice.mockClear()
      api.getVoice.mockResolvedValue(voice({ hands: [signal(9, 'hand', 'Ana')] }))

      FakeEventSource.last.dispatch('voice', '{}')
      await flushPromises()

      expect(api.getVoice).toHaveBeenCalledTimes(1)
      expect(wrapper.findAll('[data-testid="hands"] li span').map((s) => s.text())).toEqual(['Ana'])
      wrapper.unmount()
    })

    it('tells the server when the video panel joins or leaves the call', async () => {
      const wrapper = await enter()

      wrapper.findComponent(VideoPanel).vm.$emit('in-call', true)
      wrapper.findComponent(VideoPanel).vm.$emit('in-call', false)
      await flushPromises()

      expect(api.reportCall.mock.calls).toEqual([
        ['demo', true],
        ['demo', false],
      ])
      wrapper.unmount()
    })

    it('stops following the voice when it unmounts', async () => {
      const wrapper = await enter()
      const source = FakeEventSource.last
      api.getOwnVoice.mockClear()

      wrapper.unmount()
      source.dispatch('voice', '{}')
      useRhythmStore(pinia).sessionChanges += 1
      await flushPromises()

      expect(api.getOwnVoice).not.toHaveBeenCalled()
      expect(useVoiceStore(pinia).slug).toBeNull()
    })
  })
})
