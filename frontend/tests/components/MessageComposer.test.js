import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import MessageComposer from '@/components/circle/MessageComposer.vue'
import { setLocale } from '@/i18n'

function setup(props = {}) {
  return mount(MessageComposer, { props })
}

const sendButton = (wrapper) => wrapper.findAll('button').find((b) => b.text() === 'Send')

describe('MessageComposer', () => {
  it('emits post with the chosen kind and the body, and clears it once the post is done', async () => {
    const wrapper = setup()
    await wrapper.find('input[value="prompt"]').setValue()
    await wrapper.find('textarea').setValue('What did you notice?')

    await wrapper.find('form').trigger('submit')

    expect(wrapper.emitted('post')).toEqual([[{ kind: 'prompt', body: 'What did you notice?' }]])
    await wrapper.setProps({ busy: true })
    await wrapper.setProps({ busy: false })
    expect(wrapper.find('textarea').element.value).toBe('')
  })

  it('keeps the draft when the post fails', async () => {
    const wrapper = setup()
    await wrapper.find('textarea').setValue('A long, careful prompt')
    await wrapper.find('form').trigger('submit')

    await wrapper.setProps({ busy: true })
    await wrapper.setProps({ busy: false, error: 'Cannot reach InquiryCircle.' })

    expect(wrapper.find('textarea').element.value).toBe('A long, careful prompt')
  })

  it('sends an announcement by default', async () => {
    const wrapper = setup()
    await wrapper.find('textarea').setValue('Welcome')

    await wrapper.find('form').trigger('submit')

    expect(wrapper.emitted('post')[0][0]).toEqual({ kind: 'announcement', body: 'Welcome' })
  })

  it('refuses a blank message', async () => {
    const wrapper = setup()
    await wrapper.find('textarea').setValue('  \n  ')

    expect(sendButton(wrapper).attributes('disabled')).toBeDefined()
    await wrapper.find('form').trigger('submit')

    expect(wrapper.emitted('post')).toBeUndefined()
  })

  it('sends with Ctrl+Enter', async () => {
    const wrapper = setup()
    await wrapper.find('textarea').setValue('Back in 5')

    await wrapper.find('textarea').trigger('keydown.enter', { ctrlKey: true })

    expect(wrapper.emitted('post')).toEqual([[{ kind: 'announcement', body: 'Back in 5' }]])
  })

  it('does not send while busy', async () => {
    const wrapper = setup({ busy: true })
    await wrapper.find('textarea').setValue('Hello')

    await wrapper.find('form').trigger('submit')

    expect(wrapper.emitted('post')).toBeUndefined()
  })

  it('counts the characters left', async () => {
    const wrapper = setup()
    await wrapper.find('textarea').setValue('12345')

    expect(wrapper.find('#message-remaining').text()).toContain('1995 characters left')
  })

  it('quick cue buttons emit a time cue with their text', async () => {
    const wrapper = setup()
    const cue = wrapper.findAll('button').find((b) => b.text() === '5 minutes left')

    await cue.trigger('click')

    expect(wrapper.emitted('post')).toEqual([[{ kind: 'time_cue', body: '5 minutes left' }]])
  })

  it('quick cues do not touch the draft', async () => {
    const wrapper = setup()
    await wrapper.find('textarea').setValue('half-written thought')

    await wrapper
      .findAll('button')
      .find((b) => b.text() === '2 minutes left')
      .trigger('click')

    expect(wrapper.find('textarea').element.value).toBe('half-written thought')
    expect(wrapper.emitted('post')[0][0]).toEqual({ kind: 'time_cue', body: '2 minutes left' })
  })

  it('shows the error prop as an alert', () => {
    const wrapper = setup({ error: 'You are not allowed to do this.' })

    expect(wrapper.find('[role="alert"]').text()).toBe('You are not allowed to do this.')
  })

  it('says one character left in the singular', async () => {
    const wrapper = setup()
    await wrapper.find('textarea').setValue('x'.repeat(1999))

    expect(wrapper.find('#message-remaining').text()).toBe('1 character left · Ctrl+Enter sends')
  })

  it("offers its kinds and quick cues in the facilitator's language, and sends the cue as shown", async () => {
    await setLocale('es')
    const wrapper = setup()

    expect(wrapper.find('legend').text()).toBe('Tipo')
    expect(wrapper.findAll('label').map((label) => label.text())).toEqual([
      'Anuncio',
      'Pregunta',
      'Aviso de tiempo',
      'Mensaje',
    ])
    expect(wrapper.find('#message-remaining').text()).toBe('Quedan 2000 caracteres · Ctrl+Intro envía')
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Quedan 5 minutos')
      .trigger('click')

    expect(wrapper.emitted('post')).toEqual([[{ kind: 'time_cue', body: 'Quedan 5 minutos' }]])
  })

  it('gives every button, radio and the message field a touch target of at least 44 px', () => {
    const wrapper = setup()

    const targets = [...wrapper.findAll('button'), ...wrapper.findAll('fieldset label'), wrapper.find('textarea')]
    expect(targets.length).toBe(8) // Send, three quick cues, three kinds, the message
    for (const target of targets) expect(target.classes()).toContain('min-h-11')
  })
})
