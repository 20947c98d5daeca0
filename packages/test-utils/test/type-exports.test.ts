import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir, typeExportNames } from '../src/index.js'

describe('typeExportNames', () => {
  it('lists type-only exports, exported types and those of export * sources', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'src'))
    await writeFile(
      join(dir, 'src', 'index.ts'),
      [
        "export { value, type Inline } from './a.js'",
        "export type { Listed, Other as Renamed } from './a.js'",
        "export * from './b.js'",
        "export * as ns from './c.js'",
        'export interface Declared {}',
        'export type Alias = string',
        'export const constant = 1',
      ].join('\n'),
    )
    await writeFile(
      join(dir, 'src', 'b.ts'),
      "export interface FromStar {}\nexport function fn(): void {}\nexport type { Deep } from './d.js'\n",
    )
    expect(typeExportNames(join(dir, 'src', 'index.ts'))).toEqual([
      'Alias',
      'Declared',
      'Deep',
      'FromStar',
      'Inline',
      'Listed',
      'Renamed',
    ])
  })

  it('follows export * from a workspace package to its source entry', () => {
    const framework = new URL('../../framework/src/index.ts', import.meta.url).pathname
    expect(typeExportNames(framework)).toEqual(expect.arrayContaining(['MegaIssue', 'RouteSchema']))
  })
})
