import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import MessageFeed from '@/components/circle/MessageFeed.vue'
import { setLocale } from '@/i18n'
import { STATES } from '@/services/stream'

import { FakeIntersectionObserver, message } from '../helpers/fakes'

function setup(messages, connection = STATES.LIVE, paging = {}) {
  return mount(MessageFeed, { props: { messages, connection, ...paging } })
}

const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i))
const loadOlderButton = (wrapper) => wrapper.find('[data-testid="load-older"]')
const olderStatus = (wrapper) => wrapper.find('[data-testid="older-status"]')
const announcer = (wrapper) => wrapper.find('[data-testid="feed-announcer"]')
// What the live region has said, a line per message, oldest first.
const spoken = (wrapper) =>
  announcer(wrapper)
    .findAll('p')
    .map((line) => line.text())

/** Whether the live region changed at all: a screen reader speaks at a change, even to the same words. */
function watchChanges(wrapper) {
  const changes = []
  const watcher = new MutationObserver((records) => changes.push(...records))
  watcher.observe(announcer(wrapper).element, { childList: true, characterData: true, subtree: true })
  return {
    any: () => changes.length + watcher.takeRecords().length > 0,
    stop: () => watcher.disconnect(),
  }
}

describe('MessageFeed', () => {
  it('puts its scrolling list in the Tab order, named by the feed heading', () => {
    const scroller = setup(range(1, 3)).find('[data-testid="feed-scroller"]')

    expect(scroller.attributes('tabindex')).toBe('0')
    expect(scroller.attributes('aria-labelledby')).toBe('feed-title')
    expect(scroller.find('[data-testid="message-list"]').exists()).toBe(true)
  })

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

describe('MessageFeed: what screen readers hear', () => {
  const history = [message(1, 'announcement', 'Welcome'), message(2, 'prompt', 'What did you notice?', 'Ben')]

  /** The room opening: the feed appears empty while connecting, the newest page comes, then the stream is live. */
  async function opened(messages = history) {
    const wrapper = setup([], STATES.CONNECTING)
    await wrapper.setProps({ messages })
    await wrapper.setProps({ connection: STATES.LIVE })
    return wrapper
  }

  it('is told through one polite live region, and the list itself is not one', () => {
    const wrapper = setup(history)

    expect(announcer(wrapper).attributes('aria-live')).toBe('polite')
    expect(wrapper.findAll('[aria-live]').map((region) => region.attributes('data-testid'))).toEqual(['feed-announcer'])
    const list = wrapper.find('[data-testid="message-list"]')
    expect(list.find('[aria-live]').exists()).toBe(false)
    expect(list.find('[role="log"], [role="status"], [role="alert"]').exists()).toBe(false)
  })

  it('does not hear the messages shown when the room opens', async () => {
    const wrapper = await opened()

    expect(wrapper.findAll('[data-testid="message"]')).toHaveLength(2)
    expect(spoken(wrapper)).toEqual([])
  })

  it('does not hear the messages the feed appears with either', () => {
    expect(spoken(setup(history, STATES.LIVE))).toEqual([])
  })

  it('hears a new message once', async () => {
    const wrapper = await opened()

    await wrapper.setProps({ messages: [...history, message(3, 'time_cue', '5 minutes left')] })
    expect(spoken(wrapper)).toEqual(['Time cue from Ann: 5 minutes left'])

    await wrapper.setProps({ connection: STATES.RECONNECTING })
    await wrapper.setProps({ connection: STATES.LIVE })
    await wrapper.setProps({ sessions: [{ id: 1, started_at: '2025-03-04T18:00:00Z' }] })
    expect(spoken(wrapper)).toEqual(['Time cue from Ann: 5 minutes left'])
  })

  it('hears a message delivered twice (again after a reconnect) once', async () => {
    const wrapper = await opened()
    const cue = message(3, 'time_cue', '5 minutes left')
    await wrapper.setProps({ messages: [...history, cue] })
    const changes = watchChanges(wrapper)

    await wrapper.setProps({ connection: STATES.RECONNECTING })
    await wrapper.setProps({ connection: STATES.LIVE })
    await wrapper.setProps({ messages: [...history, { ...cue }] })
    await wrapper.setProps({ messages: [...history, { ...cue }, { ...cue }] })

    expect(spoken(wrapper)).toEqual(['Time cue from Ann: 5 minutes left'])
    expect(changes.any()).toBe(false)
    changes.stop()
  })

  it('hears two messages that arrive together, both, in the order they came', async () => {
    const wrapper = await opened()

    await wrapper.setProps({
      messages: [...history, message(3, 'announcement', 'Pairs now', 'Ann'), message(4, 'time_cue', 'Go', 'Ann')],
    })
    await wrapper.setProps({ messages: [...wrapper.props('messages'), message(5, 'prompt', 'And now?', 'Ben')] })

    expect(spoken(wrapper)).toEqual([
      'Announcement from Ann: Pairs now',
      'Time cue from Ann: Go',
      'Prompt from Ben: And now?',
    ])
  })

  it('hears a message that arrives live when the circle had none before', async () => {
    const wrapper = await opened([])

    await wrapper.setProps({ messages: [message(1, 'announcement', 'Welcome')] })

    expect(spoken(wrapper)).toEqual(['Announcement from Ann: Welcome'])
  })

  it("does not hear the newest page shown again after the server's numbers changed, but what comes after", async () => {
    const wrapper = await opened([message(40), message(41), message(42)])

    await wrapper.setProps({ connection: STATES.RECONNECTING })
    await wrapper.setProps({ messages: [message(30), message(31, 'prompt', 'Restored')] }) // a restore went back
    await wrapper.setProps({ connection: STATES.LIVE })
    expect(spoken(wrapper)).toEqual([])

    await wrapper.setProps({ messages: [message(30), message(31), message(32, 'time_cue', 'After')] })
    expect(spoken(wrapper)).toEqual(['Time cue from Ann: After'])
  })

  it('keeps only the last few lines, the newest last', async () => {
    const wrapper = await opened([])
    const many = range(1, 8)

    for (let seq = 1; seq <= many.length; seq += 1) await wrapper.setProps({ messages: many.slice(0, seq) })

    expect(spoken(wrapper)).toEqual([4, 5, 6, 7, 8].map((seq) => `Announcement from Ann: message ${seq}`))
  })

  it("says a message in the viewer's language", async () => {
    await setLocale('es')
    const wrapper = await opened()

    await wrapper.setProps({ messages: [...history, message(3, 'time_cue', '5 minutos', 'Ana')] })

    expect(spoken(wrapper)).toEqual(['Aviso de tiempo de Ana: 5 minutos'])
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
    const wrapper = setup([message(51, 'announcement', 'Welcome')], STATES.LIVE, { hasOlder: true })
    await wrapper.setProps({ messages: [...wrapper.props('messages'), message(52, 'prompt', 'Noticed?', 'Ben')] })
    expect(spoken(wrapper)).toEqual(['Prompt from Ben: Noticed?'])
    const changes = watchChanges(wrapper)

    await wrapper.setProps({ loadingOlder: true })
    await wrapper.setProps({
      messages: [message(49, 'time_cue', 'Old cue'), message(50), ...wrapper.props('messages')],
      loadingOlder: false,
      olderLoaded: true,
    })
    expect(spoken(wrapper)).toEqual(['Prompt from Ben: Noticed?'])
    expect(changes.any()).toBe(false)

    await wrapper.setProps({ messages: [...wrapper.props('messages'), message(53, 'time_cue', '5 minutes left')] })
    expect(spoken(wrapper)).toEqual(['Prompt from Ben: Noticed?', 'Time cue from Ann: 5 minutes left'])
    expect(changes.any()).toBe(true)
    changes.stop()
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
