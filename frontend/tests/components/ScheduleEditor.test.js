import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import ScheduleEditor from '@/components/circle/ScheduleEditor.vue'
import { setLocale } from '@/i18n'

const WEEKLY = {
  frequency: 'weekly',
  weekday: 1,
  week_of_month: 1,
  time: '19:00',
  timezone: 'Europe/Berlin',
  duration_minutes: 90,
  starts_on: '2025-03-04',
  skipped_dates: ['2025-04-15'],
}

const setup = (schedule = WEEKLY) => mount(ScheduleEditor, { props: { modelValue: schedule } })
const options = (select) => select.findAll('option').map((o) => [o.element.value, o.text()])

describe('ScheduleEditor', () => {
  it("names the weekdays from Monday (0) to Sunday (6), the API's numbering", () => {
    expect(options(setup().find('#schedule-weekday'))).toEqual([
      ['0', 'Monday'],
      ['1', 'Tuesday'],
      ['2', 'Wednesday'],
      ['3', 'Thursday'],
      ['4', 'Friday'],
      ['5', 'Saturday'],
      ['6', 'Sunday'],
    ])
  })

  it('emits the weekday as its number, whatever the language', async () => {
    await setLocale('de')
    const wrapper = setup()

    await wrapper.find('#schedule-weekday').setValue('4')

    expect(wrapper.emitted('update:modelValue').at(-1)[0].weekday).toBe(4)
  })

  it("names weekdays, weeks and skipped dates in the language shown, from Intl's own names", async () => {
    await setLocale('es')
    const wrapper = setup({ ...WEEKLY, frequency: 'monthly' })

    expect(options(wrapper.find('#schedule-weekday')).map(([, name]) => name)).toEqual([
      'lunes',
      'martes',
      'miércoles',
      'jueves',
      'viernes',
      'sábado',
      'domingo',
    ])
    expect(options(wrapper.find('#schedule-week'))).toEqual([
      ['1', 'Primera'],
      ['2', 'Segunda'],
      ['3', 'Tercera'],
      ['4', 'Cuarta'],
      ['-1', 'Última'],
    ])
    expect(options(wrapper.find('#schedule-frequency')).map(([value]) => value)).toEqual([
      '',
      'weekly',
      'biweekly',
      'monthly',
    ])
    expect(wrapper.find('legend').text()).toBe('Calendario')
    const skipped = new Date('2025-04-15T12:00:00Z').toLocaleDateString('es', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    })
    expect(wrapper.find('time[datetime="2025-04-15"]').text()).toBe(skipped)
    // the button still names the date as the API has it
    expect(wrapper.find('button[aria-label="Quitar la fecha sin sesión 2025-04-15"]').exists()).toBe(true)
  })

  it('follows a change of language while it is shown', async () => {
    const wrapper = setup()
    expect(wrapper.find('#schedule-weekday option[value="1"]').text()).toBe('Tuesday')

    await setLocale('ar')

    expect(wrapper.find('#schedule-weekday option[value="1"]').text()).toBe('الثلاثاء')
    expect(wrapper.find('label[for="schedule-weekday"]').text()).toBe('اليوم')
  })
})
