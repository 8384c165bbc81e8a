import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import VoicePanel from '@/components/voice/VoicePanel.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useVoiceStore } from '@/stores/voice'

import { httpError } from '../helpers/http'
import { present, response, signal, voice as answer, voicePrompt } from '../helpers/voice'

let voice
beforeEach(() => {
  setActivePinia(createPinia())
  voice = useVoiceStore()
})

/** The panel over a store that has read `view` as the facilitator's answer. */
async function setup(view = answer()) {
  vi.spyOn(api, 'getVoice').mockResolvedValue(view)
  await voice.follow('demo', { facilitator: true })
  const wrapper = mount(VoicePanel, { attachTo: document.body })
  await flushPromises()
  return wrapper
}

/** The stream said the voice changed, and the server now answers `view`. */
async function changes(view) {
  api.getVoice.mockResolvedValue(view)
  await voice.refresh()
  await flushPromises()
}

const texts = (wrapper, selector) => wrapper.findAll(selector).map((e) => e.text())
const announcer = (wrapper) => wrapper.find('[data-testid="voice-announcer"]')
const button = (element, name) => element.findAll('button').find((b) => b.text() === name)

describe('VoicePanel', () => {
  it('is a section titled Participants', async () => {
    const wrapper = await setup()

    const section = wrapper.find('section')
    expect(wrapper.find(`#${section.attributes('aria-labelledby')}`).text()).toBe('Participants')
    expect(wrapper.text()).toContain('No hands raised.')
    expect(wrapper.text()).toContain('No responses yet.')
    wrapper.unmount()
  })

  it('lists the raised hands in the order given, each with a Lower button named for the person', async () => {
    const wrapper = await setup(
      answer({ hands: [signal(9, 'hand', 'Ben'), signal(4, 'hand', 'Ana'), signal(12, 'hand', 'Chi')] }),
    )

    const hands = wrapper.findAll('[data-testid="hands"] li')
    expect(hands.map((li) => li.find('span').text())).toEqual(['Ben', 'Ana', 'Chi'])
    expect(hands.map((li) => li.find('button').attributes('aria-label'))).toEqual([
      "Lower Ben's hand",
      "Lower Ana's hand",
      "Lower Chi's hand",
    ])
    expect(hands[0].find('button').text()).toBe('Lower')
    wrapper.unmount()
  })

  it('lowers a hand', async () => {
    const wrapper = await setup(answer({ hands: [signal(9, 'hand', 'Ben'), signal(4, 'hand', 'Ana')] }))
    const lower = vi.spyOn(api, 'lowerSignal').mockResolvedValue('')

    await wrapper.find('button[aria-label="Lower Ben\'s hand"]').trigger('click')
    await flushPromises()

    expect(lower).toHaveBeenCalledWith('demo', 9)
    expect(texts(wrapper, '[data-testid="hands"] li span')).toEqual(['Ana'])
    wrapper.unmount()
  })

  it('lists the other signals and who is in the room and the call', async () => {
    const wrapper = await setup(
      answer({
        signals: [signal(10, 'here', 'Ana'), signal(11, 'moment', 'Ben')],
        presence: { room: [present('Ana'), present('Ben'), present('Ann', 'facilitator')], call: [present('Ana')] },
      }),
    )

    expect(texts(wrapper, '[data-testid="signals"] li')).toEqual(["Ana: I'm here", 'Ben: needs a moment'])
    expect(texts(wrapper, '[data-testid="presence-room"] li')).toEqual(['Ana', 'Ben', 'Ann'])
    expect(texts(wrapper, '[data-testid="presence-call"] li')).toEqual(['Ana'])
    const headings = texts(wrapper, 'h3')
    expect(headings).toContain('In the room (3)')
    expect(headings).toContain('In the call (1)')
    wrapper.unmount()
  })

  it('groups the responses by prompt, the newest prompt first, in the order they arrived', async () => {
    const older = voicePrompt(8, 'Who are you today?')
    const newer = voicePrompt(12, 'What surprised you?')
    const wrapper = await setup(
      answer({
        responses: [
          response(1, { prompt: older, author: 'Ana', body: 'Tired' }),
          response(2, { prompt: newer, author: 'Ben', body: 'How quiet it was' }),
          response(3, { prompt: older, author: 'Ben', body: 'Curious' }),
          response(4, { prompt: newer, author: 'Ana', body: 'The rain' }),
        ],
      }),
    )

    expect(texts(wrapper, 'h4')).toEqual(['What surprised you?', 'Who are you today?'])
    const lists = wrapper.findAll('[data-testid="responses"]')
    const bodies = lists.map((list) =>
      list.findAll('[data-testid="response"]').map((li) => li.find('[id^="response-body"]').text()),
    )
    expect(bodies).toEqual([
      ['How quiet it was', 'The rain'],
      ['Tired', 'Curious'],
    ])
    expect(texts(lists[0], '[data-testid="response-author"]')).toEqual(['Ben', 'Ana'])
    wrapper.unmount()
  })

  it.each([
    ['Share with name', 'named', 'Shared'],
    ['Share anonymously', 'anonymous', 'Shared anonymously'],
  ])('%s sends {"as": "%s"} and then says %s', async (name, as, said) => {
    const wrapper = await setup(answer({ responses: [response(3, { body: 'How quiet it was' })] }))
    const share = vi
      .spyOn(api, 'shareResponse')
      .mockResolvedValue(response(3, { body: 'How quiet it was', shared: as }))

    await button(wrapper.find('[data-testid="response"]'), name).trigger('click')
    await flushPromises()

    expect(share).toHaveBeenCalledWith('demo', 3, as)
    const item = wrapper.find('[data-testid="response"]')
    expect(item.find('[data-testid="response-shared"]').text()).toBe(said)
    expect(item.findAll('button')).toHaveLength(0)
    wrapper.unmount()
  })

  it("shows the server's sentence when a response was shared already", async () => {
    const wrapper = await setup(answer({ responses: [response(3)] }))
    vi.spyOn(api, 'shareResponse').mockRejectedValue(
      httpError(409, { error: 'conflict', detail: 'This response was already shared with the circle.' }),
    )

    await button(wrapper.find('[data-testid="response"]'), 'Share anonymously').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('This response was already shared with the circle.')
    wrapper.unmount()
  })

  it('announces what is new politely, once, and not what was there when it opened', async () => {
    const wrapper = await setup(answer({ hands: [signal(9, 'hand', 'Ben')], responses: [response(1)] }))
    expect(announcer(wrapper).attributes('aria-live')).toBe('polite')
    expect(announcer(wrapper).text()).toBe('')

    await changes(answer({ hands: [signal(9, 'hand', 'Ben'), signal(11, 'hand', 'Ana')], responses: [response(1)] }))
    expect(announcer(wrapper).text()).toBe('Ana raised a hand.')

    await changes(
      answer({
        hands: [signal(11, 'hand', 'Ana')],
        signals: [signal(12, 'moment', 'Chi')],
        responses: [response(1), response(2, { author: 'Ben' })],
      }),
    )
    expect(announcer(wrapper).text()).toBe('Chi needs a moment. New response from Ben.')

    await changes(answer({ hands: [signal(11, 'hand', 'Ana')], responses: [response(1), response(2)] }))
    expect(announcer(wrapper).text()).toBe('Chi needs a moment. New response from Ben.') // nothing new: unchanged
    wrapper.unmount()
  })

  it('says when the voice could not be loaded', async () => {
    vi.spyOn(api, 'getVoice').mockRejectedValue(httpError(503, {}))
    await voice.follow('demo', { facilitator: true })
    const wrapper = mount(VoicePanel)
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe(
      "The participants' voice could not be loaded: Something went wrong on our side. Please try again in a moment.",
    )
    wrapper.unmount()
  })

  it('gives every Lower button a target of at least 44 px', async () => {
    const wrapper = await setup(answer({ hands: [signal(9, 'hand', 'Ben')] }))

    expect(wrapper.find('[data-testid="hands"] button').classes()).toEqual(
      expect.arrayContaining(['min-h-11', 'min-w-11']),
    )
    wrapper.unmount()
  })

  it("speaks the viewer's language: names, signals, sharing and news", async () => {
    await setLocale('de')
    const wrapper = await setup(
      answer({ hands: [signal(9, 'hand', 'Ben')], signals: [signal(10, 'here', 'Ana')], responses: [response(1)] }),
    )

    expect(wrapper.find('h2').text()).toBe('Teilnehmende')
    expect(wrapper.find('[data-testid="hands"] button').attributes('aria-label')).toBe('Hand von Ben senken')
    expect(wrapper.find('[data-testid="hands"] button').text()).toBe('Senken')
    expect(texts(wrapper, '[data-testid="signals"] li')).toEqual(['Ana: Ich bin da'])
    expect(button(wrapper.find('[data-testid="response"]'), 'Anonym teilen')).toBeDefined()

    await changes(
      answer({
        hands: [signal(9, 'hand', 'Ben'), signal(11, 'hand', 'Chi')],
        signals: [signal(10, 'here', 'Ana'), signal(12, 'moment', 'Dan')],
        responses: [response(1), response(2, { author: 'Eva' })],
      }),
    )
    expect(announcer(wrapper).text()).toBe('Chi hat die Hand gehoben. Dan braucht einen Moment. Neue Antwort von Eva.')
    wrapper.unmount()
  })

  it.each([
    [0, 'في الغرفة (0)', 'الأيدي المرفوعة (0)'],
    [1, 'في الغرفة (شخص واحد)', 'الأيدي المرفوعة (يد واحدة)'],
    [2, 'في الغرفة (شخصان)', 'الأيدي المرفوعة (يدان)'],
    [3, 'في الغرفة (3 أشخاص)', 'الأيدي المرفوعة (3 أيدٍ)'],
    [11, 'في الغرفة (11 شخصًا)', 'الأيدي المرفوعة (11 يدًا)'],
  ])('counts %i people and hands with the Arabic plural form of the number', async (n, room, hands) => {
    await setLocale('ar')
    const people = Array.from({ length: n }, (_, i) => present(`P${i}`))
    const raised = Array.from({ length: n }, (_, i) => signal(i + 1, 'hand', `P${i}`))
    const wrapper = await setup(answer({ hands: raised, presence: { room: people, call: [] } }))

    expect(texts(wrapper, 'h3')).toEqual(expect.arrayContaining([room, hands, 'في المكالمة (0)']))
    wrapper.unmount()
  })
})
