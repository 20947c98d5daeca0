// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck). A driver's documented options and the
// zod schema that validates them must not drift. Most types are derived from their schema (TSDoc on
// the schema's fields), so they cannot; MongoAdapterConfig is written out, so its fields are compared.
import { expectTypeOf } from 'vitest'
import type { z } from 'zod'
import type {
  FileOptions,
  FileOptionsInput,
  MariaOptions,
  MongoAdapterConfig,
  PostgresOptions,
  RedisOptions,
  RedisOptionsInput,
  ResolvedMariaOptions,
  ResolvedMongoOptions,
  ResolvedPostgresOptions,
  ResolvedSqliteOptions,
  SqliteOptions,
} from '../src/index.js'
import type { fileOptionsSchema } from '../src/kv/file/file-options.js'
import type { redisOptionsSchema } from '../src/kv/redis/redis-options.js'
import type { mongoOptionsSchema } from '../src/mongo/mongo-options.js'
import type { mariaOptionsSchema } from '../src/sql/maria/maria-options.js'
import type { postgresOptionsSchema } from '../src/sql/postgres/postgres-options.js'
import type { sqliteOptionsSchema } from '../src/sql/sqlite/sqlite-options.js'

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T]

// Derived from the schema, as given and as resolved.
expectTypeOf<PostgresOptions>().toEqualTypeOf<z.input<typeof postgresOptionsSchema>>()
expectTypeOf<ResolvedPostgresOptions>().toEqualTypeOf<z.output<typeof postgresOptionsSchema>>()
expectTypeOf<MariaOptions>().toEqualTypeOf<z.input<typeof mariaOptionsSchema>>()
expectTypeOf<ResolvedMariaOptions>().toEqualTypeOf<z.output<typeof mariaOptionsSchema>>()
expectTypeOf<SqliteOptions>().toEqualTypeOf<z.input<typeof sqliteOptionsSchema>>()
expectTypeOf<ResolvedSqliteOptions>().toEqualTypeOf<z.output<typeof sqliteOptionsSchema>>()
expectTypeOf<RedisOptionsInput>().toEqualTypeOf<z.input<typeof redisOptionsSchema>>()
expectTypeOf<RedisOptions>().toEqualTypeOf<z.output<typeof redisOptionsSchema>>()
expectTypeOf<FileOptionsInput>().toEqualTypeOf<z.input<typeof fileOptionsSchema>>()
expectTypeOf<FileOptions>().toEqualTypeOf<z.output<typeof fileOptionsSchema>>()

// Written out: the same fields, the same required fields, and what the schema accepts fits.
type MongoInput = z.input<typeof mongoOptionsSchema>
expectTypeOf<keyof MongoInput>().toEqualTypeOf<keyof MongoAdapterConfig>()
expectTypeOf<RequiredKeys<MongoInput>>().toEqualTypeOf<RequiredKeys<MongoAdapterConfig>>()
expectTypeOf<MongoInput>().toExtend<MongoAdapterConfig>()
expectTypeOf<z.output<typeof mongoOptionsSchema>>().toEqualTypeOf<ResolvedMongoOptions>()
