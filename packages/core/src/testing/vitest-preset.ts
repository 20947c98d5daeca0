import { createRequire } from 'node:module'
import { join } from 'node:path'

/** The part of a Vite/Vitest plugin {@link megaVitest} returns (typed here so core needs no vite). */
export interface MegaVitestPlugin {
  readonly name: 'mega:vitest'
  /** Vite's `config` hook: what the plugin adds to the app's Vitest configuration. */
  config(config?: { readonly root?: string }): {
    readonly test: {
      readonly include: string[]
      readonly env: { readonly NODE_ENV: 'test' }
      readonly globalSetup: string[]
      readonly server: { readonly deps: { readonly inline: string[] } }
    }
  }
}

/**
 * The packages that `import()` an app's own files, so Vitest must transform them itself (the others,
 * observe for one, stay plain Node modules: faster).
 */
export const MEGA_INLINE_PACKAGES: readonly string[] = Object.freeze([
  '@mega/core',
  '@mega/db',
  '@mega/jobs',
  '@mega/ws',
])

/** What {@link megaVitest} takes. */
export interface MegaVitestOptions {
  /** Which files are tests. @default ['test/**\/*.test.ts'] */
  readonly include?: readonly string[]
  /**
   * Prepare the test databases before the run: `@mega/db/vitest-setup` (created and migrated, see
   * `prepareTestDatabases` of `@mega/db`) is added as a global setup when the app has `@mega/db`.
   * @default true
   */
  readonly prepareDatabases?: boolean
}

/** `@mega/db/vitest-setup` as the app at `root` resolves it, or none when it lacks `@mega/db`. */
function dbSetup(root: string): string[] {
  try {
    return [createRequire(join(root, 'package.json')).resolve('@mega/db/vitest-setup')]
  } catch {
    return []
  }
}

/**
 * The Vitest preset of a Mega app: a plugin for `vitest.config.ts`. Mega's packages load the app's
 * own `.ts` files (config, routes, services, migrations, jobs, channels) with `import()`; Node 20
 * cannot load `.ts`, so Vitest must run those packages ({@link MEGA_INLINE_PACKAGES}) through its own
 * transform instead of handing them to Node. The plugin says so (and where the tests are), sets
 * `NODE_ENV=test` (so `env('DATABASE_URL')` names the test database, see `env()`), and runs
 * `@mega/db/vitest-setup` first when the app has `@mega/db` (core itself never imports it): the test
 * databases are created and migrated before any test file.
 *
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config'
 * import { megaVitest } from '@mega/core/vitest'
 *
 * export default defineConfig({ plugins: [megaVitest()], test: { env: { DATABASE_FILE: ':memory:' } } })
 */
export function megaVitest(options: MegaVitestOptions = {}): MegaVitestPlugin {
  const include = [...(options.include ?? ['test/**/*.test.ts'])]
  return {
    name: 'mega:vitest',
    config: (config) => ({
      test: {
        include,
        env: { NODE_ENV: 'test' },
        globalSetup:
          options.prepareDatabases === false ? [] : dbSetup(config?.root ?? process.cwd()),
        server: { deps: { inline: [...MEGA_INLINE_PACKAGES] } },
      },
    }),
  }
}
