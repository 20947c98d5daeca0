/** `String(value)` that never throws (objects without a prototype, hostile `toString`). */
export function describeValue(value: unknown): string {
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}
