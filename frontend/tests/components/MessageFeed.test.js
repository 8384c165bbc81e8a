import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'

import MessageFeed from '@/components/circle/MessageFeed.vue'
import { STATES } from '@/services/stream'

import { message } from '../helpers/fakes'

function setup(messages, connection = STATES.LIVE) {
  return mount(MessageFeed, { props: { messages, connection } })
}

describe('MessageFeed', () => {
  it('renders bodies as text, never as HTML', () => {
    const wrapper = setup([
      message(1, 'announcement', '<b>bold</b> claim'),
      message(2, 'prompt', '<script>window.pwned = true</script>'),
      message(3, 'announcement', '<img src=x onerror="window.pwned = true">'),
    ])

    expect(wrapper.find('b').exists()).toBe(false)
    expect(wrapper.find('script').exists()).toBe(false)
    expect(wrapper.find('img').exists()).toBe(false)
    const bodies = wrapper.findAll('[data-testid="message-body"]').map((b) => b.text())
    expect(bodies).toContain('<b>bold</b> claim')
    expect(bodies).toContain('<script>window.pwned = true</script>')
    expect(window.pwned).toBeUndefined()
  })

  it('shows the newest message first', () => {
    const wrapper = setup([message(1, 'announcement', 'first'), message(2, 'prompt', 'second'), message(3, 'time_cue', 'third')])

    const bodies = wrapper.findAll('[data-testid="message-body"]').map((b) => b.text())
    expect(bodies).toEqual(['third', 'second', 'first'])
    expect(wrapper.findAll('[data-testid="message"]').map((m) => m.attributes('data-kind'))).toEqual([
      'time_cue',
      'prompt',
      'announcement',
    ])
  })

  it('does not reorder the array it was given', () => {
    const messages = [message(1), message(2)]
    setup(messages)

    expect(messages.map((m) => m.seq)).toEqual([1, 2])
  })

  it('labels each message with its kind and author', () => {
    const wrapper = setup([message(1, 'time_cue', '5 minutes left', 'Ann')])

    const item = wrapper.find('[data-testid="message"]')
    expect(item.text()).toContain('Time cue')
    expect(item.text()).toContain('Ann')
    expect(item.find('time').attributes('datetime')).toBe('2025-03-04T18:30:00Z')
  })

  it('announces the latest message in a polite live region', async () => {
    const wrapper = setup([message(1, 'announcement', 'Welcome')])
    const announcer = wrapper.find('[data-testid="feed-announcer"]')
    expect(announcer.attributes('aria-live')).toBe('polite')
    expect(announcer.text()).toBe('Announcement from Ann: Welcome')

    await wrapper.setProps({ messages: [message(1, 'announcement', 'Welcome'), message(2, 'prompt', 'What did you notice?', 'Ben')] })

    expect(wrapper.find('[data-testid="feed-announcer"]').text()).toBe('Prompt from Ben: What did you notice?')
  })

  it('says when there are no messages, and announces nothing', () => {
    const wrapper = setup([])

    expect(wrapper.text()).toContain('No messages yet.')
    expect(wrapper.find('[data-testid="feed-announcer"]').text()).toBe('')
  })

  it.each([
    [STATES.CONNECTING, 'Connecting…'],
    [STATES.LIVE, 'Live'],
    [STATES.RECONNECTING, 'Reconnecting…'],
    [STATES.ENDED, 'Disconnected'],
  ])('labels the connection state %s as "%s"', (state, label) => {
    const wrapper = setup([], state)

    const status = wrapper.find('[data-testid="connection-state"]')
    expect(status.attributes('role')).toBe('status')
    expect(status.attributes('data-state')).toBe(state)
    expect(status.text()).toBe(label)
  })
})
