/** Unit tests of the dead-letter CLI's argument parsing and output (the broker side is in libs/messaging). */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'dlq',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
