#!/usr/bin/env node
import { runWsHubCli } from '../dist/cli/run-ws-hub-cli.js'
process.exitCode = await runWsHubCli()
