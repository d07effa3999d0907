/** Unit tests: beside the code, no database. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'database',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
