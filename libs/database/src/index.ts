export { DatabaseModule, type DatabaseModuleOptions } from './database.module';
