/** Suites that stop and start the broker: run alone, never beside other suites. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'ingress:restart',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.restart-spec.ts'],
  testTimeout: 180000,
};
