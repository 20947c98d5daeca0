import { z } from 'zod'
import { checkUrlOrFields, sqlServerShape } from '../sql-server-options.js'

/** Options of the `postgres` driver (a `pg` pool). See the fields for defaults. */
export const postgresOptionsSchema = z.object(sqlServerShape).strict().check(checkUrlOrFields)

/** Options of the `postgres` driver, as given. */
export type PostgresOptions = z.input<typeof postgresOptionsSchema>

/** Options of the `postgres` driver, with defaults resolved. */
export type ResolvedPostgresOptions = z.output<typeof postgresOptionsSchema>
