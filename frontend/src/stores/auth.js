import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

import { api } from '@/services/api'

import { useKeysStore } from './keys'

// Who is signed in: the key's role, display name and circles, as /api/auth/me/ tells.
export const useAuthStore = defineStore('auth', () => {
  const identity = ref(null)
  const checked = ref(false)

  const signedIn = computed(() => identity.value !== null)
  const isFacilitator = computed(() => identity.value?.role === 'facilitator')
  const circles = computed(() => identity.value?.circles ?? [])

  async function signIn(key) {
    identity.value = await api.verifyKey(key)
    checked.value = true
    return identity.value
  }

  /** Asks the server once whether a session exists; later calls reuse the answer. */
  async function ensureChecked() {
    if (checked.value) return signedIn.value
    await refresh()
    return signedIn.value
  }

  async function refresh() {
    try {
      identity.value = await api.me()
    } catch (error) {
      if (error?.response?.status !== 401) throw error
      identity.value = null
    } finally {
      checked.value = true
    }
    return identity.value
  }

  /** Ends the session on the server; if that fails the person stays signed in (and is told). */
  async function signOut() {
    await api.logout()
    forget()
  }

  /** The session is gone (signed out here or revoked elsewhere). */
  function forget() {
    identity.value = null
    checked.value = true
    // Plaintext keys shown once after issuing must not outlive the session that issued them:
    // the next person at this screen signs in with another key.
    useKeysStore().dismissIssued()
  }

  return { identity, checked, signedIn, isFacilitator, circles, signIn, ensureChecked, refresh, signOut, forget }
})
