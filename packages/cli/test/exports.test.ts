import { describe, expect, it } from 'vitest'
import { exportNames, importBuilt } from '@mega/test-utils'
import * as source from '../src/index.js'

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
        "EXIT_CODES",
        "GENERATORS",
        "GENERATOR_KINDS",
        "GLOBAL_OPTIONS",
        "MIGRATE_ACTIONS",
        "PACKAGE_MANAGERS",
        "PROGRESS_DELAY_MS",
        "ROUTE_SCHEMA_PARTS",
        "SCAFFOLD_FIELD_TYPES",
        "TEMPLATES_DIR",
        "TEMPLATE_VERSIONS",
        "USAGE_ERROR_CODES",
        "cliError",
        "connectProjectDb",
        "createColors",
        "createProcessIo",
        "createProject",
        "defaultReplFactory",
        "detectPackageManager",
        "devCommandLine",
        "editDistance",
        "flagName",
        "formatMigrationResults",
        "formatRouteTable",
        "generate",
        "generateMigrationFile",
        "installDependencies",
        "listRoutes",
        "loadModels",
        "main",
        "parseArgs",
        "parseScaffoldFields",
        "renderCommandHelp",
        "renderHelp",
        "renderOptionsMarkdown",
        "renderTemplate",
        "renderTemplateTree",
        "resolveCommand",
        "resolveVitest",
        "run",
        "runStep",
        "scaffold",
        "startApp",
        "startConsole",
        "suggest",
        "templateTarget",
        "usage",
      ]
    `)
  })

  it('the built package a user installs exposes the same API', async () => {
    const built = await importBuilt(new URL('..', import.meta.url).pathname)
    expect(exportNames(built)).toEqual(exportNames(source))
  })
})
