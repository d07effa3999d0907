export { DatabaseModule, type DatabaseModuleOptions } from './database.module';
export { inTransaction, isLockConflict, type TransactionOptions } from './transaction.util';
