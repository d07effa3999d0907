// Prints the console bundle's sizes after `vite build`, and fails when the JavaScript the first
// page loads (index.html's entry script and the modules it preloads) is over 500 KB gzipped.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const LIMIT_KB = 500;
const dist = fileURLToPath(new URL('../../../dist/apps/console', import.meta.url));
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const firstPage = [
  ...html.matchAll(/<script[^>]+src="\/console\/([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/console\/([^"]+\.js)"/g),
].map((match) => match[1]);

const assets = readdirSync(join(dist, 'assets'))
  .map((name) => `assets/${name}`)
  .filter((file) => /\.(js|css)$/.test(file))
  .map((file) => ({ file, raw: statSync(join(dist, file)).size, gzip: gz(file) }))
  .sort((a, b) => b.gzip - a.gzip);

console.log('[console] bundle (gzip -9):');
for (const asset of assets)
  console.log(
    `  ${asset.file.padEnd(48)} ${kb(asset.raw).padStart(10)} ${kb(asset.gzip).padStart(10)} gz${
      firstPage.includes(asset.file) ? '  (first page)' : ''
    }`,
  );
const first = assets.filter((asset) => firstPage.includes(asset.file)).reduce((sum, a) => sum + a.gzip, 0);
const total = assets.filter((asset) => asset.file.endsWith('.js')).reduce((sum, a) => sum + a.gzip, 0);
console.log(
  `[console] first page JavaScript: ${kb(first)} gzipped (limit ${LIMIT_KB} KB); all JavaScript: ${kb(total)}`,
);
if (first > LIMIT_KB * 1024) {
  console.error(`[console] the first page's JavaScript is over ${LIMIT_KB} KB gzipped`);
  process.exit(1);
}
