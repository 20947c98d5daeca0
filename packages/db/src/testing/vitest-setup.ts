// `@mega/db/vitest-setup`: the Vitest global setup `megaVitest()` of `@mega/core/vitest` adds when
// the app has @mega/db: the test databases are created and migrated once, before any test file runs.
import { prepareTestDatabases } from './test-databases.js'

/** What Vitest passes a global setup (only the root is read). */
interface SetupProject {
  readonly config?: { readonly root?: string }
}

/**
 * Vitest global setup: {@link prepareTestDatabases} for the project's root.
 *
 * @example
 * // vitest.config.ts (megaVitest() adds it for you)
 * export default defineConfig({ test: { globalSetup: ['@mega/db/vitest-setup'] } })
 */
export default async function setup(project?: SetupProject): Promise<void> {
  await prepareTestDatabases(project?.config?.root ?? process.cwd())
}
