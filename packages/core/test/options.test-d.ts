// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck). A documented options interface and
// the zod schema that validates it must not drift: same fields, same required fields, and every value
// the schema accepts fits the interface (the `satisfies z.ZodType<unknown, XOptions>` in the source).
import { expectTypeOf } from 'vitest'
import type { z } from 'zod'
import type { I18nOptions, MemoryOptions, OpenApiOptions } from '../src/index.js'
import { type i18nOptionsSchema } from '../src/i18n/i18n-options.js'
import { type memoryOptionsSchema } from '../src/adapters/memory/memory-options.js'
import { type openApiOptionsSchema } from '../src/openapi/openapi-options.js'

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T]

expectTypeOf<keyof z.input<typeof i18nOptionsSchema>>().toEqualTypeOf<keyof I18nOptions>()
expectTypeOf<RequiredKeys<z.input<typeof i18nOptionsSchema>>>().toEqualTypeOf<
  RequiredKeys<I18nOptions>
>()
expectTypeOf<z.input<typeof i18nOptionsSchema>>().toExtend<I18nOptions>()

expectTypeOf<keyof z.input<typeof openApiOptionsSchema>>().toEqualTypeOf<keyof OpenApiOptions>()
expectTypeOf<RequiredKeys<z.input<typeof openApiOptionsSchema>>>().toEqualTypeOf<
  RequiredKeys<OpenApiOptions>
>()
expectTypeOf<z.input<typeof openApiOptionsSchema>>().toExtend<OpenApiOptions>()

// MemoryOptions is derived from its schema (TSDoc on the schema's fields): nothing can drift.
expectTypeOf<MemoryOptions>().toEqualTypeOf<z.output<typeof memoryOptionsSchema>>()
