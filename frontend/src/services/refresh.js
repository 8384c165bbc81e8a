/**
 * refresh() for a store that reads the same answer again whenever something may have changed:
 * asked while an answer is on its way, it asks once more after it, not once per call. Each
 * answer is for one generation of the store (`generation()`, bumped when it follows another
 * circle or stops): an earlier one stands down. `fetchOnce(generation)` reads and applies one
 * answer; `onError(failure)` keeps the last failure.
 */
export function coalescedRefresh({ ready, generation, fetchOnce, onError }) {
  let inFlight = null
  let again = false

  function refresh() {
    if (!ready()) return Promise.resolve()
    if (inFlight) {
      again = true
      return inFlight
    }
    const mine = generation()
    inFlight = (async () => {
      try {
        do {
          again = false
          await fetchOnce(mine)
        } while (again && mine === generation())
      } catch (failure) {
        if (mine === generation()) onError(failure)
      } finally {
        if (mine === generation()) inFlight = null
      }
    })()
    return inFlight
  }

  /** Forgets the answer on its way (the store stopped or follows another circle). */
  function reset() {
    inFlight = null
    again = false
  }

  return { refresh, reset }
}
