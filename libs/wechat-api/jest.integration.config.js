/** Integration tests: the client against a wechat-sim process (WeChat's stand-in), with its fault injection. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'wechat-api:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 60000,
};
