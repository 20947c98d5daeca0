import { setTimeout as sleep } from 'node:timers/promises'
import type { LockAdapter } from '@mega/core'

/** What {@link contend} saw: critical sections entered, and how often two overlapped. */
export interface ContentionResult {
  readonly entered: number
  readonly overlaps: number
}

/**
 * Runs one contender per adapter, each entering the critical section of `key` `rounds` times
 * (acquire until it gets the lock, hold it briefly, release), and counts overlapping holders.
 */
export async function contend(
  lockers: readonly LockAdapter[],
  key: string,
  rounds: number,
): Promise<ContentionResult> {
  let inside = 0
  let entered = 0
  let overlaps = 0
  await Promise.all(
    lockers.map(async (locks) => {
      for (let done = 0; done < rounds;) {
        const lock = await locks.acquire(key, 10_000)
        if (lock === null) {
          await sleep(2 + Math.random() * 5)
          continue
        }
        inside += 1
        entered += 1
        if (inside > 1) overlaps += 1
        await sleep(3)
        inside -= 1
        if (!(await locks.release(lock))) throw new Error('lost a lock it held')
        done += 1
      }
    }),
  )
  return { entered, overlaps }
}
