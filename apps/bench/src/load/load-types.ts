/** What the load generator is asked to do. */
export interface LoadSpec {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly body?: string
  readonly headers?: Readonly<Record<string, string>>
  readonly connections: number
  readonly pipelining: number
  readonly durationSec: number
}

/** What one load run measured. */
export interface LoadResult {
  /** Responses received. */
  readonly requests: number
  readonly durationSec: number
  /** requests / durationSec. */
  readonly rps: number
  readonly non2xx: number
  readonly errors: number
  readonly timeouts: number
  readonly latencyP50Ms: number
  readonly latencyP99Ms: number
}
