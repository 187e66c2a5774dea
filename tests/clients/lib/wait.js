// Bounded polling: wait for a condition instead of sleeping a fixed time.
import { setTimeout as sleep } from 'node:timers/promises'

// waitFor calls check until it returns a truthy value, which it returns. It
// gives up after `timeout` ms with an error naming `what` and the last value
// or error seen.
export async function waitFor(check, { timeout = 15000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    try {
      const value = await check()
      if (value) return value
      last = value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message.slice(0, 4000) : JSON.stringify(last)
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`)
    }
    await sleep(interval)
  }
}
