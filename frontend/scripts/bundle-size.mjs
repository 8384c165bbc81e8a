// Prints the size of the JavaScript a first visit loads (the entry chunk and what index.html
// preloads), raw and gzip, and fails the build when gzip exceeds the budget.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_GZIP_KB = 80
const dist = new URL('../dist/', import.meta.url).pathname
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1])

let raw = 0
let gzip = 0
for (const file of files) {
  const bytes = readFileSync(join(dist, file))
  raw += bytes.length
  gzip += gzipSync(bytes, { level: 9 }).length
}
const kb = (n) => (n / 1024).toFixed(1)
console.log(
  `initial JS: ${files.length} file(s), ${kb(raw)} KB raw, ${kb(gzip)} KB gzip (budget ${BUDGET_GZIP_KB} KB gzip)`,
)
if (gzip / 1024 > BUDGET_GZIP_KB) {
  console.error(`initial JS is over the ${BUDGET_GZIP_KB} KB gzip budget`)
  process.exit(1)
}
