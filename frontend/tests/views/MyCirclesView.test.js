import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import { createAppRouter } from '@/router'
import { api } from '@/services/api'
import MyCirclesView from '@/views/MyCirclesView.vue'

import { httpError } from '../helpers/http'

const identity = { role: 'facilitator', display_name: 'Ann', circles: [] }
const summary = (slug, overrides = {}) => ({
  slug,
  name: `Circle ${slug}`,
  description: '',
  next_session: null,
  active: true,
  ...overrides,
})

let pinia
let router

beforeEach(async () => {
  pinia = createPinia()
  router = createAppRouter(pinia, createMemoryHistory())
  vi.spyOn(api, 'me').mockResolvedValue(identity)
  await router.push('/circles')
})

async function setup() {
  const wrapper = mount(MyCirclesView, { global: { plugins: [pinia, router] } })
  await flushPromises()
  return wrapper
}

describe('MyCirclesView', () => {
  it('lists the circles with links to each', async () => {
    vi.spyOn(api, 'listCircles').mockResolvedValue([summary('a'), summary('b', { active: false })])
    const wrapper = await setup()

    const links = wrapper.findAll('a')
    expect(links.map((a) => a.attributes('href'))).toEqual(['/circles/a', '/circles/b'])
    expect(links[1].text()).toContain('Inactive')
    expect(router.currentRoute.value.fullPath).toBe('/circles')
  })

  it("shows each circle's next session in this browser's zone, and how far off it is", async () => {
    vi.useFakeTimers({ now: Date.parse('2025-03-08T18:00:00Z'), toFake: ['Date'] })
    const upcoming = (startsAt, running = false) => ({ starts_at: startsAt, ends_at: null, running })
    vi.spyOn(api, 'listCircles').mockResolvedValue([
      summary('a', { upcoming: upcoming('2025-03-11T18:00:00Z') }),
      summary('b', { upcoming: upcoming('2025-03-08T17:30:00Z', true) }),
      summary('c', { upcoming: upcoming('2025-03-08T18:10:00Z') }),
      summary('d'),
    ])
    const wrapper = await setup()
    vi.useRealTimers()

    const [a, b, c, d] = wrapper.findAll('li').map((li) => li.text())
    expect(a).toContain('Next session:')
    expect(a).toContain('starts in 3 days')
    expect(wrapper.find('li time').attributes('datetime')).toBe('2025-03-11T18:00:00Z')
    expect(wrapper.find('li time').text()).toMatch(/\b[A-Z]{2,5}\b|GMT/) // the zone's short name
    expect(b).toContain('This session:')
    expect(b).toContain('running now')
    expect(c).toContain('starts in 10 minutes')
    expect(d).not.toContain('session')
    wrapper.unmount()
  })

  it('goes straight into the only circle', async () => {
    vi.spyOn(api, 'listCircles').mockResolvedValue([summary('demo')])
    await setup()

    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/circles/demo'))
  })

  it('says when the key opens no circle', async () => {
    vi.spyOn(api, 'listCircles').mockResolvedValue([])
    const wrapper = await setup()

    expect(wrapper.text()).toContain('Your key does not open any circle')
  })

  it('shows why the list could not be loaded', async () => {
    vi.spyOn(api, 'listCircles').mockRejectedValue(httpError(500, {}))
    const wrapper = await setup()

    expect(wrapper.find('[role="alert"]').text()).toMatch(/something went wrong on our side/i)
  })
})
