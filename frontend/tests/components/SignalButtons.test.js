import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import SignalButtons from '@/components/voice/SignalButtons.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useVoiceStore } from '@/stores/voice'

import { httpError } from '../helpers/http'
import { signal } from '../helpers/voice'

let voice
beforeEach(() => {
  setActivePinia(createPinia())
  voice = useVoiceStore()
  voice.slug = 'demo'
})

const setup = () => mount(SignalButtons)
const button = (wrapper, kind) => wrapper.find(`button[data-kind="${kind}"]`)
const pressed = (wrapper) => wrapper.findAll('button').map((b) => [b.text(), b.attributes('aria-pressed')])

describe('SignalButtons', () => {
  it('offers three toggles, none pressed', () => {
    const wrapper = setup()

    expect(pressed(wrapper)).toEqual([
      ['Raise hand', 'false'],
      ["I'm here", 'false'],
      ['I need a moment', 'false'],
    ])
  })

  it('makes each a target of at least 44 px, in a group named for the facilitator', () => {
    const wrapper = setup()

    expect(wrapper.find('[role="group"]').attributes('aria-label')).toBe('Signals to the facilitator')
    for (const b of wrapper.findAll('button'))
      expect(b.classes()).toEqual(expect.arrayContaining(['min-h-11', 'min-w-11']))
  })

  it("names the toggles in the viewer's language, and keeps their state", async () => {
    await setLocale('es')
    voice.mySignals = { hand: 9, here: null, moment: 11 }
    const wrapper = setup()

    expect(wrapper.find('[role="group"]').attributes('aria-label')).toBe('Señales para el facilitador/a')
    expect(pressed(wrapper)).toEqual([
      ['Bajar la mano', 'true'],
      ['Estoy aquí', 'false'],
      ['Necesito un momento', 'true'],
    ])
    expect(wrapper.text()).toContain('Solo el facilitador/a ve tus señales.')
  })

  it('raises a hand, then lowers the same one', async () => {
    const raise = vi.spyOn(api, 'raiseSignal').mockResolvedValue(signal(9, 'hand', 'Ana'))
    const lower = vi.spyOn(api, 'lowerSignal').mockResolvedValue('')
    const wrapper = setup()

    await button(wrapper, 'hand').trigger('click')
    await flushPromises()

    expect(raise).toHaveBeenCalledWith('demo', 'hand')
    expect(pressed(wrapper)[0]).toEqual(['Lower hand', 'true'])

    await button(wrapper, 'hand').trigger('click')
    await flushPromises()

    expect(lower).toHaveBeenCalledWith('demo', 9)
    expect(raise).toHaveBeenCalledTimes(1)
    expect(pressed(wrapper)[0]).toEqual(['Raise hand', 'false'])
  })

  it('shows the signals the server says are up, and lowers them by their id', async () => {
    voice.mySignals = { hand: null, here: 10, moment: 11 }
    const lower = vi.spyOn(api, 'lowerSignal').mockResolvedValue('')
    const wrapper = setup()
    expect(pressed(wrapper).map(([, state]) => state)).toEqual(['false', 'true', 'true'])

    await button(wrapper, 'moment').trigger('click')
    await flushPromises()

    expect(lower).toHaveBeenCalledWith('demo', 11)
    expect(pressed(wrapper).map(([, state]) => state)).toEqual(['false', 'true', 'false'])
  })

  it('follows the store when the facilitator lowers the hand', async () => {
    voice.mySignals = { hand: 9, here: null, moment: null }
    const wrapper = setup()
    expect(pressed(wrapper)[0]).toEqual(['Lower hand', 'true'])

    voice.mySignals = { hand: null, here: null, moment: null }
    await flushPromises()

    expect(pressed(wrapper)[0]).toEqual(['Raise hand', 'false'])
  })

  it("shows the server's sentence when sending too fast, and stays unpressed", async () => {
    const sentence = 'You are sending too fast: at most 10 responses and signals in 60 seconds. Try again in 5 seconds.'
    vi.spyOn(api, 'raiseSignal').mockRejectedValue(httpError(429, { error: 'throttled', detail: sentence }))
    const wrapper = setup()

    await button(wrapper, 'here').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe(sentence)
    expect(button(wrapper, 'here').attributes('aria-pressed')).toBe('false')
  })
})
