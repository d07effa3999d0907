/** Unit tests: beside the code, no database or broker. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'code-release',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
