/** Integration tests: real MariaDB and RabbitMQ, isolated per run. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'token:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 60000,
};
