import { basename } from 'node:path'
import { readFileSync } from 'node:fs'
import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

/** The export condition that points workspace packages at their TypeScript source (no build needed). */
export const SOURCE_CONDITION = '@mega/source'

/**
 * The vitest project for one workspace package: its tests under `test/`, sibling packages resolved
 * through their source condition, unique name taken from package.json.
 */
export function defineMegaProject(dir: string, overrides: UserWorkspaceConfig['test'] = {}) {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name?: string }
  // Only our source condition on top of Vite's own: 'module' would load ESM builds some packages
  // cannot run (@opentelemetry/api), and 'import' would reach Node through --conditions and make
  // CommonJS packages require() ESM files (pg → pg-pool).
  const conditions = [SOURCE_CONDITION, 'node', 'development|production']
  return defineProject({
    root: dir,
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: [] } },
    test: {
      name: pkg.name ?? basename(dir),
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 30_000,
      ...overrides,
    },
  })
}
