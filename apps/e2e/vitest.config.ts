import { defineMegaProject } from '../../vitest.shared.js'

// One long test: packing, publishing, and installing an app from a registry take minutes, not seconds.
export default defineMegaProject(import.meta.dirname, {
  testTimeout: 20 * 60_000,
  hookTimeout: 5 * 60_000,
})
