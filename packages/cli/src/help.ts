import { usage } from './internal/parse-args.js'
import {
  COMMANDS,
  COMMAND_NAMES,
  GLOBAL_OPTIONS,
  flagName,
  type CommandName,
  type CommandSpec,
  type OptionSpec,
} from './options.js'

function flagLabel(key: string, option: OptionSpec): string {
  const alias = option.alias === undefined ? '' : `-${option.alias}, `
  const value = option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : ''
  return `${alias}--${flagName(key)}${value}`
}

function optionNote(option: OptionSpec): string {
  const notes = [
    option.values === undefined ? '' : `one of ${option.values.join(', ')}`,
    option.default === undefined ? '' : `default: ${option.default}`,
    option.repeatable === true ? 'repeatable' : '',
  ].filter(Boolean)
  return notes.length === 0 ? option.description : `${option.description} (${notes.join('; ')})`
}

function columns(rows: readonly (readonly [string, string])[], indent = '  '): string[] {
  const width = Math.max(...rows.map(([left]) => left.length))
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`)
}

/**
 * The `--help` text of one command, generated from its option table.
 *
 * @example
 * console.log(renderCommandHelp('new'))
 */
export function renderCommandHelp(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command]
  const lines = [`Usage: ${usage(command)}`, '', spec.summary]
  if (spec.args.length > 0) {
    lines.push('', 'Arguments:')
    lines.push(
      ...columns(
        spec.args.map((a) => [
          a.variadic === true ? `<${a.name}...>` : `<${a.name}>`,
          a.values === undefined ? a.description : `${a.description}: ${a.values.join(', ')}`,
        ]),
      ),
    )
  }
  const options = { ...spec.options, ...GLOBAL_OPTIONS }
  lines.push('', 'Options:')
  lines.push(...columns(Object.entries(options).map(([k, o]) => [flagLabel(k, o), optionNote(o)])))
  lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`))
  return `${lines.join('\n')}\n`
}

/** The top-level `mega --help`: every command with its summary. */
export function renderHelp(version: string): string {
  const rows = COMMAND_NAMES.map((name) => [name, COMMANDS[name].summary] as const)
  return [
    `mega ${version}: the Mega framework command`,
    '',
    'Usage: mega <command> [options]',
    '',
    'Commands:',
    ...columns(rows),
    '',
    'Run "mega <command> --help" for its options.',
    '',
  ].join('\n')
}

/** The Markdown table of one command's options (what the README shows). */
export function renderOptionsMarkdown(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command]
  const rows = Object.entries({ ...spec.options, ...GLOBAL_OPTIONS }).map(
    ([k, o]) => `| \`${flagLabel(k, o)}\` | ${optionNote(o).replaceAll('|', '\\|')} |`,
  )
  return ['| Option | Meaning |', '| --- | --- |', ...rows].join('\n')
}
