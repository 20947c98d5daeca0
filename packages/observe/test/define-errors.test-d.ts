// Type tests: checked by `tsc -p tsconfig.json` (pnpm typecheck). A wrong inference fails CI.
import { expectTypeOf } from 'vitest'
import { defineErrors, type MegaError, type ObserveErrorCode } from '../src/index.js'

const errors = defineErrors({
  MEGA_TEST_TAKEN: { status: 409, message: (email: string, times: number) => `${email} ${times}` },
  MEGA_TEST_LOCKED: { message: 'locked' },
})

expectTypeOf(errors.codes).toEqualTypeOf<readonly ('MEGA_TEST_TAKEN' | 'MEGA_TEST_LOCKED')[]>()
expectTypeOf(errors.create('MEGA_TEST_TAKEN', ['a@b.c', 1])).toEqualTypeOf<MegaError>()
expectTypeOf(errors.create('MEGA_TEST_LOCKED')).toEqualTypeOf<MegaError>()
expectTypeOf(errors.message('MEGA_TEST_TAKEN', 'a@b.c', 1)).toEqualTypeOf<string>()

// The arguments are those of the template, in order.
// @ts-expect-error the count is a number
errors.create('MEGA_TEST_TAKEN', ['a@b.c', '1'])
// @ts-expect-error the template needs its arguments
errors.create('MEGA_TEST_TAKEN')
// @ts-expect-error a fixed message takes no arguments
errors.create('MEGA_TEST_LOCKED', ['x'])
// @ts-expect-error the status comes from the table, not the call
errors.create('MEGA_TEST_LOCKED', [], { statusCode: 500 })
// @ts-expect-error an undeclared code
errors.create('MEGA_TEST_UNKNOWN')

expectTypeOf<ObserveErrorCode>().toExtend<string>()
expectTypeOf<'MEGA_TRACING_INVALID'>().toExtend<ObserveErrorCode>()
