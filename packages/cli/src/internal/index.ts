// @mega/cli/internal: the pieces the commands are built from (argument parsing, suggestions, the
// project database connection, the dev and test command lines). Unstable: may change in any
// release, without a major version. Programs drive the CLI through `run` and the commands of '@mega/cli'.
export { parseArgs, resolveCommand, usage } from './parse-args.js'
export { editDistance, suggest } from './suggest.js'
export { connectProjectDb } from './project-db.js'
export { devCommandLine } from '../commands/dev-command.js'
export { resolveVitest } from '../commands/test-command.js'
export {
  BUILD_DIR,
  BUILD_MANIFEST,
  hasBuild,
  listSources,
  runsBuild,
  verifyBuild,
} from './build-files.js'
export type { BuildManifest, ProjectSources } from './build-files.js'
