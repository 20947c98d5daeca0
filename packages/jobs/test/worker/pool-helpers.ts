import { disposeAfterTest } from '@mega/test-utils'
import { MegaWorker, type MegaWorkerConfig } from '../../src/index.js'

/** The fixture task module (plain .mjs: members cannot load TypeScript on Node 20). */
export const TASKS = new URL('../fixtures/pool-tasks.mjs', import.meta.url)

/** A pool on the fixture tasks, closed (forcibly) when the test ends. */
export function pool(config: Partial<MegaWorkerConfig> = {}): MegaWorker {
  const worker = new MegaWorker({ entry: TASKS, size: 1, metrics: false, ...config })
  disposeAfterTest(() => worker.close({ timeoutMs: 0 }))
  return worker
}

/** Shared flags for the `gate` and `barrier` tasks, with helpers to read and open them. */
export function flags() {
  const shared = new SharedArrayBuffer(8)
  const view = new Int32Array(shared)
  return {
    shared,
    started: () => Atomics.load(view, 1),
    open: () => {
      Atomics.store(view, 0, 1)
      Atomics.notify(view, 0)
    },
  }
}
