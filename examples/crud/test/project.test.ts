import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkMigrations, MIGRATION_FILE_PATTERN } from '@mega/db'
import { CRUD_ERROR_CODES } from '../apps/main/lib/crud-errors.js'
import logPartitionSchedule from '../apps/main/schedules/log-partition-schedule.js'
import { bootApp, root } from './helpers/crud-app.js'

describe('the project', () => {
  it('has a migration for every model change (mega migrate check)', async () => {
    const result = await checkMigrations({ root })
    expect(result.changes).toEqual([])
    expect(result.upToDate).toBe(true)
    const files = await readdir(join(root, 'apps/main/migrations'))
    for (const file of files) expect(file).toMatch(MIGRATION_FILE_PATTERN)
  })

  it('lists every error code and every route in the README', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8')
    for (const code of CRUD_ERROR_CODES) expect(readme).toContain(`| \`${code}\``)
    const app = await bootApp()
    const routes = app.runtime.server
      .routes()
      .filter((r) => !r.path.startsWith('/health') && r.path !== '/metrics' && r.method !== 'PUT')
    expect(routes.length).toBeGreaterThan(15)
    for (const route of routes) expect(readme).toContain(`| \`${route.method} ${route.path}\``)
  })

  it('declares the monthly partition schedule for @mega/jobs', () => {
    const { scheduleName, cron, timezone, missedTicks } = logPartitionSchedule
    expect({ scheduleName, cron, timezone, missedTicks }).toEqual({
      scheduleName: 'log-partitions',
      cron: '0 3 1 * *',
      timezone: 'UTC',
      missedTicks: 'run-once',
    })
  })
})
