// The one table of commands and options. `--help`, the README's option tables and argument parsing
// are all generated from it (Vitest's cli-config.ts is the model).

/** The generator kinds of `mega generate`, declared once. */
export const GENERATOR_KINDS = [
  'model',
  'service',
  'route',
  'controller',
  'migration',
  'job',
  'schedule',
  'channel',
  'auth',
] as const

/** One of {@link GENERATOR_KINDS}. */
export type GeneratorKind = (typeof GENERATOR_KINDS)[number]

/** What `mega destroy` removes: every generator kind that writes files for a name, and `scaffold`. */
export const DESTROY_KINDS = [
  ...GENERATOR_KINDS.filter((kind): kind is Exclude<GeneratorKind, 'auth'> => kind !== 'auth'),
  'scaffold',
] as const

/** One of {@link DESTROY_KINDS}. */
export type DestroyKind = (typeof DESTROY_KINDS)[number]

/** The actions of `mega migrate`, declared once. */
export const MIGRATE_ACTIONS = ['make', 'up', 'down', 'status', 'check', 'fresh'] as const

/** One of {@link MIGRATE_ACTIONS}. */
export type MigrateAction = (typeof MIGRATE_ACTIONS)[number]

/** The actions of `mega db`, declared once. */
export const DB_ACTIONS = ['create', 'drop', 'reset', 'seed'] as const

/** One of {@link DB_ACTIONS}. */
export type DbAction = (typeof DB_ACTIONS)[number]

/** The actions of `mega jobs dlq`, declared once. */
export const JOBS_DLQ_ACTIONS = ['list', 'show', 'redrive', 'purge'] as const

/** One of {@link JOBS_DLQ_ACTIONS}. */
export type JobsDlqAction = (typeof JOBS_DLQ_ACTIONS)[number]

/** The field types of `mega scaffold <name> field:type...`, declared once. */
export const SCAFFOLD_FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'bigint',
  'decimal',
  'boolean',
  'date',
  'timestamp',
  'json',
  'enum',
  'references',
] as const

/** One of {@link SCAFFOLD_FIELD_TYPES}. */
export type ScaffoldFieldType = (typeof SCAFFOLD_FIELD_TYPES)[number]

const SCAFFOLD_FIELD_TYPES_HELP = SCAFFOLD_FIELD_TYPES.map((t) =>
  t === 'enum' ? 'enum(a|b)' : t === 'references' ? 'references[(Model)]' : t,
).join(', ')

/** The package managers `mega new` can install with. */
export const PACKAGE_MANAGERS = ['pnpm', 'npm', 'yarn'] as const

/** One of {@link PACKAGE_MANAGERS}. */
export type PackageManager = (typeof PACKAGE_MANAGERS)[number]

/** The databases `mega new --db` can configure a project for. */
export const NEW_DATABASES = ['sqlite', 'postgres', 'maria', 'mongo'] as const

/** One of {@link NEW_DATABASES}. */
export type NewDatabase = (typeof NEW_DATABASES)[number]

/** One `--flag` of a command. The table key is camelCase; the flag is its kebab-case form. */
export interface OptionSpec {
  readonly type: 'boolean' | 'string'
  /** One line for `--help` and the README. */
  readonly description: string
  /** A one-letter alias (`-f`). */
  readonly alias?: string
  /** The value when the flag is absent (strings only; booleans default to `false`). */
  readonly default?: string
  /** The accepted values, when they are a closed list. */
  readonly values?: readonly string[]
  /** What `--help` shows as the value (`--app <name>`). @default 'value' */
  readonly valueName?: string
  /** The flag may be given several times; every value is kept, in order (strings only). */
  readonly repeatable?: boolean
}

/** One positional argument of a command. */
export interface ArgumentSpec {
  readonly name: string
  readonly description: string
  readonly required: boolean
  /** The accepted values, when they are a closed list. */
  readonly values?: readonly string[]
  /** Takes every remaining argument (only the last argument can). @default false */
  readonly variadic?: boolean
}

/** A command: what `--help` says about it, its arguments and its options. */
export interface CommandSpec {
  readonly summary: string
  readonly args: readonly ArgumentSpec[]
  readonly options: Readonly<Record<string, OptionSpec>>
  readonly examples: readonly string[]
  /**
   * The command imports the app's TypeScript: `mega` re-runs Node with the tsx loader first (not when
   * it runs a build, see `runsBuild`).
   */
  readonly loadsApp: boolean
  /** Arguments after `--` (and unknown flags, for `test`) go to the tool the command runs. */
  readonly passThrough?: boolean
}

const root = {
  type: 'string',
  description: 'the project root (holding mega.config.ts)',
  valueName: 'dir',
} as const satisfies OptionSpec

const pidFile = {
  type: 'string',
  description: "the cluster primary's pid file, relative to the root",
  default: '.mega/server.pid',
  valueName: 'path',
} as const satisfies OptionSpec

const app = {
  type: 'string',
  description: 'the app under apps/ to write into',
  default: 'main',
  valueName: 'name',
} as const satisfies OptionSpec

/** Every command of `mega`, with its arguments and options. */
export const COMMANDS = {
  new: {
    summary: 'Create a project: config, a first app (route, service, model), a test',
    args: [
      {
        name: 'dir',
        description: 'the folder to create (its name names the project)',
        required: true,
      },
    ],
    options: {
      force: { type: 'boolean', alias: 'f', description: 'write into a folder that is not empty' },
      skipInstall: { type: 'boolean', description: 'do not install dependencies' },
      auth: {
        type: 'boolean',
        description: 'add sign-up, sign-in and sign-out: users, pages and a JSON API (SQL only)',
      },
      bare: {
        type: 'boolean',
        description: 'leave out the sample notes resource: config, home route and its test only',
      },
      db: {
        type: 'string',
        description: 'the database the app is configured for, with its driver',
        default: 'sqlite',
        values: NEW_DATABASES,
        valueName: 'dialect',
      },
      packageManager: {
        type: 'string',
        description: 'install with this package manager (default: the one that ran mega)',
        values: PACKAGE_MANAGERS,
        valueName: 'pm',
      },
    },
    examples: [
      'mega new shop',
      'mega new shop --auth',
      'mega new shop --db postgres --bare',
      'pnpm dlx @mega/cli new shop --skip-install',
    ],
    loadsApp: false,
  },
  generate: {
    summary:
      'Write a model, service, route, migration, job, schedule or channel, and its test (or sign-in: auth)',
    args: [
      { name: 'kind', description: 'what to generate', required: true, values: GENERATOR_KINDS },
      {
        name: 'name',
        description: 'its name (kebab-case or PascalCase); none for auth',
        required: false,
      },
      {
        name: 'fields',
        description: 'model: its columns, as mega scaffold takes them (then its migration too)',
        required: false,
        variadic: true,
      },
    ],
    options: {
      app,
      root,
      allowDestructive: {
        type: 'boolean',
        description: 'migration, model with fields: allow dropping tables or columns',
      },
      empty: {
        type: 'boolean',
        description: 'migration: an empty migration to write by hand, whatever the models say',
      },
    },
    examples: [
      'mega generate model user',
      "mega generate model user email:string:unique name:string 'bio:text?'",
      'mega generate route orders --app admin',
      'mega generate migration backfill-slugs --empty',
      'mega generate auth',
    ],
    loadsApp: true,
  },
  scaffold: {
    summary: 'A model with its migration, a CRUD service, REST routes and their tests',
    args: [
      { name: 'name', description: 'the resource name (Post, order-item)', required: true },
      {
        name: 'fields',
        description: `name:type[?][:modifier...], type one of ${SCAFFOLD_FIELD_TYPES_HELP}; ? after the type makes it nullable; modifiers unique, index, default(value)`,
        required: true,
        variadic: true,
      },
    ],
    options: {
      app,
      root,
      allowDestructive: {
        type: 'boolean',
        description: 'let the migration drop tables or columns whose models were removed',
      },
    },
    examples: [
      "mega scaffold Post title:string body:text 'published:boolean:default(false)'",
      "mega scaffold Order 'status:enum(open|paid):default(open)' 'note:text?' customer:references",
    ],
    loadsApp: true,
  },
  destroy: {
    summary: 'Remove what generate or scaffold wrote for a name, and its migration while unapplied',
    args: [
      {
        name: 'kind',
        description: `what to remove: ${DESTROY_KINDS.join(', ')}`,
        required: true,
      },
      {
        name: 'name',
        description: 'the name given to generate or scaffold; for migration, its name or stamp',
        required: true,
      },
    ],
    options: {
      app,
      root,
      dryRun: { type: 'boolean', description: 'list what would be removed, remove nothing' },
    },
    examples: [
      'mega destroy scaffold Post',
      'mega destroy model user --dry-run',
      'mega destroy migration 20260612092543',
    ],
    loadsApp: true,
  },
  routes: {
    summary: 'Print the route table (method, path, name, app, schemas)',
    args: [],
    options: { root, json: { type: 'boolean', description: 'print JSON instead of a table' } },
    examples: ['mega routes', 'mega routes --json'],
    loadsApp: true,
  },
  console: {
    summary: 'A REPL with the booted app: ctx, config, mega',
    args: [],
    options: {
      root,
      sandbox: {
        type: 'boolean',
        description: 'roll back every database change when the console exits',
      },
    },
    examples: ['mega console', 'mega console --sandbox'],
    loadsApp: true,
  },
  dev: {
    summary: 'Run the app and restart it when a file changes',
    args: [],
    options: { root },
    examples: ['mega dev'],
    loadsApp: true,
  },
  build: {
    summary: 'Compile the app to JavaScript in dist/, which mega start then runs with no loader',
    args: [],
    options: { root },
    examples: ['mega build', 'mega build && mega start'],
    loadsApp: false,
  },
  start: {
    summary:
      'Run the app in production (NODE_ENV=production, graceful shutdown on signals; server.workers > 1 runs a cluster): the build in dist/ when there is one',
    args: [],
    options: {
      root,
      pidFile,
      source: {
        type: 'boolean',
        description: 'run the TypeScript sources through the loader even when dist/ holds a build',
      },
    },
    examples: ['mega start', 'mega start --source', 'mega start --pid-file /run/shop.pid'],
    loadsApp: true,
  },
  restart: {
    summary:
      'Replace every worker of a running `mega start` cluster one at a time (sends SIGHUP to its primary)',
    args: [],
    options: { root, pidFile },
    examples: ['mega restart', 'mega restart --pid-file /run/shop.pid'],
    loadsApp: false,
  },
  test: {
    summary: "Run the app's tests with vitest (arguments after -- go to vitest)",
    args: [],
    options: { root, watch: { type: 'boolean', alias: 'w', description: 'watch and re-run' } },
    examples: ['mega test', 'mega test -- test/notes.test.ts'],
    loadsApp: false,
    passThrough: true,
  },
  migrate: {
    summary: 'Make, apply, undo, list and check migrations',
    args: [
      { name: 'action', description: 'what to do', required: true, values: MIGRATE_ACTIONS },
      { name: 'name', description: 'make: the migration name', required: false },
    ],
    options: {
      root,
      app: { ...app, description: 'the app whose migrations to use' },
      allowDestructive: {
        type: 'boolean',
        description: 'make: allow dropping tables or columns',
      },
      to: {
        type: 'string',
        description: 'up: apply up to and including this migration (name or 14-digit stamp)',
        valueName: 'stamp',
      },
      steps: {
        type: 'string',
        description: 'down: how many applied migrations to revert, latest first',
        default: '1',
        valueName: 'n',
      },
      dryRun: {
        type: 'boolean',
        description: 'up, down: print the SQL each migration would run; change nothing',
      },
      force: {
        type: 'boolean',
        description: 'fresh: run even when NODE_ENV is production',
      },
      source: {
        type: 'boolean',
        description: 'up, down, status: run the .ts migrations even when dist/ holds a build',
      },
    },
    examples: [
      'mega migrate make add-users',
      'mega migrate up',
      'mega migrate up --dry-run',
      'mega migrate down --steps 2',
      'mega migrate status',
      'mega migrate check',
      'mega migrate fresh',
    ],
    loadsApp: true,
  },
  worker: {
    summary:
      "Run the app's job workers and schedules, without HTTP (needs @mega/jobs): the build in dist/ when there is one",
    args: [],
    options: {
      root,
      source: {
        type: 'boolean',
        description: 'run the TypeScript sources through the loader even when dist/ holds a build',
      },
    },
    examples: ['mega worker', 'mega worker --source'],
    loadsApp: true,
  },
  jobs: {
    summary:
      "List, show, redrive and purge the jobs dead-letter queue on the app's NATS bus (needs @mega/jobs)",
    args: [
      { name: 'area', description: 'what to work on', required: true, values: ['dlq'] },
      { name: 'action', description: 'what to do', required: true, values: JOBS_DLQ_ACTIONS },
      { name: 'seq', description: 'show, redrive: the DLQ sequence of an entry', required: false },
    ],
    options: {
      root,
      json: { type: 'boolean', description: 'print JSON instead of text' },
      subject: {
        type: 'string',
        description: 'list, purge: only the entries of this job subject',
        valueName: 'job',
      },
      limit: {
        type: 'string',
        description: 'list: the most entries in one page',
        default: '50',
        valueName: 'n',
      },
      after: {
        type: 'string',
        description: 'list: start after this DLQ sequence (the next page of a list)',
        default: '0',
        valueName: 'seq',
      },
      all: { type: 'boolean', description: 'redrive: every entry' },
      yes: { type: 'boolean', alias: 'y', description: 'purge: do not ask for confirmation' },
    },
    examples: [
      'mega jobs dlq list',
      'mega jobs dlq list --subject send-email --json',
      'mega jobs dlq show 12',
      'mega jobs dlq redrive 12',
      'mega jobs dlq redrive --all',
      'mega jobs dlq purge --yes',
    ],
    loadsApp: true,
  },
  db: {
    summary: "Create, drop, reset (drop, create, migrate, seed) or seed the app's database",
    args: [{ name: 'action', description: 'what to do', required: true, values: DB_ACTIONS }],
    options: {
      root,
      app: { ...app, description: 'the app whose migrations and seeds to use' },
      force: {
        type: 'boolean',
        description: 'drop, reset: run even when NODE_ENV is production',
      },
    },
    examples: ['mega db create', 'mega db reset', 'mega db seed'],
    loadsApp: true,
  },
  run: {
    summary:
      'Boot the app, run a script with ctx, close the app (arguments after -- go to the script)',
    args: [
      {
        name: 'file',
        description: 'the script: its default export gets ctx (defineScript)',
        required: true,
      },
    ],
    options: { root },
    examples: ['mega run scripts/seed.ts', 'mega run scripts/seed.ts -- 100'],
    loadsApp: true,
  },
  hub: {
    summary: 'Run the WebSocket hub (needs @mega/ws-hub; flags as mega-ws-hub, env MEGA_HUB_*)',
    args: [],
    options: {
      root,
      port: {
        type: 'string',
        description: 'the port (env MEGA_HUB_PORT; default 7070)',
        valueName: 'n',
      },
      host: {
        type: 'string',
        description: 'the address (env MEGA_HUB_HOST; default 0.0.0.0)',
        valueName: 'addr',
      },
      token: {
        type: 'string',
        description: 'a bridge token; several rotate (env MEGA_HUB_TOKENS, a comma list)',
        valueName: 'secret',
        repeatable: true,
      },
      adminToken: {
        type: 'string',
        description: 'the admin API token (env MEGA_HUB_ADMIN_TOKEN)',
        valueName: 'secret',
      },
      heartbeatMs: {
        type: 'string',
        description: 'the heartbeat period (env MEGA_HUB_HEARTBEAT_MS; default 10000)',
        valueName: 'ms',
      },
      path: {
        type: 'string',
        description: "the bridges' WebSocket path (env MEGA_HUB_PATH; default /hub)",
        valueName: 'path',
      },
      logLevel: {
        type: 'string',
        description: 'the log level (env MEGA_HUB_LOG_LEVEL; default info)',
        valueName: 'level',
      },
    },
    examples: [
      'mega hub --token "$HUB_TOKEN"',
      'mega hub --port 7070 --token "$OLD" --token "$NEW"',
    ],
    loadsApp: false,
  },
} as const satisfies Record<string, CommandSpec>

/** The command names, in help order. */
export type CommandName = keyof typeof COMMANDS

/** The names of every command, in help order. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[]

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  help: { type: 'boolean', alias: 'h', description: 'show help' },
} as const satisfies Record<string, OptionSpec>

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S extends { readonly repeatable: true }
    ? string[]
    : S extends { readonly default: string }
      ? string
      : string | undefined

/** The parsed values of an option table: booleans, and strings (or `undefined` without a default). */
export type OptionValues<O extends Readonly<Record<string, OptionSpec>>> = {
  -readonly [K in keyof O]: ValueOf<O[K]>
}

/** What the parser gives a command: its positional arguments, its options, and pass-through args. */
export interface ParsedArgs<C extends CommandName = CommandName> {
  readonly command: C
  readonly args: readonly string[]
  readonly options: OptionValues<(typeof COMMANDS)[C]['options']>
  /** Arguments after `--` (and unknown flags for pass-through commands). */
  readonly rest: readonly string[]
}

/** `skipInstall` → `skip-install`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}
