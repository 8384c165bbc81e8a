// The session rhythm as the backend answers it, for tests of the room and its parts.
import { vi } from 'vitest'

import { api } from '@/services/api'

export const idleTimer = () => ({ state: 'idle', duration_seconds: 0, label: '' })

/** GET /api/circles/<slug>/rhythm/: no session, an idle timer, nothing scheduled, by default. */
export const rhythm = (overrides = {}) => ({
  server_time: '2025-03-04T18:00:00.000Z',
  session: null,
  timer: idleTimer(),
  upcoming: null,
  run_sheet: { position: 0, total: 0 },
  ...overrides,
})

export const runSheetItem = (id, kind = 'prompt', body = `item ${id}`, minutes = null) => ({ id, kind, body, minutes })

/** Stubs the rhythm's endpoints a room calls when it opens; returns the spies. */
export function stubRhythm({ answer = rhythm(), sessions = [], items = [] } = {}) {
  return {
    getRhythm: vi.spyOn(api, 'getRhythm').mockResolvedValue(answer),
    listSessions: vi.spyOn(api, 'listSessions').mockResolvedValue({ sessions }),
    getRunSheet: vi
      .spyOn(api, 'getRunSheet')
      .mockResolvedValue({ items, position: answer.run_sheet.position, total: items.length }),
  }
}
