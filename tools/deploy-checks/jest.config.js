/** Static checks of the deployment files: no engine, cluster, database or broker needed. */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'deploy-checks',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
