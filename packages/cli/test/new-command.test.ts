import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { tempDir } from '@mega/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { run } from '../src/cli.js'
import { createProject, detectPackageManager } from '../src/commands/new-command.js'
import { memoryIo } from './helpers/memory-io.js'

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort()
}

describe('mega new', () => {
  it('writes the project tree and prints the next two commands', async () => {
    const cwd = await tempDir()
    const m = memoryIo(cwd, { npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20.20.0 linux x64' })
    expect(await run(['new', 'my-shop', '--skip-install'], m.io)).toBe(0)
    expect(await tree(join(cwd, 'my-shop'))).toMatchInlineSnapshot(`
      [
        ".env.example",
        ".gitignore",
        ".mega/journal/history/20250101000000-create-notes.json",
        ".mega/journal/snapshot.json",
        "README.md",
        "apps/main/migrations/20250101000000-create-notes.ts",
        "apps/main/models/note-model.ts",
        "apps/main/routes/home.ts",
        "apps/main/routes/notes.ts",
        "apps/main/services/note-service.ts",
        "mega.config.ts",
        "package.json",
        "test/app.test.ts",
        "test/note-model.test.ts",
        "tsconfig.json",
        "vitest.config.ts",
      ]
    `)
    expect(m.stdout).toContain('cd my-shop\n  pnpm install && pnpm run dev\n')
    const pkg = JSON.parse(await readFile(join(cwd, 'my-shop/package.json'), 'utf8'))
    expect(pkg.name).toBe('my-shop')
    expect(pkg.dependencies['@mega/core']).toMatch(/^\^\d+\.\d+\.\d+/)
    const config = await readFile(join(cwd, 'my-shop/mega.config.ts'), 'utf8')
    expect(config).toContain("driver: 'sqlite'")
    expect(config).not.toContain('{{')
    expect(await readdir(cwd)).toEqual(['my-shop']) // no staging folder left behind
  })

  it('refuses a folder that is not empty and writes nothing', async () => {
    const cwd = await tempDir()
    await mkdir(join(cwd, 'app'))
    await writeFile(join(cwd, 'app/notes.txt'), 'mine')
    const m = memoryIo(cwd)
    expect(await run(['new', 'app', '--skip-install'], m.io)).toBe(1)
    expect(m.stderr).toContain('is not empty (notes.txt): pick a new folder, or pass --force')
    expect(m.stderr).toContain('MEGA_CLI_DIR_NOT_EMPTY')
    expect(await tree(join(cwd, 'app'))).toEqual(['notes.txt'])
    expect(await readdir(cwd)).toEqual(['app'])
  })

  it('writes into a folder that is not empty with --force, keeping other files', async () => {
    const cwd = await tempDir()
    await mkdir(join(cwd, 'app'))
    await writeFile(join(cwd, 'app/notes.txt'), 'mine')
    const m = memoryIo(cwd)
    expect(await run(['new', 'app', '--force', '--skip-install'], m.io)).toBe(0)
    expect(await readFile(join(cwd, 'app/notes.txt'), 'utf8')).toBe('mine')
    expect(existsSync(join(cwd, 'app/mega.config.ts'))).toBe(true)
    expect(await readdir(cwd)).toEqual(['app'])
  })

  it('uses an empty existing folder', async () => {
    const cwd = await tempDir()
    await mkdir(join(cwd, 'empty'))
    expect(await run(['new', 'empty', '--skip-install'], memoryIo(cwd).io)).toBe(0)
    expect(existsSync(join(cwd, 'empty/apps/main/routes/home.ts'))).toBe(true)
  })

  it('installs with the package manager that ran it', async () => {
    const cwd = await tempDir()
    const install = vi.fn(async () => undefined)
    const { io } = memoryIo(cwd, { npm_config_user_agent: 'yarn/4.1.0 npm/? node/v20' })
    const result = await createProject({ dir: 'y' }, io, install)
    expect(install).toHaveBeenCalledWith('yarn', join(cwd, 'y'), io)
    expect(result).toMatchObject({ name: 'y', packageManager: 'yarn', installed: true })
  })

  it('leaves the files in place and says what to do when installing fails', async () => {
    const cwd = await tempDir()
    const m = memoryIo(cwd)
    await expect(
      createProject({ dir: 'z', packageManager: 'npm' }, m.io, async () => {
        throw new Error('offline')
      }),
    ).rejects.toThrow('offline')
    expect(existsSync(join(cwd, 'z/package.json'))).toBe(true)
  })

  it('detects the package manager from npm_config_user_agent', () => {
    expect(detectPackageManager({ npm_config_user_agent: 'pnpm/10.0.0 npm/? node/v20' })).toBe(
      'pnpm',
    )
    expect(detectPackageManager({ npm_config_user_agent: 'npm/10.8.2 node/v20' })).toBe('npm')
    expect(detectPackageManager({})).toBe('npm')
  })

  it('refuses a name that cannot name a project', async () => {
    const m = memoryIo(await tempDir())
    expect(await run(['new', '1st', '--skip-install'], m.io)).toBe(2)
    expect(m.stderr).toContain('cannot name a project')
  })
})
