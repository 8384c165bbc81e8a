// Installs the locked dependencies (npm ci) when node_modules is missing or older than
// package-lock.json; otherwise does nothing. Needs nothing but node, so it runs before them.
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'

const root = new URL('..', import.meta.url).pathname
const lock = `${root}package-lock.json`
const installed = `${root}node_modules/.package-lock.json`

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs
if (stale) {
  console.log('npm ci: node_modules is missing or older than package-lock.json')
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
}
