import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import AttendancePanel from '@/components/voice/AttendancePanel.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useRhythmStore } from '@/stores/rhythm'

import { deferred, httpError } from '../helpers/http'

const OLDER = { id: 6, started_at: '2025-02-25T18:00:00Z', ended_at: '2025-02-25T19:30:00Z' }
const NEWER = { id: 7, started_at: '2025-03-04T18:00:00Z', ended_at: null }

const row = (person, overrides = {}) => ({
  person,
  role: 'participant',
  joined_at: '2025-03-04T18:01:00Z',
  left_at: '2025-03-04T19:15:00Z',
  room_minutes: 74,
  call_minutes: 60.5,
  ...overrides,
})

let rhythm
beforeEach(() => {
  setActivePinia(createPinia())
  rhythm = useRhythmStore()
  rhythm.sessions = [OLDER, NEWER] // out of order: the panel puts the newest first
})

const setup = () => mount(AttendancePanel, { props: { slug: 'demo' }, attachTo: document.body })
const select = (wrapper) => wrapper.find('select')
const show = (wrapper) => wrapper.findAll('button').find((b) => b.text() === 'Show attendance')
const csv = (wrapper) => wrapper.findAll('a').find((a) => a.text() === 'Download CSV')
const cells = (wrapper) =>
  wrapper.findAll('[data-testid="attendance"] tbody tr').map((tr) => tr.findAll('th, td').map((c) => c.text()))
const hhmm = (iso, locale = 'en') => new Date(iso).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' })
const start = (iso, locale = 'en') =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso))

describe('AttendancePanel', () => {
  it('offers the sessions newest first, by their start, under the label Session', () => {
    const wrapper = setup()

    expect(wrapper.find('h2').text()).toBe('Attendance')
    expect(wrapper.find(`label[for="${select(wrapper).attributes('id')}"]`).text()).toBe('Session')
    const options = select(wrapper).findAll('option')
    expect(options.map((o) => o.text())).toEqual([`${start(NEWER.started_at)} (running)`, start(OLDER.started_at)])
    expect(select(wrapper).element.value).toBe('7')
    wrapper.unmount()
  })

  it("shows the chosen session's attendance, one row per person, in local times", async () => {
    const get = vi.spyOn(api, 'getAttendance').mockResolvedValue({
      session: NEWER,
      people: [row('Ana'), row('Ben', { left_at: null, room_minutes: 12.3, call_minutes: 0 })],
    })
    const wrapper = setup()

    await show(wrapper).trigger('click')
    await flushPromises()

    expect(get).toHaveBeenCalledWith('demo', 7)
    const headers = wrapper.findAll('[data-testid="attendance"] thead th').map((th) => th.text())
    expect(headers).toEqual(['Person', 'Joined', 'Left', 'Minutes in the room', 'Minutes in the call'])
    expect(cells(wrapper)).toEqual([
      ['Ana', hhmm('2025-03-04T18:01:00Z'), hhmm('2025-03-04T19:15:00Z'), '74.0', '60.5'],
      ['Ben', hhmm('2025-03-04T18:01:00Z'), 'still here', '12.3', '0.0'],
    ])
    wrapper.unmount()
  })

  it('loads another session when it is chosen, and links its CSV', async () => {
    const get = vi.spyOn(api, 'getAttendance').mockResolvedValue({ session: OLDER, people: [row('Chi')] })
    const wrapper = setup()
    expect(csv(wrapper).attributes('href')).toBe('/api/circles/demo/attendance.csv?session=7')

    await select(wrapper).setValue('6')
    await flushPromises()

    expect(get).toHaveBeenCalledWith('demo', 6)
    expect(cells(wrapper).map((r) => r[0])).toEqual(['Chi'])
    expect(csv(wrapper).attributes('href')).toBe('/api/circles/demo/attendance.csv?session=6')
    wrapper.unmount()
  })

  it('shows the answer for the session chosen last, not one that arrives late', async () => {
    const slow = deferred()
    vi.spyOn(api, 'getAttendance')
      .mockReturnValueOnce(slow.promise)
      .mockResolvedValueOnce({ session: OLDER, people: [row('Chi')] })
    const wrapper = setup()

    await show(wrapper).trigger('click')
    await select(wrapper).setValue('6')
    await flushPromises()
    slow.resolve({ session: NEWER, people: [row('Ana')] })
    await flushPromises()

    expect(cells(wrapper).map((r) => r[0])).toEqual(['Chi'])
    wrapper.unmount()
  })

  it('says when nobody came, and when the attendance could not be loaded', async () => {
    vi.spyOn(api, 'getAttendance')
      .mockResolvedValueOnce({ session: NEWER, people: [] })
      .mockRejectedValueOnce(httpError(404, { error: 'not_found', detail: 'This circle has no session with id 7.' }))
    const wrapper = setup()

    await show(wrapper).trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('Nobody had the room open during this session.')
    expect(wrapper.find('[data-testid="attendance"]').exists()).toBe(false)

    await show(wrapper).trigger('click')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').text()).toBe('This circle has no session with id 7.')
    wrapper.unmount()
  })

  it('says there is nothing to show before the first session', () => {
    rhythm.sessions = []
    const wrapper = setup()

    expect(wrapper.find('select').exists()).toBe(false)
    expect(wrapper.text()).toContain('No sessions yet.')
    wrapper.unmount()
  })

  it('labels each figure with its column, for the narrow layout where a row is a card', async () => {
    vi.spyOn(api, 'getAttendance').mockResolvedValue({ session: NEWER, people: [row('Ana')] })
    const wrapper = setup()

    await show(wrapper).trigger('click')
    await flushPromises()

    const table = wrapper.find('[data-testid="attendance"]')
    expect(table.classes()).toContain('register')
    expect(table.findAll('tbody td').map((td) => td.attributes('data-label'))).toEqual([
      'Joined',
      'Left',
      'Minutes in the room',
      'Minutes in the call',
    ])
    expect(table.find('tbody th').attributes('role')).toBe('rowheader')
    wrapper.unmount()
  })

  it("speaks the viewer's language, with dates, times and minutes in its format", async () => {
    await setLocale('de')
    vi.spyOn(api, 'getAttendance').mockResolvedValue({
      session: NEWER,
      people: [row('Ben', { left_at: null, room_minutes: 12.3, call_minutes: 0 })],
    })
    const wrapper = setup()

    expect(wrapper.find('h2').text()).toBe('Anwesenheit')
    expect(
      select(wrapper)
        .findAll('option')
        .map((o) => o.text()),
    ).toEqual([`${start(NEWER.started_at, 'de')} (läuft)`, start(OLDER.started_at, 'de')])
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Anwesenheit anzeigen')
      .trigger('click')
    await flushPromises()

    const table = wrapper.find('[data-testid="attendance"]')
    expect(table.find('caption').text()).toBe(`Anwesenheit in der Sitzung vom ${start(NEWER.started_at, 'de')} (läuft)`)
    expect(table.findAll('thead th').map((th) => th.text())).toEqual([
      'Person',
      'Gekommen',
      'Gegangen',
      'Minuten im Raum',
      'Minuten im Anruf',
    ])
    expect(cells(wrapper)).toEqual([['Ben', hhmm('2025-03-04T18:01:00Z', 'de'), 'noch da', '12,3', '0,0']])
    expect(table.find('tbody td').attributes('data-label')).toBe('Gekommen')
    wrapper.unmount()
  })
})
