import { randomUUID } from 'node:crypto'
import { copyFile, mkdir, rename, unlink } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { constants } from 'node:fs'
import { CORE_ERRORS } from '../errors.js'

/** How many leading bytes of each upload are kept to check its type. */
export const SNIFF_BYTES = 12

// Magic numbers of the types a browser commonly uploads and an attacker commonly fakes.
const SIGNATURES: readonly (readonly [string, (head: Buffer) => boolean])[] = [
  ['image/png', (h) => h.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))],
  ['image/jpeg', (h) => h.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex'))],
  ['image/gif', (h) => /^GIF8[79]a/.test(h.toString('latin1', 0, 6))],
  [
    'image/webp',
    (h) => h.toString('latin1', 0, 4) === 'RIFF' && h.toString('latin1', 8, 12) === 'WEBP',
  ],
  ['application/pdf', (h) => h.toString('latin1', 0, 5) === '%PDF-'],
]

/**
 * `true` when the content may be of the claimed type: types without a known signature pass (the
 * claim is all there is), sniffable ones only when their first bytes match.
 */
export function contentMatches(type: string, head: Buffer): boolean {
  const signature = SIGNATURES.find(([t]) => t === type)
  return signature === undefined || signature[1](head)
}

/**
 * A client's file name made safe to show and store: the last path segment, letters, digits, `.`,
 * `_`, `-` and spaces only, no leading dots, at most 200 characters (extension kept); `file` when
 * nothing is left.
 */
export function sanitizeFilename(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? ''
  const clean = last
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .replace(/^[.\s]+|\s+$/g, '')
  if (clean === '') return 'file'
  const ext = extname(clean).slice(0, 20)
  return clean.length <= 200 ? clean : clean.slice(0, 200 - ext.length) + ext
}

function checkName(name: string): void {
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    basename(name) !== name ||
    name.includes('\0')
  )
    throw CORE_ERRORS.create('MEGA_UPLOAD_INVALID_NAME', [name])
}

/** What the uploads plugin learned while streaming a file to disk. */
export interface UploadedFileInit {
  readonly field: string
  readonly filename: string
  readonly type: string
  readonly size: number
  readonly path: string
  readonly head: Buffer
}

/** A file of a multipart request, streamed to a temporary file (removed after the response). */
export class UploadedFile {
  /** The form field it came in. */
  readonly field: string
  /** The client's file name, sanitised ({@link sanitizeFilename}): show it, never trust it as a path. */
  readonly filename: string
  /** The client's claimed MIME type (checked against the content by `ctx.file(f, { types })`). */
  readonly type: string
  /** Size in bytes. */
  readonly size: number
  readonly #head: Buffer
  #path: string

  constructor(init: UploadedFileInit) {
    this.field = init.field
    this.filename = init.filename
    this.type = init.type
    this.size = init.size
    this.#path = init.path
    this.#head = init.head
  }

  /** Where the file is now: the temporary file until {@link moveTo}, then its new place. */
  get path(): string {
    return this.#path
  }

  /** `true` when the first bytes agree with {@link type} (always for types Mega cannot sniff). */
  get contentMatchesType(): boolean {
    return contentMatches(this.type, this.#head)
  }

  /**
   * Moves the file into `dir` (created if missing) as `name`, by default a random UUID plus the
   * file's extension, so uploads never collide; an existing file of that name is replaced.
   * Resolves with the new path; the file is then no longer removed after the response.
   */
  async moveTo(dir: string, name?: string): Promise<string> {
    const target = name ?? `${randomUUID()}${extname(this.filename).toLowerCase()}`
    checkName(target)
    await mkdir(dir, { recursive: true })
    const to = join(dir, target)
    try {
      await rename(this.#path, to)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err
      await copyFile(this.#path, to, constants.COPYFILE_FICLONE) // another file system
      await unlink(this.#path)
    }
    this.#path = to
    return to
  }

  toJSON(): Record<string, unknown> {
    return { field: this.field, filename: this.filename, type: this.type, size: this.size }
  }
}
