import { describe, expect, it } from 'vitest'
import { MegaError } from '@mega/observe'
import { classifyMariaError, mapMariaError } from '../../src/sql/maria/maria-error-mapper.js'
import {
  classifyPostgresError,
  mapPostgresError,
} from '../../src/sql/postgres/postgres-error-mapper.js'
import { sqlError } from '../../src/sql/sql-adapter.js'
import { classifySqliteError, mapSqliteError } from '../../src/sql/sqlite/sqlite-error-mapper.js'

/** An Error carrying the fields a driver sets (shapes recorded from pg 8, mysql2 3, better-sqlite3 12). */
function driverError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields)
}

const pg = {
  unique: driverError('duplicate key value violates unique constraint "users_email_key"', {
    severity: 'ERROR',
    code: '23505',
    detail: 'Key (email)=(abc@x.io) already exists.',
    schema: 'public',
    table: 'users',
    constraint: 'users_email_key',
  }),
  pkey: driverError('duplicate key value violates unique constraint "users_pkey"', {
    code: '23505',
    detail: 'Key (id)=(1) already exists.',
    table: 'users',
    constraint: 'users_pkey',
  }),
  fkInsert: driverError(
    'insert or update on table "posts" violates foreign key constraint "posts_user_id_fkey"',
    {
      code: '23503',
      detail: 'Key (user_id)=(9) is not present in table "users".',
      table: 'posts',
      constraint: 'posts_user_id_fkey',
    },
  ),
  fkDelete: driverError(
    'update or delete on table "users" violates foreign key constraint "posts_user_id_fkey" on table "posts"',
    {
      code: '23503',
      detail: 'Key (id)=(1) is still referenced from table "posts".',
      table: 'posts',
      constraint: 'posts_user_id_fkey',
    },
  ),
  notNull: driverError(
    'null value in column "email" of relation "users" violates not-null constraint',
    { code: '23502', detail: 'Failing row contains (3, null).', table: 'users', column: 'email' },
  ),
  check: driverError('new row for relation "users" violates check constraint "users_age_check"', {
    code: '23514',
    detail: 'Failing row contains (3, a).',
    table: 'users',
    constraint: 'users_age_check',
  }),
  noTable: driverError('relation "nope" does not exist', { code: '42P01', position: '15' }),
  refused: driverError('connect ECONNREFUSED 127.0.0.1:1', {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
  }),
  dns: driverError('getaddrinfo ENOTFOUND db.invalid', { code: 'ENOTFOUND' }),
  noDb: driverError('database "nodb" does not exist', { severity: 'FATAL', code: '3D000' }),
  shutdown: driverError('terminating connection due to administrator command', { code: '57P01' }),
  broken: driverError('connection failure', { code: '08006' }),
  terminated: new Error('Connection terminated unexpectedly'),
  poolTimeout: new Error('timeout exceeded when trying to connect'),
}

const maria = {
  unique: driverError("Duplicate entry 'abc' for key 'users_email_uq'", {
    code: 'ER_DUP_ENTRY',
    errno: 1062,
    sqlState: '23000',
    sqlMessage: "Duplicate entry 'abc' for key 'users_email_uq'",
  }),
  primary: driverError("Duplicate entry '1' for key 'PRIMARY'", {
    code: 'ER_DUP_ENTRY',
    errno: 1062,
    sqlState: '23000',
    sqlMessage: "Duplicate entry '1' for key 'PRIMARY'",
  }),
  mysql8Unique: driverError("Duplicate entry 'abc' for key 'users.users_email_uq'", {
    code: 'ER_DUP_ENTRY',
    errno: 1062,
    sqlState: '23000',
    sqlMessage: "Duplicate entry 'abc' for key 'users.users_email_uq'",
  }),
  fkChild: driverError('x', {
    code: 'ER_NO_REFERENCED_ROW_2',
    errno: 1452,
    sqlState: '23000',
    sqlMessage:
      'Cannot add or update a child row: a foreign key constraint fails (`test`.`posts`, CONSTRAINT `posts_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`))',
  }),
  fkParent: driverError('x', {
    code: 'ER_ROW_IS_REFERENCED_2',
    errno: 1451,
    sqlState: '23000',
    sqlMessage:
      'Cannot delete or update a parent row: a foreign key constraint fails (`test`.`posts`, CONSTRAINT `posts_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`))',
  }),
  badNull: driverError("Column 'email' cannot be null", {
    code: 'ER_BAD_NULL_ERROR',
    errno: 1048,
    sqlState: '23000',
    sqlMessage: "Column 'email' cannot be null",
  }),
  noDefault: driverError("Field 'email' doesn't have a default value", {
    code: 'ER_NO_DEFAULT_FOR_FIELD',
    errno: 1364,
    sqlState: 'HY000',
    sqlMessage: "Field 'email' doesn't have a default value",
  }),
  check: driverError('CONSTRAINT `users_age_ck` failed for `test`.`users`', {
    // mysql2 names MariaDB's 4025 after a MySQL code: only the errno is reliable.
    code: 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE',
    errno: 4025,
    sqlState: '23000',
    sqlMessage: 'CONSTRAINT `users_age_ck` failed for `test`.`users`',
  }),
  mysqlCheck: driverError("Check constraint 'users_age_ck' is violated.", {
    code: 'ER_CHECK_CONSTRAINT_VIOLATED',
    errno: 3819,
    sqlState: 'HY000',
    sqlMessage: "Check constraint 'users_age_ck' is violated.",
  }),
  noTable: driverError("Table 'test.nope' doesn't exist", {
    code: 'ER_NO_SUCH_TABLE',
    errno: 1146,
    sqlState: '42S02',
    sqlMessage: "Table 'test.nope' doesn't exist",
  }),
  refused: driverError('connect ECONNREFUSED 127.0.0.1:1', {
    errno: -111,
    code: 'ECONNREFUSED',
    fatal: true,
  }),
  lost: driverError('Connection lost: The server closed the connection.', {
    code: 'PROTOCOL_CONNECTION_LOST',
    fatal: true,
  }),
  noDb: driverError("Unknown database 'nodb'", {
    code: 'ER_BAD_DB_ERROR',
    errno: 1049,
    sqlState: '42000',
    sqlMessage: "Unknown database 'nodb'",
  }),
}

const sqlite = {
  unique: driverError('UNIQUE constraint failed: users.email', {
    code: 'SQLITE_CONSTRAINT_UNIQUE',
  }),
  compound: driverError('UNIQUE constraint failed: members.org_id, members.user_id', {
    code: 'SQLITE_CONSTRAINT_UNIQUE',
  }),
  primary: driverError('UNIQUE constraint failed: users.id', {
    code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
  }),
  fk: driverError('FOREIGN KEY constraint failed', { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }),
  notNull: driverError('NOT NULL constraint failed: users.email', {
    code: 'SQLITE_CONSTRAINT_NOTNULL',
  }),
  check: driverError('CHECK constraint failed: users_age_ck', { code: 'SQLITE_CONSTRAINT_CHECK' }),
  unnamedCheck: driverError('CHECK constraint failed: age > 0', {
    code: 'SQLITE_CONSTRAINT_CHECK',
  }),
  noTable: driverError('no such table: nope', { code: 'SQLITE_ERROR' }),
  cantOpen: driverError('unable to open database file', { code: 'SQLITE_CANTOPEN' }),
  busy: driverError('database is locked', { code: 'SQLITE_BUSY' }),
  closed: new TypeError('The database connection is not open'),
}

describe('classifyPostgresError', () => {
  it.each([
    [
      'unique',
      pg.unique,
      { code: 'MEGA_DB_CONFLICT', table: 'users', constraint: 'users_email_key', column: 'email' },
    ],
    [
      'primary key',
      pg.pkey,
      { code: 'MEGA_DB_CONFLICT', table: 'users', constraint: 'users_pkey', column: 'id' },
    ],
    [
      'fk on insert',
      pg.fkInsert,
      {
        code: 'MEGA_DB_FOREIGN_KEY',
        table: 'posts',
        constraint: 'posts_user_id_fkey',
        column: 'user_id',
      },
    ],
    [
      'fk on delete',
      pg.fkDelete,
      {
        code: 'MEGA_DB_FOREIGN_KEY',
        table: 'posts',
        constraint: 'posts_user_id_fkey',
        column: 'id',
      },
    ],
    ['not null', pg.notNull, { code: 'MEGA_DB_NOT_NULL', table: 'users', column: 'email' }],
    ['check', pg.check, { code: 'MEGA_DB_CHECK', table: 'users', constraint: 'users_age_check' }],
  ])('reads a %s violation with its names', (_name, err, facts) => {
    expect(classifyPostgresError(err)).toMatchObject(facts)
  })

  it.each([
    ['ECONNREFUSED', pg.refused],
    ['ENOTFOUND', pg.dns],
    ['3D000 unknown database', pg.noDb],
    ['57P01 admin shutdown', pg.shutdown],
    ['08006 connection failure', pg.broken],
    ['Connection terminated', pg.terminated],
    ['pool connect timeout', pg.poolTimeout],
  ])('reads %s as unavailable', (_name, err) => {
    expect(classifyPostgresError(err)?.code).toBe('MEGA_DB_UNAVAILABLE')
  })

  it('reads any other SQLSTATE as a failed query', () => {
    expect(classifyPostgresError(pg.noTable)).toEqual({
      code: 'MEGA_DB_QUERY_FAILED',
      reason: '42P01 relation "nope" does not exist',
    })
  })

  it('does not claim errors that are not from the database', () => {
    expect(classifyPostgresError(new TypeError('x is not a function'))).toBeUndefined()
    expect(classifyPostgresError('boom')).toBeUndefined()
    expect(classifyPostgresError(null)).toBeUndefined()
  })
})

describe('mapPostgresError', () => {
  it('builds a 409 naming the constraint, with the original as cause and no row values', () => {
    const err = mapPostgresError(pg.unique)
    expect(err.toJSON()).toMatchInlineSnapshot(`
      {
        "code": "MEGA_DB_CONFLICT",
        "details": {
          "column": "email",
          "constraint": "users_email_key",
          "table": "users",
        },
        "message": "A row with the same email already exists in users (constraint users_email_key): use a different value or update the existing row.",
        "name": "MegaError",
        "statusCode": 409,
      }
    `)
    expect(err.cause).toBe(pg.unique)
    expect(JSON.stringify(err)).not.toContain('abc@x.io')
  })

  it('maps not-null and check violations to 422', () => {
    expect(mapPostgresError(pg.notNull)).toMatchObject({
      code: 'MEGA_DB_NOT_NULL',
      statusCode: 422,
      message: 'email in users cannot be null: give it a value.',
    })
    expect(mapPostgresError(pg.check)).toMatchObject({ code: 'MEGA_DB_CHECK', statusCode: 422 })
  })

  it('maps connection failures to 503 and everything else to MEGA_DB_QUERY_FAILED', () => {
    expect(mapPostgresError(pg.refused)).toMatchObject({
      code: 'MEGA_DB_UNAVAILABLE',
      statusCode: 503,
    })
    expect(mapPostgresError(pg.noTable)).toMatchObject({
      code: 'MEGA_DB_QUERY_FAILED',
      statusCode: 500,
    })
    expect(mapPostgresError(new TypeError('bug'))).toMatchObject({ code: 'MEGA_DB_QUERY_FAILED' })
  })

  it('returns a MegaError unchanged', () => {
    const mega = new MegaError('MEGA_CRUD_NOT_FOUND', 'gone', { statusCode: 404 })
    expect(mapPostgresError(mega)).toBe(mega)
  })
})

describe('classifyMariaError', () => {
  it.each([
    ['unique key', maria.unique, { code: 'MEGA_DB_CONFLICT', constraint: 'users_email_uq' }],
    ['primary key', maria.primary, { code: 'MEGA_DB_CONFLICT', constraint: 'PRIMARY' }],
    [
      'MySQL 8 unique key',
      maria.mysql8Unique,
      { code: 'MEGA_DB_CONFLICT', table: 'users', constraint: 'users_email_uq' },
    ],
    [
      'fk on a child row',
      maria.fkChild,
      { code: 'MEGA_DB_FOREIGN_KEY', table: 'posts', constraint: 'posts_fk', column: 'user_id' },
    ],
    [
      'fk on a parent row',
      maria.fkParent,
      { code: 'MEGA_DB_FOREIGN_KEY', table: 'posts', constraint: 'posts_fk', column: 'user_id' },
    ],
    ['null column', maria.badNull, { code: 'MEGA_DB_NOT_NULL', column: 'email' }],
    ['missing default', maria.noDefault, { code: 'MEGA_DB_NOT_NULL', column: 'email' }],
    [
      'MariaDB check',
      maria.check,
      { code: 'MEGA_DB_CHECK', table: 'users', constraint: 'users_age_ck' },
    ],
    ['MySQL check', maria.mysqlCheck, { code: 'MEGA_DB_CHECK', constraint: 'users_age_ck' }],
  ])('reads a %s violation with its names', (_name, err, facts) => {
    expect(classifyMariaError(err)).toMatchObject(facts)
  })

  it.each([
    ['ECONNREFUSED', maria.refused],
    ['a lost connection', maria.lost],
    ['an unknown database', maria.noDb],
  ])('reads %s as unavailable', (_name, err) => {
    expect(classifyMariaError(err)?.code).toBe('MEGA_DB_UNAVAILABLE')
  })

  it('reads any other server error as a failed query and ignores foreign errors', () => {
    expect(classifyMariaError(maria.noTable)).toEqual({
      code: 'MEGA_DB_QUERY_FAILED',
      reason: "errno 1146: Table 'test.nope' doesn't exist",
    })
    expect(classifyMariaError(new RangeError('bug'))).toBeUndefined()
  })
})

describe('mapMariaError', () => {
  it('builds a 409 MEGA_DB_FOREIGN_KEY naming table, constraint and column', () => {
    const err = mapMariaError(maria.fkChild)
    expect(err).toMatchObject({ code: 'MEGA_DB_FOREIGN_KEY', statusCode: 409 })
    expect(err.details).toEqual({ table: 'posts', constraint: 'posts_fk', column: 'user_id' })
    expect(err.message).toMatchInlineSnapshot(
      `"A foreign key in posts (constraint posts_fk) does not hold: reference a row that exists, or first remove the rows that reference this one."`,
    )
    expect(err.cause).toBe(maria.fkChild)
  })

  it('maps not-null to 422 and a refused connection to 503', () => {
    expect(mapMariaError(maria.noDefault)).toMatchObject({
      code: 'MEGA_DB_NOT_NULL',
      statusCode: 422,
    })
    expect(mapMariaError(maria.refused)).toMatchObject({
      code: 'MEGA_DB_UNAVAILABLE',
      statusCode: 503,
    })
  })
})

describe('classifySqliteError', () => {
  it.each([
    ['unique', sqlite.unique, { code: 'MEGA_DB_CONFLICT', table: 'users', column: 'email' }],
    [
      'compound unique',
      sqlite.compound,
      { code: 'MEGA_DB_CONFLICT', table: 'members', column: 'org_id, user_id' },
    ],
    ['primary key', sqlite.primary, { code: 'MEGA_DB_CONFLICT', table: 'users', column: 'id' }],
    ['foreign key', sqlite.fk, { code: 'MEGA_DB_FOREIGN_KEY' }],
    ['not null', sqlite.notNull, { code: 'MEGA_DB_NOT_NULL', table: 'users', column: 'email' }],
    ['named check', sqlite.check, { code: 'MEGA_DB_CHECK', constraint: 'users_age_ck' }],
    ['unnamed check', sqlite.unnamedCheck, { code: 'MEGA_DB_CHECK', constraint: 'age > 0' }],
  ])('reads a %s violation', (_name, err, facts) => {
    expect(classifySqliteError(err)).toEqual(facts)
  })

  it.each([
    ['SQLITE_CANTOPEN', sqlite.cantOpen],
    ['SQLITE_BUSY', sqlite.busy],
    ['a closed connection', sqlite.closed],
  ])('reads %s as unavailable', (_name, err) => {
    expect(classifySqliteError(err)?.code).toBe('MEGA_DB_UNAVAILABLE')
  })

  it('reads other SQLITE_ codes as failed queries and ignores foreign errors', () => {
    expect(classifySqliteError(sqlite.noTable)?.code).toBe('MEGA_DB_QUERY_FAILED')
    expect(classifySqliteError(new Error('no code'))).toBeUndefined()
  })
})

describe('mapSqliteError', () => {
  it('builds a 409 naming table and column for a unique violation', () => {
    const err = mapSqliteError(sqlite.unique)
    expect(err).toMatchObject({ code: 'MEGA_DB_CONFLICT', statusCode: 409 })
    expect(err.details).toEqual({ table: 'users', column: 'email' })
  })

  it('builds a 409 without names for a foreign key (SQLite reports none)', () => {
    const err = mapSqliteError(sqlite.fk)
    expect(err).toMatchObject({ code: 'MEGA_DB_FOREIGN_KEY', statusCode: 409, details: {} })
  })
})

describe('sqlError', () => {
  it('names only the parts that are known and says what to do', () => {
    const err = sqlError('sqlite', { code: 'MEGA_DB_NOT_NULL' }, new Error('x'))
    expect(err.details).toEqual({})
    expect(err.message).toBe('A column cannot be null: give it a value.')
  })

  it('uses the reason for unavailable and failed queries', () => {
    const err = sqlError('maria', { code: 'MEGA_DB_UNAVAILABLE', reason: 'ECONNREFUSED' }, null)
    expect(err.message).toMatchInlineSnapshot(
      `"The maria database is unavailable (ECONNREFUSED): check that the server runs and the connection options are right, then retry."`,
    )
  })
})
