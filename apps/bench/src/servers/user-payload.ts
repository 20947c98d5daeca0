// The POST /users payload of the http-json scenario, and its JSON Schemas for bare Fastify.

/** The request body every contender receives (valid against every schema). */
export const SAMPLE_USER = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  age: 36,
  role: 'admin',
  tags: ['math', 'engines'],
} as const

/** The body's type. */
export interface UserBody {
  readonly name: string
  readonly email: string
  readonly age: number
  readonly role: 'user' | 'admin'
  readonly tags?: readonly string[]
}

/** The body as JSON Schema, written by hand as a Fastify user would. */
export const USER_BODY_JSON_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 100 },
    email: { type: 'string', format: 'email' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    role: { type: 'string', enum: ['user', 'admin'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 30 }, maxItems: 10 },
  },
  required: ['name', 'email', 'age', 'role'],
  additionalProperties: false,
} as const

/** The 201 response: the body plus its id. */
export const USER_RESPONSE_JSON_SCHEMA = {
  type: 'object',
  properties: { id: { type: 'integer' }, ...USER_BODY_JSON_SCHEMA.properties },
  required: ['id', 'name', 'email', 'age', 'role'],
} as const
