/** Integration tests: real MariaDB and RabbitMQ, the app in its own process. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'admin-api:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 120000,
};
