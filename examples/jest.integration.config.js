/**
 * The examples run against the real stack: each example's test starts wxop's services and
 * wechat-sim (through @wxop/testing), then the example exactly as its README runs it.
 * The examples themselves use no wxop code, only the public contract.
 */
module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'examples:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/*/test/**/*.integration-spec.ts'],
  testTimeout: 180000,
};
