// Bundles the stand-in's two scripts into site/: external_api.js (what the app loads from the
// Jitsi domain) and room.js (the meeting page inside the iframe). Both use the real postMessage
// transport from @jitsi/js-utils, as Jitsi Meet's own builds do.
import { build } from 'esbuild'

const common = { bundle: true, format: 'iife', target: 'es2019', logLevel: 'warning' }
const licenses =
  'Bundles @jitsi/js-utils 12.0.5 (Apache-2.0, https://github.com/jitsi/js-utils), @hapi/bourne (BSD-3-Clause)'

await build({
  ...common,
  entryPoints: ['src/external_api.js'],
  outfile: 'site/external_api.js',
  banner: { js: `/* InquiryCircle test stand-in for Jitsi's external_api.js. ${licenses} and events (MIT). */` },
})
await build({
  ...common,
  entryPoints: ['src/room.js'],
  outfile: 'site/room.js',
  banner: { js: `/* InquiryCircle test stand-in for a Jitsi Meet room page. ${licenses}. */` },
})
