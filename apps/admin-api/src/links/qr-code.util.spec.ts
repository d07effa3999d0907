import QRCode from 'qrcode';

import { qrCodeOf } from './qr-code.util';

const URL = 'https://wxop.example.com/authorize/start?linkId=0f6c2b1e-4d7a-4a55-9f43-2f1f1b7f1c11';

describe('qrCodeOf', () => {
  it('answers a 320 px PNG in base64, different for another URL', async () => {
    const answer = await qrCodeOf(URL, 'png');
    expect(Object.keys(answer)).toEqual(['qrCodePng']);
    const png = Buffer.from((answer as { qrCodePng: string }).qrCodePng, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(320); // IHDR width, as asked
    const other = (await qrCodeOf(`${URL}x`, 'png')) as { qrCodePng: string };
    expect(other.qrCodePng).not.toEqual((answer as { qrCodePng: string }).qrCodePng);
  });

  it("answers an SVG of the URL's symbol at level M, different for another URL", async () => {
    const one = (await qrCodeOf(URL, 'svg')) as { qrCodeSvg: string };
    const other = (await qrCodeOf(`${URL}x`, 'svg')) as { qrCodeSvg: string };
    expect(one.qrCodeSvg.startsWith('<svg')).toBe(true);
    // The symbol of the URL at level M, with a quiet zone of 4 modules on each side.
    const size = QRCode.create(URL, { errorCorrectionLevel: 'M' }).modules.size;
    expect(one.qrCodeSvg).toContain(`viewBox="0 0 ${size + 8} ${size + 8}"`);
    expect(one.qrCodeSvg).not.toEqual(other.qrCodeSvg);
  });
});
