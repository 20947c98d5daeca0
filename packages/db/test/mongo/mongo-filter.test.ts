import { describe, expect, it } from 'vitest'
import { caught } from '@mega/test-utils'
import { ObjectId } from 'mongodb'
import { type MegaError } from '@mega/observe'
import { FILTER_OPERATORS } from '../../src/crud/filter-types.js'
import { likeToRegexSource, toMongoFilter, toMongoSort } from '../../src/mongo/mongo-filter.js'

function expectInvalid(fn: () => unknown, details: Record<string, unknown>): MegaError {
  const err = caught<MegaError>(fn)
  expect(err.code).toBe('MEGA_CRUD_INVALID_QUERY')
  expect(err.statusCode).toBe(422)
  expect(err.details).toMatchObject(details)
  return err
}

/** Whether the `like` pattern matches `value`, evaluated with the regex the filter produces. */
function likeMatches(pattern: string, value: string): boolean {
  const condition = toMongoFilter({ f: { like: pattern } })['f'] as {
    $regex: string
    $options: string
  }
  return new RegExp(condition.$regex, condition.$options).test(value)
}

describe('toMongoFilter', () => {
  it('returns an empty query for no filter or an empty one', () => {
    expect(toMongoFilter(undefined)).toEqual({})
    expect(toMongoFilter({})).toEqual({})
  })

  it('translates a plain value to $eq (never a bare value the server could read as an operator)', () => {
    expect(toMongoFilter({ name: 'ann', age: 3, active: true })).toEqual({
      name: { $eq: 'ann' },
      age: { $eq: 3 },
      active: { $eq: true },
    })
  })

  it('keeps dates, ids and bigints as values', () => {
    const id = new ObjectId()
    const at = new Date('2026-01-01T00:00:00Z')
    expect(toMongoFilter({ _id: id, at: { gte: at }, n: 5n })).toEqual({
      _id: { $eq: id },
      at: { $gte: at },
      n: { $eq: 5n },
    })
  })

  it('translates eq and ne, with null meaning is null / is not null', () => {
    expect(toMongoFilter({ a: { eq: 1 }, b: { eq: null }, c: null })).toEqual({
      a: { $eq: 1 },
      b: { $eq: null },
      c: { $eq: null },
    })
    expect(toMongoFilter({ a: { ne: 'x' }, b: { ne: null } })).toEqual({
      a: { $nin: ['x', null] },
      b: { $ne: null },
    })
  })

  it('translates gt, gte, lt and lte', () => {
    expect(toMongoFilter({ a: { gt: 1 }, b: { gte: 2 }, c: { lt: 3 }, d: { lte: 'z' } })).toEqual({
      a: { $gt: 1 },
      b: { $gte: 2 },
      c: { $lt: 3 },
      d: { $lte: 'z' },
    })
  })

  it('translates in, including an empty list', () => {
    expect(toMongoFilter({ a: { in: [1, 2] }, b: { in: [] } })).toEqual({
      a: { $in: [1, 2] },
      b: { $in: [] },
    })
  })

  it('translates isNull true and false', () => {
    expect(toMongoFilter({ a: { isNull: true }, b: { isNull: false } })).toEqual({
      a: { $eq: null },
      b: { $ne: null },
    })
  })

  it('translates like to an anchored, case-sensitive regex with dot-all', () => {
    expect(toMongoFilter({ name: { like: 'An_%' } })).toEqual({
      name: { $regex: '^An..*(?![\\s\\S])', $options: 's' },
    })
  })

  it('combines several operators on one field with AND in one condition', () => {
    expect(toMongoFilter({ age: { gte: 18, lt: 65, ne: 30, in: [20, 30, 40] } })).toEqual({
      age: { $gte: 18, $lt: 65, $nin: [30, null], $in: [20, 30, 40] },
    })
  })

  it('moves operators that collide on one Mongo key into $and', () => {
    expect(toMongoFilter({ a: { eq: 5, isNull: true }, b: 'x' })).toEqual({
      b: { $eq: 'x' },
      $and: [{ a: { $eq: 5 } }, { a: { $eq: null } }],
    })
  })

  it('passes every declared operator (the list and the translator stay in step)', () => {
    const values: Record<(typeof FILTER_OPERATORS)[number], unknown> = {
      eq: 1,
      ne: 1,
      gt: 1,
      gte: 1,
      lt: 1,
      lte: 1,
      in: [1],
      like: 'a',
      isNull: true,
    }
    for (const op of FILTER_OPERATORS) {
      expect(() => toMongoFilter({ f: { [op]: values[op] } })).not.toThrow()
    }
  })

  it('leaves out undefined conditions and operator values, as SQL CRUD does', () => {
    expect(toMongoFilter({ a: undefined, b: { eq: undefined, gt: 1 }, c: {} })).toEqual({
      b: { $gt: 1 },
    })
  })

  it('does not check field names against a model (CRUD does)', () => {
    expect(toMongoFilter({ anything: 1, 'nested.path': 2 })).toEqual({
      anything: { $eq: 1 },
      'nested.path': { $eq: 2 },
    })
  })

  it('keeps __proto__ as a field of the query instead of a prototype', () => {
    const query = toMongoFilter(JSON.parse('{"__proto__": 1}') as Record<string, unknown>)
    expect(Object.getPrototypeOf(query)).toBe(Object.prototype)
    expect(Object.keys(query)).toEqual(['__proto__'])
  })

  it('rejects an unknown operator, naming the field and the operator', () => {
    const err = expectInvalid(() => toMongoFilter({ name: { contains: 'x' } }), {
      field: 'name',
      operator: 'contains',
    })
    expect(err.message).toContain('"name"')
    expect(err.message).toContain('"contains"')
  })

  it('rejects a filter that is not an object', () => {
    expectInvalid(() => toMongoFilter([] as unknown as Record<string, unknown>), {})
    expectInvalid(() => toMongoFilter('a' as unknown as Record<string, unknown>), {})
  })

  it('rejects wrong operand types for in, like, isNull and comparisons with null', () => {
    expectInvalid(() => toMongoFilter({ a: { in: 1 } }), { field: 'a', operator: 'in' })
    expectInvalid(() => toMongoFilter({ a: { like: 1 } }), { field: 'a', operator: 'like' })
    expectInvalid(() => toMongoFilter({ a: { isNull: 'yes' } }), { field: 'a', operator: 'isNull' })
    expectInvalid(() => toMongoFilter({ a: { gt: null } }), { field: 'a', operator: 'gt' })
  })

  it('rejects arrays, functions, symbols and regexes as values', () => {
    expectInvalid(() => toMongoFilter({ a: [1, 2] }), { field: 'a', operator: 'eq' })
    expectInvalid(() => toMongoFilter({ a: { eq: () => 1 } }), { field: 'a', operator: 'eq' })
    expectInvalid(() => toMongoFilter({ a: { eq: Symbol('s') } }), { field: 'a', operator: 'eq' })
    expectInvalid(() => toMongoFilter({ a: /x/ }), { field: 'a', operator: 'eq' })
  })
})

describe('toMongoFilter operator injection', () => {
  it('rejects a field name that is a Mongo operator ($where, $or, $expr)', () => {
    expectInvalid(() => toMongoFilter({ $where: 'sleep(1000) || true' }), { field: '$where' })
    expectInvalid(() => toMongoFilter({ $or: [{ a: 1 }] }), {
      field: '$or',
    })
    expectInvalid(() => toMongoFilter({ $expr: { $eq: [1, 1] } }), { field: '$expr' })
    expectInvalid(() => toMongoFilter({ '': 1 }), { field: '' })
  })

  it('rejects { $gt: "" } given as a plain value (it would match everything)', () => {
    expectInvalid(() => toMongoFilter({ password: { $gt: '' } }), {
      field: 'password',
      operator: '$gt',
    })
  })

  it('rejects { $where: ... } and { $ne: null } given as a value', () => {
    expectInvalid(() => toMongoFilter({ name: { $where: 'this.a == 1' } }), { operator: '$where' })
    expectInvalid(() => toMongoFilter({ name: { $ne: null } }), { operator: '$ne' })
  })

  it('rejects objects with $ keys inside operators (eq, ne, in)', () => {
    expectInvalid(() => toMongoFilter({ a: { eq: { $gt: '' } } }), { field: 'a', operator: 'eq' })
    expectInvalid(() => toMongoFilter({ a: { ne: { $exists: true } } }), { operator: 'ne' })
    expectInvalid(() => toMongoFilter({ a: { in: [{ $gt: '' }] } }), { operator: 'in' })
  })

  it('rejects JSON that imitates a BSON type (_bsontype) instead of passing it to the driver', () => {
    const forged = JSON.parse(
      '{"a": {"eq": {"_bsontype": "Code", "code": "while(1){}"}}}',
    ) as Record<string, unknown>
    expectInvalid(() => toMongoFilter(forged), { field: 'a', operator: 'eq' })
  })

  it('passes strings that look like operators or SQL as literal values', () => {
    expect(toMongoFilter({ a: '$where', b: { in: ["' OR 1=1 --"] } })).toEqual({
      a: { $eq: '$where' },
      b: { $in: ["' OR 1=1 --"] },
    })
  })
})

describe('likeToRegexSource', () => {
  it('matches the whole value, with % as any run and _ as one character', () => {
    expect(likeMatches('a%', 'abc')).toBe(true)
    expect(likeMatches('a%', 'ba')).toBe(false)
    expect(likeMatches('%c', 'abc')).toBe(true)
    expect(likeMatches('a_c', 'abc')).toBe(true)
    expect(likeMatches('a_c', 'abbc')).toBe(false)
    expect(likeMatches('abc', 'xabcx')).toBe(false)
    expect(likeMatches('%', '')).toBe(true)
  })

  it('is case-sensitive', () => {
    expect(likeMatches('Ann%', 'ann')).toBe(false)
    expect(likeMatches('Ann%', 'Anna')).toBe(true)
  })

  it("matches ' OR 1=1 -- literally", () => {
    expect(likeMatches("' OR 1=1 --", "' OR 1=1 --")).toBe(true)
    expect(likeMatches("' OR 1=1 --", 'anything')).toBe(false)
  })

  it('matches .* literally', () => {
    expect(likeToRegexSource('.*')).toBe('^\\.\\*(?![\\s\\S])')
    expect(likeMatches('.*', '.*')).toBe(true)
    expect(likeMatches('.*', 'abc')).toBe(false)
  })

  it('matches (a+)+$ literally (no catastrophic backtracking pattern reaches the server)', () => {
    expect(likeToRegexSource('(a+)+$')).toBe('^\\(a\\+\\)\\+\\$(?![\\s\\S])')
    expect(likeMatches('(a+)+$', '(a+)+$')).toBe(true)
    expect(likeMatches('(a+)+$', 'aaaa')).toBe(false)
  })

  it('escapes every regex metacharacter', () => {
    for (const char of '^$.*+?()[]{}|/-#') {
      expect(likeToRegexSource(`a${char}b`)).toBe(`^a\\${char}b(?![\\s\\S])`)
      expect(likeMatches(`a${char}b`, `a${char}b`)).toBe(true)
      expect(likeMatches(`a${char}b`, 'axb')).toBe(false)
    }
  })

  it('treats \\% \\_ and \\\\ as literal %, _ and \\', () => {
    expect(likeMatches('100\\%', '100%')).toBe(true)
    expect(likeMatches('100\\%', '1000')).toBe(false)
    expect(likeMatches('a\\_b', 'a_b')).toBe(true)
    expect(likeMatches('a\\_b', 'axb')).toBe(false)
    expect(likeMatches('a\\\\b', 'a\\b')).toBe(true)
    expect(likeMatches('a\\', 'a\\')).toBe(true)
  })

  it('lets % and _ match newlines, and does not match before a trailing newline', () => {
    expect(likeMatches('a%b', 'a\nb')).toBe(true)
    expect(likeMatches('a_b', 'a\nb')).toBe(true)
    expect(likeMatches('abc', 'abc\n')).toBe(false)
  })

  it('writes a NUL character as \\x00 (the server refuses raw NUL in a regex)', () => {
    expect(likeToRegexSource('a\0b')).toBe('^a\\x00b(?![\\s\\S])')
    expect(likeMatches('a\0b', 'a\0b')).toBe(true)
  })
})

describe('toMongoSort', () => {
  it('maps fields to 1 and -field to -1, keeping the order', () => {
    const sort = toMongoSort(['-createdAt', 'name', '2'])
    expect([...sort.entries()]).toEqual([
      ['createdAt', -1],
      ['name', 1],
      ['2', 1],
    ])
  })

  it('returns an empty order for no sort', () => {
    expect(toMongoSort(undefined).size).toBe(0)
    expect(toMongoSort([]).size).toBe(0)
  })

  it('rejects operator-like, empty and repeated fields', () => {
    expectInvalid(() => toMongoSort(['$natural']), { field: '$natural' })
    expectInvalid(() => toMongoSort(['-']), { field: '' })
    expectInvalid(() => toMongoSort(['a', '-a']), { field: 'a' })
  })

  it('rejects a sort that is not an array of strings', () => {
    expectInvalid(() => toMongoSort('name' as unknown as string[]), {})
    expectInvalid(() => toMongoSort([1] as unknown as string[]), {})
  })
})
