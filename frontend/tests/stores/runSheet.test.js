import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

import { api } from '@/services/api'
import { useRhythmStore } from '@/stores/rhythm'
import { useRunSheetStore } from '@/stores/runSheet'

import { httpError } from '../helpers/http'
import { runSheetItem as item } from '../helpers/rhythm'

const ITEMS = [item(1, 'prompt', 'What did you notice?'), item(2, 'timer', '', 2), item(3, 'announcement', 'Break')]

let sheet
let rhythm
beforeEach(async () => {
  setActivePinia(createPinia())
  sheet = useRunSheetStore()
  rhythm = useRhythmStore()
  vi.spyOn(api, 'getRunSheet').mockResolvedValue({ items: ITEMS, position: 1, total: 3 })
  await sheet.load('demo')
})

const ids = () => sheet.items.map((i) => i.id)

describe('run sheet store', () => {
  it('loads the items and how far the sheet has got; the next item is the first not sent', () => {
    expect(api.getRunSheet).toHaveBeenCalledWith('demo')
    expect(ids()).toEqual([1, 2, 3])
    expect(rhythm.runSheet).toEqual({ position: 1, total: 3 })
    expect(sheet.next.id).toBe(2)
  })

  it('adds an item at the end', async () => {
    vi.spyOn(api, 'addRunSheetItem').mockResolvedValue(item(4, 'prompt', 'Last words?'))

    await sheet.add({ kind: 'prompt', body: 'Last words?' })

    expect(api.addRunSheetItem).toHaveBeenCalledWith('demo', { kind: 'prompt', body: 'Last words?' })
    expect(ids()).toEqual([1, 2, 3, 4])
    expect(rhythm.runSheet).toEqual({ position: 1, total: 4 })
  })

  it('moves an item and saves the new order', async () => {
    const order = vi.spyOn(api, 'orderRunSheet').mockResolvedValue({})

    await sheet.move(3, -1)
    expect(ids()).toEqual([1, 3, 2])
    expect(order).toHaveBeenCalledWith('demo', [1, 3, 2])

    await sheet.move(1, -1) // already first
    expect(order).toHaveBeenCalledTimes(1)
  })

  it('puts the order back when the server refuses it', async () => {
    vi.spyOn(api, 'orderRunSheet').mockRejectedValue(httpError(400, { error: 'invalid', detail: 'ids: x' }))

    await expect(sheet.move(1, 1)).rejects.toBeTruthy()

    expect(ids()).toEqual([1, 2, 3])
  })

  it('edits an item in place, and loads the sheet again after deleting one', async () => {
    vi.spyOn(api, 'updateRunSheetItem').mockResolvedValue(item(1, 'prompt', 'What surprised you?'))
    vi.spyOn(api, 'deleteRunSheetItem').mockResolvedValue()

    await sheet.update(1, { body: 'What surprised you?', minutes: null })
    expect(sheet.items[0].body).toBe('What surprised you?')

    api.getRunSheet.mockResolvedValue({ items: ITEMS.slice(1), position: 0, total: 2 })
    await sheet.remove(1)
    expect(api.deleteRunSheetItem).toHaveBeenCalledWith('demo', 1)
    expect(ids()).toEqual([2, 3])
    expect(rhythm.runSheet).toEqual({ position: 0, total: 2 })
  })

  it('sends the next item and moves on', async () => {
    vi.spyOn(api, 'sendNextItem').mockResolvedValue({ sent: ITEMS[1], position: 2, total: 3 })

    await expect(sheet.sendNext()).resolves.toEqual(ITEMS[1])

    expect(api.sendNextItem).toHaveBeenCalledWith('demo')
    expect(rhythm.runSheet).toEqual({ position: 2, total: 3 })
    expect(sheet.next.id).toBe(3)
  })
})
