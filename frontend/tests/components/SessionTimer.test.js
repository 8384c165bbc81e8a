import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import SessionTimer from '@/components/circle/SessionTimer.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useRhythmStore } from '@/stores/rhythm'

import { httpError } from '../helpers/http'

// The browser's clock reads AT; the server's is 5 s ahead of it.
const AT = Date.parse('2025-03-04T18:00:00.000Z')
const OFFSET = 5000
const serverAt = (ms) => new Date(AT + OFFSET + ms).toISOString()

let rhythm
beforeEach(() => {
  vi.useFakeTimers({ now: AT })
  setActivePinia(createPinia())
  rhythm = useRhythmStore()
  rhythm.slug = 'demo'
  rhythm.loaded = true
  rhythm.clock = { offset: OFFSET, roundTrip: 40 }
})

afterEach(() => {
  vi.useRealTimers()
})

function setup(timer, { isFacilitator = false } = {}) {
  rhythm.timer = timer
  return mount(SessionTimer, { props: { isFacilitator }, attachTo: document.body })
}

const countdown = (wrapper) => wrapper.find('[role="timer"] [data-testid="timer-remaining"]')
const shown = (wrapper) => wrapper.find('[role="timer"]').attributes('data-state')
const state = (wrapper) => wrapper.find('[data-testid="timer-state"]').text()
const announcer = (wrapper) => wrapper.find('[data-testid="timer-announcer"]')
const button = (wrapper, name) => wrapper.findAll('button').find((b) => b.text() === name)

describe('SessionTimer: the countdown', () => {
  it("counts down to ends_at on the server's clock, every quarter second", async () => {
    // Ends 5 minutes from now on the server's clock; this browser's clock is 5 s behind it.
    const wrapper = setup({ state: 'running', duration_seconds: 300, ends_at: serverAt(300_000), label: 'Pairs' })

    expect(countdown(wrapper).text()).toBe('05:00')
    expect(state(wrapper)).toBe('Running · Pairs')
    expect(shown(wrapper)).toBe('running')

    await vi.advanceTimersByTimeAsync(1000)
    expect(countdown(wrapper).text()).toBe('04:59')

    await vi.advanceTimersByTimeAsync(250)
    expect(countdown(wrapper).text()).toBe('04:59') // 298.75 s left: rounded up
    await vi.advanceTimersByTimeAsync(750)
    expect(countdown(wrapper).text()).toBe('04:58')
    await vi.advanceTimersByTimeAsync(64_000)
    expect(countdown(wrapper).text()).toBe('03:54')
    wrapper.unmount()
  })

  it('shows what a paused timer has left, and does not count', async () => {
    const wrapper = setup({ state: 'paused', duration_seconds: 300, remaining_seconds: 125, label: '' })

    expect(countdown(wrapper).text()).toBe('02:05')
    expect(state(wrapper)).toBe('Paused')
    await vi.advanceTimersByTimeAsync(5000)
    expect(countdown(wrapper).text()).toBe('02:05')
    wrapper.unmount()
  })

  it('says when no timer runs, and shows no countdown', () => {
    const wrapper = setup({ state: 'idle', duration_seconds: 0, label: '' })

    expect(countdown(wrapper).exists()).toBe(false)
    expect(state(wrapper)).toBe('No timer running')
    expect(shown(wrapper)).toBe('idle')
    wrapper.unmount()
  })

  it('at zero tells the server once, says "Time is up" and announces it once', async () => {
    const elapsed = vi.spyOn(api, 'timerElapsed').mockResolvedValue({
      state: 'finished',
      duration_seconds: 10,
      label: 'Pairs',
    })
    const wrapper = setup({ state: 'running', duration_seconds: 10, ends_at: serverAt(2000), label: 'Pairs' })
    expect(announcer(wrapper).attributes('aria-live')).toBe('assertive')
    expect(announcer(wrapper).text()).toBe('')

    await vi.advanceTimersByTimeAsync(1750)
    expect(countdown(wrapper).text()).toBe('00:01')
    expect(elapsed).not.toHaveBeenCalled()

    await vi.advanceTimersByTimeAsync(250)
    await flushPromises()
    expect(countdown(wrapper).text()).toBe('00:00')
    expect(elapsed).toHaveBeenCalledTimes(1)
    expect(elapsed).toHaveBeenCalledWith('demo')
    expect(state(wrapper)).toBe('Time is up: Pairs')
    expect(shown(wrapper)).toBe('finished') // at once, before the server's answer
    expect(announcer(wrapper).text()).toBe('Time is up: Pairs')

    // The server's answer (finished) and more ticks change nothing: one call, one announcement.
    await vi.advanceTimersByTimeAsync(5000)
    expect(rhythm.timer.state).toBe('finished')
    expect(elapsed).toHaveBeenCalledTimes(1)
    expect(state(wrapper)).toBe('Time is up: Pairs')
    wrapper.unmount()
  })

  it('shows a timer that ended before the page opened, without announcing it', async () => {
    const wrapper = setup({ state: 'finished', duration_seconds: 60, label: '' })
    await flushPromises()

    expect(countdown(wrapper).text()).toBe('00:00')
    expect(state(wrapper)).toBe('Time is up')
    expect(announcer(wrapper).text()).toBe('')
    wrapper.unmount()
  })

  it('clears the announcement when a new timer starts, so that its end is announced too', async () => {
    vi.spyOn(api, 'timerElapsed').mockResolvedValue({ state: 'finished', duration_seconds: 10, label: '' })
    const wrapper = setup({ state: 'running', duration_seconds: 10, ends_at: serverAt(1000), label: '' })
    await vi.advanceTimersByTimeAsync(1000)
    await flushPromises()
    expect(announcer(wrapper).text()).toBe('Time is up')

    rhythm.timer = { state: 'running', duration_seconds: 60, ends_at: serverAt(61_000), label: '' }
    await flushPromises()
    expect(announcer(wrapper).text()).toBe('')
    expect(countdown(wrapper).text()).toBe('01:00')
    wrapper.unmount()
  })

  it('shows a participant no controls', () => {
    const wrapper = setup({ state: 'running', duration_seconds: 300, ends_at: serverAt(300_000), label: '' })

    expect(wrapper.findAll('button')).toHaveLength(0)
    expect(wrapper.find('input').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('SessionTimer: the facilitator', () => {
  let put
  beforeEach(() => {
    put = vi.spyOn(api, 'setTimer').mockImplementation(async (slug, command) => ({
      state: 'running',
      duration_seconds: command.seconds ?? 300,
      ends_at: serverAt((command.seconds ?? 300) * 1000),
      label: command.label ?? '',
    }))
  })

  it.each([
    ['1 min', 60],
    ['3 min', 180],
    ['5 min', 300],
    ['10 min', 600],
  ])('"%s" starts a timer of %i seconds', async (name, seconds) => {
    const wrapper = setup({ state: 'idle', duration_seconds: 0, label: '' }, { isFacilitator: true })

    await button(wrapper, name).trigger('click')
    await flushPromises()

    expect(put).toHaveBeenCalledWith('demo', { action: 'start', seconds })
    expect(countdown(wrapper).text()).toBe(`${String(seconds / 60).padStart(2, '0')}:00`)
    wrapper.unmount()
  })

  it('starts a timer of the minutes typed, with its label', async () => {
    const wrapper = setup({ state: 'idle', duration_seconds: 0, label: '' }, { isFacilitator: true })

    await wrapper.find('#timer-minutes').setValue('2.5')
    await wrapper.find('#timer-label').setValue(' Pairs ')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(put).toHaveBeenCalledWith('demo', { action: 'start', seconds: 150, label: 'Pairs' })
    expect(wrapper.find('label[for="timer-minutes"]').text()).toBe('Timer minutes')
    wrapper.unmount()
  })

  it('refuses a time outside 10 seconds to 240 minutes without asking the server', async () => {
    const wrapper = setup({ state: 'idle', duration_seconds: 0, label: '' }, { isFacilitator: true })

    await wrapper.find('#timer-minutes').setValue('0.1')
    await wrapper.find('form').trigger('submit')

    expect(put).not.toHaveBeenCalled()
    expect(wrapper.find('[role="alert"]').text()).toMatch(/10 seconds/)
    wrapper.unmount()
  })

  it('pauses, adds a minute and stops a running timer', async () => {
    const wrapper = setup(
      { state: 'running', duration_seconds: 300, ends_at: serverAt(300_000), label: '' },
      { isFacilitator: true },
    )

    await button(wrapper, '+1 minute').trigger('click')
    await flushPromises()
    await button(wrapper, 'Pause').trigger('click')
    await flushPromises()
    await button(wrapper, 'Stop').trigger('click')
    await flushPromises()

    expect(put.mock.calls.map(([, command]) => command)).toEqual([
      { action: 'add', seconds: 60 },
      { action: 'pause' },
      { action: 'stop' },
    ])
    wrapper.unmount()
  })

  it('resumes a paused timer', async () => {
    const wrapper = setup(
      { state: 'paused', duration_seconds: 300, remaining_seconds: 100, label: '' },
      { isFacilitator: true },
    )

    expect(button(wrapper, 'Pause')).toBeUndefined()
    await button(wrapper, 'Resume').trigger('click')

    expect(put).toHaveBeenCalledWith('demo', { action: 'resume' })
    wrapper.unmount()
  })

  it("shows the server's sentence when a command is refused", async () => {
    put.mockRejectedValue(httpError(400, { error: 'invalid', detail: 'seconds: Ensure this value is at most 14400.' }))
    const wrapper = setup({ state: 'idle', duration_seconds: 0, label: '' }, { isFacilitator: true })

    await button(wrapper, '5 min').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('seconds: Ensure this value is at most 14400.')
    wrapper.unmount()
  })
})

describe("SessionTimer: in the viewer's language", () => {
  beforeEach(() => {
    vi.spyOn(api, 'setTimer').mockResolvedValue({ state: 'idle', duration_seconds: 0, label: '' })
  })

  it('names its states, durations and controls in Spanish', async () => {
    await setLocale('es')
    const wrapper = setup(
      { state: 'paused', duration_seconds: 300, remaining_seconds: 125, label: 'Parejas' },
      { isFacilitator: true },
    )

    expect(wrapper.find('h2').text()).toBe('Temporizador')
    expect(state(wrapper)).toBe('En pausa · Parejas')
    expect(countdown(wrapper).text()).toBe('02:05')
    expect(button(wrapper, 'Reanudar')).toBeTruthy()
    expect(button(wrapper, '+1 minuto')).toBeTruthy()
    expect(button(wrapper, '10 min')).toBeTruthy()
    wrapper.unmount()
  })

  it('writes its presets with the German abbreviation, and its limits with a decimal comma', async () => {
    await setLocale('de')
    const wrapper = setup({ state: 'idle', duration_seconds: 0, label: '' }, { isFacilitator: true })
    expect(state(wrapper)).toBe('Kein Timer läuft')
    expect(wrapper.findAll('[aria-labelledby="timer-presets"] button').map((b) => b.text())).toEqual([
      '1 Min.',
      '3 Min.',
      '5 Min.',
      '10 Min.',
    ])

    await wrapper.find('#timer-minutes').setValue('0.1')
    await wrapper.find('form').trigger('submit')

    expect(wrapper.find('[role="alert"]').text()).toBe(
      'Gib eine Zeit von 10 Sekunden (0,17 Minuten) bis 240 Minuten ein.',
    )
    wrapper.unmount()
  })

  it('says the time is up in Arabic, in every plural form its presets need', async () => {
    await setLocale('ar')
    const wrapper = setup({ state: 'finished', duration_seconds: 60, label: '' }, { isFacilitator: true })

    expect(state(wrapper)).toBe('انتهى الوقت')
    expect(wrapper.findAll('[aria-labelledby="timer-presets"] button').map((b) => b.text())).toEqual([
      'دقيقة واحدة',
      '3 دقائق',
      '5 دقائق',
      '10 دقائق',
    ])
    wrapper.unmount()
  })
})
