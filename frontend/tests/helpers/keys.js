// A key as GET /api/circles/<slug>/keys/ lists it (no secret), for tests of the key views.
export const keyRow = (id, overrides = {}, letter = 'K') => ({
  id,
  prefix: `${letter}${id}QF`,
  label: '',
  role: 'participant',
  created: '2025-03-01T10:00:00Z',
  expires: null,
  last_used: null,
  use_count: 0,
  revoked: false,
  revoked_at: null,
  ...overrides,
})
