import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { BaseAdapter } from '@mega/core'
import { parseOptions } from '@mega/observe/internal'
import { dbError } from '../../errors.js'
import { DEFAULT_KV_APP, type KvClock, type KvScope } from '../kv-input.js'
import { fileOptionsSchema, type FileOptions, type FileOptionsInput } from './file-options.js'

/** What each entry file holds: the full key, the JSON value and when it expires (`null`: never). */
export interface FileEnvelope {
  readonly key: string
  readonly value: unknown
  readonly expiresAt: number | null
}

const ENTRY_FILE = /^[0-9a-f]{64}\.json$/
const SWEEP_BATCH = 64

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

function parseEnvelope(text: string): FileEnvelope | undefined {
  try {
    const env = JSON.parse(text) as Partial<FileEnvelope> | null
    const ok =
      typeof env?.key === 'string' && (env.expiresAt === null || typeof env.expiresAt === 'number')
    return ok ? (env as FileEnvelope) : undefined
  } catch {
    return undefined
  }
}

/**
 * Entries as files in one folder: file name = sha256 hex of the key, content = a JSON envelope,
 * written atomically (temp file + rename). Expired entries are deleted when read (lazy) and by
 * {@link FileStore.sweep}, which a `unref`'d timer runs while the store is open.
 */
export class FileStore {
  /** The absolute folder of the entries. */
  readonly dir: string
  readonly #clock: KvClock
  readonly #sweepIntervalMs: number
  #timer: NodeJS.Timeout | undefined
  #sweeping: Promise<number> | undefined

  constructor(dir: string, sweepIntervalMs: number, clock: KvClock = Date.now) {
    this.dir = resolve(dir)
    this.#sweepIntervalMs = sweepIntervalMs
    this.#clock = clock
  }

  /** Creates the folder (recursively) and starts the sweep timer. */
  async open(): Promise<void> {
    await this.#io('create the folder', () => mkdir(this.dir, { recursive: true }))
    this.#timer ??= setInterval(() => void this.#sweepInBackground(), this.#sweepIntervalMs)
    this.#timer.unref()
  }

  /** Stops the sweep timer (entries stay on disk). */
  close(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** The file that holds `key`. */
  fileOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex')}.json`)
  }

  /** The live envelope of `key`; an expired one is deleted and reported as missing. */
  async read(key: string): Promise<FileEnvelope | undefined> {
    const file = this.fileOf(key)
    const env = await this.#load(file)
    if (env === undefined || env.key !== key) return undefined
    if (!this.#expired(env)) return env
    await this.#remove(file)
    return undefined
  }

  /** Writes `valueJson` (already-serialised JSON) under `key`, expiring after `ttlMs` if given. */
  async write(key: string, valueJson: string, ttlMs: number | undefined): Promise<void> {
    const expiresAt = ttlMs === undefined ? null : this.#clock() + ttlMs
    const text = `{"key":${JSON.stringify(key)},"expiresAt":${expiresAt},"value":${valueJson}}`
    const file = this.fileOf(key)
    const temp = `${file}.${randomUUID()}.tmp`
    await this.#io('write', async () => {
      try {
        await writeFile(temp, text, 'utf8')
        await rename(temp, file)
      } catch (err) {
        await rm(temp, { force: true })
        throw err
      }
    })
  }

  /** Deletes `key`; `true` when a live entry was removed. */
  async delete(key: string): Promise<boolean> {
    const live = await this.read(key)
    return live !== undefined && (await this.#remove(this.fileOf(key)))
  }

  /** Deletes every expired (or unreadable) entry file, read or not; resolves how many. */
  async sweep(): Promise<number> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (err) {
      if (isMissing(err)) return 0
      throw dbError('MEGA_KV_UNAVAILABLE', `Could not list ${this.dir}: check the folder.`, {
        cause: err,
      })
    }
    const files = names.filter((n) => ENTRY_FILE.test(n)).map((n) => join(this.dir, n))
    let removed = 0
    for (let i = 0; i < files.length; i += SWEEP_BATCH) {
      const batch = files.slice(i, i + SWEEP_BATCH)
      const done = await Promise.all(batch.map((file) => this.#sweepFile(file)))
      removed += done.filter(Boolean).length
    }
    return removed
  }

  async #sweepFile(file: string): Promise<boolean> {
    const env = await this.#load(file)
    if (env !== undefined && !this.#expired(env)) return false
    return this.#remove(file)
  }

  async #sweepInBackground(): Promise<void> {
    if (this.#sweeping !== undefined) return
    this.#sweeping = this.sweep()
    try {
      await this.#sweeping
    } catch (err) {
      process.emitWarning(`Sweep of ${this.dir} failed: ${String(err)}`)
    } finally {
      this.#sweeping = undefined
    }
  }

  /** The envelope in `file`: `undefined` when missing or unreadable (a corrupt file counts as missing). */
  async #load(file: string): Promise<FileEnvelope | undefined> {
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      if (isMissing(err)) return undefined
      throw dbError(
        'MEGA_KV_UNAVAILABLE',
        `Could not read ${file}: check the folder's permissions.`,
        { cause: err },
      )
    }
    return parseEnvelope(text)
  }

  #expired(env: FileEnvelope): boolean {
    return env.expiresAt !== null && env.expiresAt <= this.#clock()
  }

  async #remove(file: string): Promise<boolean> {
    try {
      await unlink(file)
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw dbError(
        'MEGA_KV_UNAVAILABLE',
        `Could not delete ${file}: check the folder's permissions.`,
        { cause: err },
      )
    }
  }

  async #io(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run()
    } catch (err) {
      throw dbError(
        'MEGA_KV_UNAVAILABLE',
        `Could not ${what} in ${this.dir} (${String(err)}): check the folder exists and is writable (connect() creates it).`,
        { cause: err },
      )
    }
  }
}

/**
 * The shared part of the file adapters: options, a {@link FileStore} in `dir`, entries named
 * `<kind>:<app>:<key>` (so apps, and cache and sessions, never collide in one folder).
 */
export abstract class FileKvAdapter extends BaseAdapter {
  /** The validated options, with defaults. */
  readonly options: FileOptions
  /** The app whose keys this adapter uses. */
  readonly app: string
  /** The store (exposed for `sweep()` and tests). */
  readonly store: FileStore

  constructor(alias: string, options: FileOptionsInput, scope: KvScope, defaultDir: string) {
    super('file', alias)
    this.options = parseOptions(fileOptionsSchema, options, `adapters.${alias}`)
    this.app = scope.app ?? DEFAULT_KV_APP
    this.store = new FileStore(
      this.options.dir ?? defaultDir,
      this.options.sweepIntervalMs,
      scope.clock,
    )
  }

  /** The stored name of `key`: `<kind>:<app>:<key>`. */
  entryKey(key: string): string {
    return `${this.kind}:${this.app}:${key}`
  }

  /** Deletes expired entries now (a timer does it every `sweepIntervalMs`); resolves how many. */
  sweep(): Promise<number> {
    return this.store.sweep()
  }

  protected async _connect(): Promise<void> {
    await this.store.open()
  }

  protected async _disconnect(): Promise<void> {
    this.store.close()
  }
}
