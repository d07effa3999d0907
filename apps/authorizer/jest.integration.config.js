/** Integration tests: real MariaDB, RabbitMQ, wechat-sim, and the token and ingress services. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'authorizer:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 60000,
};
