import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '@mega/test-utils'

const workspaceMega = new URL('../../node_modules/@mega', import.meta.url).pathname

/**
 * A disposable project whose model files can import `@mega/db` (node_modules/@mega links to this
 * workspace's packages), with a plain `mega.config.mjs` holding `adapters`.
 */
export async function dbProject(adapters: Record<string, unknown>): Promise<string> {
  const root = await tempDir('mega-cli-db-')
  await mkdir(join(root, 'node_modules'))
  await symlink(workspaceMega, join(root, 'node_modules/@mega'))
  const config = { name: 'dbapp', adapters, logger: false }
  await writeFile(join(root, 'mega.config.mjs'), `export default ${JSON.stringify(config)}\n`)
  return root
}

/** Every file under `root` outside node_modules, sorted. */
export async function projectFiles(root: string): Promise<string[]> {
  const all = await readdir(root, { recursive: true, withFileTypes: true })
  return all
    .filter((e) => e.isFile() && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort()
}
