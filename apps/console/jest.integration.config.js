/**
 * The console end to end: the services, wechat-sim and admin-api serving the built console, driven
 * in Debian's Chromium by playwright-core (scripts/infra.sh installs it when missing).
 */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'console:e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/e2e/**/*.integration-spec.ts'],
  testTimeout: 300000,
};
