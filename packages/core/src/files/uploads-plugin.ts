import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { MultipartFile } from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { MegaError } from '@mega/observe'
import { parseOptions } from '@mega/observe/internal'
import { BadRequestError, CORE_ERRORS } from '../errors.js'
import { defineContextFeature } from '../app/context-features.js'
import { definePlugin, type MegaPlugin } from '../plugins/define-plugin.js'
import {
  RequestUploads,
  UPLOADS,
  attachUploads,
  fileOf,
  filesOf,
  type FileCheck,
} from './request-uploads.js'
import { SNIFF_BYTES, UploadedFile, sanitizeFilename } from './uploaded-file.js'

declare module '../app/request-context.js' {
  interface MegaContextFeatures {
    /**
     * The first file uploaded in `field` (the `uploads()` plugin), checked against `maxBytes` and
     * `types`, or `undefined` when the form has none.
     */
    file(field: string, check?: FileCheck): Promise<UploadedFile | undefined>
    /** Every uploaded file (of `field`), each checked as by `ctx.file`. */
    files(field?: string, check?: FileCheck): Promise<UploadedFile[]>
  }
}

const howTo = {
  plugin: 'uploads',
  hint: 'add uploads() to plugins in mega.config.ts (import { uploads } from "@mega/core").',
}
const fileFeature = defineContextFeature('file', howTo)
const filesFeature = defineContextFeature('files', howTo)

const MiB = 1024 * 1024
const size = z.number().int().positive()

const optionsSchema = z
  .object({
    maxFileBytes: size.default(10 * MiB),
    maxFiles: size.default(10),
    maxFields: z.number().int().min(0).default(100),
    maxFieldBytes: size.default(MiB),
    tmpDir: z
      .string()
      .refine(isAbsolute, 'an absolute path (e.g. from os.tmpdir() or path.resolve())')
      .default(() => tmpdir()),
  })
  .strict()

/** Options of {@link uploads}. */
export type UploadsOptions = z.input<typeof optionsSchema>
type Resolved = z.output<typeof optionsSchema>

/** Keeps the first bytes of a stream that passes through, to check the file's type. */
class HeadCapture extends Transform {
  head = Buffer.alloc(0)
  override _transform(chunk: Buffer, _encoding: string, done: TransformCallback): void {
    if (this.head.length < SNIFF_BYTES)
      this.head = Buffer.concat([this.head, chunk]).subarray(0, SNIFF_BYTES)
    done(null, chunk)
  }
}

function tooLarge(field: string, limit: number, what: string): MegaError {
  return CORE_ERRORS.create(
    'MEGA_UPLOAD_TOO_LARGE',
    [`The ${what} "${field}" is larger than ${limit} bytes: send less.`],
    { details: { field, limit } },
  )
}

function tooMany(code: string, o: Resolved): MegaError {
  const files = code === 'FST_FILES_LIMIT'
  const limit = files ? o.maxFiles : o.maxFields
  return CORE_ERRORS.create(
    files ? 'MEGA_UPLOAD_TOO_MANY_FILES' : 'MEGA_UPLOAD_TOO_MANY_FIELDS',
    [limit],
    { details: { limit } },
  )
}

/** What a failure while reading the form becomes: a coded 4xx for the client's mistakes. */
function uploadError(err: unknown, o: Resolved): unknown {
  if (MegaError.is(err)) return err
  const { code, statusCode, syscall } = err as {
    code?: string
    statusCode?: number
    syscall?: string
  }
  if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT')
    return tooMany(code, o)
  if (statusCode !== undefined || syscall !== undefined) return err // Fastify 4xx, disk errors
  const reason = err instanceof Error ? err.message : String(err)
  return new BadRequestError(`The multipart body is malformed (${reason}): send a valid form.`)
}

async function saveFile(
  part: MultipartFile,
  o: Resolved,
  uploads: RequestUploads,
): Promise<UploadedFile | undefined> {
  const path = join(o.tmpDir, `mega-upload-${randomUUID()}`)
  uploads.track(path)
  const head = new HeadCapture()
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 })
  await pipeline(part.file, head, out)
  if (part.file.truncated) throw tooLarge(part.fieldname, o.maxFileBytes, 'file in')
  // A file input left empty still sends a part: no name, no bytes. It is absent, not a file.
  const filename = (part.filename as string | undefined) ?? ''
  if (filename === '' && out.bytesWritten === 0) return undefined
  return new UploadedFile({
    field: part.fieldname,
    filename: sanitizeFilename(filename),
    type: part.mimetype,
    size: out.bytesWritten,
    path,
    head: head.head,
  })
}

function addField(body: Record<string, unknown>, name: string, value: unknown): void {
  const previous = body[name]
  if (previous === undefined) body[name] = value
  else if (Array.isArray(previous)) previous.push(value)
  else body[name] = [previous, value]
}

/** Streams the files to disk and gathers the text fields into `request.body`, for validation. */
async function readForm(request: FastifyRequest, reply: FastifyReply, o: Resolved): Promise<void> {
  const uploads = new RequestUploads()
  attachUploads(request, uploads)
  reply.raw.once('close', () => void uploads.cleanup()) // also when the client goes away
  const body: Record<string, unknown> = {}
  const limits = {
    limits: {
      fileSize: o.maxFileBytes,
      files: o.maxFiles,
      fields: o.maxFields,
      fieldSize: o.maxFieldBytes,
      parts: o.maxFiles + o.maxFields,
    },
    throwFileSizeLimit: false,
  }
  try {
    for await (const part of request.parts(limits)) {
      if (part.type === 'file') {
        const file = await saveFile(part, o, uploads)
        if (file !== undefined) uploads.files.push(file)
      } else if (part.valueTruncated) throw tooLarge(part.fieldname, o.maxFieldBytes, 'field')
      else addField(body, part.fieldname, part.value)
    }
  } catch (err) {
    throw uploadError(err, o)
  } finally {
    if (reply.raw.destroyed) await uploads.cleanup() // a file may have started after the close
  }
  request.body = body
}

/**
 * `multipart/form-data` bodies (`@fastify/multipart`): each file is streamed to a temporary file
 * (never held in memory), limits are enforced while streaming, and the temporary files are removed
 * once the response is sent (or the client goes away), whatever happened. The text fields become
 * `ctx.body`, validated by the route's `body` schema like a JSON body.
 *
 * @example
 * defineConfig({ plugins: [uploads({ maxFileBytes: 5_000_000 })] })
 * // in a handler
 * const avatar = await ctx.file('avatar', { maxBytes: 2_000_000, types: ['image/png', 'image/jpeg'] })
 * if (avatar) await avatar.moveTo('/var/app/avatars')
 */
export function uploads(options: UploadsOptions = {}): MegaPlugin {
  const o = parseOptions(optionsSchema, options, 'uploads options')
  return definePlugin({
    name: 'uploads',
    async setup(api) {
      await mkdir(o.tmpDir, { recursive: true })
      const { default: multipart } = await import('@fastify/multipart')
      const { fastify } = api
      await fastify.register(multipart, {
        limits: { fileSize: o.maxFileBytes, files: o.maxFiles, fields: o.maxFields },
      })
      fastify.decorateRequest(UPLOADS, null)
      fileFeature.provide(
        fastify,
        ({ request }) =>
          (field, check) =>
            fileOf(request, field, check),
      )
      filesFeature.provide(
        fastify,
        ({ request }) =>
          (field, check) =>
            filesOf(request, field, check),
      )
      fastify.addHook('preValidation', async (request, reply) => {
        if (request.isMultipart() && !request.is404) await readForm(request, reply, o)
      })
      fastify.addHook('onResponse', async (request) => {
        await (request as { [UPLOADS]?: RequestUploads | null })[UPLOADS]?.cleanup()
      })
    },
  })
}
