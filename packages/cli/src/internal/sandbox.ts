import { AsyncLocalStorage } from 'node:async_hooks'
import type { MegaAdapter } from '@mega/core'
import { cliError } from '../errors.js'

/** An adapter that can hold work in a transaction scoped by async context (`@mega/db`'s SQL adapters). */
interface Transactional extends MegaAdapter {
  transaction<T>(fn: () => Promise<T>): Promise<T>
}

/** A console sandbox: database work run through {@link Sandbox.run} is rolled back at the end. */
export interface Sandbox {
  /** The aliases whose work is held in the sandbox transaction. */
  readonly aliases: readonly string[]
  /** Runs `fn` inside every sandbox transaction (their async context). */
  run<R>(fn: () => R): R
  /** Rolls every sandbox transaction back; idempotent. */
  rollback(): Promise<void>
}

/** Thrown inside the sandbox transactions to roll them back; never escapes. */
const ROLLBACK = new Error('mega console sandbox: rolled back')

function isTransactional(adapter: MegaAdapter): adapter is Transactional {
  return (
    adapter.kind === 'db' && typeof (adapter as Partial<Transactional>).transaction === 'function'
  )
}

/** The MongoDB `db` adapters (`dialect: 'mongo'`) among `adapters`, by alias. */
function mongoAliases(adapters: ReadonlyMap<string, MegaAdapter>): string[] {
  return [...adapters.entries()]
    .filter(([, a]) => a.kind === 'db' && (a as { dialect?: unknown }).dialect === 'mongo')
    .map(([alias]) => alias)
}

/**
 * Opens one transaction per transactional `db` adapter, nested, and keeps them open until
 * {@link Sandbox.rollback}. Code run through {@link Sandbox.run} joins them (the adapters find their
 * transaction through async context), so every write the session makes, directly or through services
 * and routes, is undone on exit. With no such adapter it is `MEGA_CLI_NO_DATABASE`: nothing could be
 * sandboxed, and a console that silently wrote for real would be worse than none. An app with a
 * MongoDB `db` adapter is refused the same way, even next to a SQL one: a Mongo transaction needs a
 * replica set, is aborted by the server after 60 s (`transactionLifetimeLimitSeconds`) and holds
 * only the operations given its session, so the session's changes to it could not be rolled back.
 */
export async function openSandbox(adapters: ReadonlyMap<string, MegaAdapter>): Promise<Sandbox> {
  const mongo = mongoAliases(adapters)
  if (mongo.length > 0)
    throw cliError(
      'MEGA_CLI_NO_DATABASE',
      `mega console --sandbox cannot roll back ${mongo.map((a) => `"${a}"`).join(', ')} (MongoDB): a Mongo transaction needs a replica set, is aborted by the server after 60 seconds and holds only the operations given its session, so changes would stay. Run mega console without --sandbox (changes are kept) against a copy of the database.`,
    )
  const held = [...adapters.entries()].filter((entry): entry is [string, Transactional] =>
    isTransactional(entry[1]),
  )
  if (held.length === 0)
    throw cliError(
      'MEGA_CLI_NO_DATABASE',
      'mega console --sandbox needs a SQL "db" adapter to roll back, and this app has none: run mega console without --sandbox.',
    )
  let release!: () => void
  const released = new Promise<never>((_, reject) => (release = () => reject(ROLLBACK)))
  released.catch(() => undefined)
  let entered!: (run: Sandbox['run']) => void
  const ready = new Promise<Sandbox['run']>((resolve) => (entered = resolve))

  const open = (index: number): Promise<never> => {
    if (index === held.length) {
      entered(AsyncLocalStorage.snapshot())
      return released
    }
    return held[index]![1].transaction(() => open(index + 1))
  }
  const settled = open(0).catch((err: unknown) => {
    if (err !== ROLLBACK) throw err
  })
  const run = await Promise.race([ready, settled.then(() => undefined)])
  if (run === undefined)
    throw cliError('MEGA_CLI_NO_DATABASE', 'mega console --sandbox could not open its transaction.')
  return {
    aliases: held.map(([alias]) => alias),
    run: (fn) => run(fn),
    rollback: async () => {
      release()
      await settled
    },
  }
}
