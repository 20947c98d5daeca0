import { cliError } from '../errors.js'
import {
  COMMANDS,
  COMMAND_NAMES,
  GLOBAL_OPTIONS,
  flagName,
  type CommandName,
  type CommandSpec,
  type OptionSpec,
  type ParsedArgs,
} from '../options.js'
import { didYouMean } from './suggest.js'

/** The command named by `name`, or a `MEGA_CLI_UNKNOWN_COMMAND` error with a suggestion. */
export function resolveCommand(name: string): CommandName {
  if ((COMMAND_NAMES as readonly string[]).includes(name)) return name as CommandName
  throw cliError(
    'MEGA_CLI_UNKNOWN_COMMAND',
    `Unknown command "${name}".${didYouMean(name, COMMAND_NAMES)} Run "mega --help" for the list.`,
  )
}

interface Flag {
  readonly key: string
  readonly spec: OptionSpec
}

function flagTable(spec: CommandSpec): Map<string, Flag> {
  const table = new Map<string, Flag>()
  const all: Record<string, OptionSpec> = { ...spec.options, ...GLOBAL_OPTIONS }
  for (const [key, option] of Object.entries(all)) {
    table.set(`--${flagName(key)}`, { key, spec: option })
    if (option.alias !== undefined) table.set(`-${option.alias}`, { key, spec: option })
  }
  return table
}

function checkValue(command: string, label: string, value: string, values?: readonly string[]) {
  if (values === undefined || values.includes(value)) return
  throw cliError(
    'MEGA_CLI_INVALID_ARGUMENT',
    `mega ${command}: ${label} must be one of ${values.join(', ')}, not "${value}".${didYouMean(value, values)}`,
  )
}

class ArgParser {
  readonly options: Record<string, string | boolean | string[] | undefined> = {}
  readonly args: string[] = []
  readonly rest: string[] = []
  readonly #flags: Map<string, Flag>

  constructor(
    readonly command: CommandName,
    readonly spec: CommandSpec,
  ) {
    this.#flags = flagTable(spec)
    for (const [key, option] of Object.entries(spec.options))
      this.options[key] =
        option.type === 'boolean' ? false : option.repeatable === true ? [] : option.default
    this.options.help = false
  }

  parse(argv: readonly string[]): void {
    for (let i = 0; i < argv.length; i++) {
      const token = argv[i]!
      if (token === '--') {
        this.rest.push(...argv.slice(i + 1))
        return
      }
      if (token.startsWith('-') && token !== '-') i = this.#flag(token, argv, i)
      else this.args.push(token)
    }
  }

  #flag(token: string, argv: readonly string[], i: number): number {
    const eq = token.indexOf('=')
    const name = eq > 0 ? token.slice(0, eq) : token
    const flag = this.#flags.get(name)
    if (flag === undefined) {
      if (this.spec.passThrough === true) {
        this.rest.push(token)
        return i
      }
      throw cliError(
        'MEGA_CLI_UNKNOWN_OPTION',
        `mega ${this.command}: unknown option "${name}".${didYouMean(
          name,
          [...this.#flags.keys()].filter((f) => f.startsWith('--')),
        )} Run "mega ${this.command} --help" for its options.`,
      )
    }
    if (flag.spec.type === 'boolean') {
      if (eq > 0) throw this.#invalid(`${name} takes no value`)
      this.options[flag.key] = true
      return i
    }
    const value = eq > 0 ? token.slice(eq + 1) : argv[i + 1]
    if (value === undefined || (eq < 0 && value.startsWith('-')))
      throw this.#invalid(`${name} needs a value (${name} <${flag.spec.valueName ?? 'value'}>)`)
    checkValue(this.command, name, value, flag.spec.values)
    const previous = this.options[flag.key]
    this.options[flag.key] = Array.isArray(previous) ? [...previous, value] : value
    return eq > 0 ? i : i + 1
  }

  #invalid(message: string) {
    return cliError('MEGA_CLI_INVALID_ARGUMENT', `mega ${this.command}: ${message}.`)
  }

  checkArgs(): void {
    const { args: specs } = this.spec
    specs.forEach((arg, index) => {
      const value = this.args[index]
      if (value === undefined) {
        if (arg.required)
          throw this.#invalid(
            `missing <${arg.name}> (${arg.description}). Usage: ${usage(this.command)}`,
          )
        return
      }
      if (arg.name === 'kind') return // `generate` reports an unknown kind itself, with its own code
      checkValue(this.command, `<${arg.name}>`, value, arg.values)
    })
    const variadic = specs.at(-1)?.variadic === true
    if (this.args.length > specs.length && this.spec.passThrough !== true && !variadic)
      throw this.#invalid(
        `unexpected argument "${this.args[specs.length]}". Usage: ${usage(this.command)}`,
      )
  }
}

/** `mega generate <kind> <name> [options]`. */
export function usage(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command]
  const args = spec.args.map((a) => {
    const name = a.variadic === true ? `${a.name}...` : a.name
    return a.required ? `<${name}>` : `[${name}]`
  })
  return ['mega', command, ...args, '[options]'].join(' ')
}

/**
 * Parses the arguments after the command name against its option table. Unknown flags and bad values
 * are `MEGA_CLI_UNKNOWN_OPTION` / `MEGA_CLI_INVALID_ARGUMENT` errors with a suggestion; missing
 * arguments are checked only when `--help` was not asked for.
 */
export function parseArgs<C extends CommandName>(
  command: C,
  argv: readonly string[],
): ParsedArgs<C> & { readonly help: boolean } {
  const parser = new ArgParser(command, COMMANDS[command])
  parser.parse(argv)
  const help = parser.options.help === true
  delete parser.options.help
  if (!help) parser.checkArgs()
  return {
    command,
    args: parser.args,
    options: parser.options as ParsedArgs<C>['options'],
    rest: parser.rest,
    help,
  }
}
