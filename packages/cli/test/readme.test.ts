import { readFile } from 'node:fs/promises'
import { readmeErrorCodes, sourceErrorCodes } from '@mega/test-utils'
import { describe, expect, it } from 'vitest'
import { CLI_ERROR_CODES } from '../src/errors.js'
import { renderOptionsMarkdown } from '../src/help.js'
import { COMMAND_NAMES } from '../src/options.js'
import { TEMPLATE_VERSIONS } from '../src/templates.js'

const readmePath = new URL('../README.md', import.meta.url).pathname
const cells = (table: string) =>
  table
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s:|-]+\|$/.test(l))
    .map((l) =>
      l
        .split(/(?<!\\)\|/)
        .map((c) => c.trim())
        .filter(Boolean)
        .join(' | '),
    )

describe('README', () => {
  it('lists exactly the error codes the CLI uses', async () => {
    expect((await readmeErrorCodes(readmePath)).sort()).toEqual([...CLI_ERROR_CODES].sort())
    const used = await sourceErrorCodes(new URL('../src', import.meta.url).pathname)
    expect(used.filter((c) => c.startsWith('MEGA_CLI_'))).toEqual([...CLI_ERROR_CODES].sort())
  })

  it('shows every command with the option table --help is generated from', async () => {
    const readme = cells(await readFile(readmePath, 'utf8'))
    for (const command of COMMAND_NAMES)
      for (const row of cells(renderOptionsMarkdown(command))) expect(readme).toContain(row)
  })
})

describe('templates', () => {
  it('start new projects on the workspace catalog versions', async () => {
    const yaml = await readFile(new URL('../../../pnpm-workspace.yaml', import.meta.url), 'utf8')
    const catalog = (name: string) =>
      new RegExp(`^\\s+'?${name}'?: (.+)$`, 'm').exec(yaml)?.[1]?.trim()
    expect(TEMPLATE_VERSIONS).toMatchObject({
      zodRange: catalog('zod'),
      vitestRange: catalog('vitest'),
      typescriptRange: catalog('typescript'),
      typesNodeRange: catalog('@types/node'),
      betterSqliteRange: catalog('better-sqlite3'),
      pgRange: catalog('pg'),
      mysqlRange: catalog('mysql2'),
      mongodbRange: catalog('mongodb'),
    })
  })
})
