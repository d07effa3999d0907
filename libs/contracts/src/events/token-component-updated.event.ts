import { IsBoolean } from 'class-validator';

/**
 * `token.component.updated`: a component app was created or changed (never carries its secrets).
 * Ingress drops its cached verification keys of that component on it.
 */
export class TokenComponentUpdatedData {
  /** The message token or EncodingAESKey changed: pushes must be verified with the new keys. */
  @IsBoolean()
  keysChanged!: boolean;
}
