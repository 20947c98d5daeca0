import { buildCommand } from './commands/build-command.js'
import { consoleCommand } from './commands/console-command.js'
import { dbCommand } from './commands/db-command.js'
import { devCommand } from './commands/dev-command.js'
import { destroyCommand } from './commands/destroy-command.js'
import { generateCommand } from './commands/generate-command.js'
import { jobsCommand } from './commands/jobs-command.js'
import { migrateCommand } from './commands/migrate-command.js'
import { newCommand } from './commands/new-command.js'
import { routesCommand } from './commands/routes-command.js'
import { runCommand } from './commands/run-command.js'
import { scaffoldCommand } from './commands/scaffold-command.js'
import { restartCommand } from './commands/restart-command.js'
import { startCommand } from './commands/start-command.js'
import { testCommand } from './commands/test-command.js'
import { hubCommand, workerCommand } from './commands/worker-command.js'
import { renderCommandHelp, renderHelp } from './help.js'
import { createProcessIo, type CliIo } from './io.js'
import { parseArgs, resolveCommand } from './internal/parse-args.js'
import { EXIT_CODES, reportError } from './internal/report-error.js'
import type { CommandName, ParsedArgs } from './options.js'
import { CLI_VERSION } from './templates.js'

type Handler<C extends CommandName> = (parsed: ParsedArgs<C>, io: CliIo) => Promise<number>

/** The function behind each command. */
export const COMMAND_HANDLERS: { readonly [C in CommandName]: Handler<C> } = {
  new: newCommand,
  generate: generateCommand,
  scaffold: scaffoldCommand,
  destroy: destroyCommand,
  routes: routesCommand,
  console: consoleCommand,
  dev: devCommand,
  build: buildCommand,
  start: startCommand,
  restart: restartCommand,
  test: testCommand,
  migrate: migrateCommand,
  worker: workerCommand,
  jobs: jobsCommand,
  run: runCommand,
  db: dbCommand,
  hub: hubCommand,
}

export { EXIT_CODES }

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined
    io.stdout(
      topic === undefined ? renderHelp(CLI_VERSION) : renderCommandHelp(resolveCommand(topic)),
    )
    return EXIT_CODES.ok
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${CLI_VERSION}\n`)
    return EXIT_CODES.ok
  }
  const command = resolveCommand(first)
  const parsed = parseArgs(command, rest)
  if (parsed.help) {
    io.stdout(renderCommandHelp(command))
    return EXIT_CODES.ok
  }
  const handler = COMMAND_HANDLERS[command] as Handler<CommandName>
  return handler(parsed, io)
}

/**
 * Runs `mega <argv>` and resolves its exit code: 0 on success, 2 for a usage error (unknown command
 * or option, bad argument: the message suggests the closest name), 1 for any other failure. Errors are
 * printed to `io.stderr`, never thrown.
 *
 * @example
 * const code = await run(['generate', 'model', 'user'], { ...createProcessIo(), cwd: '/my/app' })
 */
export async function run(argv: readonly string[], io: CliIo = createProcessIo()): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (err) {
    return reportError(err, io)
  }
}
