/**
 * The code a pool thread or child process runs: it imports the task module, answers `ready` with the
 * task names, then runs one `run` message at a time and answers `ok`, `error` or `unknown`.
 *
 * It is plain JavaScript in a string on purpose: worker threads and child processes cannot load this
 * package's TypeScript source (tests run from source), and a string survives any build or bundler
 * unchanged (a function's `toString()` would carry a bundler's helpers). The thread and the process
 * differ only in how messages travel, so each gets a three-line prelude. The protocol's types are in
 * `worker-protocol.ts`; the pool's tests exercise every message.
 */
const RUNNER_CORE = String.raw`
const toWire = (e) => {
  if (e instanceof Error) {
    const code = typeof e.code === 'string' ? e.code : undefined
    return { name: e.name, message: e.message, stack: e.stack, code }
  }
  return { name: 'Error', message: 'A task threw a non-Error value: ' + String(e) }
}
const reply = (message) => {
  try {
    send(message)
  } catch (e) {
    send({ type: 'error', id: message.id, error: { name: 'DataCloneError', message:
      'The task returned a value that cannot be copied to the caller (' + String(e && e.message) +
      '): return plain data, arrays, Maps, Dates, Buffers or typed arrays.' } })
  }
}
let tasks
const pending = []
const run = (msg) => {
  const fn = Object.prototype.hasOwnProperty.call(tasks, msg.name) ? tasks[msg.name] : undefined
  if (typeof fn !== 'function') return send({ type: 'unknown', id: msg.id, known: Object.keys(tasks) })
  Promise.resolve()
    .then(() => fn(msg.input))
    .then((output) => reply({ type: 'ok', id: msg.id, output }),
          (e) => reply({ type: 'error', id: msg.id, error: toWire(e) }))
}
onMessage((msg) => {
  if (msg && msg.type === 'run') tasks === undefined ? pending.push(msg) : run(msg)
})
import(entry)
  .then((mod) => {
    const found = mod.default !== undefined ? mod.default : mod.tasks
    if (found === null || typeof found !== 'object')
      throw new TypeError(entry + ' exports no tasks: end it with export default defineTasks({ name: async (input) => output })')
    for (const [name, fn] of Object.entries(found))
      if (typeof fn !== 'function') throw new TypeError('Task "' + name + '" in ' + entry + ' is not a function')
    tasks = found
    send({ type: 'ready', names: Object.keys(found) })
    for (const msg of pending.splice(0)) run(msg)
  })
  .catch((e) => send({ type: 'load-error', error: toWire(e) }))
`

/** Runner source for a `worker_threads` Worker started with `eval: true` (`workerData.entry`). */
export const THREAD_RUNNER_SOURCE = String.raw`'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const entry = workerData.entry
const send = (m) => parentPort.postMessage(m)
const onMessage = (fn) => parentPort.on('message', fn)
${RUNNER_CORE}`

/**
 * Runner source for `node -e <source> <entry>` with an IPC channel; the child exits when the parent
 * goes away, so no orphan is left behind.
 */
export const PROCESS_RUNNER_SOURCE = String.raw`'use strict'
const entry = process.argv[1]
const send = (m) => process.send(m)
const onMessage = (fn) => process.on('message', fn)
process.on('disconnect', () => process.exit(0))
${RUNNER_CORE}`
