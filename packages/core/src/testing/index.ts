// @mega/core/testing: helpers for an app's own tests.
export { createTestApp } from './create-test-app.js'
export type { TestApp, TestAppOptions } from './create-test-app.js'
