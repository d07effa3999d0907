/** Unit tests of the docs/events.md generator, and the check that docs/events.md is up to date. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'events-doc',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
