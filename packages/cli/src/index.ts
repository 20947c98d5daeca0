export { run, COMMAND_HANDLERS, EXIT_CODES } from './cli.js'
export { main } from './main.js'
export { CLI_ERRORS, CLI_ERROR_CODES, USAGE_ERROR_CODES, cliError } from './errors.js'
export type { CliErrorCode } from './errors.js'
export {
  COMMANDS,
  COMMAND_NAMES,
  DB_ACTIONS,
  DESTROY_KINDS,
  GLOBAL_OPTIONS,
  GENERATOR_KINDS,
  JOBS_DLQ_ACTIONS,
  MIGRATE_ACTIONS,
  NEW_DATABASES,
  PACKAGE_MANAGERS,
  SCAFFOLD_FIELD_TYPES,
  flagName,
} from './options.js'
export type {
  ArgumentSpec,
  CommandName,
  CommandSpec,
  DbAction,
  DestroyKind,
  GeneratorKind,
  JobsDlqAction,
  MigrateAction,
  NewDatabase,
  OptionSpec,
  OptionValues,
  PackageManager,
  ParsedArgs,
  ScaffoldFieldType,
} from './options.js'
export { renderHelp, renderCommandHelp, renderOptionsMarkdown } from './help.js'
export { createProcessIo, createColors } from './io.js'
export type { CliIo, Colors, ColorName } from './io.js'
export { runStep, PROGRESS_DELAY_MS } from './progress.js'
export type { StepClock } from './progress.js'
export {
  TEMPLATES_DIR,
  TEMPLATE_VERSIONS,
  CLI_VERSION,
  renderTemplate,
  renderTemplateTree,
  templateTarget,
} from './templates.js'
export type { TemplateFile } from './templates.js'
export { createProject, detectPackageManager, installDependencies } from './commands/new-command.js'
export type { NewProjectOptions, NewProjectResult, Installer } from './commands/new-command.js'
export { generate } from './commands/generate-command.js'
export type { GenerateOptions, GenerateResult } from './commands/generate-command.js'
export { GENERATORS } from './generators/generators.js'
export type { Generator, GeneratorInput } from './generators/generators.js'
export { generateMigrationFile, loadModels } from './generators/migration-generator.js'
export type { GenerateMigrationCall, DbImporter } from './generators/migration-generator.js'
export { destroy } from './commands/destroy-command.js'
export type { DestroyOptions, DestroyResult } from './commands/destroy-command.js'
export type { DestroyedMigration } from './generators/destroy-migration.js'
export { scaffold } from './commands/scaffold-command.js'
export type { ScaffoldOptions, ScaffoldResult } from './commands/scaffold-command.js'
export { parseScaffoldFields } from './generators/scaffold-fields.js'
export type { ScaffoldField } from './generators/scaffold-fields.js'
export type { ScaffoldDialect } from './generators/mongo-scaffold.js'
export { formatMigrationResults } from './commands/migrate-command.js'
export type { MigrateDeps } from './commands/migrate-command.js'
export type { ConnectDb, ProjectDatabase } from './internal/project-db.js'
export { listRoutes, formatRouteTable, ROUTE_SCHEMA_PARTS } from './commands/routes-command.js'
export type { RouteRow } from './commands/routes-command.js'
export {
  startConsole,
  defaultReplFactory,
  buildConsoleContext,
} from './commands/console-command.js'
export { runScript, defineScript } from './commands/run-command.js'
export { dbCommand, SEED_FILES } from './commands/db-command.js'
export type { MegaScript, RunScriptOptions, RunScriptDeps } from './commands/run-command.js'
export type {
  ConsoleDeps,
  ConsoleContext,
  ConsoleSession,
  ReplFactory,
  ReplLike,
} from './commands/console-command.js'
export { startApp, startCluster } from './commands/start-command.js'
export type { StartAppOptions, StartClusterOptions } from './commands/start-command.js'
export { buildProject } from './commands/build-command.js'
export type { BuildResult } from './commands/build-command.js'
export { restartCommand } from './commands/restart-command.js'
export type { SignalSender } from './commands/restart-command.js'
export type { BootFn } from './internal/project.js'
