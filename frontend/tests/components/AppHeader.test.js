import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import AppHeader from '@/components/layout/AppHeader.vue'
import { createAppRouter } from '@/router'
import { api } from '@/services/api'
import { useAuthStore } from '@/stores/auth'

import { httpError } from '../helpers/http'

const facilitator = { role: 'facilitator', display_name: 'Ann', circles: [{ slug: 'demo', name: 'Demo' }] }

let pinia
let router

beforeEach(() => {
  pinia = createPinia()
  router = createAppRouter(pinia, createMemoryHistory())
})

async function setup(identity) {
  if (identity) vi.spyOn(api, 'me').mockResolvedValue(identity)
  else vi.spyOn(api, 'me').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
  await router.push(identity ? '/circles/demo' : '/')
  const wrapper = mount(AppHeader, { global: { plugins: [pinia, router] } })
  await flushPromises()
  return wrapper
}

describe('AppHeader', () => {
  it('shows who is signed in and their role', async () => {
    const wrapper = await setup(facilitator)

    expect(wrapper.find('[data-testid="whoami"]').text()).toContain('Ann')
    expect(wrapper.find('[data-testid="whoami"]').text()).toContain('facilitator')
    expect(wrapper.find('a').attributes('href')).toBe('/circles')
  })

  it('shows no sign-out button when signed out', async () => {
    const wrapper = await setup(null)

    expect(wrapper.find('button').exists()).toBe(false)
    expect(wrapper.find('a').attributes('href')).toBe('/')
  })

  it('signs out and goes to key entry', async () => {
    const wrapper = await setup(facilitator)
    const logout = vi.spyOn(api, 'logout').mockResolvedValue('')

    await wrapper.find('button').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('key-entry'))

    expect(logout).toHaveBeenCalledTimes(1)
    expect(useAuthStore(pinia).signedIn).toBe(false)
    expect(wrapper.find('button').exists()).toBe(false)
  })
})
