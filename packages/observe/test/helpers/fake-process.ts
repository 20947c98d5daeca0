import { EventEmitter } from 'node:events'
import type { ShutdownProcess } from '../../src/shutdown.js'

/** An event emitter standing in for `process`: `exit` records codes instead of exiting. */
export class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly exitCodes: number[] = []

  exit(code: number): void {
    this.exitCodes.push(code)
  }
}
