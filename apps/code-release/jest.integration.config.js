/** Integration tests: real MariaDB, RabbitMQ, wechat-sim and the token service. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'code-release:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 60000,
};
