import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import SessionControls from '@/components/circle/SessionControls.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useRhythmStore } from '@/stores/rhythm'

import { httpError } from '../helpers/http'
import { rhythm as answer } from '../helpers/rhythm'

const SESSION = { id: 3, started_at: '2025-03-04T18:02:00Z' }

let rhythm
beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2025-03-04T18:30:00Z'), toFake: ['Date'] })
  setActivePinia(createPinia())
  rhythm = useRhythmStore()
  rhythm.slug = 'demo'
  rhythm.loaded = true
  vi.spyOn(api, 'getRhythm').mockResolvedValue(answer())
  vi.spyOn(api, 'listSessions').mockResolvedValue({ sessions: [] })
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

const setup = (isFacilitator) => mount(SessionControls, { props: { isFacilitator } })
const button = (wrapper, name) => wrapper.findAll('button').find((b) => b.text() === name)
const status = (wrapper) => wrapper.find('[role="status"]').text()

describe('SessionControls', () => {
  it('tells everyone whether a session runs, and since when', async () => {
    const wrapper = setup(false)
    expect(status(wrapper)).toBe('No session running')

    rhythm.session = SESSION
    await flushPromises()

    const since = new Date(SESSION.started_at).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })
    expect(status(wrapper)).toBe(`Session running since ${since}`)
    expect(wrapper.findAll('button')).toHaveLength(0)
  })

  it('says nothing before the rhythm is in', () => {
    rhythm.loaded = false
    const wrapper = setup(true)

    expect(status(wrapper)).toBe('')
    expect(wrapper.findAll('button')).toHaveLength(0)
  })

  it('lets the facilitator start a session', async () => {
    const start = vi.spyOn(api, 'startSession').mockResolvedValue(SESSION)
    api.getRhythm.mockResolvedValue(answer({ session: SESSION }))
    const wrapper = setup(true)

    await button(wrapper, 'Start session').trigger('click')
    await flushPromises()

    expect(start).toHaveBeenCalledWith('demo')
    expect(button(wrapper, 'End session')).toBeDefined()
    expect(button(wrapper, 'Start session')).toBeUndefined()
  })

  it('ends the session only once the facilitator confirms', async () => {
    rhythm.session = SESSION
    const end = vi.spyOn(api, 'endSession').mockResolvedValue({})
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true)
    vi.stubGlobal('confirm', confirm)
    const wrapper = setup(true)

    await button(wrapper, 'End session').trigger('click')
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(end).not.toHaveBeenCalled()

    await button(wrapper, 'End session').trigger('click')
    await flushPromises()
    expect(end).toHaveBeenCalledWith('demo')
    expect(status(wrapper)).toBe('No session running')
  })

  it("shows the server's sentence when starting is refused", async () => {
    vi.spyOn(api, 'startSession').mockRejectedValue(
      httpError(409, { error: 'session_open', detail: 'A session is already open.' }),
    )
    const wrapper = setup(true)

    await button(wrapper, 'Start session').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('A session is already open.')
  })

  it("speaks the viewer's language, the time of day too", async () => {
    await setLocale('de')
    rhythm.session = SESSION
    const confirm = vi.fn(() => false)
    vi.stubGlobal('confirm', confirm)
    const wrapper = setup(true)

    const since = new Intl.DateTimeFormat('de', { hour: 'numeric', minute: '2-digit' }).format(
      new Date(SESSION.started_at),
    )
    expect(status(wrapper)).toBe(`Sitzung läuft seit ${since}`)
    await button(wrapper, 'Sitzung beenden').trigger('click')
    expect(confirm).toHaveBeenCalledWith('Die Sitzung für alle beenden? Ihr angehefteter Impuls wird entfernt.')

    rhythm.session = null
    await flushPromises()
    expect(status(wrapper)).toBe('Keine Sitzung läuft')
    expect(button(wrapper, 'Sitzung beginnen')).toBeDefined()
  })
})
