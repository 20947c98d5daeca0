// @mega/observe/internal: helpers for sibling @mega packages. Unstable: may change in any release.
export { parseOptions, zodIssues } from './zod-issues.js'
