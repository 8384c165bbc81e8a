import { defineStore } from 'pinia'
import { ref } from 'vue'

import { api } from '@/services/api'

// The circles the key opens, and the one the person is in.
export const useCirclesStore = defineStore('circles', () => {
  const list = ref([])
  const current = ref(null)

  async function loadList() {
    list.value = await api.listCircles()
    return list.value
  }

  async function open(slug) {
    current.value = null
    current.value = await api.getCircle(slug)
    return current.value
  }

  /** The open circle as the server has it now (its prompt after a session ended), shown in place. */
  async function refresh(slug) {
    const fresh = await api.getCircle(slug)
    if (current.value?.slug === slug) current.value = fresh
    return fresh
  }

  /** The facilitator's changes (name, description, active, schedule); answers the circle saved. */
  async function save(slug, changes) {
    const saved = await api.updateCircle(slug, changes)
    if (current.value?.slug === slug) current.value = saved
    return saved
  }

  function close() {
    current.value = null
  }

  return { list, current, loadList, open, refresh, save, close }
})
