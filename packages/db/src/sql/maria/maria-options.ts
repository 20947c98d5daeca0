import { z } from 'zod'
import { checkUrlOrFields, sqlServerShape } from '../sql-server-options.js'

/**
 * Options of the `maria` driver (a `mysql2` pool): the same fields as the `postgres` driver: `url`
 * (`mysql://user:password@host:3306/database`) or `host`, `port` (@default 3306), `user`,
 * `password`, `database`; `ssl`; `pool` (`max` @default 10, `idleTimeoutMs` @default 10000,
 * `connectionTimeoutMs` @default 5000); `statementTimeoutMs` (MariaDB `max_statement_time`).
 */
export const mariaOptionsSchema = z.object(sqlServerShape).strict().check(checkUrlOrFields)

/** Options of the `maria` driver, as given. */
export type MariaOptions = z.input<typeof mariaOptionsSchema>

/** Options of the `maria` driver, with defaults resolved. */
export type ResolvedMariaOptions = z.output<typeof mariaOptionsSchema>
