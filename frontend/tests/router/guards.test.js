import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import { createAppRouter, routes, safeNext } from '@/router'
import { api } from '@/services/api'
import { useAuthStore } from '@/stores/auth'

import { httpError, networkError } from '../helpers/http'

const identity = { role: 'participant', display_name: 'Ana', circles: [{ slug: 'demo', name: 'Demo' }] }

let pinia
let router

function signedOut() {
  return vi.spyOn(api, 'me').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
}
function signedIn() {
  return vi.spyOn(api, 'me').mockResolvedValue(identity)
}

beforeEach(() => {
  pinia = createPinia()
  router = createAppRouter(pinia, createMemoryHistory())
})

const here = () => router.currentRoute.value

describe('route guards', () => {
  it('sends an unauthenticated visit to a circle to key entry, remembering where it was going', async () => {
    signedOut()

    await router.push('/circles/demo')

    expect(here().name).toBe('key-entry')
    expect(here().query.next).toBe('/circles/demo')
  })

  it('keeps the query of the page asked for in next', async () => {
    signedOut()

    await router.push('/circles/demo?tab=keys')

    expect(here().query.next).toBe('/circles/demo?tab=keys')
  })

  it('sends an unauthenticated visit to join cards to key entry', async () => {
    signedOut()

    await router.push('/circles/demo/join-cards')

    expect(here().name).toBe('key-entry')
    expect(here().query.next).toBe('/circles/demo/join-cards')
  })

  it('lets a signed-in person open the join cards of a circle', async () => {
    signedIn()

    await router.push('/circles/demo/join-cards')

    expect(here().name).toBe('join-cards')
    expect(here().params.slug).toBe('demo')
  })

  it("sends an unauthenticated visit to a circle's settings to key entry", async () => {
    signedOut()

    await router.push('/circles/demo/settings')

    expect(here().name).toBe('key-entry')
    expect(here().query.next).toBe('/circles/demo/settings')
  })

  it("opens a circle's settings for a signed-in person, loading the view on demand", async () => {
    signedIn()

    await router.push('/circles/demo/settings')

    expect(here().name).toBe('circle-settings')
    expect(here().params.slug).toBe('demo')
    expect(document.title).toBe('Circle settings · InquiryCircle')
    expect(typeof routes.find((r) => r.name === 'circle-settings').component).toBe('function') // a lazy import
  })

  it('sends an unauthenticated visit to /circles to key entry', async () => {
    signedOut()

    await router.push('/circles')

    expect(here().name).toBe('key-entry')
    expect(here().query.next).toBe('/circles')
  })

  it('treats an unreachable server as signed out instead of failing the navigation', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(networkError())

    await router.push('/circles/demo')

    expect(here().name).toBe('key-entry')
  })

  it('lets a signed-out person see key entry', async () => {
    signedOut()

    await router.push('/')

    expect(here().name).toBe('key-entry')
    expect(here().query).toEqual({})
  })

  it('lets a signed-in person into a circle', async () => {
    signedIn()

    await router.push('/circles/demo')

    expect(here().name).toBe('circle')
    expect(here().params.slug).toBe('demo')
  })

  it('sends a signed-in visit to / on to /circles', async () => {
    signedIn()

    await router.push('/')

    expect(here().name).toBe('circles')
    expect(here().fullPath).toBe('/circles')
  })

  it('sends a signed-in visit to key entry on to a safe next', async () => {
    signedIn()

    await router.push('/?next=/circles/demo')

    expect(here().fullPath).toBe('/circles/demo')
  })

  it('refuses an unsafe next for a signed-in visit', async () => {
    signedIn()

    await router.push('/?next=//evil.example')
    expect(here().fullPath).toBe('/circles')

    await router.push('/?next=https://evil.example/')
    expect(here().fullPath).toBe('/circles')
  })

  it('keeps a signed-in person on key entry when a join link brings a key', async () => {
    signedIn()

    await router.push('/#key=K7QF-M2ZD-9XHC-R4TB')

    expect(here().name).toBe('key-entry')
    expect(here().hash).toBe('#key=K7QF-M2ZD-9XHC-R4TB')
  })

  it('shows not-found for an unknown path', async () => {
    signedOut()

    await router.push('/no/such/page')

    expect(here().name).toBe('not-found')
  })

  it('asks the server about the session once across navigations', async () => {
    const me = signedIn()

    await router.push('/circles')
    await router.push('/circles/demo')
    await router.push('/')

    expect(me).toHaveBeenCalledTimes(1)
  })

  it('follows the store: after sign-out, circles are closed again', async () => {
    signedIn()
    await router.push('/circles/demo')

    useAuthStore(pinia).forget()
    await router.push('/circles')

    expect(here().name).toBe('key-entry')
  })

  it('names the page in the document title', async () => {
    signedOut()

    await router.push('/')
    expect(document.title).toBe('Enter your key · InquiryCircle')

    await router.push('/nowhere')
    expect(document.title).toBe('Page not found · InquiryCircle')
  })
})

describe('safeNext', () => {
  it('accepts paths inside the app', () => {
    expect(safeNext('/circles/demo')).toBe('/circles/demo')
    expect(safeNext('/circles?x=1')).toBe('/circles?x=1')
  })

  it('refuses other origins and anything that is not a path', () => {
    expect(safeNext('//evil.example')).toBeNull()
    expect(safeNext('//evil.example/circles')).toBeNull()
    expect(safeNext('https://evil.example')).toBeNull()
    expect(safeNext('javascript:alert(1)')).toBeNull()
    expect(safeNext('circles')).toBeNull()
    expect(safeNext('')).toBeNull()
    expect(safeNext(undefined)).toBeNull()
    expect(safeNext(['/circles', '/x'])).toBeNull()
  })
})
