import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt, typeExportNames } from '@mega/test-utils'
import * as source from '../src/index.js'
import * as internal from '../src/internal/index.js'

describe('@mega/cli public exports', () => {
  it('names exactly this API (update the snapshot when the API changes on purpose)', () => {
    expect(exportNames(source)).toMatchInlineSnapshot(`
      [
        "CLI_ERRORS",
        "CLI_ERROR_CODES",
        "CLI_VERSION",
        "COMMANDS",
        "COMMAND_HANDLERS",
        "COMMAND_NAMES",
        "DB_ACTIONS",
        "DESTROY_KINDS",
        "EXIT_CODES",
        "GENERATORS",
        "GENERATOR_KINDS",
        "GLOBAL_OPTIONS",
        "JOBS_DLQ_ACTIONS",
        "MIGRATE_ACTIONS",
        "NEW_DATABASES",
        "PACKAGE_MANAGERS",
        "PROGRESS_DELAY_MS",
        "ROUTE_SCHEMA_PARTS",
        "SCAFFOLD_FIELD_TYPES",
        "SEED_FILES",
        "TEMPLATES_DIR",
        "TEMPLATE_VERSIONS",
        "USAGE_ERROR_CODES",
        "buildConsoleContext",
        "buildProject",
        "cliError",
        "createColors",
        "createProcessIo",
        "createProject",
        "dbCommand",
        "defaultReplFactory",
        "defineScript",
        "destroy",
        "detectPackageManager",
        "flagName",
        "formatMigrationResults",
        "formatRouteTable",
        "generate",
        "generateMigrationFile",
        "installDependencies",
        "listRoutes",
        "loadModels",
        "main",
        "parseScaffoldFields",
        "renderCommandHelp",
        "renderHelp",
        "renderOptionsMarkdown",
        "renderTemplate",
        "renderTemplateTree",
        "restartCommand",
        "run",
        "runScript",
        "runStep",
        "scaffold",
        "startApp",
        "startCluster",
        "startConsole",
        "templateTarget",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })

  it('names exactly these types (update the snapshot when a type is added or removed on purpose)', () => {
    expect(typeExportNames(new URL('../src/index.ts', import.meta.url).pathname))
      .toMatchInlineSnapshot(`
        [
          "ArgumentSpec",
          "BootFn",
          "BuildResult",
          "CliErrorCode",
          "CliIo",
          "ColorName",
          "Colors",
          "CommandName",
          "CommandSpec",
          "ConnectDb",
          "ConsoleContext",
          "ConsoleDeps",
          "ConsoleSession",
          "DbAction",
          "DbImporter",
          "DestroyKind",
          "DestroyOptions",
          "DestroyResult",
          "DestroyedMigration",
          "GenerateMigrationCall",
          "GenerateOptions",
          "GenerateResult",
          "Generator",
          "GeneratorInput",
          "GeneratorKind",
          "Installer",
          "JobsDlqAction",
          "MegaScript",
          "MigrateAction",
          "MigrateDeps",
          "NewDatabase",
          "NewProjectOptions",
          "NewProjectResult",
          "OptionSpec",
          "OptionValues",
          "PackageManager",
          "ParsedArgs",
          "ProjectDatabase",
          "ReplFactory",
          "ReplLike",
          "RouteRow",
          "RunScriptDeps",
          "RunScriptOptions",
          "ScaffoldDialect",
          "ScaffoldField",
          "ScaffoldFieldType",
          "ScaffoldOptions",
          "ScaffoldResult",
          "SignalSender",
          "StartAppOptions",
          "StartClusterOptions",
          "StepClock",
          "TemplateFile",
        ]
      `)
  })

  it('keeps its helpers for sibling packages in ./internal, built the same', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname, './internal')
    expect(exportNames(built)).toEqual(exportNames(internal))
    expect(exportNames(internal).filter((name) => name in source)).toEqual([])
  })
})
