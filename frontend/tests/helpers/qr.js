// Reads a QR code back, as a phone would, from the SVG data: URL the join cards show.
import jsQR from 'jsqr'

/**
 * The dark modules of an SVG drawn by qrcode's svg renderer: one path of horizontal runs,
 * "M<x> <y+0.5>" to start a row, "m<dx> 0" to skip light modules, "h<n>" for n dark ones.
 */
function modules(svg) {
  const size = Number(svg.match(/viewBox="0 0 (\d+) \d+"/)[1])
  const path = svg.match(/<path stroke="[^"]*" d="([^"]*)"/)[1]
  const dark = new Set()
  let x = 0
  let y = 0
  for (const [, command, a, b] of path.matchAll(/([Mmh])([\d.]+)(?: ([\d.]+))?/g)) {
    if (command === 'M') {
      x = Number(a)
      y = Math.floor(Number(b))
    } else if (command === 'm') {
      x += Number(a)
    } else {
      for (let i = 0; i < Number(a); i += 1) dark.add(y * size + x + i)
      x += Number(a)
    }
  }
  return { size, dark }
}

/** The text a QR code in an `data:image/svg+xml,...` URL decodes to, or null if it does not. */
export function decodeQrDataUrl(url, scale = 4) {
  const svg = decodeURIComponent(url.slice(url.indexOf(',') + 1))
  const { size, dark } = modules(svg)
  const width = size * scale
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255)
  for (let py = 0; py < width; py += 1) {
    for (let px = 0; px < width; px += 1) {
      if (!dark.has(Math.floor(py / scale) * size + Math.floor(px / scale))) continue
      const at = (py * width + px) * 4
      pixels[at] = pixels[at + 1] = pixels[at + 2] = 0
    }
  }
  return jsQR(pixels, width, width)?.data ?? null
}
