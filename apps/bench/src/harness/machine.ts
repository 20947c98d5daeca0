import os from 'node:os'

/** What a result says about where it was measured. */
export interface MachineInfo {
  readonly cores: number
  readonly cpu: string
  readonly memoryGiB: number
  readonly node: string
  readonly platform: string
  /** 1-minute load average when the scenario started (the machine may be shared). */
  readonly load1: number
}

/** Reads the machine's facts from `node:os` and `process`. */
export function machineInfo(): MachineInfo {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    load1: os.loadavg()[0] ?? 0,
  }
}

/**
 * One line for a report.
 *
 * @example describeMachine() // '2 cores (AMD EPYC 7B13), 24 GiB, Node v20.20.2, linux 6.1 x64, load 0.42'
 */
export function describeMachine(info: MachineInfo = machineInfo()): string {
  return `${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, Node ${info.node}, ${info.platform}, load ${info.load1.toFixed(2)}`
}
