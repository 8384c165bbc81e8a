import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import MessageFeed from '@/components/circle/MessageFeed.vue'
import { STATES } from '@/services/stream'

import { FakeIntersectionObserver, message } from '../helpers/fakes'

function setup(messages, connection = STATES.LIVE, paging = {}) {
  return mount(MessageFeed, { props: { messages, connection, ...paging } })
}

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i))
const loadOlderButton = (wrapper) => wrapper.find('[data-testid="load-older"]')
const olderStatus = (wrapper) => wrapper.find('[data-testid="older-status"]')

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
    const wrapper = setup([
      message(1, 'announcement', 'first'),
      message(2, 'prompt', 'second'),
      message(3, 'time_cue', 'third'),
    ])

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

  it('shows a shared response as a Response, by its author', () => {
    const wrapper = setup([message(1, 'response', 'How quiet it was', 'A participant')])

    const item = wrapper.find('[data-testid="message"]')
    expect(item.attributes('data-kind')).toBe('response')
    expect(item.text()).toContain('Response')
    expect(item.text()).toContain('A participant')
    expect(item.find('[data-testid="message-body"]').text()).toBe('How quiet it was')
    expect(wrapper.find('[data-testid="feed-announcer"]').text()).toBe('Response from A participant: How quiet it was')
  })

  it('announces the latest message in a polite live region', async () => {
    const wrapper = setup([message(1, 'announcement', 'Welcome')])
    const announcer = wrapper.find('[data-testid="feed-announcer"]')
    expect(announcer.attributes('aria-live')).toBe('polite')
    expect(announcer.text()).toBe('Announcement from Ann: Welcome')

    await wrapper.setProps({
      messages: [message(1, 'announcement', 'Welcome'), message(2, 'prompt', 'What did you notice?', 'Ben')],
    })

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

describe('MessageFeed: older messages', () => {
  beforeEach(() => {
    FakeIntersectionObserver.reset()
    vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver)
  })

  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('offers "Show older messages" after the list while something is older, and asks for it', async () => {
    const wrapper = setup(range(51, 60), STATES.LIVE, { hasOlder: true })

    const button = loadOlderButton(wrapper)
    expect(button.text()).toBe('Show older messages')
    expect(button.attributes('type')).toBe('button')
    // After the list: the oldest message is the last one shown.
    const list = wrapper.find('[data-testid="message-list"]').element
    expect(list.compareDocumentPosition(button.element) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy()

    await button.trigger('click')

    expect(wrapper.emitted('load-older')).toHaveLength(1)
  })

  it('offers no button when nothing is older', () => {
    const wrapper = setup(range(1, 10), STATES.LIVE, { hasOlder: false })

    expect(loadOlderButton(wrapper).exists()).toBe(false)
  })

  it('says "Loading older messages…" in a polite status while a page loads, and nothing otherwise', async () => {
    const wrapper = setup(range(51, 60), STATES.LIVE, { hasOlder: true, loadingOlder: true })

    expect(olderStatus(wrapper).attributes('role')).toBe('status')
    expect(olderStatus(wrapper).text()).toBe('Loading older messages…')

    await wrapper.setProps({ loadingOlder: false })
    expect(olderStatus(wrapper).exists()).toBe(true) // stays in the page for the next time
    expect(olderStatus(wrapper).text()).toBe('')
  })

  it('marks the beginning of the messages once older pages were loaded and nothing older remains', async () => {
    const wrapper = setup(range(1, 60), STATES.LIVE, { hasOlder: true, olderLoaded: true })
    expect(wrapper.find('[data-testid="feed-start"]').exists()).toBe(false)

    await wrapper.setProps({ hasOlder: false })

    expect(wrapper.find('[data-testid="feed-start"]').text()).toBe("Beginning of the circle's messages")
    expect(loadOlderButton(wrapper).exists()).toBe(false)
  })

  it('does not mark the beginning when the whole circle fits in one page', () => {
    const wrapper = setup(range(1, 10), STATES.LIVE, { hasOlder: false, olderLoaded: false })

    expect(wrapper.find('[data-testid="feed-start"]').exists()).toBe(false)
  })

  it('shows why older messages could not be loaded', () => {
    const wrapper = setup(range(51, 60), STATES.LIVE, { hasOlder: true, olderError: 'Could not load older messages.' })

    expect(wrapper.find('[role="alert"]').text()).toBe('Could not load older messages.')
    expect(loadOlderButton(wrapper).exists()).toBe(true) // to try again
  })

  it('asks for older messages by itself when the end of the list comes into view', async () => {
    const wrapper = setup(range(51, 60), STATES.LIVE, { hasOlder: true })
    const observer = FakeIntersectionObserver.last
    await wrapper.vm.$nextTick()
    expect(observer.targets.size).toBe(1)

    observer.report(false)
    expect(wrapper.emitted('load-older')).toBeUndefined()

    observer.report(true)
    expect(wrapper.emitted('load-older')).toHaveLength(1)
  })

  it('watches the end of the list only while an older page can be asked for', async () => {
    const wrapper = setup(range(51, 60), STATES.LIVE, { hasOlder: true })
    const observer = FakeIntersectionObserver.last
    await wrapper.vm.$nextTick()

    await wrapper.setProps({ loadingOlder: true })
    expect(observer.targets.size).toBe(0) // no second request while one is on its way

    await wrapper.setProps({ loadingOlder: false })
    expect(observer.targets.size).toBe(1) // a fresh look: still in view means the next page

    await wrapper.setProps({ olderError: 'Could not load older messages.' })
    expect(observer.targets.size).toBe(0) // after a failure only the button asks again

    await wrapper.setProps({ olderError: '', hasOlder: false })
    expect(observer.targets.size).toBe(0)
  })

  it('stops watching when it unmounts', async () => {
    const wrapper = setup(range(51, 60), STATES.LIVE, { hasOlder: true })
    const observer = FakeIntersectionObserver.last

    wrapper.unmount()

    expect(observer.disconnected).toBe(true)
  })

  it('still works by the button where there is no IntersectionObserver', async () => {
    vi.stubGlobal('IntersectionObserver', undefined)
    const wrapper = setup(range(51, 60), STATES.LIVE, { hasOlder: true })

    await loadOlderButton(wrapper).trigger('click')

    expect(wrapper.emitted('load-older')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows an older page after the messages already shown, newest first', async () => {
    const wrapper = setup(range(3, 4), STATES.LIVE, { hasOlder: true })

    await wrapper.setProps({ messages: range(1, 4), hasOlder: false, olderLoaded: true })

    const bodies = wrapper.findAll('[data-testid="message-body"]').map((b) => b.text())
    expect(bodies).toEqual(['message 4', 'message 3', 'message 2', 'message 1'])
  })

  it('announces a new live message, but not an older page arriving', async () => {
    const wrapper = setup(
      [message(51, 'announcement', 'Welcome'), message(52, 'prompt', 'What did you notice?', 'Ben')],
      STATES.LIVE,
      {
        hasOlder: true,
      },
    )
    const announcer = () => wrapper.find('[data-testid="feed-announcer"]').text()
    expect(announcer()).toBe('Prompt from Ben: What did you notice?')
    // A screen reader speaks when the live region's content changes, even to the same words.
    const changes = []
    const watcher = new MutationObserver((records) => changes.push(...records))
    watcher.observe(wrapper.find('[data-testid="feed-announcer"]').element, {
      childList: true,
      characterData: true,
      subtree: true,
    })
    const changed = () => changes.length + watcher.takeRecords().length > 0

    await wrapper.setProps({ loadingOlder: true })
    await wrapper.setProps({
      messages: [message(49, 'time_cue', 'Old cue'), message(50), ...wrapper.props('messages')],
      loadingOlder: false,
    })
    expect(announcer()).toBe('Prompt from Ben: What did you notice?')
    expect(changed()).toBe(false)

    await wrapper.setProps({ messages: [...wrapper.props('messages'), message(53, 'time_cue', '5 minutes left')] })
    expect(announcer()).toBe('Time cue from Ann: 5 minutes left')
    expect(changed()).toBe(true)
    watcher.disconnect()
  })
})

describe('MessageFeed: sessions', () => {
  const inSession = (seq, session, body = `message ${seq}`) => ({ ...message(seq, 'announcement', body), session })
  const SESSIONS = [
    { id: 8, started_at: '2025-03-11T18:00:00Z', ended_at: null },
    { id: 7, started_at: '2025-03-04T18:00:00Z', ended_at: '2025-03-04T19:30:00Z' },
  ]
  const headings = (wrapper) => wrapper.findAll('[data-testid="session-group"] h3').map((h) => h.text())
  const day = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'full', timeStyle: 'short' })

  it("heads each session's messages with its date, newest first, and the rest as between sessions", () => {
    const wrapper = mount(MessageFeed, {
      props: {
        messages: [inSession(1, null), inSession(2, 7), inSession(3, 7), inSession(4, null), inSession(5, 8)],
        connection: STATES.LIVE,
        sessions: SESSIONS,
      },
    })

    expect(headings(wrapper)).toEqual([
      `Session of ${day('2025-03-11T18:00:00Z')}`,
      'Between sessions',
      `Session of ${day('2025-03-04T18:00:00Z')}`,
      'Between sessions',
    ])
    const groups = wrapper.findAll('ol')
    expect(groups.map((ol) => ol.findAll('[data-testid="message-body"]').map((b) => b.text()))).toEqual([
      ['message 5'],
      ['message 4'],
      ['message 3', 'message 2'],
      ['message 1'],
    ])
    expect(groups[0].attributes('aria-labelledby')).toBe(wrapper.findAll('h3')[0].attributes('id'))
  })

  it('names a session it does not know yet by its first message', () => {
    const wrapper = mount(MessageFeed, { props: { messages: [inSession(1, 99)], connection: STATES.LIVE } })

    expect(headings(wrapper)).toEqual([`Session of ${day('2025-03-04T18:30:00Z')}`])
  })

  it('has no headings while no message belongs to a session', () => {
    const wrapper = mount(MessageFeed, {
      props: { messages: [inSession(1, null), message(2)], connection: STATES.LIVE, sessions: SESSIONS },
    })

    expect(headings(wrapper)).toEqual([])
    expect(wrapper.findAll('[data-testid="message"]')).toHaveLength(2)
  })

  it('keeps a group in place when a new message joins it', async () => {
    const wrapper = mount(MessageFeed, {
      props: { messages: [inSession(1, 7), inSession(2, 8)], connection: STATES.LIVE, sessions: SESSIONS },
    })
    const group = wrapper.findAll('ol')[0].element

    await wrapper.setProps({ messages: [inSession(1, 7), inSession(2, 8), inSession(3, 8)] })

    expect(wrapper.findAll('ol')[0].element).toBe(group)
    expect(wrapper.findAll('ol')[0].findAll('li')).toHaveLength(2)
  })
})
