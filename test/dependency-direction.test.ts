import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
import { dependencyDirection } from '../eslint/dependency-direction.js'
import tseslint from 'typescript-eslint'

const eslint = new ESLint({
  cwd: new URL('..', import.meta.url).pathname,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...dependencyDirection,
  ],
})

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file })
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`)
}

describe('dependency direction (DESIGN.md)', () => {
  it.each([
    ['packages/observe/src/x.ts', '@mega/core'],
    ['packages/core/src/x.ts', '@mega/db'],
    ['packages/db/src/x.ts', '@mega/jobs'],
    ['packages/ws/src/models/x.ts', '@mega/db'],
    ['packages/jobs/src/x.ts', '@mega/ws/internal'],
    ['packages/core/src/x.ts', 'mega-framework'],
    ['packages/ws-hub/src/x.ts', '@mega/cli'],
    ['packages/ws-client/src/x.ts', '@mega/ws'],
    ['packages/ws-client/src/x.ts', '@mega/observe'],
  ])('%s may not import %s', async (file, specifier) => {
    const found = await problems(file, `import { x } from '${specifier}'\nexport { x }\n`)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/^no-restricted-imports: .*dependencies point one way/)
  })

  it.each([
    ['packages/core/src/x.ts', '@mega/observe'],
    ['packages/db/src/x.ts', '@mega/core'],
    ['packages/ws-hub/src/x.ts', '@mega/ws'],
    ['packages/cli/src/x.ts', '@mega/jobs'],
    ['packages/observe/src/x.ts', 'pino'],
    ['packages/observe/test/x.test.ts', '@mega/test-utils'],
    ['packages/ws-client/test/x.test.ts', '@mega/ws'],
    ['packages/framework/src/x.ts', '@mega/ws-client'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await problems(file, `import { x } from '${specifier}'\nexport { x }\n`)).toEqual([])
  })

  it('forbids deep imports of another package src/', async () => {
    const found = await problems(
      'packages/db/src/x.ts',
      `import { x } from '../../core/src/x.js'\nexport { x }\n`,
    )
    expect(found[0]).toMatch(/deep-import/)
  })

  it('is wired into the project ESLint config', async () => {
    const real = new ESLint({ cwd: new URL('..', import.meta.url).pathname })
    const config = (await real.calculateConfigForFile('packages/core/src/index.ts')) as {
      rules: Record<string, unknown>
    }
    expect(JSON.stringify(config.rules['no-restricted-imports'])).toContain('@mega/db')
  })
})
