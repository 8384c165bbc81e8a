import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import QRCode from 'qrcode'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory } from 'vue-router'

import App from '@/App.vue'
import { setLocale } from '@/i18n'
import { createAppRouter } from '@/router'
import { api } from '@/services/api'
import { joinLink } from '@/services/keys'
import { useKeysStore } from '@/stores/keys'
import JoinCardsView from '@/views/JoinCardsView.vue'

import { FakeEventSource, page } from '../helpers/fakes'
import { keyRow } from '../helpers/keys'
import { decodeQrDataUrl } from '../helpers/qr'
import { stubRhythm } from '../helpers/rhythm'
import { stubVoice } from '../helpers/voice'

const facilitator = { role: 'facilitator', display_name: 'Ann', circles: [{ slug: 'demo', name: 'Demo circle' }] }
const DEMO = { slug: 'demo', name: 'Demo circle' }

const issued = (id, key, label = '') => ({
  id,
  key,
  prefix: key.slice(0, 4),
  label,
  role: 'participant',
  expires: null,
})
const ISSUED = [issued(10, 'A1B2-C3D4-E5F6-G7H8', 'Ana'), issued(11, 'Z9Y8-X7W6-V5T4-S3R2')]

let pinia
let router

beforeEach(() => {
  pinia = createPinia()
  router = createAppRouter(pinia, createMemoryHistory())
  vi.spyOn(api, 'me').mockResolvedValue(facilitator)
  vi.spyOn(api, 'getCircle').mockResolvedValue({ ...DEMO, upcoming: null, next_session: null })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

/** The cards page with these plaintexts in the keys store, as issuing leaves them. */
async function cardsFor(keys, { circle = DEMO, slug = 'demo' } = {}) {
  const store = useKeysStore(pinia)
  store.justIssued = keys
  store.issuedCircle = keys.length ? circle : null
  await router.push(`/circles/${slug}/join-cards`)
  const wrapper = mount(JoinCardsView, { props: { slug }, global: { plugins: [pinia, router] } })
  await flushPromises()
  return wrapper
}

const cards = (wrapper) => wrapper.findAll('[data-testid="join-card"]')
const printButton = (wrapper) => wrapper.find('[data-testid="print-cards"]')
const qrSvg = (img) => decodeURIComponent(img.attributes('src').replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))

/** A session's start as a card prints it: weekday, day, month, time and the zone's short name. */
const startAsPrinted = (iso, locale) =>
  new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso))

describe('JoinCardsView', () => {
  it('makes one card per key just issued, with the circle, the key, its join link and help', async () => {
    const wrapper = await cardsFor(ISSUED)

    expect(wrapper.find('h1').text()).toBe('Join cards for Demo circle')
    expect(cards(wrapper)).toHaveLength(2)
    const [ana, other] = cards(wrapper)
    expect(ana.attributes('aria-label')).toBe('Join card for Ana')
    expect(ana.find('[data-testid="join-card-circle"]').text()).toBe('Demo circle')
    expect(ana.find('[data-testid="join-card-label"]').text()).toBe('For Ana')
    expect(ana.find('[data-testid="join-card-key"]').text()).toBe('A1B2-C3D4-E5F6-G7H8')
    expect(ana.find('[data-testid="join-card-link"]').text()).toBe(`${window.location.origin}/#key=A1B2-C3D4-E5F6-G7H8`)
    expect(ana.find('[data-testid="join-card-help"]').text()).toBe(
      `Open the link or scan the code; or go to ${window.location.origin} and type the key.`,
    )
    // an unnamed key's card is named by its key
    expect(other.attributes('aria-label')).toBe('Join card for Z9Y8-X7W6-V5T4-S3R2')
    expect(other.find('[data-testid="join-card-label"]').exists()).toBe(false)
    expect(other.find('[data-testid="join-card-key"]').text()).toBe('Z9Y8-X7W6-V5T4-S3R2')
  })

  it("says on each card when the circle meets next, in this browser's time zone", async () => {
    const startsAt = '2025-03-11T18:00:00Z'
    api.getCircle.mockResolvedValue({ ...DEMO, upcoming: { starts_at: startsAt, ends_at: null, running: false } })
    const wrapper = await cardsFor(ISSUED)

    const start = startAsPrinted(startsAt, undefined)
    expect(api.getCircle).toHaveBeenCalledWith('demo')
    for (const card of cards(wrapper)) expect(card.text()).toContain(`Next session: ${start}`)
  })

  it('prints the cards without a next session when the circle cannot be asked', async () => {
    api.getCircle.mockRejectedValue(new Error('offline'))
    const wrapper = await cardsFor(ISSUED)

    expect(cards(wrapper)).toHaveLength(2)
    expect(wrapper.text()).not.toContain('Next session')
  })

  it('shows the join link as text, not as a link that would sign this browser in with the key', async () => {
    const wrapper = await cardsFor(ISSUED)

    expect(cards(wrapper)[0].find('a').exists()).toBe(false)
  })

  it("draws each card's QR code from its exact join link, at error correction level M", async () => {
    const wrapper = await cardsFor(ISSUED)

    for (const [index, card] of cards(wrapper).entries()) {
      const link = joinLink(ISSUED[index].key)
      const img = card.find('img[data-testid="join-card-qr"]')
      expect(img.attributes('alt')).toBe('QR code of the join link on this card')
      expect(qrSvg(img)).toBe(await QRCode.toString(link, { type: 'svg', errorCorrectionLevel: 'M' }))
      expect(decodeQrDataUrl(img.attributes('src'))).toBe(link)
    }
  })

  it('draws a new QR code when the keys change', async () => {
    const wrapper = await cardsFor([ISSUED[0]])
    const before = wrapper.find('[data-testid="join-card-qr"]').attributes('src')

    useKeysStore(pinia).justIssued = [issued(12, 'M3N4-P5Q6-R7S8-T9V0')]
    await flushPromises()

    const after = wrapper.find('[data-testid="join-card-qr"]').attributes('src')
    expect(after).not.toBe(before)
    expect(decodeQrDataUrl(after)).toBe(joinLink('M3N4-P5Q6-R7S8-T9V0'))
    expect(wrapper.find('[data-testid="join-card-key"]').text()).toBe('M3N4-P5Q6-R7S8-T9V0')
  })

  it('lays the cards out eight to a sheet', async () => {
    const many = Array.from({ length: 9 }, (_, i) => issued(20 + i, `K${i}B2-C3D4-E5F6-G7H8`))
    const wrapper = await cardsFor(many)

    const sheets = wrapper.findAll('[data-testid="join-sheet"]')
    expect(sheets.map((sheet) => sheet.findAll('[data-testid="join-card"]').length)).toEqual([8, 1])
  })

  it('prints with the Print button once the QR codes are drawn', async () => {
    const print = vi.fn()
    vi.stubGlobal('print', print)
    const wrapper = await cardsFor(ISSUED)

    expect(printButton(wrapper).text()).toBe('Print')
    expect(printButton(wrapper).attributes('disabled')).toBeUndefined()
    await printButton(wrapper).trigger('click')

    expect(print).toHaveBeenCalledTimes(1)
  })

  it('says cards can only be printed right after issuing when no keys were just issued', async () => {
    const wrapper = await cardsFor([])

    expect(cards(wrapper)).toHaveLength(0)
    expect(printButton(wrapper).exists()).toBe(false)
    const empty = wrapper.find('[data-testid="join-cards-empty"]')
    expect(empty.find('h1').text()).toBe('No join cards to print')
    expect(empty.text()).toContain('Join cards can only be printed right after issuing keys.')
    expect(empty.text()).toMatch(/reloaded or closed/)
    expect(empty.text()).toContain(
      'issue new keys under “Participant keys” in the circle, then choose “Print join cards”',
    )
    expect(empty.find('a').attributes('href')).toBe('/circles/demo')
  })

  it('makes no cards for keys issued in another circle', async () => {
    const wrapper = await cardsFor(ISSUED, { circle: { slug: 'other', name: 'Other' } })

    expect(cards(wrapper)).toHaveLength(0)
    expect(wrapper.find('[data-testid="join-cards-empty"]').exists()).toBe(true)
    expect(wrapper.text()).not.toContain('A1B2-C3D4-E5F6-G7H8')
  })
})

describe('JoinCardsView in other languages', () => {
  it('prints the cards in Spanish: their help, captions, the holder and the next session', async () => {
    const startsAt = '2025-03-11T18:00:00Z'
    api.getCircle.mockResolvedValue({ ...DEMO, upcoming: { starts_at: startsAt, ends_at: null, running: false } })
    await setLocale('es')
    const wrapper = await cardsFor(ISSUED)

    expect(wrapper.find('h1').text()).toBe('Tarjetas de acceso de Demo circle')
    expect(wrapper.find('header').text()).toContain('2 tarjetas, ocho por hoja A4 o Carta.')
    expect(printButton(wrapper).text()).toBe('Imprimir')
    const [ana] = cards(wrapper)
    expect(ana.attributes('aria-label')).toBe('Tarjeta de acceso de Ana')
    expect(ana.find('[data-testid="join-card-label"]').text()).toBe('Para Ana')
    expect(ana.find('[data-testid="join-card-help"]').text()).toBe(
      `Abre el enlace o escanea el código; o entra en ${window.location.origin} y escribe la clave.`,
    )
    expect(ana.find('img').attributes('alt')).toBe('Código QR del enlace de acceso de esta tarjeta')
    expect(ana.text()).toContain('Tu clave')
    const start = startAsPrinted(startsAt, 'es')
    expect(ana.text()).toContain(`Próxima sesión: ${start}`)
  })

  it('says "1 card" in the singular', async () => {
    const wrapper = await cardsFor([ISSUED[0]])

    expect(wrapper.find('header').text()).toContain('1 card, eight to an A4 or Letter sheet.')
  })

  it('keeps the address, link and key left to right on an Arabic card', async () => {
    await setLocale('ar')
    const wrapper = await cardsFor(ISSUED)

    const [ana] = cards(wrapper)
    const help = ana.find('[data-testid="join-card-help"]')
    expect(help.text()).toBe(`افتح الرابط أو امسح الرمز؛ أو اذهب إلى ${window.location.origin} واكتب المفتاح.`)
    expect(help.find('bdi').attributes('dir')).toBe('ltr')
    expect(ana.find('[data-testid="join-card-link"]').attributes('dir')).toBe('ltr')
    expect(ana.find('[data-testid="join-card-key"]').attributes('dir')).toBe('ltr')
    expect(ana.find('[data-testid="join-card-label"]').text()).toBe('إلى Ana')
  })

  it('shows the empty page in German', async () => {
    await setLocale('de')
    const wrapper = await cardsFor([])

    expect(wrapper.find('h1').text()).toBe('Keine Zugangskarten zum Drucken')
    expect(wrapper.find('a').text()).toBe('Zurück zum Kreis')
  })
})

describe('join cards, from issuing to printing', () => {
  beforeEach(() => {
    FakeEventSource.reset()
    vi.stubGlobal('EventSource', FakeEventSource)
    vi.spyOn(api, 'getCircle').mockResolvedValue({
      slug: 'demo',
      name: 'Demo circle',
      description: '',
      next_session: null,
      active: true,
      facilitator: 'Ann',
      current_prompt: null,
      viewer_is_facilitator: true,
    })
    vi.spyOn(api, 'listMessages').mockResolvedValue(page([]))
    vi.spyOn(api, 'listKeys').mockResolvedValue([keyRow(1, { role: 'facilitator' })])
    stubRhythm()
    stubVoice()
  })

  async function openApp(path) {
    await router.push(path)
    const wrapper = mount(App, { global: { plugins: [pinia, router] }, attachTo: document.body })
    await flushPromises()
    return wrapper
  }

  const storedText = (storage) =>
    Array.from({ length: storage.length }, (_, i) => storage.getItem(storage.key(i))).join('\n')

  it('prints cards for exactly the keys just issued, and writes none of them anywhere', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem')
    const indexedDB = { open: vi.fn(), deleteDatabase: vi.fn() } // happy-dom has none: watch a stand-in
    vi.stubGlobal('indexedDB', indexedDB)
    const earlier = issued(5, 'E4R1-1ERK-EYAA-AAAA', 'Old')
    useKeysStore(pinia).justIssued = [earlier] // an earlier batch, elsewhere: not on these cards
    useKeysStore(pinia).issuedCircle = { slug: 'old', name: 'Old circle' }
    const wrapper = await openApp('/circles/demo')
    vi.spyOn(api, 'issueKeys').mockResolvedValue({ keys: ISSUED })

    await wrapper.find('#key-count').setValue(2)
    await wrapper.find('section[aria-labelledby="keys-title"] form').trigger('submit')
    await flushPromises()
    await wrapper.find('[data-testid="open-join-cards"]').trigger('click')
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="join-card"]')).toHaveLength(2))

    expect(router.currentRoute.value.name).toBe('join-cards')
    expect(router.currentRoute.value.fullPath).toBe('/circles/demo/join-cards')
    expect(wrapper.find('h1').text()).toBe('Join cards for Demo circle')
    const shown = wrapper.findAll('[data-testid="join-card-key"]').map((key) => key.text())
    expect(shown).toEqual(['A1B2-C3D4-E5F6-G7H8', 'Z9Y8-X7W6-V5T4-S3R2'])
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="join-card-qr"]')).toHaveLength(2))

    // The plaintexts were only ever in memory: not in storage, not in the address.
    const plaintexts = ISSUED.map((k) => k.key)
    for (const [name, value] of setItem.mock.calls) {
      for (const key of plaintexts) expect(`${name}=${value}`).not.toContain(key)
    }
    expect(indexedDB.open).not.toHaveBeenCalled()
    for (const key of plaintexts) {
      expect(storedText(window.localStorage)).not.toContain(key)
      expect(storedText(window.sessionStorage)).not.toContain(key)
      expect(document.cookie).not.toContain(key)
      expect(router.currentRoute.value.fullPath).not.toContain(key)
      expect(window.location.href).not.toContain(key)
    }
    wrapper.unmount()
  })

  it('has no cards after a reload, and says why', async () => {
    const wrapper = await openApp('/circles/demo/join-cards')

    await vi.waitFor(() => expect(wrapper.find('[data-testid="join-cards-empty"]').exists()).toBe(true))
    expect(wrapper.findAll('[data-testid="join-card"]')).toHaveLength(0)
    expect(wrapper.text()).toContain('Join cards can only be printed right after issuing keys.')
    wrapper.unmount()
  })
})
