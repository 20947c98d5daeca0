// What a migration does, as a checksum: the operations its `up` and `down` record. Reformatting a
// migration (prettier, the app's own style), re-commenting it or renaming a local variable changes its
// bytes, not what it does, so it is no drift; changing a column type, a table or raw SQL still is.
import { createHash } from 'node:crypto'
import type { MigrationFile } from './migration-files.js'
import type { MigrationOperation } from './migration-types.js'
import type { RecordingMigrationSchema } from './schema-builder.js'

/** Records what one direction of a migration does. */
async function recorded(
  file: MigrationFile,
  direction: 'up' | 'down',
  createSchema: () => RecordingMigrationSchema,
): Promise<readonly MigrationOperation[]> {
  const schema = createSchema()
  await file.module[direction](schema)
  return schema.operations
}

/**
 * sha256 (hex) of the operations `up` and `down` record, as JSON: the same for every formatting of
 * the same migration.
 *
 * @example
 * await operationsChecksum(file, createMigrationSchema) // '9c4e...'
 */
export async function operationsChecksum(
  file: MigrationFile,
  createSchema: () => RecordingMigrationSchema,
): Promise<string> {
  const up = await recorded(file, 'up', createSchema)
  const down = await recorded(file, 'down', createSchema)
  return createHash('sha256').update(JSON.stringify({ up, down })).digest('hex')
}

/**
 * The file with `checksum` set to its {@link operationsChecksum} and `textChecksum` to the sha256 of
 * its text (what databases that applied it before this change hold). A migration whose `up` or
 * `down` throws while recording keeps its text checksum (the run reports the throw itself).
 */
export async function fingerprint(
  file: MigrationFile,
  createSchema: () => RecordingMigrationSchema,
): Promise<MigrationFile> {
  const textChecksum = file.textChecksum ?? file.checksum
  try {
    return { ...file, checksum: await operationsChecksum(file, createSchema), textChecksum }
  } catch {
    return { ...file, checksum: textChecksum, textChecksum }
  }
}
