// QR codes, drawn here in the browser: what they encode (a join link, so a key) never leaves it.
import QRCode from 'qrcode'

// Level M survives about 15% damage (a smudge, a fold) and keeps a join link's code small.
export const QR_OPTIONS = { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }

/** The QR code of `text` as an SVG image in a data: URL, which the CSP allows for images. */
export async function qrCodeDataUrl(text) {
  const svg = await QRCode.toString(text, QR_OPTIONS)
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}
