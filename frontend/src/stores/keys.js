import { defineStore } from 'pinia'
import { ref } from 'vue'

import { api } from '@/services/api'

// A facilitator's view of the circle's keys. Newly issued plaintexts live only here, in memory,
// until the facilitator dismisses them: the server never shows them again.
export const useKeysStore = defineStore('keys', () => {
  const keys = ref([])
  const justIssued = ref([])

  async function load(slug) {
    keys.value = await api.listKeys(slug)
  }

  async function issue(slug, { count, labels, expires }) {
    const request = { count }
    if (labels?.length) request.labels = labels
    if (expires) request.expires = expires
    const { keys: issued } = await api.issueKeys(slug, request)
    justIssued.value = issued
    await load(slug)
    return issued
  }

  async function revoke(slug, id) {
    await api.revokeKey(slug, id)
    await load(slug)
  }

  function dismissIssued() {
    justIssued.value = []
  }

  return { keys, justIssued, load, issue, revoke, dismissIssued }
})
