/** wechat-sim needs no database or broker: its HTTP tests run in the unit tier. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'wechat-sim',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testTimeout: 30000,
};
