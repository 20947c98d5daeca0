// The files of `mega scaffold`: a model, a CRUD service, REST routes and their tests, rendered from
// `templates/scaffold/` once every field and every referenced model is known to be right.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { MegaIssue } from '@mega/observe'
import { toCamel, toKebab, toPascal, toTable } from '../internal/names.js'
import { renderTemplateFile, type TemplateFile } from '../templates.js'
import {
  formFieldKinds,
  formFieldsHtml,
  hasFormPlugins,
  invalidFormTest,
} from './scaffold-forms.js'
import {
  mongoTestVars,
  projectScaffoldDialect,
  scaffoldTemplate,
  type ScaffoldDialect,
} from './mongo-scaffold.js'
import {
  columnExpression,
  roundTrips,
  sampleLiteral,
  scaffoldArgumentsError,
  type ScaffoldField,
} from './scaffold-fields.js'

/** A model a `references(Model)` field points at. */
export interface ScaffoldTarget {
  /** Its export name: `Author`. */
  readonly model: string
  /** Its file under `apps/<app>/models/`: `author-model`. */
  readonly file: string
  /** An object literal that creates one row, or `undefined` when it needs other rows first. */
  readonly seed: string | undefined
}

/** What the scaffold files are rendered from. */
export interface ScaffoldInput {
  readonly app: string
  /** The resource name as typed (`Post`, `order-item`). */
  readonly name: string
  readonly fields: readonly ScaffoldField[]
  /** The referenced models, by name. */
  readonly targets: ReadonlyMap<string, ScaffoldTarget>
  /**
   * The app has views (`apps/<app>/views/`): index and show also answer HTML pages to browsers.
   * @default false
   */
  readonly views?: boolean
  /**
   * With `views`: also new and edit forms (`routes/<plural>-forms.ts`, `new.ejs`, `edit.ejs` and a
   * test), for an app whose config has `forms()` and `csrf()`. @default false
   */
  readonly forms?: boolean
  /**
   * The project's database: `mongo` writes a service over `createMongoCrud` and a route test
   * against a MongoDB server, and no views.
   * @default 'sql'
   */
  readonly dialect?: ScaffoldDialect
}

/** Imports a model file; a seam for tests. */
export type ModelFileImporter = (file: string) => Promise<Readonly<Record<string, unknown>>>

const importFile: ModelFileImporter = async (file) =>
  (await import(pathToFileURL(file).href)) as Record<string, unknown>

interface ColumnSpecLike {
  readonly type: string
  readonly nullable: boolean
  readonly default?: unknown
  readonly values?: readonly string[]
  readonly length?: number
}

function seedOf(columns: Readonly<Record<string, ColumnSpecLike>>): string | undefined {
  const required = Object.entries(columns).filter(
    ([, s]) => s.type !== 'id' && !s.nullable && s.default === undefined,
  )
  const parts: string[] = []
  for (const [name, spec] of required) {
    const value = sampleLiteral({ name, ...spec }, 0)
    if (value === undefined) return undefined
    parts.push(`${name}: ${value}`)
  }
  return objectLiteral(parts)
}

async function loadTarget(
  root: string,
  app: string,
  model: string,
  importer: ModelFileImporter,
): Promise<ScaffoldTarget | string> {
  const file = `${toKebab(model)}-model`
  const path = ['ts', 'js']
    .map((ext) => join(root, 'apps', app, 'models', `${file}.${ext}`))
    .find((p) => existsSync(p))
  if (path === undefined)
    return `apps/${app}/models/${file}.ts does not exist: scaffold or generate ${model} first`
  const value = (await importer(path))[model] as
    { readonly columns?: Readonly<Record<string, ColumnSpecLike>> } | undefined
  if (typeof value?.columns !== 'object')
    return `apps/${app}/models/${file}.ts does not export a model named ${model}`
  return { model, file, seed: seedOf(value.columns) }
}

/**
 * Loads every model the fields reference (`apps/<app>/models/<name>-model.ts`); a missing one is a
 * `MEGA_CLI_INVALID_ARGUMENT` naming the field, raised before anything is written.
 */
export async function resolveScaffoldTargets(
  root: string,
  app: string,
  fields: readonly ScaffoldField[],
  importer: ModelFileImporter = importFile,
  command = 'mega scaffold',
): Promise<Map<string, ScaffoldTarget>> {
  const targets = new Map<string, ScaffoldTarget>()
  const issues: MegaIssue[] = []
  for (const field of fields) {
    if (field.target === undefined || targets.has(field.target)) continue
    const target = await loadTarget(root, app, field.target, importer)
    if (typeof target === 'string') issues.push({ path: field.name, message: target })
    else targets.set(field.target, target)
  }
  if (issues.length > 0) throw scaffoldArgumentsError(issues, command)
  return targets
}

function objectLiteral(parts: readonly string[], indent = '    '): string {
  if (parts.length === 0) return '{}'
  const line = `{ ${parts.join(', ')} }`
  if (line.length <= 72) return line
  return `{\n${parts.map((p) => `${indent}  ${p},`).join('\n')}\n${indent}}`
}

const rowVar = (model: string) => `${toCamel(model)}Row`

function value(field: ScaffoldField, variant: 0 | 1, inTest: boolean): string {
  const sample = sampleLiteral(field, variant)
  if (sample !== undefined) return sample
  return inTest ? `${rowVar(field.target ?? '')}.id` : '1'
}

function testVars(input: ScaffoldInput): Record<string, string> {
  const { fields, targets } = input
  const assign = (f: ScaffoldField, v: 0 | 1) => `${f.name}: ${value(f, v, true)}`
  const comparable = fields.filter((f) => roundTrips(f.type))
  const changed = fields.find((f) => f.type !== 'references') ?? fields[0]!
  const seeds = [...targets.values()]
  const seed = seeds.map((t) =>
    t.seed === undefined
      ? `\n    // TODO: a ${t.model} needs other rows first: create them, then the ${t.model} (and drop .skip).\n    const ${rowVar(t.model)} = { id: 1 }`
      : `\n    const ${rowVar(t.model)} = await createCrud(${t.model}, db).create(${t.seed})`,
  )
  return {
    dbImports: seeds.length > 0 ? 'createCrud, withRollback, type SqlDbAdapter' : 'withRollback',
    imports: seeds
      .map((t) => `\nimport { ${t.model} } from '../../apps/${input.app}/models/${t.file}.js'`)
      .join(''),
    skip: seeds.some((t) => t.seed === undefined) ? '.skip' : '',
    seed:
      seeds.length === 0
        ? ''
        : `\n    const db = app.runtime.adapters.get<SqlDbAdapter>('db')${seed.join('')}`,
    input: objectLiteral(fields.map((f) => assign(f, 0))),
    expected: objectLiteral(comparable.map((f) => assign(f, 0))),
    change: objectLiteral([assign(changed, 1)]),
    changeExpected: roundTrips(changed.type) ? 'change' : '{ id }',
    modelInput: objectLiteral(
      fields.map((f) => `${f.name}: ${value(f, 0, false)}`),
      '',
    ),
  }
}

/** The index/show handlers: JSON only, or a page for browsers (`wantsHtml`) with views. */
function handlerVars(input: ScaffoldInput, camel: string, plural: string): Record<string, string> {
  const list = `ctx.services.${camel}.list(ctx.query)`
  const get = `ctx.services.${camel}.get(ctx.params.id)`
  if (input.views !== true)
    return {
      coreImports: 'action, defineRoutes',
      indexHandler: `(ctx) => ${list}`,
      showHandler: `(ctx) => ${get}`,
      htmlTest: '',
    }
  const title = toPascal(input.name)
  return {
    coreImports: 'action, defineRoutes, wantsHtml',
    indexHandler: `async (ctx) => {
      const page = await ${list}
      return wantsHtml(ctx) ? ctx.render('${plural}/index', { title: '${title}s', page }) : page
    }`,
    showHandler: `async (ctx) => {
      const item = await ${get}
      return wantsHtml(ctx) ? ctx.render('${plural}/show', { title: '${title}', item }) : item
    }`,
    htmlTest: `  it{{skip}}('answers browsers with HTML pages', async () => {
    const { app, path } = await migratedApp(){{seed}}
    const created = await app.inject({ method: 'POST', url: path, payload: {{input}} })
    const { id } = created.json().data
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }
    const index = await app.inject({ url: path, headers: html })
    expect(index.headers['content-type']).toContain('text/html')
    expect(index.body).toContain(\`\${path}/\${id}\`)
    const show = await app.inject({ url: \`\${path}/\${id}\`, headers: html })
    expect(show.statusCode).toBe(200)
    expect(show.headers['content-type']).toContain('text/html')
  })

`,
  }
}

/** The forms' variables: the field table, the controls, and links from the index and show pages. */
function formVars(input: ScaffoldInput, plural: string): Record<string, string> {
  const forms = input.views === true && input.forms === true
  return {
    formFieldKinds: formFieldKinds(input.fields),
    formFields: formFieldsHtml(input.fields),
    newLink: forms ? ` · <a href="/${plural}/new">New</a>` : '',
    editLink: forms ? ` · <a href="/${plural}/<%= item.id %>/edit">Edit</a>` : '',
  }
}

/** The template variables of a scaffold: names, columns, imports and the tests' sample values. */
export function scaffoldVars(input: ScaffoldInput): Record<string, string> {
  const table = toTable(input.name)
  const camel = toCamel(input.name)
  const plural = table.replace(/_/g, '-')
  const tests = testVars(input)
  const handlers = handlerVars(input, camel, plural)
  return {
    ...handlers,
    invalidFormTest: invalidFormTest(input.fields, tests.skip!, tests.seed!, tests.input!).replace(
      '/PLURAL/',
      `/${plural}/`,
    ),
    htmlTest: handlers
      .htmlTest!.replace('{{skip}}', tests.skip!)
      .replace('{{seed}}', tests.seed!)
      .replace('{{input}}', tests.input!),
    fieldNames: JSON.stringify(input.fields.map((f) => f.name)),
    ...formVars(input, plural),
    name: toKebab(input.name),
    Name: toPascal(input.name),
    camel,
    table,
    plural,
    app: input.app,
    columns: input.fields.map((f) => `  ${f.name}: ${columnExpression(f)},`).join('\n'),
    modelImports: [...input.targets.values()]
      .map((t) => `\nimport { ${t.model} } from './${t.file}.js'`)
      .join(''),
    ...tests,
  }
}

/** What decides which files a scaffold writes (its fields do not). */
export type ScaffoldLayout = Pick<ScaffoldInput, 'app' | 'name' | 'views' | 'forms' | 'dialect'>

/**
 * The layout a scaffold of `name` gets in the project at `root`: pages when `apps/<app>/views/`
 * exists, forms when the config also has `forms()` and `csrf()`, the dialect of its `db` adapter.
 */
export async function detectScaffoldLayout(
  root: string,
  app: string,
  name: string,
  dialect?: ScaffoldDialect,
): Promise<Required<ScaffoldLayout>> {
  const views = existsSync(join(root, 'apps', app, 'views'))
  return {
    app,
    name,
    views,
    forms: views && hasFormPlugins(root),
    dialect: dialect ?? (await projectScaffoldDialect(root)),
  }
}

/** Each template of a scaffold and the file it becomes, relative to the root. */
function scaffoldEntries(layout: ScaffoldLayout): (readonly [template: string, path: string])[] {
  const { app } = layout
  const name = toKebab(layout.name)
  const plural = toTable(layout.name).replace(/_/g, '-')
  // No pages on MongoDB yet: JSON routes only.
  const views = layout.views === true && layout.dialect !== 'mongo'
  const forms = views && layout.forms === true
  return [
    ['model.ts.tpl', `apps/${app}/models/${name}-model.ts`],
    ['service.ts.tpl', `apps/${app}/services/${name}-service.ts`],
    ['routes.ts.tpl', `apps/${app}/routes/${plural}.ts`],
    ['model-test.ts.tpl', `test/models/${name}-model.test.ts`],
    ['routes-test.ts.tpl', `test/routes/${plural}.test.ts`],
    ...(views
      ? ([
          ['views/index.ejs.tpl', `apps/${app}/views/${plural}/index.ejs`],
          ['views/show.ejs.tpl', `apps/${app}/views/${plural}/show.ejs`],
        ] as const)
      : []),
    ...(forms
      ? ([
          ['forms-routes.ts.tpl', `apps/${app}/routes/${plural}-forms.ts`],
          ['views/new.ejs.tpl', `apps/${app}/views/${plural}/new.ejs`],
          ['views/edit.ejs.tpl', `apps/${app}/views/${plural}/edit.ejs`],
          ['forms-test.ts.tpl', `test/routes/${plural}-forms.test.ts`],
        ] as const)
      : []),
  ]
}

/**
 * The files a scaffold of this layout writes, relative to the root (what `mega destroy scaffold`
 * removes), and the folders only it creates (`apps/<app>/views/<plural>`).
 *
 * @example
 * scaffoldTargets({ app: 'main', name: 'Post' }).files // ['apps/main/models/post-model.ts', ...]
 */
export function scaffoldTargets(layout: ScaffoldLayout): {
  readonly files: readonly string[]
  readonly folders: readonly string[]
} {
  const files = scaffoldEntries(layout).map(([, path]) => path)
  const views = `apps/${layout.app}/views/${toTable(layout.name).replace(/_/g, '-')}`
  return { files, folders: files.some((f) => f.startsWith(`${views}/`)) ? [views] : [] }
}

/**
 * The model of `mega generate model <name> <field:type...>` and its test (the scaffold's, without
 * the service, routes and views); the migration comes from `@mega/db` afterwards.
 *
 * @example
 * const files = await modelFiles({ app: 'main', name: 'User', fields, targets: new Map() })
 */
export async function modelFiles(
  input: Pick<ScaffoldInput, 'app' | 'name' | 'fields' | 'targets'>,
): Promise<TemplateFile[]> {
  const v = scaffoldVars(input)
  const model = new Set(['model.ts.tpl', 'model-test.ts.tpl'])
  return Promise.all(
    scaffoldEntries(input)
      .filter(([template]) => model.has(template))
      .map(async ([template, path]) => ({
        path,
        content: await renderTemplateFile(
          `scaffold/${template}`,
          template === 'model.ts.tpl' ? { ...v, imports: v.modelImports! } : v,
        ),
      })),
  )
}

/**
 * The model, service, routes and tests of a scaffold (the migration comes from `@mega/db`
 * afterwards, once the model is in place).
 *
 * @example
 * const files = await scaffoldFiles({ app: 'main', name: 'Post', fields, targets: new Map() })
 */
export async function scaffoldFiles(given: ScaffoldInput): Promise<TemplateFile[]> {
  const dialect = given.dialect ?? 'sql'
  // No pages on MongoDB yet: JSON routes only.
  const input = dialect === 'mongo' ? { ...given, views: false, forms: false } : given
  const v = dialect === 'mongo' ? mongoTestVars(scaffoldVars(input)) : scaffoldVars(input)
  const modelVars = { ...v, imports: v.modelImports! }
  return Promise.all(
    scaffoldEntries(input).map(async ([template, path]) => ({
      path,
      content: await renderTemplateFile(
        scaffoldTemplate(template, dialect),
        template === 'model.ts.tpl' ? modelVars : v,
      ),
    })),
  )
}
