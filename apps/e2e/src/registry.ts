import { spawn, type ChildProcess } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { run, userShellEnv } from '@mega/test-utils'

/** A local npm registry (verdaccio) on loopback. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string
  /** Publishes a tarball as an authenticated user. */
  publish(tarball: string): Promise<void>
  /** Everything verdaccio logged (warnings and errors). */
  log(): string
  stop(): Promise<void>
}

/** Options of {@link startLocalRegistry}. */
export interface LocalRegistryOptions {
  /** Where the registry keeps its configuration, users and packages. */
  readonly dir: string
  /**
   * Package names served only from this registry, never from the uplink: ours, so a same-named
   * package on the public registry can never stand in for the one under test.
   */
  readonly localOnly: readonly string[]
  /** The registry third-party packages come from. @default https://registry.npmjs.org/ */
  readonly uplink?: string
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited ${child.exitCode}:\n${log()}`)
    try {
      if ((await fetch(`${url}-/ping`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within 30 s:\n${log()}`)
}

/**
 * Starts verdaccio in a child process: our packages are local-only and publishable by an
 * authenticated user; everything else is proxied from the uplink.
 */
export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const local = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' }
  const config = {
    storage: join(options.dir, 'storage'),
    auth: { htpasswd: { file: join(options.dir, 'htpasswd'), max_users: 1 } },
    uplinks: { upstream: { url: options.uplink ?? 'https://registry.npmjs.org/', timeout: '60s' } },
    packages: {
      ...Object.fromEntries(options.localOnly.map((name) => [name, local])),
      '**': { access: '$all', publish: '$authenticated', proxy: 'upstream' },
    },
    web: { enable: false },
    max_body_size: '200mb',
    log: { type: 'stdout', format: 'json', level: 'warn' },
  }
  const configFile = join(options.dir, 'config.yaml')
  await writeFile(configFile, JSON.stringify(config, null, 2)) // JSON is YAML
  const bin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio')
  const child = spawn(
    process.execPath,
    [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`],
    {
      cwd: options.dir,
      env: userShellEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
  }
  try {
    await waitUntilUp(url, child, () => output)
  } catch (err) {
    await stop()
    throw err
  }

  // `npm adduser` over HTTP: verdaccio creates the user and answers with a token.
  const res = await fetch(`${url}-/user/org.couchdb.user:mega-e2e`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'mega-e2e', password: 'mega-e2e-password', type: 'user' }),
  })
  const { token } = (await res.json()) as { token?: string }
  if (!res.ok || token === undefined) {
    await stop()
    throw new Error(`verdaccio refused to create the publishing user (${res.status})`)
  }
  const npmrc = join(options.dir, 'publish.npmrc')
  await writeFile(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`)

  return {
    url,
    log: () => output,
    stop,
    async publish(tarball) {
      await run('npm', ['publish', tarball, '--userconfig', npmrc, '--registry', url], {
        cwd: options.dir,
      })
    },
  }
}
