// The participants' voice as the backend answers it (docs/voice-api.md), for tests of the room
// and its parts.
import { vi } from 'vitest'

import { api } from '@/services/api'

export const voicePrompt = (seq = 12, body = 'What surprised you?') => ({ seq, body })

export const response = (id, overrides = {}) => ({
  id,
  prompt: voicePrompt(),
  author: 'Ana',
  body: `response ${id}`,
  created_at: '2025-03-04T18:10:00Z',
  shared: null,
  ...overrides,
})

export const signal = (id, kind = 'hand', person = 'Ben') => ({ id, kind, person, raised_at: '2025-03-04T18:05:00Z' })

export const present = (person, role = 'participant') => ({ person, role, since: '2025-03-04T18:00:00Z' })

/** GET /api/circles/<slug>/voice/ (the facilitator's): nobody and nothing, by default. */
export const voice = (overrides = {}) => ({
  session: null,
  responses: [],
  hands: [],
  signals: [],
  presence: { room: [], call: [] },
  ...overrides,
})

/** GET /api/circles/<slug>/voice/mine/ (a participant's own). */
export const ownVoice = (overrides = {}) => ({
  responses: [],
  ...overrides,
  signals: { hand: null, here: null, moment: null, ...overrides.signals },
})

/** Stubs the voice's endpoints a room calls when it opens; returns the spies. */
export function stubVoice({ answer = voice(), own = ownVoice() } = {}) {
  return {
    getVoice: vi.spyOn(api, 'getVoice').mockResolvedValue(answer),
    getOwnVoice: vi.spyOn(api, 'getOwnVoice').mockResolvedValue(own),
    reportCall: vi.spyOn(api, 'reportCall').mockResolvedValue(''),
  }
}
