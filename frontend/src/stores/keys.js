import { defineStore } from 'pinia'
import { ref } from 'vue'

import { api } from '@/services/api'

import { useCirclesStore } from './circles'

// A facilitator's view of the circle's keys. Newly issued plaintexts live only here, in memory,
// until the facilitator dismisses them: the server never shows them again. Nothing here is ever
// persisted (no storage, no URL), so a reload forgets them; join cards are printed from here.
export const useKeysStore = defineStore('keys', () => {
  const keys = ref([])
  const justIssued = ref([])
  const issuedCircle = ref(null) // { slug, name } of the circle the just-issued keys open

  async function load(slug) {
    keys.value = await api.listKeys(slug)
  }

  async function issue(slug, { count, labels, expires }) {
    const request = { count }
    if (labels?.length) request.labels = labels
    if (expires) request.expires = expires
    const { keys: issued } = await api.issueKeys(slug, request)
    justIssued.value = issued
    // Its name too, for join cards: issuing happens in the open circle's room.
    const open = useCirclesStore().current
    issuedCircle.value = { slug, name: open?.slug === slug ? open.name : slug }
    await load(slug)
    return issued
  }

  async function revoke(slug, id) {
    await api.revokeKey(slug, id)
    await load(slug)
  }

  /** The plaintexts just issued for this circle, or none. */
  function issuedIn(slug) {
    return issuedCircle.value?.slug === slug ? justIssued.value : []
  }

  function dismissIssued() {
    justIssued.value = []
    issuedCircle.value = null
  }

  return { keys, justIssued, issuedCircle, load, issue, issuedIn, revoke, dismissIssued }
})
