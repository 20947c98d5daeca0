/** Words of a name written in any case: `OrderItem`, `order-item`, `order_item` → `order`, `item`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase())
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1)

/** `OrderItem` → `order-item`. */
export const toKebab = (name: string): string => words(name).join('-')
/** `order-item` → `OrderItem`. */
export const toPascal = (name: string): string => words(name).map(cap).join('')
/** `order-item` → `orderItem`. */
export const toCamel = (name: string): string => {
  const pascal = toPascal(name)
  return pascal.charAt(0).toLowerCase() + pascal.slice(1)
}

/** `order-item` → `order_items` (a naive English plural: the table name can be edited). */
export function toTable(name: string): string {
  const snake = words(name).join('_')
  if (/(s|x|z|ch|sh)$/.test(snake)) return `${snake}es`
  if (/[^aeiou]y$/.test(snake)) return `${snake.slice(0, -1)}ies`
  return `${snake}s`
}

/** Letters, digits, `-` and `_`, starting with a letter. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/
