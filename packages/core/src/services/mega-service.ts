import { adapterAccessor, type AdapterAccessor, type AppScope } from '../app/app-scope.js'

/**
 * Base class of app services (`apps/<app>/services/*-service.ts`). One instance per app, created at
 * boot; it reaches adapters and the other services through its app scope. Override `start`/`stop`
 * for work at boot and at shutdown.
 *
 * @example
 * export default class UserService extends MegaService {
 *   find(id: number) { return this.db<Kysely<DB>>().selectFrom('users').where('id', '=', id).executeTakeFirst() }
 * }
 */
export class MegaService {
  readonly app: AppScope

  constructor(app: AppScope) {
    this.app = app
  }

  /** The app's other services by name (filled before any request). */
  get services(): AppScope['services'] {
    return this.app.services
  }

  /** The process logger bound to `{ app }`: `this.log.warn({ table }, 'partition missing')`. */
  get log(): AppScope['log'] {
    return this.app.log
  }

  /** The app's `settings` from mega.config.ts (type them by augmenting `MegaSettings`). */
  get settings(): AppScope['settings'] {
    return this.app.settings
  }

  /** An adapter by alias (default `db`), typed by `MegaAdapters` (or `this.db<T>()`). */
  declare readonly db: AdapterAccessor<'db'>

  /** A cache adapter by alias (default `cache`), typed by `MegaAdapters` (or `this.cache<T>()`). */
  declare readonly cache: AdapterAccessor<'cache'>

  /** Called once at boot, after adapters connect and before the server listens. */
  async start(): Promise<void> {}

  /** Called once at shutdown, before adapters disconnect (in reverse order of start). */
  async stop(): Promise<void> {}
}

for (const kind of ['db', 'cache'] as const)
  Object.defineProperty(MegaService.prototype, kind, { value: adapterAccessor(kind) })

/** A service entry: a `MegaService` subclass (instantiated with the app scope) or a ready object. */
export type ServiceEntry = (new (app: AppScope) => MegaService) | object

/** `user-service.ts` → `user`, `order-item-service.js` → `orderItem`. */
export function serviceNameFromFile(file: string): string {
  const base = file.replace(/\.[cm]?[jt]s$/, '').replace(/-service$/, '')
  return base.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

function isServiceClass(entry: ServiceEntry): entry is new (app: AppScope) => MegaService {
  return typeof entry === 'function' && entry.prototype instanceof MegaService
}

/** Instantiates an app's services into `target` (the scope's services object) and returns them. */
export function createServices(
  scope: AppScope,
  entries: Readonly<Record<string, ServiceEntry>>,
  target: Record<string, unknown>,
): MegaService[] {
  const started: MegaService[] = []
  for (const [name, entry] of Object.entries(entries)) {
    const instance = isServiceClass(entry) ? new entry(scope) : entry
    target[name] = instance
    if (instance instanceof MegaService) started.push(instance)
  }
  return started
}
