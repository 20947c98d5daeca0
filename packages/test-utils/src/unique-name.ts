import { randomBytes } from 'node:crypto'

let counter = 0

/**
 * A name unique to this test run, safe as a PostgreSQL/MariaDB identifier, a NATS stream name and a
 * Redis key prefix: lower-case letters, digits and `_`, at most 48 characters.
 *
 * @example uniqueName('jobs') // 'jobs_4821_3_9f2c1a'
 */
export function uniqueName(prefix = 't'): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')
      .slice(0, 24) || 't'
  counter += 1
  return `${clean}_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`
}
