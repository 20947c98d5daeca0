import { readFile } from 'node:fs/promises'

/**
 * The error codes listed in a README's error table: every table row whose first cell is a code in
 * backticks (`| \`MEGA_X\` | ... |`), in order. A package's errors test compares them with its
 * exported code list, so the table cannot drift from the code.
 */
export async function readmeErrorCodes(readmePath: string): Promise<string[]> {
  const text = await readFile(readmePath, 'utf8')
  return [...text.matchAll(/^\|\s*`(MEGA_[A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1] ?? '')
}

/**
 * Every `'MEGA_*'` string literal in the `.ts` files under `srcDir` (comment lines skipped): the codes
 * a package can throw.
 */
export async function sourceErrorCodes(srcDir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises')
  const files = (await readdir(srcDir, { recursive: true })).filter((f) => f.endsWith('.ts'))
  const codes = new Set<string>()
  for (const file of files) {
    const lines = (await readFile(`${srcDir}/${file}`, 'utf8')).split('\n')
    const code = lines.filter((l) => !/^\s*(\*|\/\*|\/\/)/.test(l)).join('\n')
    for (const m of code.matchAll(/['"`](MEGA_[A-Z0-9_]+)['"`]/g)) codes.add(m[1] ?? '')
  }
  return [...codes].sort()
}
