import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import { setLocale } from '@/i18n'
import { createAppRouter } from '@/router'
import { api } from '@/services/api'
import CircleSettingsView from '@/views/CircleSettingsView.vue'

import { httpError } from '../helpers/http'

const facilitator = { role: 'facilitator', display_name: 'Ann', circles: [{ slug: 'demo', name: 'Demo circle' }] }
const WEEKLY = {
  frequency: 'weekly',
  weekday: 1,
  time: '19:00',
  timezone: 'Europe/Berlin',
  duration_minutes: 90,
  starts_on: '2025-03-04',
  skipped_dates: ['2025-04-15'],
}

function circle(overrides = {}) {
  return {
    slug: 'demo',
    name: 'Demo circle',
    description: 'Tuesdays at seven',
    next_session: null,
    active: true,
    facilitator: 'Ann',
    current_prompt: null,
    viewer_is_facilitator: true,
    schedule: null,
    upcoming: null,
    ...overrides,
  }
}

let pinia
let router

beforeEach(async () => {
  pinia = createPinia()
  router = createAppRouter(pinia, createMemoryHistory())
  vi.spyOn(api, 'me').mockResolvedValue(facilitator)
  await router.push('/circles/demo/settings')
})

async function setup(detail = circle()) {
  vi.spyOn(api, 'getCircle').mockResolvedValue(detail)
  const wrapper = mount(CircleSettingsView, {
    props: { slug: 'demo' },
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return wrapper
}

const field = (wrapper, label) => {
  const forId = wrapper
    .findAll('label')
    .find((l) => l.text() === label)
    ?.attributes('for')
  return forId ? wrapper.find(`#${forId}`) : undefined
}
const chosen = (select) => select.element.options[select.element.selectedIndex].text
const save = async (wrapper) => {
  await wrapper.find('form').trigger('submit')
  await flushPromises()
}
const saved = () => api.updateCircle.mock.calls.at(-1)[1]

describe('CircleSettingsView', () => {
  it("shows the circle's name, description and state", async () => {
    const wrapper = await setup()

    expect(wrapper.find('h1').text()).toBe('Circle settings')
    expect(field(wrapper, 'Name').element.value).toBe('Demo circle')
    expect(field(wrapper, 'Description').element.value).toBe('Tuesdays at seven')
    expect(wrapper.find('input[type="checkbox"]').element.checked).toBe(true)
    expect(field(wrapper, 'Repeats').element.value).toBe('') // no schedule
    expect(field(wrapper, 'Time')).toBeUndefined()
    wrapper.unmount()
  })

  it('shows a saved schedule in its fields', async () => {
    const wrapper = await setup(circle({ schedule: WEEKLY }))

    expect(field(wrapper, 'Repeats').element.value).toBe('weekly')
    expect(field(wrapper, 'Day').element.value).toBe('1')
    expect(chosen(field(wrapper, 'Day'))).toBe('Tuesday')
    expect(field(wrapper, 'Time').element.value).toBe('19:00')
    expect(field(wrapper, 'Time zone').element.value).toBe('Europe/Berlin')
    expect(field(wrapper, 'Duration (minutes)').element.value).toBe('90')
    expect(field(wrapper, 'Starts on').element.value).toBe('2025-03-04')
    expect(field(wrapper, 'Week of the month')).toBeUndefined() // monthly only
    expect(wrapper.find('button[aria-label="Remove skipped date 2025-04-15"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it("schedules a circle, in the browser's time zone by default", async () => {
    vi.spyOn(Intl.DateTimeFormat.prototype, 'resolvedOptions').mockReturnValue({ timeZone: 'America/New_York' })
    const wrapper = await setup()
    vi.spyOn(api, 'updateCircle').mockImplementation(async (slug, changes) => circle(changes))

    await field(wrapper, 'Repeats').setValue('weekly')
    expect(field(wrapper, 'Time zone').element.value).toBe('America/New_York')
    await field(wrapper, 'Day').setValue('1')
    await field(wrapper, 'Time').setValue('19:00')
    await field(wrapper, 'Time zone').setValue('Europe/Berlin')
    await field(wrapper, 'Duration (minutes)').setValue('90')
    await field(wrapper, 'Starts on').setValue('2025-03-04')
    await save(wrapper)

    expect(api.updateCircle).toHaveBeenCalledWith('demo', {
      name: 'Demo circle',
      description: 'Tuesdays at seven',
      active: true,
      schedule: {
        frequency: 'weekly',
        weekday: 1,
        time: '19:00',
        timezone: 'Europe/Berlin',
        duration_minutes: 90,
        starts_on: '2025-03-04',
        skipped_dates: [],
      },
    })
    expect(wrapper.find('[role="status"]').text()).toBe('Saved.')
    wrapper.unmount()
  })

  it('asks for the week of the month for a monthly schedule, and sends it', async () => {
    const wrapper = await setup(circle({ schedule: WEEKLY }))
    vi.spyOn(api, 'updateCircle').mockImplementation(async (slug, changes) => circle(changes))

    await field(wrapper, 'Repeats').setValue('monthly')
    await field(wrapper, 'Week of the month').setValue('-1')
    await save(wrapper)

    expect(saved().schedule).toMatchObject({ frequency: 'monthly', week_of_month: -1, weekday: 1 })
    expect(chosen(field(wrapper, 'Week of the month'))).toBe('Last')
    wrapper.unmount()
  })

  it('adds and removes skipped dates', async () => {
    const wrapper = await setup(circle({ schedule: WEEKLY }))
    vi.spyOn(api, 'updateCircle').mockImplementation(async (slug, changes) => circle(changes))

    await field(wrapper, 'Skip a date').setValue('2025-03-25')
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Add skipped date')
      .trigger('click')
    await wrapper.find('button[aria-label="Remove skipped date 2025-04-15"]').trigger('click')
    await save(wrapper)

    expect(saved().schedule.skipped_dates).toEqual(['2025-03-25'])
    wrapper.unmount()
  })

  it('saves "No schedule" as null', async () => {
    const wrapper = await setup(circle({ schedule: WEEKLY }))
    vi.spyOn(api, 'updateCircle').mockImplementation(async (slug, changes) => circle(changes))

    await field(wrapper, 'Repeats').setValue('')
    await save(wrapper)

    expect(saved().schedule).toBeNull()
    wrapper.unmount()
  })

  it('shows each error of a refused save beside its field', async () => {
    const wrapper = await setup(circle({ schedule: WEEKLY }))
    vi.spyOn(api, 'updateCircle').mockRejectedValue(
      httpError(400, {
        error: 'invalid',
        detail: 'name: Must not be blank. schedule.time: Enter a valid time.',
        fields: {
          name: ['Must not be blank.'],
          schedule: { time: ['Enter a valid time.'], skipped_dates: { 0: ['Not a date of this schedule.'] } },
        },
      }),
    )

    await field(wrapper, 'Name').setValue(' ')
    await save(wrapper)

    expect(wrapper.find('[role="alert"]').text()).toBe('Not saved: some fields need a change, see below.')
    const name = field(wrapper, 'Name')
    expect(name.attributes('aria-invalid')).toBe('true')
    expect(wrapper.find(`#${name.attributes('aria-describedby')}`).text()).toBe('Must not be blank.')
    const time = field(wrapper, 'Time')
    expect(wrapper.find(`#${time.attributes('aria-describedby')}`).text()).toBe('Enter a valid time.')
    expect(wrapper.text()).toContain('Not a date of this schedule.')
    expect(field(wrapper, 'Duration (minutes)').attributes('aria-invalid')).toBe('false')
    wrapper.unmount()
  })

  it("shows the server's sentence when a save fails otherwise", async () => {
    const wrapper = await setup()
    vi.spyOn(api, 'updateCircle').mockRejectedValue(httpError(503, {}))

    await save(wrapper)

    expect(wrapper.find('[role="alert"]').text()).toMatch(/something went wrong on our side/i)
    wrapper.unmount()
  })

  it('tells a participant they are not allowed, and shows no form', async () => {
    const wrapper = await setup(circle({ viewer_is_facilitator: false }))

    expect(wrapper.find('h1').text()).toBe('Not allowed')
    expect(wrapper.find('[role="alert"]').text()).toBe("Only the circle's facilitator can change its settings.")
    expect(wrapper.find('form').exists()).toBe(false)
    expect(wrapper.find('a').attributes('href')).toBe('/circles/demo')
    wrapper.unmount()
  })

  it('tells a facilitator whose save is refused with 403 that they are not allowed', async () => {
    const wrapper = await setup()
    vi.spyOn(api, 'updateCircle').mockRejectedValue(httpError(403, { error: 'forbidden', detail: 'x' }))

    await save(wrapper)

    expect(wrapper.find('h1').text()).toBe('Not allowed')
    wrapper.unmount()
  })

  it('says when the circle is not there', async () => {
    vi.spyOn(api, 'getCircle').mockRejectedValue(httpError(404, { error: 'not_found', detail: 'x' }))
    const wrapper = mount(CircleSettingsView, { props: { slug: 'demo' }, global: { plugins: [pinia, router] } })
    await flushPromises()

    expect(wrapper.find('h1').text()).toBe('Circle not available')
    expect(wrapper.find('[role="alert"]').text()).toBe('This circle does not exist, or your key does not open it.')
    wrapper.unmount()
  })
})

describe('CircleSettingsView in other languages', () => {
  it('speaks Spanish, with the weekdays named by Intl and their numbers unchanged', async () => {
    await setLocale('es')
    const wrapper = await setup(circle({ schedule: WEEKLY }))

    expect(wrapper.find('h1').text()).toBe('Ajustes del círculo')
    expect(field(wrapper, 'Nombre').element.value).toBe('Demo circle')
    expect(field(wrapper, 'Día').element.value).toBe('1')
    expect(chosen(field(wrapper, 'Día'))).toBe('martes')
    expect(document.title).toBe('Ajustes de Demo circle · InquiryCircle')
    wrapper.unmount()
  })

  it('says in German that the fields need a change', async () => {
    await setLocale('de')
    const wrapper = await setup()
    vi.spyOn(api, 'updateCircle').mockRejectedValue(
      httpError(400, { error: 'invalid', detail: 'x', fields: { name: ['Darf nicht leer sein.'] } }),
    )

    await save(wrapper)

    expect(wrapper.find('[role="alert"]').text()).toBe(
      'Nicht gespeichert: Einige Felder müssen geändert werden, siehe unten.',
    )
    wrapper.unmount()
  })

  it('names the circle in the tab in the new language after a switch', async () => {
    const wrapper = await setup()
    expect(document.title).toBe('Settings of Demo circle · InquiryCircle')

    await setLocale('ar')
    await flushPromises()

    expect(document.title).toBe('إعدادات Demo circle · InquiryCircle')
    wrapper.unmount()
  })
})
