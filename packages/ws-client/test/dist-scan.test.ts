import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const dist = new URL('../dist', import.meta.url).pathname

// The browser build: nothing that exists only in Node (run `pnpm build` first).
describe('the built client', () => {
  it('has no Node-only import or global in dist/**/*.js', async () => {
    const files = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('.js'))
    expect(files).toContain('index.js')
    const found: string[] = []
    for (const file of files) {
      const code = await readFile(join(dist, file), 'utf8')
      for (const bad of [
        /['"]node:/,
        /\brequire\(/,
        /\bprocess\./,
        /\bBuffer\b/,
        /from ['"](ws|events|crypto)['"]/,
      ])
        if (bad.test(code)) found.push(`${file}: ${bad.source}`)
    }
    expect(found).toEqual([])
  })

  it('has no runtime dependency (it depends on no server package)', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies?: Record<string, string>
    }
    expect(pkg.dependencies ?? {}).toEqual({})
  })
})
