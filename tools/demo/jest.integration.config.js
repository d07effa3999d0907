/** `npm run demo` against a whole stack (every service, wechat-sim, the examples): the full-flow end-to-end test. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'demo:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 300000,
};
