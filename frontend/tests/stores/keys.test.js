import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { api } from '@/services/api'
import { useCirclesStore } from '@/stores/circles'
import { useKeysStore } from '@/stores/keys'

import { httpError } from '../helpers/http'
import { keyRow } from '../helpers/keys'

const row = (id, overrides = {}) => keyRow(id, overrides, 'K')
const issued = (id, key, label = '') => ({
  id,
  key,
  prefix: key.slice(0, 4),
  label,
  role: 'participant',
  expires: null,
})

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('keys store', () => {
  it('load lists the circle keys', async () => {
    const list = vi.spyOn(api, 'listKeys').mockResolvedValue([row(1), row(2)])
    const keys = useKeysStore()

    await keys.load('demo')

    expect(list).toHaveBeenCalledWith('demo')
    expect(keys.keys.map((k) => k.id)).toEqual([1, 2])
  })

  it('issue keeps the new plaintexts in justIssued and reloads the list', async () => {
    const fresh = [issued(3, 'A1B2-C3D4-E5F6-G7H8', 'Ana'), issued(4, 'Z9Y8-X7W6-V5T4-S3R2', 'Ben')]
    const issue = vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: fresh })
    const list = vi.spyOn(api, 'listKeys').mockResolvedValue([row(1), row(3), row(4)])
    const keys = useKeysStore()

    await expect(keys.issue('demo', { count: 2, labels: ['Ana', 'Ben'], expires: null })).resolves.toEqual(fresh)

    expect(issue).toHaveBeenCalledWith('demo', { count: 2, labels: ['Ana', 'Ben'] })
    expect(keys.justIssued).toEqual(fresh)
    expect(list).toHaveBeenCalledWith('demo')
    expect(keys.keys.map((k) => k.id)).toEqual([1, 3, 4])
  })

  it('issue remembers which circle the new keys open, by the name of the circle open now', async () => {
    vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: [issued(3, 'A1B2-C3D4-E5F6-G7H8')] })
    vi.spyOn(api, 'listKeys').mockResolvedValue([row(3)])
    useCirclesStore().current = { slug: 'demo', name: 'Demo circle' }
    const keys = useKeysStore()

    await keys.issue('demo', { count: 1 })

    expect(keys.issuedCircle).toEqual({ slug: 'demo', name: 'Demo circle' })
    expect(keys.issuedIn('demo').map((k) => k.key)).toEqual(['A1B2-C3D4-E5F6-G7H8'])
    expect(keys.issuedIn('other')).toEqual([])
  })

  it('issue names the circle by its slug when another circle is open', async () => {
    vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: [issued(3, 'A1B2-C3D4-E5F6-G7H8')] })
    vi.spyOn(api, 'listKeys').mockResolvedValue([row(3)])
    useCirclesStore().current = { slug: 'other', name: 'Other circle' }
    const keys = useKeysStore()

    await keys.issue('demo', { count: 1 })

    expect(keys.issuedCircle).toEqual({ slug: 'demo', name: 'demo' })
  })

  it('issue sends only what was given', async () => {
    const issue = vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: [] })
    vi.spyOn(api, 'listKeys').mockResolvedValue([])
    const keys = useKeysStore()

    await keys.issue('demo', { count: 3, labels: [], expires: null })
    await keys.issue('demo', { count: 1, expires: '2030-01-01T00:00:00.000Z' })

    expect(issue.mock.calls[0][1]).toEqual({ count: 3 })
    expect(issue.mock.calls[1][1]).toEqual({ count: 1, expires: '2030-01-01T00:00:00.000Z' })
  })

  it('a refused issue keeps the previous state', async () => {
    vi.spyOn(api, 'issueKeys').mockRejectedValue(httpError(400, { error: 'invalid', detail: 'x' }))
    const list = vi.spyOn(api, 'listKeys')
    const keys = useKeysStore()

    await expect(keys.issue('demo', { count: 1 })).rejects.toBeTruthy()
    expect(keys.justIssued).toEqual([])
    expect(list).not.toHaveBeenCalled()
  })

  it('dismissIssued forgets the plaintexts', async () => {
    vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: [issued(3, 'A1B2-C3D4-E5F6-G7H8')] })
    vi.spyOn(api, 'listKeys').mockResolvedValue([row(3)])
    const keys = useKeysStore()
    await keys.issue('demo', { count: 1 })

    keys.dismissIssued()

    expect(keys.justIssued).toEqual([])
    expect(keys.issuedCircle).toBeNull()
    expect(keys.issuedIn('demo')).toEqual([])
    expect(keys.keys).toHaveLength(1) // the list stays
  })

  it('revoke deletes the key and reloads the list', async () => {
    const revoke = vi.spyOn(api, 'revokeKey').mockResolvedValue('')
    vi.spyOn(api, 'listKeys').mockResolvedValue([row(1, { revoked: true })])
    const keys = useKeysStore()

    await keys.revoke('demo', 1)

    expect(revoke).toHaveBeenCalledWith('demo', 1)
    expect(keys.keys[0].revoked).toBe(true)
  })
})

describe('circles store', () => {
  it('loadList keeps the circles the key opens', async () => {
    vi.spyOn(api, 'listCircles').mockResolvedValue([{ slug: 'demo', name: 'Demo' }])
    const circles = useCirclesStore()

    await expect(circles.loadList()).resolves.toEqual([{ slug: 'demo', name: 'Demo' }])
    expect(circles.list).toHaveLength(1)
  })

  it('open forgets the previous circle before the new one arrives; close forgets it', async () => {
    vi.spyOn(api, 'getCircle')
      .mockResolvedValueOnce({ slug: 'a', name: 'A' })
      .mockReturnValueOnce(new Promise(() => {}))
    const circles = useCirclesStore()
    await circles.open('a')
    expect(circles.current.slug).toBe('a')

    circles.open('b')
    expect(circles.current).toBeNull()

    circles.current = { slug: 'x' }
    circles.close()
    expect(circles.current).toBeNull()
  })
})
