export { SecretBox, type KeyRing, type SecretColumnTransformer } from './secret-box';
export { SecretsError, SecretsErrorCode } from './secrets.errors';
