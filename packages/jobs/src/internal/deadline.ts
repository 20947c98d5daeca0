/**
 * Settles as `promise` does, or rejects with `Error(message)` once `ms` have passed first. The timer
 * is cleared either way, so nothing is left running.
 */
export async function deadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}
