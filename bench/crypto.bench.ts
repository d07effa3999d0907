import { createDecipheriv, createHash } from 'node:crypto';

import { WechatCrypto } from '@wxop/wechat-crypto';

import { measureOpsPerSec, median, round, type Bench } from './bench.util';

const TOKEN = 'benchtoken';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx1234567890abcdef';

/** A user text message padded to 1 KiB of XML, as WeChat would push it. */
function pushOf1KiB(): {
  msgSignature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
  size: number;
} {
  const head =
    '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>' +
    '<CreateTime>1715943329</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[';
  const tail = ']]></Content><MsgId>24617411567434112</MsgId></xml>';
  const message = head + 'x'.repeat(1024 - head.length - tail.length) + tail;
  const crypto = new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: APPID });
  const encrypt = crypto.encrypt(message);
  const timestamp = '1715943329';
  const nonce = '1590219412';
  return {
    msgSignature: crypto.signature(timestamp, nonce, encrypt),
    timestamp,
    nonce,
    encrypt,
    size: Buffer.byteLength(message),
  };
}

/**
 * The same work with bare node:crypto and nothing else: SHA-1 over the sorted strings and
 * an equality test, base64 decode, AES-256-CBC decrypt without auto padding, strip the
 * padding, read the length, slice the message, compare the appid.
 */
function rawBaseline(push: ReturnType<typeof pushOf1KiB>): () => string {
  const key = Buffer.from(`${KEY}=`, 'base64');
  const iv = key.subarray(0, 16);
  return () => {
    const signature = createHash('sha1')
      .update([TOKEN, push.timestamp, push.nonce, push.encrypt].sort().join(''))
      .digest('hex');
    if (signature !== push.msgSignature) throw new Error('signature');
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(Buffer.from(push.encrypt, 'base64')), decipher.final()]);
    const unpadded = plain.subarray(0, plain.length - plain[plain.length - 1]!);
    const length = unpadded.readUInt32BE(16);
    if (unpadded.toString('utf8', 20 + length) !== APPID) throw new Error('appid');
    return unpadded.toString('utf8', 20, 20 + length);
  };
}

const run: Bench = async () => {
  const push = pushOf1KiB();
  const sut = new WechatCrypto({ token: TOKEN, encodingAESKey: KEY, appid: APPID });
  const ours = () => sut.openPush(push).message;
  const baseline = rawBaseline(push);
  if (ours() !== baseline()) throw new Error('the two implementations disagree');

  // Warm up both, then alternate rounds so drift on a shared machine hits both alike.
  measureOpsPerSec(ours, 300);
  measureOpsPerSec(baseline, 300);
  const oursRounds: number[] = [];
  const baselineRounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    oursRounds.push(measureOpsPerSec(ours, 600));
    baselineRounds.push(measureOpsPerSec(baseline, 600));
  }
  const opsPerSec = median(oursRounds);
  const baselineOpsPerSec = median(baselineRounds);
  const ratio = opsPerSec / baselineOpsPerSec;

  console.log(
    `crypto: verify + decrypt of a ${push.size}-byte push (msg_signature, AES-256-CBC, PKCS#7/32, appid check)`,
  );
  console.log(
    `  libs/wechat-crypto   ${Math.round(opsPerSec).toLocaleString('en')} ops/s   (rounds: ${oursRounds.map(Math.round).join(', ')})`,
  );
  console.log(
    `  raw node:crypto      ${Math.round(baselineOpsPerSec).toLocaleString('en')} ops/s   (rounds: ${baselineRounds.map(Math.round).join(', ')})`,
  );
  console.log(`  ratio                ${ratio.toFixed(3)}   (bar ≥ 0.8)`);
  return {
    figures: {
      messageBytes: push.size,
      opsPerSec: Math.round(opsPerSec),
      baselineOpsPerSec: Math.round(baselineOpsPerSec),
      ratio: round(ratio),
      microsPerOp: round(1e6 / opsPerSec, 2),
    },
    bar: 'ratio >= 0.8',
    passed: ratio >= 0.8,
  };
};

export default run;
