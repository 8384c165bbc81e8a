import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import PinnedPrompt from '@/components/circle/PinnedPrompt.vue'
import { setLocale } from '@/i18n'

const PROMPT = { seq: 4, kind: 'prompt', body: 'What did you notice?\nTake a minute.' }

describe('PinnedPrompt', () => {
  it('shows the current prompt under its heading, as text', () => {
    const wrapper = mount(PinnedPrompt, { props: { prompt: PROMPT } })

    const section = wrapper.find('[data-testid="current-prompt"]')
    expect(section.attributes('aria-labelledby')).toBe('current-prompt-title')
    expect(wrapper.find('#current-prompt-title').text()).toBe('Current prompt')
    expect(section.find('p').text()).toBe(PROMPT.body)
  })

  it('shows nothing without a prompt', () => {
    const wrapper = mount(PinnedPrompt, { props: { prompt: null } })

    expect(wrapper.find('[data-testid="current-prompt"]').exists()).toBe(false)
  })

  it("names it in the viewer's language", async () => {
    await setLocale('ar')
    const wrapper = mount(PinnedPrompt, { props: { prompt: PROMPT } })

    expect(wrapper.find('#current-prompt-title').text()).toBe('السؤال الحالي')
  })
})
