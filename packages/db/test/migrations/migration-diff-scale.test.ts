import { describe, expect, it } from 'vitest'
import { col } from '../../src/model/column.js'
import { defineModel, type AnyModel } from '../../src/model/define-model.js'
import { diffSchemas } from '../../src/migrations/differ.js'
import { scanModels } from '../../src/migrations/model-scan.js'
import { EMPTY_SCHEMA } from '../../src/migrations/schema-builder.js'

function generatedModels(count: number, extra: boolean): AnyModel[] {
  const models: AnyModel[] = []
  for (let i = 0; i < count; i++) {
    const parent = models[i - 1]
    models.push(
      defineModel(`table_${i}`, {
        id: col.id(),
        name: col.string(100).unique(),
        amount: col.decimal(12, 2).default('0.00'),
        kind: col.enum(['a', 'b', 'c']).index(),
        ...(parent === undefined ? {} : { parentId: col.references(() => parent).nullable() }),
        ...(extra ? { note: col.text().nullable() } : {}),
      }),
    )
  }
  return models
}

describe('scanModels + diffSchemas at scale', () => {
  it('scans and diffs 100 generated models', () => {
    const v1 = scanModels(generatedModels(100, false)).schema
    const v2 = scanModels(generatedModels(100, true)).schema
    const create = diffSchemas(EMPTY_SCHEMA, v1)
    expect(create).toHaveLength(100)
    expect(create.map((op) => op.op === 'createTable' && op.table.name).slice(0, 2)).toEqual([
      'table_0',
      'table_1',
    ])
    expect(diffSchemas(v1, v2)).toHaveLength(100)
    expect(diffSchemas(v2, v2)).toEqual([])
  })
})
