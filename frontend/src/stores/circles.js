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

  function close() {
    current.value = null
  }

  return { list, current, loadList, open, close }
})
