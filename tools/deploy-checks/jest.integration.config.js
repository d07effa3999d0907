/** Every app's build output started as its image starts it, against the real MariaDB and RabbitMQ. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'deploy-checks:integration',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.integration-spec.ts'],
  testTimeout: 120000,
};
