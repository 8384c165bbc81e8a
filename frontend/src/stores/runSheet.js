import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { api } from '@/services/api'

import { useRhythmStore } from './rhythm'

// A facilitator's run sheet for the open circle: the items of a session in order (a prompt, an
// announcement, a timer of N minutes), sent one at a time. How far it has got (position of total)
// lives in the rhythm store, which every page follows; the items only the facilitator sees.
export const useRunSheetStore = defineStore('runSheet', () => {
  const slug = ref(null)
  const items = ref([])
  const loaded = ref(false)

  const rhythm = useRhythmStore()
  // The item "Send next" sends: the first one not sent yet.
  const next = computed(() => items.value[rhythm.runSheet.position] ?? null)

  function progress(answer) {
    if (Number.isInteger(answer?.position) && Number.isInteger(answer?.total)) rhythm.setRunSheetProgress(answer)
  }

  async function load(circleSlug) {
    if (circleSlug !== slug.value) {
      slug.value = circleSlug
      items.value = []
      loaded.value = false
    }
    const answer = await api.getRunSheet(circleSlug)
    if (circleSlug !== slug.value) return
    items.value = answer.items
    loaded.value = true
    progress(answer)
  }

  /** Adds an item at the end: { kind, body, minutes? }. */
  async function add(item) {
    const created = await api.addRunSheetItem(slug.value, item)
    items.value = [...items.value, created]
    rhythm.setRunSheetProgress({ position: rhythm.runSheet.position, total: items.value.length })
    return created
  }

  async function update(id, changes) {
    const changed = await api.updateRunSheetItem(slug.value, id, changes)
    items.value = items.value.map((item) => (item.id === id ? changed : item))
    return changed
  }

  /** Deletes an item; the server says again how far the sheet has got (a sent item may have gone). */
  async function remove(id) {
    await api.deleteRunSheetItem(slug.value, id)
    await load(slug.value)
  }

  /** Moves an item one place up (-1) or down (+1): shown at once, put back if the server refuses. */
  async function move(id, step) {
    const before = items.value
    const from = before.findIndex((item) => item.id === id)
    const to = from + step
    if (from < 0 || to < 0 || to >= before.length) return
    const moved = [...before]
    ;[moved[from], moved[to]] = [moved[to], moved[from]]
    items.value = moved
    try {
      const answer = await api.orderRunSheet(
        slug.value,
        moved.map((item) => item.id),
      )
      if (Array.isArray(answer?.items)) items.value = answer.items
      progress(answer)
    } catch (failure) {
      items.value = before
      throw failure
    }
  }

  /** Sends the next item into the circle; answers the item sent. */
  async function sendNext() {
    const answer = await api.sendNextItem(slug.value)
    progress(answer)
    return answer.sent
  }

  function forget() {
    slug.value = null
    items.value = []
    loaded.value = false
  }

  return { slug, items, loaded, next, load, add, update, remove, move, sendNext, forget }
})
