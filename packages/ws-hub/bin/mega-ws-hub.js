#!/usr/bin/env node
import { runWsHubCli } from '../dist/index.js'
process.exitCode = await runWsHubCli()
