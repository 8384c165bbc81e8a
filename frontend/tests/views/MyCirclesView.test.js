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
