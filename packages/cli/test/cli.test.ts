import { describe, expect, it } from 'vitest'
import { run } from '../src/cli.js'
import { renderCommandHelp } from '../src/help.js'
import { editDistance, suggest } from '../src/internal/suggest.js'
import { parseArgs } from '../src/internal/parse-args.js'
import { COMMAND_NAMES } from '../src/options.js'
import { memoryIo } from './helpers/memory-io.js'

describe('run', () => {
  it('refuses an unknown command with exit 2 and a suggestion', async () => {
    const m = memoryIo('/tmp')
    expect(await run(['genrate', 'model', 'x'], m.io)).toBe(2)
    expect(m.stderr).toContain('Unknown command "genrate". Did you mean "generate"?')
    expect(m.stderr).toContain('MEGA_CLI_UNKNOWN_COMMAND')
    expect(m.stdout).toBe('')
  })

  it('refuses an unknown flag with exit 2 and a suggestion', async () => {
    const m = memoryIo('/tmp')
    expect(await run(['new', 'x', '--skip-instal'], m.io)).toBe(2)
    expect(m.stderr).toContain('unknown option "--skip-instal". Did you mean "--skip-install"?')
  })

  it('refuses a missing argument and a value outside the list', async () => {
    const m = memoryIo('/tmp')
    expect(await run(['new'], m.io)).toBe(2)
    expect(m.stderr).toContain('missing <dir>')
    expect(await run(['new', 'x', '--package-manager', 'pnmp'], m.io)).toBe(2)
    expect(m.stderr).toContain('must be one of pnpm, npm, yarn, not "pnmp". Did you mean "pnpm"?')
  })

  it('prints help generated from the option table', async () => {
    const m = memoryIo('/tmp')
    expect(await run(['new', '--help'], m.io)).toBe(0)
    expect(m.stdout).toBe(renderCommandHelp('new'))
    expect(m.stdout).toMatchInlineSnapshot(`
      "Usage: mega new <dir> [options]

      Create a project: config, a first app (route, service, model), a test

      Arguments:
        <dir>  the folder to create (its name names the project)

      Options:
        -f, --force             write into a folder that is not empty
        --skip-install          do not install dependencies
        --auth                  add sign-up, sign-in and sign-out: users, pages and a JSON API (SQL only)
        --bare                  leave out the sample notes resource: config, home route and its test only
        --db <dialect>          the database the app is configured for, with its driver (one of sqlite, postgres, maria, mongo; default: sqlite)
        --package-manager <pm>  install with this package manager (default: the one that ran mega) (one of pnpm, npm, yarn)
        -h, --help              show help

      Examples:
        mega new shop
        mega new shop --auth
        mega new shop --db postgres --bare
        pnpm dlx @mega/cli new shop --skip-install
      "
    `)
  })

  it('lists every command in the top-level help', async () => {
    const m = memoryIo('/tmp')
    expect(await run([], m.io)).toBe(0)
    for (const name of COMMAND_NAMES) expect(m.stdout).toMatch(new RegExp(`^  ${name} `, 'm'))
    expect(await run(['help', 'routes'], m.io)).toBe(0)
    expect(m.stdout).toContain('Usage: mega routes [options]')
  })

  it('prints no colour codes off a terminal', async () => {
    const m = memoryIo('/tmp')
    await run(['nope'], m.io)
    expect(m.stderr).not.toContain('\u001b[')
  })
})

describe('parseArgs', () => {
  it('parses flags, aliases, --flag=value and pass-through arguments', () => {
    const parsed = parseArgs('new', ['app', '-f', '--package-manager=yarn'])
    expect(parsed.args).toEqual(['app'])
    expect(parsed.options).toEqual({
      force: true,
      skipInstall: false,
      auth: false,
      bare: false,
      db: 'sqlite',
      packageManager: 'yarn',
    })
    const test = parseArgs('test', ['--bail', '1', '--', 'x.test.ts'])
    expect(test.rest).toEqual(['--bail', 'x.test.ts'])
    expect(parseArgs('generate', ['model', 'x']).options.app).toBe('main')
  })
})

describe('suggest', () => {
  it('finds close names, counting a swap of two letters as one edit', () => {
    expect(editDistance('nwe', 'new')).toBe(1)
    expect(suggest('modle', ['model', 'service'])).toBe('model')
    expect(suggest('xyz', ['model', 'service'])).toBeUndefined()
  })
})
