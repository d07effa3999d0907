// `npm start`: receives wxop's forwarded events over HTTP (README.md). Node's standard library only.
import { createServer } from 'node:http';

import { ConfigError, loadConfig } from './config.js';
import { handleEvent } from './handle-event.js';
import { createReceiver } from './receiver.js';

/** One JSON line on stdout per request outcome (and per start and stop), for people and scripts. */
function log(line) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`webhook-receiver: ${error.message}\n`);
  process.exit(2);
}

const server = createServer(createReceiver({ ...config, onEvent: handleEvent, log }));
// A slow or stalled sender cannot hold a connection for long (wxop itself gives up after 10 s).
server.headersTimeout = 10_000;
server.requestTimeout = 15_000;

server.listen(config.port, config.host, () => {
  const { address, port } = server.address();
  log({
    msg: 'listening',
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}${config.path}`,
    port,
    secrets: config.secrets.length,
    toleranceSeconds: config.toleranceSeconds,
    maxBodyBytes: config.maxBodyBytes,
  });
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log({ msg: 'stopping', signal });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
}
