import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

import { CONSOLE_PATH } from './console-dir';

/**
 * The web console at /console, same origin as /admin/v1 (so no CORS): hashed assets cached for a
 * year, index.html never, and every other /console/* path answered with index.html (the console
 * routes in the browser). Outside Nest's router, so no guard: the files are public, the API is not.
 */
export async function serveConsole(
  app: NestFastifyApplication,
  dir: string | undefined,
): Promise<'served' | 'missing'> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(CONSOLE_PATH, (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
  if (!dir) {
    fastify.get(`${CONSOLE_PATH}/*`, (_request, reply) =>
      reply
        .code(404)
        .type('text/plain; charset=utf-8')
        .send(
          'The web console is not built: run `npx nx build console` (npm start does), or set ADMIN_API_CONSOLE_DIR.\n',
        ),
    );
    return 'missing';
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: `${CONSOLE_PATH}/`,
    // Routes for the files that exist now; the catch-all below answers the console's own paths.
    wildcard: false,
    index: false,
    setHeaders: (reply, path) => {
      reply.header(
        'cache-control',
        path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const index = (_request: FastifyRequest, reply: FastifyReply) => reply.sendFile('index.html');
  fastify.get(`${CONSOLE_PATH}/`, index);
  fastify.get(`${CONSOLE_PATH}/*`, (request, reply) => {
    // A file written after start (the console rebuilt while admin-api runs): served from disk, if
    // it is inside the console's directory.
    const relative = safeDecode(request.url.slice(CONSOLE_PATH.length + 1).split('?')[0] ?? '');
    const file = resolve(dir, relative);
    if (relative && file.startsWith(`${dir}${sep}`) && existsSync(file) && statSync(file).isFile())
      return reply.sendFile(relative);
    // A missing asset is a 404, not the page (a stale tab asking for an old chunk must fail visibly).
    if (request.url.startsWith(`${CONSOLE_PATH}/assets/`))
      return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    return index(request, reply);
  });
  return 'served';
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '';
  }
}
