import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import KeyManager from '@/components/circle/KeyManager.vue'
import { setLocale } from '@/i18n'
import { createAppRouter } from '@/router'
import { api } from '@/services/api'
import { keyFromFragment } from '@/services/keys'
import { useKeysStore } from '@/stores/keys'

import { httpError } from '../helpers/http'
import { keyRow } from '../helpers/keys'

const row = (id, overrides = {}) => keyRow(id, overrides, 'P')

const ISSUED = [
  { id: 10, key: 'A1B2-C3D4-E5F6-G7H8', prefix: 'A1B2', label: 'Ana', role: 'participant', expires: null },
  { id: 11, key: 'Z9Y8-X7W6-V5T4-S3R2', prefix: 'Z9Y8', label: '', role: 'participant', expires: null },
]

let pinia
let router
let confirm

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  router = createAppRouter(pinia, createMemoryHistory())
  vi.spyOn(api, 'me').mockResolvedValue({
    role: 'facilitator',
    display_name: 'Ann',
    circles: [{ slug: 'demo', name: 'Demo' }],
  })
  confirm = vi.fn(() => true)
  vi.stubGlobal('confirm', confirm)
})

afterEach(() => {
  vi.unstubAllGlobals()
})

async function setup(rows = [row(1, { role: 'facilitator', label: 'Ann' }), row(2, { label: 'Ben' })]) {
  const list = vi.spyOn(api, 'listKeys').mockResolvedValue(rows)
  const wrapper = mount(KeyManager, {
    props: { slug: 'demo' },
    global: { plugins: [pinia, router] },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, list }
}

const button = (wrapper, text) => wrapper.findAll('button').find((b) => b.text() === text)
const rows = (wrapper) => wrapper.findAll('[data-testid="key-row"]')

async function issueTwo(wrapper) {
  vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: ISSUED })
  vi.spyOn(api, 'listKeys').mockResolvedValue([row(1, { role: 'facilitator' }), row(10, { label: 'Ana' }), row(11)])
  await wrapper.find('#key-count').setValue(2)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
}

describe('KeyManager', () => {
  it('lists the circle keys by prefix only', async () => {
    const { wrapper, list } = await setup()

    expect(list).toHaveBeenCalledWith('demo')
    expect(rows(wrapper)).toHaveLength(2)
    expect(rows(wrapper)[1].text()).toContain('P2QF-…')
    expect(rows(wrapper)[1].text()).toContain('Ben')
    expect(rows(wrapper)[1].text()).toContain('Active')
    wrapper.unmount()
  })

  it('shows revoked and expired keys as such', async () => {
    const { wrapper } = await setup([
      row(1, { revoked: true, revoked_at: '2025-03-02T10:00:00Z' }),
      row(2, { expires: '2000-01-01T00:00:00Z' }),
    ])

    expect(rows(wrapper)[0].text()).toContain('Revoked')
    expect(rows(wrapper)[1].text()).toContain('Expired')
    wrapper.unmount()
  })

  it('shows a failure to load the keys', async () => {
    vi.spyOn(api, 'listKeys').mockRejectedValue(
      httpError(403, { error: 'forbidden', detail: 'Only facilitators see keys.' }),
    )
    const wrapper = mount(KeyManager, { props: { slug: 'demo' }, global: { plugins: [pinia, router] } })
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('Only facilitators see keys.')
  })

  it('issues keys and shows each plaintext once, with copy buttons', async () => {
    const { wrapper } = await setup()

    await issueTwo(wrapper)

    expect(api.issueKeys).toHaveBeenCalledWith('demo', { count: 2 })
    const shown = wrapper.findAll('[data-testid="issued-key"]').map((k) => k.text())
    expect(shown).toEqual(['A1B2-C3D4-E5F6-G7H8', 'Z9Y8-X7W6-V5T4-S3R2'])
    const issuedBlock = wrapper.find('[data-testid="issued-keys"]')
    expect(issuedBlock.text()).toMatch(/will not be shown again/)
    expect(issuedBlock.findAll('button').filter((b) => b.text() === 'Copy key')).toHaveLength(2)
    expect(issuedBlock.findAll('button').filter((b) => b.text() === 'Copy join link')).toHaveLength(2)
    // The list was reloaded and never carries the secret.
    expect(rows(wrapper)).toHaveLength(3)
    expect(wrapper.find('table').text()).not.toContain('A1B2-C3D4-E5F6-G7H8')

    await button(wrapper, 'I have saved them').trigger('click')

    expect(wrapper.find('[data-testid="issued-keys"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('A1B2-C3D4-E5F6-G7H8')
    wrapper.unmount()
  })

  it('offers join cards for the keys just issued, until they are dismissed', async () => {
    const { wrapper } = await setup()
    expect(wrapper.find('[data-testid="open-join-cards"]').exists()).toBe(false)

    await issueTwo(wrapper)

    const cards = wrapper.find('[data-testid="open-join-cards"]')
    expect(cards.text()).toBe('Print join cards')
    expect(cards.attributes('href')).toBe('/circles/demo/join-cards')
    // the keys ride in memory, never in the address
    expect(cards.attributes('href')).not.toContain('A1B2')

    await button(wrapper, 'I have saved them').trigger('click')

    expect(wrapper.find('[data-testid="open-join-cards"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('shows no keys that were issued for another circle', async () => {
    const keys = useKeysStore()
    keys.justIssued = ISSUED
    keys.issuedCircle = { slug: 'other', name: 'Other circle' }

    const { wrapper } = await setup()

    expect(wrapper.find('[data-testid="issued-keys"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="open-join-cards"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('sends names and an expiry, and issues at least one key per name', async () => {
    const { wrapper } = await setup()
    const issue = vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: ISSUED })
    await wrapper.find('#key-count').setValue(1)
    await wrapper.find('#key-labels').setValue(' Ana, Ben ,, ')
    await wrapper.find('#key-expires').setValue('2030-06-01T18:00')

    await wrapper.find('form').trigger('submit')
    await flushPromises()

    const [slug, request] = issue.mock.calls[0]
    expect(slug).toBe('demo')
    expect(request.count).toBe(2)
    expect(request.labels).toEqual(['Ana', 'Ben'])
    expect(request.expires).toBe(new Date('2030-06-01T18:00').toISOString())
    expect(wrapper.find('#key-labels').element.value).toBe('')
    wrapper.unmount()
  })

  it('shows why issuing failed', async () => {
    const { wrapper } = await setup()
    vi.spyOn(api, 'issueKeys').mockRejectedValue(
      httpError(400, { error: 'invalid', detail: 'expires: Must be in the future.' }),
    )

    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('expires: Must be in the future.')
    expect(wrapper.find('[data-testid="issued-keys"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('copies a key', async () => {
    const { wrapper } = await setup()
    await issueTwo(wrapper)
    const write = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue()

    await wrapper
      .findAll('button')
      .filter((b) => b.text() === 'Copy key')[0]
      .trigger('click')
    await flushPromises()

    expect(write).toHaveBeenCalledWith('A1B2-C3D4-E5F6-G7H8')
    expect(wrapper.find('[aria-live="polite"]').text()).toBe('Copied.')
    wrapper.unmount()
  })

  it('copies a join link that carries the key in its fragment only', async () => {
    const { wrapper } = await setup()
    await issueTwo(wrapper)
    const write = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue()

    const copyLink = wrapper.find('button[aria-label="Copy join link for Ana"]')
    expect(copyLink.exists()).toBe(true)
    await copyLink.trigger('click')
    await flushPromises()

    const url = new URL(write.mock.calls[0][0])
    expect(url.origin).toBe(window.location.origin)
    expect(url.pathname).toBe('/')
    expect(url.search).toBe('')
    expect(keyFromFragment(url.hash)).toBe('A1B2-C3D4-E5F6-G7H8')
    // the second key has no label: the button names it by prefix
    expect(wrapper.find('button[aria-label="Copy join link for Z9Y8"]').exists()).toBe(true)
    wrapper.unmount()
  })

  it('says so when the clipboard is blocked', async () => {
    const { wrapper } = await setup()
    await issueTwo(wrapper)
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new DOMException('denied', 'NotAllowedError'))

    await wrapper
      .findAll('button')
      .filter((b) => b.text() === 'Copy key')[0]
      .trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toMatch(/copying is blocked/i)
    wrapper.unmount()
  })

  it('revokes a participant key only after confirmation', async () => {
    const { wrapper } = await setup()
    const revoke = vi.spyOn(api, 'revokeKey').mockResolvedValue('')
    const list = vi
      .spyOn(api, 'listKeys')
      .mockResolvedValue([row(1, { role: 'facilitator' }), row(2, { label: 'Ben', revoked: true })])

    confirm.mockReturnValueOnce(false)
    await wrapper.find('button[aria-label="Revoke Ben"]').trigger('click')
    await flushPromises()
    expect(confirm).toHaveBeenCalledTimes(1)
    expect(confirm.mock.calls[0][0]).toContain('Ben')
    expect(revoke).not.toHaveBeenCalled()
    expect(wrapper.emitted('revoked')).toBeUndefined()

    confirm.mockReturnValueOnce(true)
    await wrapper.find('button[aria-label="Revoke Ben"]').trigger('click')
    await flushPromises()
    expect(revoke).toHaveBeenCalledWith('demo', 2)
    expect(list).toHaveBeenCalled()
    // now revoked: no button any more
    expect(wrapper.find('button[aria-label="Revoke Ben"]').exists()).toBe(false)
    expect(rows(wrapper)[1].text()).toContain('Revoked')
    // the room removes the key's holder from the call by the name they have there
    expect(wrapper.emitted('revoked')).toEqual([[expect.objectContaining({ id: 2, label: 'Ben' })]])
    wrapper.unmount()
  })

  it('shows the name a key goes by in the call when it is not the label', async () => {
    const { wrapper } = await setup([
      row(1, { label: 'Ana', call_name: 'Ana' }),
      row(2, { label: '', call_name: 'Participant #2' }),
    ])

    const names = wrapper.findAll('[data-testid="call-name"]')
    expect(names.map((n) => n.text())).toEqual(['In the call: Participant #2'])
    wrapper.unmount()
  })

  it('names an unlabelled key by its prefix when revoking', async () => {
    const { wrapper } = await setup([row(7)])
    vi.spyOn(api, 'revokeKey').mockResolvedValue('')
    confirm.mockReturnValueOnce(false)

    await wrapper.find('button[aria-label="Revoke key P7QF"]').trigger('click')

    expect(confirm.mock.calls[0][0]).toContain('key P7QF')
    wrapper.unmount()
  })

  it('offers no revoke button for facilitator keys', async () => {
    const { wrapper } = await setup()

    const [facilitatorRow, participantRow] = rows(wrapper)
    expect(facilitatorRow.text()).toContain('facilitator')
    expect(facilitatorRow.find('button').exists()).toBe(false)
    expect(participantRow.find('button').text()).toBe('Revoke')
    wrapper.unmount()
  })

  it('shows why a revoke failed', async () => {
    const { wrapper } = await setup()
    vi.spyOn(api, 'revokeKey').mockRejectedValue(
      httpError(404, { error: 'not_found', detail: 'This circle has no key with id 2.' }),
    )

    await wrapper.find('button[aria-label="Revoke Ben"]').trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('This circle has no key with id 2.')
    wrapper.unmount()
  })

  it('says how many keys it issued, for screen readers', async () => {
    const { wrapper } = await setup()

    await issueTwo(wrapper)

    expect(wrapper.find('[aria-live="polite"]').text()).toBe('2 new keys issued.')
    wrapper.unmount()
  })

  it('lays the keys out without a sideways scroll on a phone: each cell says its column there', async () => {
    const { wrapper } = await setup()

    expect(wrapper.find('.overflow-x-auto').exists()).toBe(false)
    const cells = rows(wrapper)[1].findAll('td')
    expect(cells[0].find('.sm\\:hidden').text()).toBe('Key')
    expect(cells[4].find('.sm\\:hidden').text()).toBe('State')
    wrapper.unmount()
  })
})

describe('KeyManager in other languages', () => {
  it('speaks Spanish: headings, states, roles and the revoke question', async () => {
    await setLocale('es')
    const { wrapper } = await setup()
    confirm.mockReturnValueOnce(false)

    expect(wrapper.find('h2').text()).toBe('Claves de participantes')
    expect(wrapper.find('th').text()).toBe('Clave')
    expect(rows(wrapper)[0].text()).toContain('facilitador/a')
    expect(rows(wrapper)[1].text()).toContain('Activa')
    await wrapper.find('button[aria-label="Revocar la clave de Ben"]').trigger('click')

    expect(confirm).toHaveBeenCalledWith(
      '¿Revocar la clave de Ben? Se cerrará al instante la sesión de quien la tenga.',
    )
    wrapper.unmount()
  })

  it('names an unlabelled key by its prefix in German', async () => {
    await setLocale('de')
    const { wrapper } = await setup([row(7)])
    confirm.mockReturnValueOnce(false)

    await wrapper.find('button[aria-label="Schlüssel P7QF widerrufen"]').trigger('click')

    expect(confirm.mock.calls[0][0]).toBe('Schlüssel P7QF widerrufen? Wer ihn hat, wird sofort abgemeldet.')
    wrapper.unmount()
  })

  it('counts issued keys with the Arabic dual, and splits names at the Arabic comma', async () => {
    await setLocale('ar')
    const { wrapper } = await setup()
    const issue = vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: ISSUED })

    await wrapper.find('#key-labels').setValue('سارة، علي')
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(issue.mock.calls[0][1]).toMatchObject({ count: 2, labels: ['سارة', 'علي'] })
    expect(wrapper.find('[aria-live="polite"]').text()).toBe('صدر مفتاحان جديدان.')
    expect(wrapper.find('[data-testid="issued-key"]').attributes('dir')).toBe('ltr')
    wrapper.unmount()
  })

  it('dates the last use in the language shown', async () => {
    await setLocale('de')
    const lastUsed = '2025-03-04T18:30:00Z'
    const { wrapper } = await setup([row(2, { label: 'Ben', last_used: lastUsed })])

    const german = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(lastUsed))
    expect(rows(wrapper)[0].text()).toContain(german)
    wrapper.unmount()
  })
})
