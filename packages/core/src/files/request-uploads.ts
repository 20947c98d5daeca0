import { rm } from 'node:fs/promises'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import { parseOptions } from '@mega/observe/internal'
import type { UploadedFile } from './uploaded-file.js'
import { CORE_ERRORS } from '../errors.js'

/** Where the uploads plugin keeps a request's files (a decorated property: `null` until parsed). */
export const UPLOADS = 'megaUploads'

interface WithUploads {
  [UPLOADS]?: RequestUploads | null
}

/** The files of one request and the temporary paths to remove when it ends. */
export class RequestUploads {
  readonly files: UploadedFile[] = []
  readonly #temp: string[] = []

  /** Records a temporary path before anything is written to it. */
  track(path: string): void {
    this.#temp.push(path)
  }

  /** Removes every temporary file still there (moved ones are gone already); safe to call twice. */
  async cleanup(): Promise<void> {
    await Promise.all(this.#temp.splice(0).map((p) => rm(p, { force: true })))
  }
}

export function attachUploads(request: FastifyRequest, uploads: RequestUploads): void {
  ;(request as WithUploads)[UPLOADS] = uploads
}

/** The request's files once its form was read; `null` for a request without one. */
export function uploadsOf(request: FastifyRequest): RequestUploads | null {
  return (request as WithUploads)[UPLOADS] ?? null
}

const checkSchema = z
  .object({
    maxBytes: z.number().int().positive().optional(),
    types: z
      .array(
        z.string().regex(/^[\w.+-]+\/(\*|[\w.+-]+)$/, 'a MIME type such as image/png or image/*'),
      )
      .min(1)
      .optional(),
  })
  .strict()

/** What `ctx.file()` / `ctx.files()` check on each file. */
export interface FileCheck {
  /** Largest accepted size in bytes (the plugin's `maxFileBytes` already bounds every file). */
  readonly maxBytes?: number
  /**
   * Accepted MIME types (`image/png`, or `image/*`). PNG, JPEG, GIF, WebP and PDF must also start
   * with their magic number; other types are the client's claim.
   */
  readonly types?: readonly string[]
}

function allowed(type: string, types: readonly string[]): boolean {
  return types.some((t) => (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : type === t))
}

function check(file: UploadedFile, c: FileCheck): UploadedFile {
  if (c.maxBytes !== undefined && file.size > c.maxBytes)
    throw CORE_ERRORS.create(
      'MEGA_UPLOAD_TOO_LARGE',
      [
        `The file in "${file.field}" is ${file.size} bytes; at most ${c.maxBytes} are accepted: send a smaller file.`,
      ],
      { details: { field: file.field, limit: c.maxBytes } },
    )
  if (c.types !== undefined && !(allowed(file.type, c.types) && file.contentMatchesType))
    throw CORE_ERRORS.create(
      'MEGA_UPLOAD_TYPE_NOT_ALLOWED',
      [
        allowed(file.type, c.types)
          ? `The file in "${file.field}" claims ${file.type} but its content is not ${file.type}: send a real ${file.type} file.`
          : `The file in "${file.field}" is ${file.type}: send one of ${c.types.join(', ')}.`,
      ],
      { details: { field: file.field, type: file.type, allowed: c.types } },
    )
  return file
}

function parseCheck(options: FileCheck | undefined): FileCheck {
  return options === undefined ? {} : parseOptions(checkSchema, options, 'ctx.file options')
}

/** `ctx.file(field, check)`: the first file of `field`, checked, or `undefined` when absent. */
export async function fileOf(
  request: FastifyRequest,
  field: string,
  options?: FileCheck,
): Promise<UploadedFile | undefined> {
  const uploads = uploadsOf(request)
  const c = parseCheck(options)
  const file = uploads?.files.find((f) => f.field === field)
  return file === undefined ? undefined : check(file, c)
}

/** `ctx.files(field?, check)`: every file (of `field`), each checked. */
export async function filesOf(
  request: FastifyRequest,
  field?: string,
  options?: FileCheck,
): Promise<UploadedFile[]> {
  const uploads = uploadsOf(request)
  const c = parseCheck(options)
  const files = uploads?.files.filter((f) => field === undefined || f.field === field) ?? []
  return files.map((f) => check(f, c))
}
