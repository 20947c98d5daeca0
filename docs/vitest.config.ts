import { defineMegaProject } from '../vitest.shared.js'

// The guide's chapters run one after another on one app: a chapter can take a minute on a busy machine.
export default defineMegaProject(import.meta.dirname, { testTimeout: 180_000 })
