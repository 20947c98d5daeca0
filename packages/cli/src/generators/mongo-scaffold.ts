// What `mega scaffold` changes for a project whose `db` adapter is MongoDB (`driver: 'mongo'`): the
// service over `createMongoCrud` and a route test against a MongoDB server; the model, its migration
// and the routes are the SQL scaffold's (migrations and CRUD take either database).
import type * as megaCore from '@mega/core'
import { projectImporter } from '../internal/project-db.js'

/** Which scaffold a project gets: SQL (the default) or MongoDB. */
export type ScaffoldDialect = 'sql' | 'mongo'

/** Templates replaced by their `templates/scaffold-mongo/` version on MongoDB. */
const MONGO_TEMPLATES: ReadonlySet<string> = new Set(['service.ts.tpl', 'routes-test.ts.tpl'])

/** The template path of `template` (a name under `templates/scaffold/`) for `dialect`. */
export function scaffoldTemplate(template: string, dialect: ScaffoldDialect): string {
  return dialect === 'mongo' && MONGO_TEMPLATES.has(template)
    ? `scaffold-mongo/${template}`
    : `scaffold/${template}`
}

/** The scaffold variables of the SQL route test, rewritten for the MongoDB one. */
export function mongoTestVars(vars: Record<string, string>): Record<string, string> {
  return {
    ...vars,
    // The SQL test holds a rolled-back transaction (withRollback); MongoDB's runs on a database of
    // its own, migrated by the test and dropped after it.
    dbImports: [
      ...(vars.dbImports!.includes('createCrud') ? ['createCrud'] : []),
      'createMongoMigrator',
      'type MongoDbAdapter',
    ].join(', '),
    seed: vars.seed!.replace('SqlDbAdapter', 'MongoDbAdapter'),
  }
}

/**
 * `mongo` when the `db` adapter of the project's config has `driver: 'mongo'`, else `sql` (also
 * when the config cannot be loaded here: scaffolding needs no connection, and the SQL files are
 * the default the project was created with).
 */
export async function projectScaffoldDialect(root: string): Promise<ScaffoldDialect> {
  try {
    const core = (await projectImporter(root)('@mega/core')) as Pick<typeof megaCore, 'loadConfig'>
    const config = await core.loadConfig(root)
    return config.adapters.db?.driver === 'mongo' ? 'mongo' : 'sql'
  } catch {
    return 'sql'
  }
}
