// Lookups by a name that may come from a request (a filter or sort field, a cursor): only the record's
// own properties count, so `constructor`, `__proto__`, `toString`... never resolve to Object.prototype.

/**
 * `record[key]` when `key` is an own property of `record`, otherwise `undefined`.
 *
 * @example
 * ownProperty(model.columns, 'constructor') // undefined, not Object
 */
export function ownProperty<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

/** A frozen copy of `record` with no prototype: `record.toString` and the like are `undefined`. */
export function nullPrototypeRecord<T>(
  record: Readonly<Record<string, T>>,
): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, record))
}
