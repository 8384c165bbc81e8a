import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import CalendarLinks from '@/components/circle/CalendarLinks.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'

import { httpError } from '../helpers/http'

const URL_ONE = 'https://circle.example/api/calendar/s3cr3t-one.ics'
const URL_TWO = 'https://circle.example/api/calendar/s3cr3t-two.ics'

afterEach(() => {
  vi.unstubAllGlobals()
})

const setup = () => mount(CalendarLinks, { props: { slug: 'demo' } })
const button = (wrapper, name) => wrapper.findAll('button').find((b) => b.text() === name)

describe('CalendarLinks', () => {
  it("links the circle's calendar file", () => {
    const link = setup().find('a')

    expect(link.text()).toBe('Download calendar file')
    expect(link.attributes('href')).toBe('/api/circles/demo/calendar.ics')
  })

  it('shows a new subscribe link once, says it is personal, and copies it', async () => {
    vi.spyOn(api, 'createCalendarLink').mockResolvedValueOnce({ url: URL_ONE }).mockResolvedValueOnce({ url: URL_TWO })
    const writeText = vi.fn().mockResolvedValue()
    vi.stubGlobal('navigator', { clipboard: { writeText } })
    const wrapper = setup()
    expect(wrapper.find('#calendar-link').exists()).toBe(false)

    await button(wrapper, 'Make a calendar link').trigger('click')
    await flushPromises()

    expect(api.createCalendarLink).toHaveBeenCalledWith('demo')
    expect(wrapper.find('label[for="calendar-link"]').text()).toBe('Calendar subscribe link')
    expect(wrapper.find('#calendar-link').element.value).toBe(URL_ONE)
    expect(wrapper.text()).toContain('This link is personal')
    expect(wrapper.text()).toContain('Making a new link revokes this one.')

    await button(wrapper, 'Copy link').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(URL_ONE)
    expect(wrapper.find('[role="status"]').text()).toBe('Copied.')

    await button(wrapper, 'Make a calendar link').trigger('click')
    await flushPromises()
    expect(wrapper.find('#calendar-link').element.value).toBe(URL_TWO)
  })

  it('revokes the link and forgets it', async () => {
    vi.spyOn(api, 'createCalendarLink').mockResolvedValue({ url: URL_ONE })
    const revoke = vi.spyOn(api, 'revokeCalendarLink').mockResolvedValue()
    const wrapper = setup()
    await button(wrapper, 'Make a calendar link').trigger('click')
    await flushPromises()

    await button(wrapper, 'Revoke subscribe link').trigger('click')
    await flushPromises()

    expect(revoke).toHaveBeenCalledWith('demo')
    expect(wrapper.find('#calendar-link').exists()).toBe(false)
    expect(wrapper.find('[role="status"]').text()).toBe('Your subscribe link no longer works.')
  })

  it("shows the server's sentence when no link can be made", async () => {
    vi.spyOn(api, 'createCalendarLink').mockRejectedValue(httpError(503, {}))
    const wrapper = setup()

    await button(wrapper, 'Make a calendar link').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toMatch(/something went wrong on our side/i)
  })

  it('speaks Spanish, and keeps the link itself left to right', async () => {
    await setLocale('es')
    vi.spyOn(api, 'createCalendarLink').mockResolvedValue({ url: URL_ONE })
    const wrapper = setup()
    expect(wrapper.find('a').text()).toBe('Descargar archivo de calendario')

    await button(wrapper, 'Crear un enlace de calendario').trigger('click')
    await flushPromises()

    expect(wrapper.find('label[for="calendar-link"]').text()).toBe('Enlace de suscripción al calendario')
    expect(wrapper.find('#calendar-link').attributes('dir')).toBe('ltr')
    expect(wrapper.find('[role="status"]').text()).toBe('El nuevo enlace de suscripción está listo.')
  })
})
