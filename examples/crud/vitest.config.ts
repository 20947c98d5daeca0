import { defineMegaProject } from '../../vitest.shared.js'

// Each test boots the app from this folder on its own in-memory SQLite database (DATABASE_FILE), or
// on a fresh PostgreSQL database (test/*.int.test.ts).
export default defineMegaProject(import.meta.dirname, {
  env: { DATABASE_FILE: ':memory:', LOG_LEVEL: 'silent' },
})
