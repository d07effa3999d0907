export { testEnv, uniqueRunId, waitUntil, sleep } from './test-env';
export {
  createTestDatabase,
  databaseEnv,
  type TestDatabase,
  type TestDatabaseOptions,
  adminQuery,
} from './test-database';
export {
  BrokerProbe,
  deleteBrokerObjects,
  drainQueue,
  isRouted,
  parkEvents,
  publishTestEvent,
  publishRawTestMessage,
  type ProbedMessage,
} from './broker-probe';
export { brokerControl } from './broker-control';
export { startNestContext } from './start-app';
export {
  countersOf,
  startWechatSimProcess,
  totalCalls,
  type SimCounterRow,
  type SimProcess,
} from './wechat-sim-process';
export { freePort, startAppProcess, type AppProcess, type AppProcessOptions } from './app-processes';
export { authorizeHref, confirmForm } from './authorization-pages';
export { leakedSecrets, runPlatformFlow, type PlatformApp, type PlatformRun } from './platform-flow';
export { callRpc } from './rpc-call';
export {
  startReleaseStack,
  type ReleaseStack,
  type ReleaseStackApp,
  type ReleaseStackOptions,
  type SimPlatform,
} from './release-stack';
export { deleteNamespaceObjects } from './namespace-cleanup';
export { createAdminUser, type AdminCliRole, type AdminCliUser } from './admin-cli';
