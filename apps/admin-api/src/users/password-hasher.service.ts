import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id with OWASP's first choice of parameters (19 MiB, 2 passes, 1 lane). */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/**
 * Password hashing. `verifyOrDummy` checks against a hash made at start with the same parameters
 * when the user is unknown, so an unknown username costs the same time as a wrong password.
 */
@Injectable()
export class PasswordHasher {
  private dummy?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Verifies against `hash`, or against the dummy hash when there is none (and then answers false). */
  async verifyOrDummy(hash: string | undefined, password: string): Promise<boolean> {
    if (hash !== undefined) return this.verify(hash, password);
    this.dummy ??= this.hash(`dummy-${Math.random()}-${Date.now()}`);
    await this.verify(await this.dummy, password);
    return false;
  }

  /** Makes the dummy hash ahead of the first login. */
  async warmUp(): Promise<void> {
    this.dummy ??= this.hash(`dummy-${Math.random()}-${Date.now()}`);
    await this.dummy;
  }
}
