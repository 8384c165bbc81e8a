import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createWebHistory } from 'vue-router'

import { createAppRouter } from '@/router'
import { api } from '@/services/api'
import { useAuthStore } from '@/stores/auth'
import KeyEntryView from '@/views/KeyEntryView.vue'

import { deferred, httpError, networkError } from '../helpers/http'

const KEY = 'K7QF-M2ZD-9XHC-R4TB'
const oneCircle = { role: 'participant', display_name: 'Ana', circles: [{ slug: 'demo', name: 'Demo circle' }] }
const twoCircles = {
  role: 'facilitator',
  display_name: 'Ann',
  circles: [
    { slug: 'demo', name: 'Demo circle' },
    { slug: 'tuesday', name: 'Tuesday circle' },
  ],
}

let pinia
let router

beforeEach(() => {
  pinia = createPinia()
  router = createAppRouter(pinia, createMemoryHistory())
  vi.spyOn(api, 'me').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
})

afterEach(() => {
  window.history.replaceState(null, '', '/')
})

/** The app at `path` (the browser's address too), with key entry showing. */
async function visit(path = '/') {
  window.history.replaceState(null, '', path)
  await router.push(path)
  await router.isReady()
  const wrapper = mount(KeyEntryView, { global: { plugins: [pinia, router] }, attachTo: document.body })
  return wrapper
}

async function typeKey(wrapper, key = KEY) {
  await wrapper.find('input').setValue(key)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
}

const here = () => router.currentRoute.value

/** Navigation to a lazily loaded view takes a real import: wait for it to land. */
async function arrivesAt(fullPath) {
  await vi.waitFor(() => expect(here().fullPath).toBe(fullPath))
}
const alertText = (wrapper) => wrapper.find('[role="alert"]').text()

describe('KeyEntryView', () => {
  it('signs in with a typed key and goes to the only circle', async () => {
    const verify = vi.spyOn(api, 'verifyKey').mockResolvedValue(oneCircle)
    const wrapper = await visit('/')

    await typeKey(wrapper, 'k7qf m2zd 9xhc r4tb')

    expect(verify).toHaveBeenCalledWith('k7qf m2zd 9xhc r4tb')
    expect(useAuthStore(pinia).signedIn).toBe(true)
    await arrivesAt('/circles/demo')
    expect(here().name).toBe('circle')
    wrapper.unmount()
  })

  it('goes to the list of circles when the key opens several', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(twoCircles)
    const wrapper = await visit('/')

    await typeKey(wrapper)

    await arrivesAt('/circles')
    wrapper.unmount()
  })

  it('goes on to next when there is one', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(twoCircles)
    const wrapper = await visit('/?next=/circles/tuesday')

    await typeKey(wrapper)

    await arrivesAt('/circles/tuesday')
    wrapper.unmount()
  })

  it('ignores a next that leaves the app', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(oneCircle)
    const wrapper = await visit('/?next=//evil.example/phish')

    await typeKey(wrapper)

    await arrivesAt('/circles/demo')
    wrapper.unmount()
  })

  it('signs in at once from a join link and takes the key out of the address', async () => {
    const verify = vi.spyOn(api, 'verifyKey').mockResolvedValue(oneCircle)
    window.history.replaceState(null, '', `/#key=${KEY}`)
    const replaceState = vi.spyOn(window.history, 'replaceState')
    await router.push(`/#key=${KEY}`)
    await router.isReady()

    const wrapper = mount(KeyEntryView, { global: { plugins: [pinia, router] } })

    expect(replaceState).toHaveBeenCalledTimes(1)
    const [, , url] = replaceState.mock.calls[0]
    expect(url).not.toContain('#')
    expect(url).not.toContain(KEY)
    expect(window.location.hash).toBe('')
    expect(window.location.href).not.toContain(KEY)
    await flushPromises()
    expect(verify).toHaveBeenCalledWith(KEY)
    await arrivesAt('/circles/demo')
    wrapper.unmount()
  })

  it('keeps the query (next) when it takes the key out of the address', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(twoCircles)
    window.history.replaceState(null, '', `/?next=/circles/tuesday#key=${KEY}`)
    await router.push(`/?next=/circles/tuesday#key=${KEY}`)

    const wrapper = mount(KeyEntryView, { global: { plugins: [pinia, router] } })
    await flushPromises()

    expect(window.location.search).toBe('?next=/circles/tuesday')
    expect(window.location.hash).toBe('')
    await arrivesAt('/circles/tuesday')
    wrapper.unmount()
  })

  it('does nothing by itself without a key in the address', async () => {
    const verify = vi.spyOn(api, 'verifyKey')
    const wrapper = await visit('/')
    await flushPromises()

    expect(verify).not.toHaveBeenCalled()
    expect(here().name).toBe('key-entry')
    wrapper.unmount()
  })

  it('says the key is not valid on a 401, and stays', async () => {
    vi.spyOn(api, 'verifyKey').mockRejectedValue(
      httpError(401, {
        error: 'not_authenticated',
        detail: 'This key is not valid. Check it and try again, or ask your facilitator.',
      }),
    )
    const wrapper = await visit('/')

    await typeKey(wrapper)

    expect(alertText(wrapper)).toBe(
      'That key is not valid. Check it and try again, or ask your facilitator for a new one.',
    )
    expect(here().name).toBe('key-entry')
    expect(useAuthStore(pinia).signedIn).toBe(false)
    expect(wrapper.find('button[type="submit"]').attributes('disabled')).toBeUndefined()
    wrapper.unmount()
  })

  it('shows a wrong key from a join link the same way', async () => {
    vi.spyOn(api, 'verifyKey').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
    window.history.replaceState(null, '', `/#key=${KEY}`)
    await router.push(`/#key=${KEY}`)

    const wrapper = mount(KeyEntryView, { global: { plugins: [pinia, router] } })
    await flushPromises()

    expect(alertText(wrapper)).toMatch(/That key is not valid/)
    expect(window.location.hash).toBe('')
    wrapper.unmount()
  })

  it('says how long to wait after too many attempts (429)', async () => {
    vi.spyOn(api, 'verifyKey').mockRejectedValue(
      httpError(
        429,
        { error: 'too_many_attempts', detail: 'Too many attempts. Try again in 120 seconds.' },
        { 'Retry-After': '120' },
      ),
    )
    const wrapper = await visit('/')

    await typeKey(wrapper)

    expect(alertText(wrapper)).toBe('Too many attempts. Please wait 2 minutes and try again.')
    wrapper.unmount()
  })

  it('says when the server cannot be reached', async () => {
    vi.spyOn(api, 'verifyKey').mockRejectedValue(networkError())
    const wrapper = await visit('/')

    await typeKey(wrapper)

    expect(alertText(wrapper)).toMatch(/can't reach/i)
    wrapper.unmount()
  })

  it('is busy while the key is being checked', async () => {
    const answer = deferred()
    vi.spyOn(api, 'verifyKey').mockReturnValue(answer.promise)
    const wrapper = await visit('/')

    await wrapper.find('input').setValue(KEY)
    await wrapper.find('form').trigger('submit')

    const submit = wrapper.find('button[type="submit"]')
    expect(submit.attributes('disabled')).toBeDefined()
    expect(submit.text()).toBe('Checking…')

    answer.reject(httpError(401, { error: 'not_authenticated', detail: 'x' }))
    await flushPromises()
    expect(wrapper.find('button[type="submit"]').attributes('disabled')).toBeUndefined()
    wrapper.unmount()
  })
  // The real browser history this time: vue-router keeps the URL it navigated to in
  // history.state and writes it back when it pushes the next page.
  it('keeps a join-link key out of the tab history when that sign-in failed', async () => {
    window.history.replaceState(null, '', `/#key=${KEY}`)
    const webRouter = createAppRouter(pinia, createWebHistory())
    vi.spyOn(api, 'verifyKey').mockRejectedValue(
      httpError(429, { error: 'too_many_attempts', detail: 'x' }, { 'Retry-After': '30' }),
    )
    try {
      await webRouter.push(`/#key=${KEY}`) // the first navigation, as app.use(router) does
      await webRouter.isReady()
      const wrapper = mount(KeyEntryView, { global: { plugins: [pinia, webRouter] } })
      await flushPromises()
      expect(alertText(wrapper)).toMatch(/wait 30 seconds/)
      expect(window.location.hash).toBe('')

      // The person goes on inside the app (the header's home link pushes key entry), then back.
      await webRouter.push({ name: 'key-entry' })
      expect(JSON.stringify(window.history.state)).not.toContain(KEY)
      window.history.back()
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(window.location.href).not.toContain(KEY)
      wrapper.unmount()
    } finally {
      webRouter.options.history.destroy()
    }
  })
})
