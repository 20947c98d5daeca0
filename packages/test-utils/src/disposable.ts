import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'

/**
 * Registers `cleanup` to run when the current test ends, pass or fail, so a failed assertion leaks
 * nothing. Call it inside a test (or a `beforeEach`).
 */
export function disposeAfterTest(cleanup: () => unknown): void {
  onTestFinished(async () => {
    await cleanup()
  })
}

/** A fresh temporary directory, removed when the current test ends. */
export async function tempDir(prefix = 'mega-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  disposeAfterTest(() => rm(dir, { recursive: true, force: true }))
  return dir
}
