// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck / pnpm check). A wrong inference fails CI.
import { expectTypeOf } from 'vitest'
import { MegaService, type AppScope, type CacheAdapter, type RequestContext } from '../src/index.js'

interface Sql {
  readonly kind: 'db'
  query(text: string): Promise<unknown[]>
}

// What an app declares once (examples/crud does it in mega.config.ts).
declare module '../src/index.js' {
  interface MegaAdapters {
    db: Sql
    cache: CacheAdapter
  }
}

declare const ctx: RequestContext
declare const app: AppScope

// Handlers: typed by alias, no cast.
expectTypeOf(ctx.db()).toEqualTypeOf<Sql>()
expectTypeOf(ctx.db('db')).toEqualTypeOf<Sql>()
expectTypeOf(ctx.cache()).toEqualTypeOf<CacheAdapter>()
// An alias the app did not declare is unknown until it is declared (or cast explicitly).
expectTypeOf(ctx.db('reports')).toEqualTypeOf<unknown>()
expectTypeOf(ctx.db<{ readonly legacy: true }>('reports')).toEqualTypeOf<{
  readonly legacy: true
}>()
expectTypeOf(ctx.lock()).toEqualTypeOf<unknown>()

// The app scope and services.
expectTypeOf(app.adapter('db')).toEqualTypeOf<Sql>()
expectTypeOf(app.adapter<number>('anything')).toEqualTypeOf<number>()

class Reports extends MegaService {
  rows() {
    return this.db().query('select 1')
  }
  counter() {
    return this.cache()
  }
}
declare const reports: Reports
expectTypeOf(reports.rows()).toEqualTypeOf<Promise<unknown[]>>()
expectTypeOf(reports.counter()).toEqualTypeOf<CacheAdapter>()
