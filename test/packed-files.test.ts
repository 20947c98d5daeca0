import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// What `npm publish` would put in each public package's tarball (the build ran first: `pnpm test`
// builds): every source map must point at files that are in the tarball (no warnings in apps about
// maps to a missing src/), and no secrets, tests or lock files are packed.

const run = promisify(execFile)
const root = new URL('..', import.meta.url).pathname
const packagesDir = join(root, 'packages')

interface Manifest {
  readonly name: string
  readonly private?: boolean
}

const publicPackages = readdirSync(packagesDir)
  .map((dir) => ({
    dir: join(packagesDir, dir),
    manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter((p) => p.manifest.private !== true)

async function packedFiles(dir: string): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
  })
  const [result] = JSON.parse(stdout) as [{ files: { path: string }[] }]
  return result.files.map((f) => f.path)
}

const FORBIDDEN = [
  /(^|\/)\.env(\..*)?$/,
  /\.test(-d)?\.ts$/,
  /(^|\/)test\//,
  /(^|\/)(pnpm-lock\.yaml|package-lock\.json|yarn\.lock)$/,
  /\.tsbuildinfo$/,
]

describe.each(publicPackages)('the packed $manifest.name', ({ dir }) => {
  it('has every source a source map names, and no secrets, tests or lock files', async () => {
    const files = await packedFiles(dir)
    expect(files).toContain('package.json')
    const packed = new Set(files)
    const missing: string[] = []
    for (const map of files.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(dir, map), 'utf8')) as { sources: string[] }
      for (const source of sources) {
        const target = posix.normalize(posix.join(dirname(map), source))
        if (!packed.has(target)) missing.push(`${map} → ${target}`)
      }
    }
    expect(missing).toEqual([])
    // The CLI's templates are files of the apps it generates (their tests included), not its own.
    const own = files.filter((f) => !f.startsWith('templates/'))
    expect(own.filter((f) => FORBIDDEN.some((re) => re.test(f)))).toEqual([])
  })
})
