import { existsSync } from 'node:fs'
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { cliError } from '../errors.js'
import type { TemplateFile } from '../templates.js'

/** Removes what {@link writeNewFiles} wrote: the files, then the folders it created (deepest first). */
export type Rollback = () => Promise<void>

/** The folders `mkdir -p dir` would create, deepest first. */
function missingDirs(dir: string): string[] {
  const missing: string[] = []
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d)
  return missing
}

/**
 * Writes files that must not exist yet. Refuses with `MEGA_CLI_FILE_EXISTS` (writing nothing) when
 * any does; undoes its own writes when one fails. Resolves a rollback for a later step that fails.
 */
export async function writeNewFiles(
  root: string,
  files: readonly TemplateFile[],
  command: string,
): Promise<Rollback> {
  const taken = files.filter((f) => existsSync(join(root, f.path))).map((f) => f.path)
  if (taken.length > 0)
    throw cliError(
      'MEGA_CLI_FILE_EXISTS',
      `${command}: ${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}: nothing was written. Pick another name or remove ${taken.length === 1 ? 'it' : 'them'}.`,
      { details: { files: taken } },
    )
  const written: string[] = []
  const dirs: string[] = []
  const rollback = async () => {
    await Promise.all(written.map((p) => rm(p, { force: true })))
    const deepestFirst = [...new Set(dirs)].sort((a, b) => b.length - a.length)
    for (const dir of deepestFirst) await rmdir(dir).catch(() => undefined)
  }
  try {
    for (const file of files) {
      const path = join(root, file.path)
      dirs.push(...missingDirs(dirname(path)))
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, file.content, { flag: 'wx' })
      written.push(path)
    }
  } catch (err) {
    await rollback()
    throw err
  }
  return rollback
}
