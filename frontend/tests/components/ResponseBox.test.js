import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import ResponseBox from '@/components/voice/ResponseBox.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useVoiceStore } from '@/stores/voice'

import { httpError } from '../helpers/http'
import { response, voicePrompt } from '../helpers/voice'

const PROMPT = { ...voicePrompt(12, 'What surprised you?'), kind: 'prompt', author: 'Ann' }

let voice
beforeEach(() => {
  setActivePinia(createPinia())
  voice = useVoiceStore()
  voice.slug = 'demo'
})

const setup = (prompt = PROMPT) => mount(ResponseBox, { props: { prompt }, attachTo: document.body })
const form = (wrapper) => wrapper.find('[data-testid="response-form"]')
const counter = (wrapper) => wrapper.find('[data-testid="response-length"]')
const mine = (wrapper) => wrapper.findAll('[data-testid="my-responses"] li').map((li) => li.text())

describe('ResponseBox', () => {
  it('offers a labelled box of at most 500 characters', () => {
    const wrapper = setup()

    const textarea = wrapper.find('textarea')
    const label = wrapper.find(`label[for="${textarea.attributes('id')}"]`)
    expect(label.text()).toBe('Your response')
    expect(textarea.attributes('maxlength')).toBe('500')
    expect(form(wrapper).find('button[type="submit"]').text()).toBe('Send response')
    expect(wrapper.text()).toContain('Only the facilitator sees it')
    wrapper.unmount()
  })

  it('sends the response, empties the box and lists it', async () => {
    const post = vi.spyOn(api, 'respond').mockResolvedValue(response(5, { body: 'How quiet it was' }))
    const wrapper = setup()

    await wrapper.find('textarea').setValue('How quiet it was')
    await form(wrapper).trigger('submit')
    await flushPromises()

    expect(post).toHaveBeenCalledWith('demo', 'How quiet it was')
    expect(wrapper.find('textarea').element.value).toBe('')
    expect(mine(wrapper)).toEqual(['How quiet it was'])
    expect(wrapper.find('[role="status"]').text()).toBe('Response sent to the facilitator.')
    wrapper.unmount()
  })

  it('sends nothing when the box is empty, and says why', async () => {
    const post = vi.spyOn(api, 'respond')
    const wrapper = setup()

    await wrapper.find('textarea').setValue('   ')
    await form(wrapper).trigger('submit')

    expect(post).not.toHaveBeenCalled()
    expect(wrapper.find('[role="alert"]').text()).toBe('Write your response first.')
    wrapper.unmount()
  })

  it("shows the server's sentence when sending too fast, and keeps the text", async () => {
    const sentence =
      'You are sending too fast: at most 10 responses and signals in 60 seconds. Try again in 12 seconds.'
    vi.spyOn(api, 'respond').mockRejectedValue(
      httpError(429, { error: 'throttled', detail: sentence }, { 'Retry-After': '12' }),
    )
    const wrapper = setup()

    await wrapper.find('textarea').setValue('Again')
    await form(wrapper).trigger('submit')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe(sentence)
    expect(wrapper.find('textarea').element.value).toBe('Again')
    wrapper.unmount()
  })

  it("shows the server's sentence when no prompt is pinned any more", async () => {
    const sentence = 'No prompt is pinned in this circle now, so there is nothing to respond to.'
    vi.spyOn(api, 'respond').mockRejectedValue(httpError(409, { error: 'conflict', detail: sentence }))
    const wrapper = setup()

    await wrapper.find('textarea').setValue('Late')
    await form(wrapper).trigger('submit')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe(sentence)
    wrapper.unmount()
  })

  it('lists the responses to this prompt only, and says which were shared', () => {
    voice.myResponses = [
      response(3, { body: 'Second thought', shared: 'anonymous' }),
      response(2, { body: 'To an older prompt', prompt: voicePrompt(8, 'Who are you today?') }),
      response(1, { body: 'First thought' }),
    ]
    const wrapper = setup()

    expect(mine(wrapper)).toEqual(['Second thoughtShared with the circle anonymously', 'First thought'])
    const first = wrapper.find('[data-testid="my-responses"] li')
    expect(first.findAll('p').map((p) => p.text())).toEqual(['Second thought', 'Shared with the circle anonymously'])
    wrapper.unmount()
  })

  it('counts the characters, and tells screen readers how many are left', async () => {
    const wrapper = setup()

    await wrapper.find('textarea').setValue('x'.repeat(499))

    expect(counter(wrapper).find('[aria-hidden="true"]').text()).toBe('499 / 500')
    expect(counter(wrapper).find('.sr-only').text()).toBe('1 character left')
    await wrapper.find('textarea').setValue('Hello')
    expect(counter(wrapper).find('.sr-only').text()).toBe('495 characters left')
    wrapper.unmount()
  })

  it.each([
    [500, 'لم يتبقَّ أي حرف'],
    [499, 'بقي حرف واحد'],
    [498, 'بقي حرفان'],
    [490, 'بقيت 10 أحرف'],
    [489, 'بقي 11 حرفًا'],
    [400, 'بقي 100 حرف'],
  ])('says in Arabic, with its six plural forms, what %i characters leave', async (used, said) => {
    await setLocale('ar')
    const wrapper = setup()

    await wrapper.find('textarea').setValue('x'.repeat(used))

    expect(counter(wrapper).find('.sr-only').text()).toBe(said)
    wrapper.unmount()
  })

  it("speaks the viewer's language", async () => {
    await setLocale('es')
    voice.myResponses = [response(3, { body: 'Otra idea', shared: 'named' })]
    vi.spyOn(api, 'respond').mockResolvedValue(response(5))
    const wrapper = setup()

    expect(wrapper.find('label[for="response-body"]').text()).toBe('Tu respuesta')
    expect(form(wrapper).find('button[type="submit"]').text()).toBe('Enviar respuesta')
    expect(mine(wrapper)).toEqual(['Otra ideaCompartida con el círculo'])
    await form(wrapper).trigger('submit')
    expect(wrapper.find('[role="alert"]').text()).toBe('Escribe primero tu respuesta.')
    await wrapper.find('textarea').setValue('Hola')
    await form(wrapper).trigger('submit')
    await flushPromises()
    expect(wrapper.find('[role="status"]').text()).toBe('Respuesta enviada al facilitador/a.')
    wrapper.unmount()
  })
})
