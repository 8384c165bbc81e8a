import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'

import { qrCodeDataUrl } from '@/services/qr'

import { decodeQrDataUrl } from '../helpers/qr'

const LINK = 'https://circle.example/#key=A1B2-C3D4-E5F6-G7H8'
const svgOf = (url) => decodeURIComponent(url.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))

describe('qrCodeDataUrl', () => {
  it('draws the text as an SVG data: URL that decodes back to it', async () => {
    const url = await qrCodeDataUrl(LINK)

    expect(url).toMatch(/^data:image\/svg\+xml;charset=utf-8,/)
    expect(svgOf(url)).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(decodeQrDataUrl(url)).toBe(LINK)
  })

  it('uses error correction level M', async () => {
    const url = await qrCodeDataUrl(LINK)

    expect(svgOf(url)).toBe(await QRCode.toString(LINK, { type: 'svg', errorCorrectionLevel: 'M' }))
    expect(svgOf(url)).not.toBe(await QRCode.toString(LINK, { type: 'svg', errorCorrectionLevel: 'L' }))
  })

  it('draws another code for another text', async () => {
    const other = 'https://circle.example/#key=Z9Y8-X7W6-V5T4-S3R2'

    expect(await qrCodeDataUrl(other)).not.toBe(await qrCodeDataUrl(LINK))
    expect(decodeQrDataUrl(await qrCodeDataUrl(other))).toBe(other)
  })

  it('draws a self-contained image, with nothing for the Content-Security-Policy to block', async () => {
    expect(svgOf(await qrCodeDataUrl(LINK))).not.toMatch(/href|<image|<script/)
  })
})
