// Prints the size of the JavaScript a first visit loads (the entry chunk, what index.html
// preloads, and the largest language's `common` messages, which main.js fetches before the first
// screen), raw and gzip, and fails the build when gzip exceeds the budget.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_GZIP_KB = 80
const dist = new URL('../dist/', import.meta.url).pathname
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1])

const sizeOf = (file) => {
  const bytes = readFileSync(join(dist, file))
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}
const languages = readdirSync(join(dist, 'assets'))
  .filter((name) => /^common-.*\.js$/.test(name))
  .map((name) => sizeOf(`assets/${name}`))
if (!languages.length) {
  console.error('no common-*.js language chunk in dist/assets: has src/locales moved?')
  process.exit(1)
}
const largestLanguage = languages.reduce((a, b) => (b.gzip > a.gzip ? b : a))

let raw = largestLanguage.raw
let gzip = largestLanguage.gzip
for (const file of files) {
  const size = sizeOf(file)
  raw += size.raw
  gzip += size.gzip
}
const kb = (n) => (n / 1024).toFixed(1)
console.log(
  `initial JS: ${files.length} file(s) + the largest of ${languages.length} languages ` +
    `(${kb(largestLanguage.gzip)} KB gzip), ${kb(raw)} KB raw, ${kb(gzip)} KB gzip ` +
    `(budget ${BUDGET_GZIP_KB} KB gzip)`,
)
if (gzip / 1024 > BUDGET_GZIP_KB) {
  console.error(`initial JS is over the ${BUDGET_GZIP_KB} KB gzip budget`)
  process.exit(1)
}
