// The processes under a pid, read from /proc (Linux): what a test checks to say "no loader, no
// esbuild helper process".
import { readdir, readFile } from 'node:fs/promises'

/** A process: its pid and its command line (arguments joined by spaces). */
export interface ProcessInfo {
  readonly pid: number
  readonly cmdline: string
}

async function readProc(pid: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return undefined // it ended while we looked
  }
}

/** The command line of `pid`, its arguments as they were given. */
export async function commandLine(pid: number): Promise<string[]> {
  return ((await readProc(String(pid), 'cmdline')) ?? '').split('\0').filter(Boolean)
}

/** Every process below `pid` (children, their children...). */
export async function descendants(pid: number): Promise<ProcessInfo[]> {
  const parents = new Map<number, number[]>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readProc(entry, 'stat')
    if (stat === undefined) continue
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)])
  }
  const found: ProcessInfo[] = []
  const queue = [...(parents.get(pid) ?? [])]
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    found.push({ pid: next, cmdline: (await commandLine(next)).join(' ') })
    queue.push(...(parents.get(next) ?? []))
  }
  return found
}
