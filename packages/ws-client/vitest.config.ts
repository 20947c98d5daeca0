import { defineMegaProject } from '../../vitest.shared.js'

export default defineMegaProject(import.meta.dirname)
