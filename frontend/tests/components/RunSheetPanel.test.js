import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import RunSheetPanel from '@/components/circle/RunSheetPanel.vue'
import { setLocale } from '@/i18n'
import { api } from '@/services/api'
import { useRhythmStore } from '@/stores/rhythm'

import { httpError } from '../helpers/http'
import { runSheetItem as item } from '../helpers/rhythm'

const PROMPT = item(1, 'prompt', 'What did you notice?')
const TIMER = item(2, 'timer', '', 2)
const BREAK = item(3, 'announcement', 'Break')

let rhythm
beforeEach(() => {
  setActivePinia(createPinia())
  rhythm = useRhythmStore()
  rhythm.slug = 'demo'
  rhythm.loaded = true
  rhythm.session = { id: 1, started_at: '2025-03-04T18:00:00Z' }
})

afterEach(() => {
  vi.unstubAllGlobals()
})

async function setup({ items = [PROMPT, TIMER, BREAK], position = 0, open = false } = {}) {
  vi.spyOn(api, 'getRunSheet').mockResolvedValue({ items, position, total: items.length })
  const wrapper = mount(RunSheetPanel, { props: { slug: 'demo' }, attachTo: document.body })
  await flushPromises()
  if (open) await toggle(wrapper).trigger('click')
  return wrapper
}

const toggle = (wrapper) => wrapper.findAll('button').find((b) => b.text() === 'Edit run sheet')
const sendButton = (wrapper) => wrapper.findAll('button').find((b) => b.text().startsWith('Send next'))
const byName = (wrapper, name) =>
  wrapper.findAll('button').find((b) => (b.attributes('aria-label') ?? b.text()) === name)
const progress = (wrapper) => wrapper.find('[data-testid="run-sheet-progress"]').text()
const listed = (wrapper) =>
  wrapper.findAll('ol[aria-label="Run sheet items"] > li').map((li) => li.find('p + p').text())

describe('RunSheetPanel: sending', () => {
  it('sends the next item with one click and shows the progress', async () => {
    const wrapper = await setup()
    expect(progress(wrapper)).toBe('0 of 3 sent')
    expect(sendButton(wrapper).text()).toBe('Send next: What did you notice?')
    vi.spyOn(api, 'sendNextItem').mockResolvedValue({ sent: PROMPT, position: 1, total: 3 })

    await sendButton(wrapper).trigger('click')
    await flushPromises()

    expect(api.sendNextItem).toHaveBeenCalledWith('demo')
    expect(progress(wrapper)).toBe('1 of 3 sent')
    expect(sendButton(wrapper).text()).toBe('Send next: Timer of 2 minutes')
    expect(wrapper.find('[role="status"]').text()).toBe('Sent: What did you notice?')
  })

  it('is disabled, saying why, while no session is open', async () => {
    rhythm.session = null
    const wrapper = await setup()

    expect(sendButton(wrapper).attributes('disabled')).toBeDefined()
    expect(sendButton(wrapper).text()).toBe('Send next')
    const reason = wrapper.find(`#${sendButton(wrapper).attributes('aria-describedby')}`)
    expect(reason.text()).toBe("Start a session to send the run sheet's items.")
  })

  it('is disabled, saying why, once every item is sent', async () => {
    const wrapper = await setup({ position: 3 })

    expect(progress(wrapper)).toBe('3 of 3 sent')
    expect(sendButton(wrapper).attributes('disabled')).toBeDefined()
    expect(wrapper.text()).toContain('All items of the run sheet have been sent.')
  })

  it('is disabled for an empty sheet', async () => {
    const wrapper = await setup({ items: [] })

    expect(progress(wrapper)).toBe('No items yet')
    expect(sendButton(wrapper).attributes('disabled')).toBeDefined()
    expect(wrapper.text()).toContain('The run sheet is empty: add its items first.')
  })

  it("shows the server's sentence when sending is refused", async () => {
    const wrapper = await setup()
    vi.spyOn(api, 'sendNextItem').mockRejectedValue(
      httpError(409, { error: 'no_session', detail: 'Start a session first.' }),
    )

    await sendButton(wrapper).trigger('click')
    await flushPromises()

    expect(wrapper.find('[role="alert"]').text()).toBe('Start a session first.')
  })
})

describe('RunSheetPanel: editing', () => {
  it('folds the list away behind "Edit run sheet"', async () => {
    const wrapper = await setup()
    const editor = wrapper.find('#run-sheet-editor')

    expect(toggle(wrapper).attributes('aria-expanded')).toBe('false')
    expect(toggle(wrapper).attributes('aria-controls')).toBe('run-sheet-editor')
    expect(editor.isVisible()).toBe(false)

    await toggle(wrapper).trigger('click')

    expect(toggle(wrapper).attributes('aria-expanded')).toBe('true')
    expect(editor.isVisible()).toBe(true)
    expect(listed(wrapper)).toEqual(['What did you notice?', 'Timer of 2 minutes', 'Break'])
  })

  it('adds a timer item of N minutes', async () => {
    const wrapper = await setup({ open: true })
    vi.spyOn(api, 'addRunSheetItem').mockResolvedValue(item(4, 'timer', 'Pairs', 5))

    await wrapper.find('#item-kind').setValue('timer')
    await wrapper.find('#item-minutes').setValue('5')
    await wrapper.find('#item-body').setValue('Pairs')
    await wrapper.findAll('form').at(-1).trigger('submit')
    await flushPromises()

    expect(api.addRunSheetItem).toHaveBeenCalledWith('demo', { kind: 'timer', body: 'Pairs', minutes: 5 })
    expect(listed(wrapper).at(-1)).toBe('Timer of 5 minutes: Pairs')
    expect(progress(wrapper)).toBe('0 of 4 sent')
    expect(wrapper.find('#item-body').element.value).toBe('')
  })

  it('moves an item by keyboard-reachable buttons, keeping the focus on it', async () => {
    const wrapper = await setup({ open: true })
    const order = vi.spyOn(api, 'orderRunSheet').mockResolvedValue({})
    expect(byName(wrapper, 'Move up: What did you notice?').attributes('disabled')).toBeDefined()

    await byName(wrapper, 'Move down: What did you notice?').trigger('click')
    await flushPromises()

    expect(order).toHaveBeenCalledWith('demo', [2, 1, 3])
    expect(listed(wrapper)).toEqual(['Timer of 2 minutes', 'What did you notice?', 'Break'])
    expect(document.activeElement.getAttribute('aria-label')).toBe('Move down: What did you notice?')

    await byName(wrapper, 'Move down: What did you notice?').trigger('click')
    await flushPromises()
    // At the bottom "Move down" is disabled: the focus goes to "Move up" of the same item.
    expect(document.activeElement.getAttribute('aria-label')).toBe('Move up: What did you notice?')
    wrapper.unmount()
  })

  it('edits an item', async () => {
    const wrapper = await setup({ open: true })
    vi.spyOn(api, 'updateRunSheetItem').mockResolvedValue(item(3, 'announcement', 'Ten-minute break', 10))

    await byName(wrapper, 'Edit: Break').trigger('click')
    await wrapper.find('#edit-body-3').setValue('Ten-minute break')
    await wrapper.find('#edit-minutes-3').setValue('10')
    await wrapper.find('#edit-body-3').element.form.dispatchEvent(new Event('submit'))
    await flushPromises()

    expect(api.updateRunSheetItem).toHaveBeenCalledWith('demo', 3, { body: 'Ten-minute break', minutes: 10 })
    expect(listed(wrapper).at(-1)).toBe('Ten-minute break')
  })

  it('deletes an item once confirmed', async () => {
    const wrapper = await setup({ open: true })
    vi.stubGlobal(
      'confirm',
      vi.fn(() => true),
    )
    vi.spyOn(api, 'deleteRunSheetItem').mockResolvedValue()
    api.getRunSheet.mockResolvedValue({ items: [PROMPT, TIMER], position: 0, total: 2 })

    await byName(wrapper, 'Delete: Break').trigger('click')
    await flushPromises()

    expect(window.confirm).toHaveBeenCalledWith('Delete “Break” from the run sheet?')
    expect(api.deleteRunSheetItem).toHaveBeenCalledWith('demo', 3)
    expect(listed(wrapper)).toEqual(['What did you notice?', 'Timer of 2 minutes'])
    expect(progress(wrapper)).toBe('0 of 2 sent')
  })

  it('loads the list again when the total changes elsewhere', async () => {
    const wrapper = await setup()
    api.getRunSheet.mockResolvedValue({ items: [PROMPT], position: 0, total: 1 })

    rhythm.runSheet = { position: 0, total: 1 }
    await flushPromises()

    expect(api.getRunSheet).toHaveBeenCalledTimes(2)
    expect(sendButton(wrapper).text()).toBe('Send next: What did you notice?')
  })
})

describe('RunSheetPanel in other languages', () => {
  it('counts a single minute in the singular', async () => {
    const wrapper = await setup({
      items: [item(4, 'timer', 'Pairs', 1), item(5, 'announcement', 'Break', 1)],
      open: true,
    })

    expect(listed(wrapper)).toEqual(['Timer of 1 minute: Pairs', 'Break'])
    expect(wrapper.findAll('ol > li')[1].text()).toContain('· 1 minute')
  })

  it('speaks Spanish: progress, the send button and the timer item', async () => {
    await setLocale('es')
    const wrapper = await setup()
    await wrapper.find('[aria-controls="run-sheet-editor"]').trigger('click')

    expect(wrapper.find('h2').text()).toBe('Guion de la sesión')
    expect(progress(wrapper)).toBe('Enviados: 0 de 3')
    expect(sendButton(wrapper)).toBeUndefined() // its English name is gone
    expect(wrapper.text()).toContain('Enviar el siguiente: What did you notice?')
    expect(wrapper.findAll('ol > li').map((li) => li.find('p + p').text())).toEqual([
      'What did you notice?',
      'Temporizador de 2 minutos',
      'Break',
    ])
  })

  it('asks in German before deleting, with German quotes', async () => {
    await setLocale('de')
    const wrapper = await setup()
    await wrapper.find('[aria-controls="run-sheet-editor"]').trigger('click')
    vi.stubGlobal(
      'confirm',
      vi.fn(() => false),
    )

    await byName(wrapper, 'Löschen: Break').trigger('click')

    expect(window.confirm).toHaveBeenCalledWith('„Break“ aus dem Ablaufplan löschen?')
  })

  it('uses the Arabic plural forms for minutes', async () => {
    await setLocale('ar')
    const wrapper = await setup({ items: [item(4, 'timer', '', 2), item(5, 'timer', '', 3), item(6, 'timer', '', 11)] })

    expect(wrapper.text()).toContain('إرسال التالي: مؤقّت لمدة دقيقتين')
    await wrapper.find('[aria-controls="run-sheet-editor"]').trigger('click')
    expect(wrapper.findAll('ol > li').map((li) => li.find('p + p').text())).toEqual([
      'مؤقّت لمدة دقيقتين',
      'مؤقّت لمدة 3 دقائق',
      'مؤقّت لمدة 11 دقيقة',
    ])
  })
})
