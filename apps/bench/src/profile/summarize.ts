// node dist/profile/summarize.js <file.cpuprofile> [filter] [top]
import { readFileSync } from 'node:fs'
import { formatSummary, summarizeProfile, type CpuProfile } from './profile-summary.js'

const [file, filter, top] = process.argv.slice(2)
if (file === undefined) {
  console.log('Usage: node dist/profile/summarize.js <file.cpuprofile> [filter=@mega/] [top=25]')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
console.log(formatSummary(summarizeProfile(profile, filter ?? '@mega/', Number(top ?? 25))))
