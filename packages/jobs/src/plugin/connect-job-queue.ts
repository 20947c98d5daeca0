import { AdapterManager, DriverRegistry, loadConfig, type MegaConfig } from '@mega/core'
import type { NatsBusAdapter } from '../bus/nats/nats-bus-adapter.js'
import { natsDriver } from '../bus/nats/nats-driver.js'
import { jobsError } from '../errors.js'
import { MegaJobQueue } from '../queue/job-queue.js'
import { DEFAULT_JOBS_BUS, type JobsOptions } from './jobs-options.js'

/** Where a jobs() plugin keeps its options, for {@link connectJobQueue} (shared across copies). */
export const JOBS_PLUGIN_OPTIONS: unique symbol = Symbol.for('mega.jobs.options') as never

/** Options of {@link connectJobQueue}. */
export interface ConnectJobQueueOptions {
  /** The project root (mega.config, `.env`). */
  readonly root: string
  /** The configuration, when it is not read from `root`. @default `loadConfig(root)` */
  readonly config?: MegaConfig
}

/** The app's JetStream queue, connected on its own: what {@link connectJobQueue} resolves. */
export interface JobQueueConnection {
  /** The queue, configured as the app's jobs() plugin configures it (its `dlq` tools included). */
  readonly queue: MegaJobQueue
  /** The alias of the nats bus adapter it runs on. */
  readonly bus: string
  /** Disconnects the bus. */
  close(): Promise<void>
}

function jobsOptionsOf(config: MegaConfig): JobsOptions {
  const plugin = config.plugins.find((p) => JOBS_PLUGIN_OPTIONS in p)
  if (plugin === undefined)
    throw jobsError(
      'MEGA_JOBS_NOT_INSTALLED',
      `${config.name} has no jobs() plugin, so it has no job queue: add jobs() from @mega/jobs to plugins in mega.config.ts.`,
    )
  return (plugin as unknown as { [JOBS_PLUGIN_OPTIONS]: JobsOptions })[JOBS_PLUGIN_OPTIONS]
}

/**
 * Connects the app's job queue without booting the app: reads the config at `root`, finds its
 * jobs() plugin and connects only the `nats` bus adapter that plugin uses (what `mega jobs dlq`
 * runs on). No jobs() plugin is `MEGA_JOBS_NOT_INSTALLED`; a bus alias that is missing or not
 * `nats` is `MEGA_JOBS_NO_NATS_BUS` (the in-process queue lives and dies with its process).
 *
 * @example
 * const { queue, close } = await connectJobQueue({ root: process.cwd() })
 * try {
 *   console.log((await queue.dlq.list()).entries)
 * } finally {
 *   await close()
 * }
 */
export async function connectJobQueue(
  options: ConnectJobQueueOptions,
): Promise<JobQueueConnection> {
  const config = options.config ?? (await loadConfig(options.root))
  const { bus: alias = DEFAULT_JOBS_BUS, ...queueConfig } = jobsOptionsOf(config).queue ?? {}
  const entry = config.adapters[alias]
  if (entry?.driver !== 'nats')
    throw jobsError(
      'MEGA_JOBS_NO_NATS_BUS',
      `${config.name}'s jobs run on the in-process queue: adapters.${alias} is ${entry === undefined ? 'not configured' : `the "${entry.driver}" driver`}, not nats, and an in-process queue (its DLQ included) exists only inside the app's process. Add adapters.${alias} = { driver: 'nats', url: env('NATS_URL') } to mega.config.ts.`,
      { details: { bus: alias } },
    )
  const manager = new AdapterManager({
    registry: new DriverRegistry([natsDriver]),
    app: config.name,
  })
  await manager.connectAll({ [alias]: entry })
  const close = async (): Promise<void> => void (await manager.disconnectAll())
  try {
    const bus = manager.get<NatsBusAdapter>(alias)
    return { queue: new MegaJobQueue({ ...queueConfig, nc: bus.native }), bus: alias, close }
  } catch (err) {
    await close()
    throw err
  }
}
