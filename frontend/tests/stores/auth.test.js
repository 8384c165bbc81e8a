import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { api } from '@/services/api'
import { useAuthStore } from '@/stores/auth'
import { useKeysStore } from '@/stores/keys'

import { httpError, networkError } from '../helpers/http'

const participant = {
  role: 'participant',
  display_name: 'Ana',
  circles: [{ slug: 'demo', name: 'Demo circle' }],
}
const facilitator = { role: 'facilitator', display_name: 'Ann', circles: [{ slug: 'demo', name: 'Demo circle' }] }

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('auth store', () => {
  it('starts signed out and unchecked', () => {
    const auth = useAuthStore()

    expect(auth.signedIn).toBe(false)
    expect(auth.checked).toBe(false)
    expect(auth.circles).toEqual([])
    expect(auth.isFacilitator).toBe(false)
  })

  it('signIn sends the key and keeps the identity the server answers', async () => {
    const verify = vi.spyOn(api, 'verifyKey').mockResolvedValue(participant)
    const auth = useAuthStore()

    await expect(auth.signIn('k7qf-m2zd-9xhc-r4tb')).resolves.toEqual(participant)

    expect(verify).toHaveBeenCalledWith('k7qf-m2zd-9xhc-r4tb')
    expect(auth.identity).toEqual(participant)
    expect(auth.signedIn).toBe(true)
    expect(auth.checked).toBe(true)
    expect(auth.circles).toEqual(participant.circles)
    expect(auth.isFacilitator).toBe(false)
  })

  it('knows a facilitator', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(facilitator)
    const auth = useAuthStore()

    await auth.signIn('K7QF-M2ZD-9XHC-R4TB')

    expect(auth.isFacilitator).toBe(true)
  })

  it('a refused key leaves the person signed out and passes the error on', async () => {
    const refused = httpError(401, { error: 'not_authenticated', detail: 'This key is not valid.' })
    vi.spyOn(api, 'verifyKey').mockRejectedValue(refused)
    const auth = useAuthStore()

    await expect(auth.signIn('K7QF-M2ZD-9XHC-R4TB')).rejects.toBe(refused)
    expect(auth.signedIn).toBe(false)
  })

  it('ensureChecked asks /auth/me/ once and reuses the answer', async () => {
    const me = vi.spyOn(api, 'me').mockResolvedValue(participant)
    const auth = useAuthStore()

    await expect(auth.ensureChecked()).resolves.toBe(true)
    await expect(auth.ensureChecked()).resolves.toBe(true)

    expect(me).toHaveBeenCalledTimes(1)
    expect(auth.identity).toEqual(participant)
  })

  it('ensureChecked does not ask /auth/me/ after a sign-in', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(participant)
    const me = vi.spyOn(api, 'me')
    const auth = useAuthStore()
    await auth.signIn('K7QF-M2ZD-9XHC-R4TB')

    await expect(auth.ensureChecked()).resolves.toBe(true)

    expect(me).not.toHaveBeenCalled()
  })

  it('a 401 from /auth/me/ means signed out, not an error', async () => {
    vi.spyOn(api, 'me').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
    const auth = useAuthStore()

    await expect(auth.ensureChecked()).resolves.toBe(false)

    expect(auth.signedIn).toBe(false)
    expect(auth.checked).toBe(true)
  })

  it('refresh after a revoked key forgets the identity', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(participant)
    vi.spyOn(api, 'me').mockRejectedValue(httpError(401, { error: 'not_authenticated', detail: 'x' }))
    const auth = useAuthStore()
    await auth.signIn('K7QF-M2ZD-9XHC-R4TB')

    await expect(auth.refresh()).resolves.toBeNull()

    expect(auth.signedIn).toBe(false)
  })

  it('other errors from /auth/me/ propagate (and do not sign anyone out)', async () => {
    const auth = useAuthStore()
    auth.identity = participant

    const down = networkError()
    vi.spyOn(api, 'me').mockRejectedValueOnce(down)
    await expect(auth.refresh()).rejects.toBe(down)
    expect(auth.identity).toEqual(participant)

    const broken = httpError(500, { error: 'server_error', detail: 'x' })
    vi.spyOn(api, 'me').mockRejectedValueOnce(broken)
    await expect(auth.refresh()).rejects.toBe(broken)
    expect(auth.identity).toEqual(participant)
  })

  it('ensureChecked propagates a server failure', async () => {
    const broken = httpError(503, { error: 'error', detail: 'x' })
    vi.spyOn(api, 'me').mockRejectedValue(broken)
    const auth = useAuthStore()

    await expect(auth.ensureChecked()).rejects.toBe(broken)
  })

  it('signOut logs out and forgets the identity', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(participant)
    const logout = vi.spyOn(api, 'logout').mockResolvedValue('')
    const auth = useAuthStore()
    await auth.signIn('K7QF-M2ZD-9XHC-R4TB')

    await auth.signOut()

    expect(logout).toHaveBeenCalledTimes(1)
    expect(auth.signedIn).toBe(false)
    expect(auth.checked).toBe(true)
  })

  it('signOut forgets the keys just issued, so no later session sees them', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(facilitator)
    vi.spyOn(api, 'logout').mockResolvedValue('')
    vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: [{ id: 7, key: 'K7QF-M2ZD-9XHC-R4TB' }] })
    vi.spyOn(api, 'listKeys').mockResolvedValue([])
    const auth = useAuthStore()
    const keys = useKeysStore()
    await auth.signIn('FACI-LITA-TORK-EY00')
    await keys.issue('demo', { count: 1 })
    expect(keys.issuedIn('demo')).toHaveLength(1)

    await auth.signOut()

    expect(keys.issuedIn('demo')).toEqual([])
    expect(keys.justIssued).toEqual([])
  })

  it('signOut that the server did not confirm keeps the person signed in and says so', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(participant)
    vi.spyOn(api, 'logout').mockRejectedValue(networkError())
    const auth = useAuthStore()
    await auth.signIn('K7QF-M2ZD-9XHC-R4TB')

    await expect(auth.signOut()).rejects.toBeTruthy()

    // The session still exists on the server: pretending otherwise would mislead on a shared
    // computer, where a reload would sign the person back in.
    expect(auth.signedIn).toBe(true)
  })

  it('signOut forgets the identity once the server ended the session', async () => {
    vi.spyOn(api, 'verifyKey').mockResolvedValue(participant)
    vi.spyOn(api, 'logout').mockResolvedValue(undefined)
    const me = vi.spyOn(api, 'me')
    const auth = useAuthStore()
    await auth.signIn('K7QF-M2ZD-9XHC-R4TB')

    await auth.signOut()

    expect(auth.identity).toBeNull()
    await expect(auth.ensureChecked()).resolves.toBe(false)
    expect(me).not.toHaveBeenCalled()
  })
})
