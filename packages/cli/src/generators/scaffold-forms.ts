// The HTML forms of `mega scaffold` (new and edit, with the CSRF token and a message by each field):
// written when the app has views and its config has the forms() and csrf() plugins they post through.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ScaffoldField } from './scaffold-fields.js'

const CONFIG_FILES = ['mega.config.ts', 'mega.config.mts', 'mega.config.js', 'mega.config.mjs']

/**
 * Whether the project's config uses `forms()` and `csrf()` from `@mega/core` (read as text: the
 * config is not run to find out). Without them a form post would be a 415, or unprotected.
 */
export function hasFormPlugins(root: string): boolean {
  const file = CONFIG_FILES.map((f) => join(root, f)).find((f) => existsSync(f))
  if (file === undefined) return false
  const text = readFileSync(file, 'utf8')
  return /\bforms\(/.test(text) && /\bcsrf\(/.test(text)
}

/** How a field is read from a form's text (see the `FIELDS` table of the generated routes). */
function formKind(field: ScaffoldField): 'number' | 'boolean' | 'json' | 'text' {
  if (field.type === 'integer' || field.type === 'references') return 'number'
  if (field.type === 'boolean' || field.type === 'json') return field.type
  return 'text'
}

/** `{ title: ['text', false], ... }`: the generated routes' table of fields. */
export function formFieldKinds(fields: readonly ScaffoldField[]): string {
  const rows = fields.map((f) => `  ${f.name}: ['${formKind(f)}', ${String(f.nullable)}],`)
  return `{\n${rows.join('\n')}\n}`
}

function control(f: ScaffoldField): string {
  const attrs = `id="${f.name}" name="${f.name}"`
  const value = `<%= values.${f.name} %>`
  const required = f.nullable || f.type === 'boolean' || f.default !== undefined ? '' : ' required'
  switch (f.type) {
    case 'text':
    case 'json':
      return `<textarea ${attrs}${required}>${value}</textarea>`
    case 'boolean':
      return `<input type="checkbox" ${attrs} value="true"<%= values.${f.name} === 'true' ? ' checked' : '' %>>`
    case 'enum': {
      const blank = f.nullable ? '\n    <option value=""></option>' : ''
      const options = (f.values ?? []).map(
        (v) =>
          `\n    <option value="${v}"<%= values.${f.name} === '${v}' ? ' selected' : '' %>>${v}</option>`,
      )
      return `<select ${attrs}>${blank}${options.join('')}\n  </select>`
    }
    case 'integer':
    case 'references':
      return `<input type="number" ${attrs} value="${value}"${required}>`
    case 'date':
      return `<input type="date" ${attrs} value="${value}"${required}>`
    case 'string':
    case 'bigint':
    case 'decimal':
    case 'timestamp':
      return `<input ${attrs} value="${value}"${required}>`
  }
}

/** The label, control and message of every field, for the new and edit views. */
export function formFieldsHtml(fields: readonly ScaffoldField[]): string {
  return fields
    .map((f) =>
      [
        `  <label for="${f.name}">${f.name}</label>`,
        `  ${control(f)}`,
        `  <% if (errors.${f.name}) { %><p class="field-error"><%= errors.${f.name} %></p><% } %>`,
      ].join('\n'),
    )
    .join('\n')
}

const WRONG: Partial<Record<ScaffoldField['type'], string>> = {
  integer: 'not a number',
  references: 'not a number',
  enum: 'not-one-of-them',
  date: 'not a date',
}

/**
 * A test that a wrong value shows the form again (422) with its message and the typed text, for
 * the first field a form can get wrong (a number, an enum, a date); none when there is no such field.
 */
export function invalidFormTest(
  fields: readonly ScaffoldField[],
  skip: string,
  seed: string,
  input: string,
): string {
  const field = fields.find((f) => WRONG[f.type] !== undefined)
  if (field === undefined) return ''
  const wrong = WRONG[field.type]!
  return `  it${skip}('shows the form again with a message by a wrong field', async () => {
    const { app } = await migratedApp()${seed}
    const fields = { ...asForm(${input}), ${field.name}: '${wrong}' }
    const res = await browser(app).post('/PLURAL/new', fields)
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('<p class="field-error">')
    expect(res.body).toContain('${wrong}')
  })

`
}
