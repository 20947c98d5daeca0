import type { DriverImporter } from '@mega/core'
import { importFromRoot } from '@mega/core/internal'
import { cliError } from '../errors.js'

/**
 * What DESIGN.md's plan names but no release ships yet: a whole package or one export
 * of it (`<package>#<export>`). No install or upgrade makes a command that needs one work today.
 * Remove an entry when it ships.
 */
const NOT_BUILT_YET: ReadonlySet<string> = new Set<string>([])

function notBuiltYet(name: string, exportName: string, purpose: string): Error {
  return cliError(
    'MEGA_CLI_PACKAGE_MISSING',
    `${purpose} needs ${exportName}() from ${name}, which is not built yet: no release of ${name} provides it, so ${purpose} cannot run today.`,
    { details: { package: name, export: exportName } },
  )
}

/**
 * Imports `name` as the project at `root` sees it and returns its `exportName`. A package that is
 * not installed, or does not provide that export, is `MEGA_CLI_PACKAGE_MISSING` saying what is true:
 * what to install, or that the package is not built yet.
 */
export async function requireExport(
  root: string,
  name: string,
  exportName: string,
  purpose: string,
  importer: DriverImporter = importFromRoot(root),
): Promise<unknown> {
  const mod = (await importer(name)) as Record<string, unknown> | undefined
  const value = mod?.[exportName]
  if (value !== undefined) return value
  if (NOT_BUILT_YET.has(name) || NOT_BUILT_YET.has(`${name}#${exportName}`))
    throw notBuiltYet(name, exportName, purpose)
  if (mod === undefined)
    throw cliError(
      'MEGA_CLI_PACKAGE_MISSING',
      `${purpose} needs ${name}, which is not installed in ${root}: install ${name} (pnpm add ${name}) and run it again.`,
      { details: { package: name } },
    )
  throw cliError(
    'MEGA_CLI_PACKAGE_MISSING',
    `${purpose} needs ${name} with ${exportName}(), which the installed version does not provide: install a version of ${name} that has it.`,
    { details: { package: name, export: exportName } },
  )
}
