import { main } from './bench-command.js'

process.exit(await main(process.argv.slice(2)))
