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
  const conditions = [SOURCE_CONDITION, 'node', 'import', 'default']
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
