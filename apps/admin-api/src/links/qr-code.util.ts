import QRCode from 'qrcode';

export type QrCodeFormat = 'png' | 'svg';

/** Error correction M (15 %), the default of the 微管家's QR images; 4 modules of quiet zone. */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** A QR code of `text`: a PNG as base64 (no data: prefix), or an SVG document. */
export async function qrCodeOf(
  text: string,
  format: QrCodeFormat,
): Promise<{ qrCodePng: string } | { qrCodeSvg: string }> {
  if (format === 'svg') return { qrCodeSvg: await QRCode.toString(text, { ...QR_OPTIONS, type: 'svg' }) };
  const png = await QRCode.toBuffer(text, { ...QR_OPTIONS, type: 'png', width: 320 });
  return { qrCodePng: png.toString('base64') };
}
