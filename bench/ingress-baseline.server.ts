/**
 * The ingress baseline: the same work with no framework. Bare node:http, libs/wechat-crypto
 * verify + decrypt, fast-xml-parser with ingress's options, a confirmed persistent publish with
 * amqplib, then `success`. Started as a child process by bench/ingress.bench.ts.
 */
import { WechatCrypto } from '@wxop/wechat-crypto';
import { connect } from 'amqplib';
import { XMLParser } from 'fast-xml-parser';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

const [port, exchange, appid, token, key] = process.argv.slice(2) as [string, string, string, string, string];
const crypto = new WechatCrypto({ appid, token, encodingAESKey: key });
const parser = new XMLParser({
  parseTagValue: false,
  processEntities: false,
  trimValues: false,
  ignoreAttributes: true,
  maxNestedTags: 8,
});

async function main(): Promise<void> {
  const connection = await connect(process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const query = new URL(req.url ?? '/', 'http://x').searchParams;
        const outer = (
          parser.parse(Buffer.concat(chunks).toString('utf8')) as { xml: Record<string, string> }
        ).xml;
        const { message } = crypto.openPush({
          msgSignature: query.get('msg_signature') ?? '',
          timestamp: query.get('timestamp') ?? '',
          nonce: query.get('nonce') ?? '',
          encrypt: outer['Encrypt'] ?? '',
        });
        const fields = (parser.parse(message) as { xml: Record<string, unknown> }).xml;
        const id = createHash('sha1')
          .update(`${appid}|${String(fields['MsgId'])}`)
          .digest('hex');
        const body = Buffer.from(
          JSON.stringify({ id, type: 'wechat.message.text', data: { ...fields, raw: message } }),
        );
        channel.publish(
          exchange,
          'wechat.message.text',
          body,
          { persistent: true, messageId: id, contentType: 'application/json' },
          (error) => {
            res.writeHead(error ? 503 : 200, { 'content-type': 'text/plain' });
            res.end(error ? 'error' : 'success');
          },
        );
      } catch {
        res.writeHead(400);
        res.end();
      }
    });
  }).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
}

void main();
