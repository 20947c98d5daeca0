import { importFromRoot, type DriverImporter } from '@mega/core'
import { cliError } from '../errors.js'

/**
 * Imports `name` as the project at `root` sees it and returns its `exportName`. A package that is not
 * installed, or does not provide that export yet, is `MEGA_CLI_PACKAGE_MISSING` saying what to install.
 */
export async function requireExport(
  root: string,
  name: string,
  exportName: string,
  purpose: string,
  importer: DriverImporter = importFromRoot(root),
): Promise<unknown> {
  const mod = (await importer(name)) as Record<string, unknown> | undefined
  if (mod === undefined)
    throw cliError(
      'MEGA_CLI_PACKAGE_MISSING',
      `${purpose} needs ${name}, which is not installed in ${root}: install ${name} (pnpm add ${name}) and run it again.`,
      { details: { package: name } },
    )
  const value = mod[exportName]
  if (value === undefined)
    throw cliError(
      'MEGA_CLI_PACKAGE_MISSING',
      `${purpose} needs ${name} with ${exportName}(), which this version does not provide: install a newer ${name}.`,
      { details: { package: name, export: exportName } },
    )
  return value
}
