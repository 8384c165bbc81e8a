import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import KeyEntryForm from '@/components/auth/KeyEntryForm.vue'

function setup(props = {}) {
  return mount(KeyEntryForm, { props, attachTo: document.body })
}

async function typeAndSubmit(wrapper, value) {
  await wrapper.find('input').setValue(value)
  await wrapper.find('form').trigger('submit')
}

describe('KeyEntryForm', () => {
  it('has an input labelled "Access key"', () => {
    const wrapper = setup()

    const input = wrapper.find('input')
    const label = wrapper.find(`label[for="${input.attributes('id')}"]`)
    expect(label.exists()).toBe(true)
    expect(label.text()).toBe('Access key')
    expect(input.attributes('aria-describedby')).toContain('access-key-error')
    wrapper.unmount()
  })

  it('gives a hint and does not submit when nothing was typed', async () => {
    const wrapper = setup()

    await typeAndSubmit(wrapper, '   ')

    expect(wrapper.emitted('submit')).toBeUndefined()
    expect(wrapper.find('[role="alert"]').text()).toBe('Type the key you were given.')
    expect(wrapper.find('input').attributes('aria-invalid')).toBe('true')
    wrapper.unmount()
  })

  it('gives a hint and does not submit a malformed key', async () => {
    const wrapper = setup()

    await typeAndSubmit(wrapper, 'K7QF-M2ZD-9XHC')

    expect(wrapper.emitted('submit')).toBeUndefined()
    expect(wrapper.find('[role="alert"]').text()).toMatch(/16 letters and digits/)
    wrapper.unmount()
  })

  it('emits submit with what was typed for a valid key, in any case', async () => {
    const wrapper = setup()

    await typeAndSubmit(wrapper, 'k7qf m2zd 9xhc r4tb')

    expect(wrapper.emitted('submit')).toEqual([['k7qf m2zd 9xhc r4tb']])
    expect(wrapper.find('[role="alert"]').text()).toBe('')
    expect(wrapper.find('input').attributes('aria-invalid')).toBe('false')
    wrapper.unmount()
  })

  it('clears an earlier hint once the key is right', async () => {
    const wrapper = setup()
    await typeAndSubmit(wrapper, 'nope')
    expect(wrapper.find('[role="alert"]').text()).not.toBe('')

    await typeAndSubmit(wrapper, 'K7QF-M2ZD-9XHC-R4TB')

    expect(wrapper.find('[role="alert"]').text()).toBe('')
    expect(wrapper.emitted('submit')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows the error prop in the alert region', () => {
    const wrapper = setup({ error: 'That key is not valid.' })

    expect(wrapper.find('[role="alert"]').text()).toBe('That key is not valid.')
    expect(wrapper.find('input').attributes('aria-invalid')).toBe('true')
    wrapper.unmount()
  })

  it('disables the button and says it is checking while busy', () => {
    const wrapper = setup({ busy: true })

    const button = wrapper.find('button[type="submit"]')
    expect(button.attributes('disabled')).toBeDefined()
    expect(button.text()).toBe('Checking…')
    wrapper.unmount()
  })
})
