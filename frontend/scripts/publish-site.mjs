// Puts the built SPA (dist/) where Caddy serves it, caddy/site/dist/ (runbook Phase 6), whole:
// the old copy goes first, so no stale bundle is left beside the new one.
import { cpSync, mkdirSync, rmSync } from 'node:fs'

const dist = new URL('../dist/', import.meta.url).pathname
const site = new URL('../../caddy/site/', import.meta.url).pathname

rmSync(`${site}dist`, { recursive: true, force: true })
mkdirSync(site, { recursive: true })
cpSync(dist, `${site}dist`, { recursive: true })
console.log(`published ${dist} to ${site}dist`)
