import { defineProject } from 'vitest/config'

// Workspace-level checks: dependency direction, package layout.
export default defineProject({
  test: { name: 'workspace', include: ['**/*.test.ts'], testTimeout: 60_000 },
})
