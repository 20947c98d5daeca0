import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

// Vitest 4 no longer reads vitest.workspace.ts by itself: the list is imported here.
export default defineConfig({
  test: {
    projects,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
})
