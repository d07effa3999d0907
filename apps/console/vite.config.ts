import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console is served by admin-api at /console (same origin as /admin/v1, so no CORS). In
 * development `vite --config apps/console/vite.config.ts` proxies /admin to a running admin-api.
 */
export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/console', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    proxy: { '/admin': process.env['WXOP_ADMIN_API_URL'] ?? 'http://127.0.0.1:3500' },
  },
  test: {
    root,
    include: ['src/**/*.spec.ts', 'src/**/*.spec.tsx'],
    environment: 'jsdom',
    reporters: ['default', fileURLToPath(new URL('./scripts/vitest-summary-reporter.mjs', import.meta.url))],
  },
});
