/**
 * A proxy of `target` whose `overrides` replace some methods; every other property reads from the
 * target itself (methods bound to it), so private fields, getters and `instanceof` keep working.
 */
export function overrideMethods<T extends object>(
  target: T,
  overrides: Readonly<Record<string, unknown>>,
): T {
  const bound = new Map<PropertyKey, unknown>()
  return new Proxy(target, {
    get(t, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as string]
      const value: unknown = Reflect.get(t, prop, t)
      if (typeof value !== 'function') return value
      let fn = bound.get(prop)
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(t)
        bound.set(prop, fn)
      }
      return fn
    },
    set: (t, prop, value) => Reflect.set(t, prop, value, t),
  })
}
