import { APPID_PATTERN } from '@wxop/contracts';

import { CodeReleaseError } from './code-release.errors';

/**
 * Reads one RPC request, collecting every problem so the caller learns them all at once
 * (INVALID_REQUEST). Unknown fields are problems too: a misspelt option must not be ignored.
 */
export class RequestReader {
  private readonly problems: string[] = [];
  private readonly body: Record<string, unknown>;

  constructor(request: unknown, fields: readonly string[]) {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      throw CodeReleaseError.invalid('the request must be an object');
    }
    this.body = request as Record<string, unknown>;
    const known = new Set(fields);
    for (const key of Object.keys(this.body)) if (!known.has(key)) this.problems.push(`unknown field ${key}`);
  }

  /** `componentAppid`, or the configured one when omitted. */
  componentAppid(fallback: string | undefined): string {
    const value = this.body['componentAppid'] ?? fallback;
    if (typeof value !== 'string' || !APPID_PATTERN.test(value)) {
      this.problems.push('componentAppid must be an appid (or WECHAT_COMPONENT_APPID be configured)');
      return '';
    }
    return value;
  }

  appid(name: string): string {
    const value = this.body[name];
    if (typeof value !== 'string' || !APPID_PATTERN.test(value)) {
      this.problems.push(`${name} must be an appid`);
      return '';
    }
    return value;
  }

  string(name: string, max: number, options: { min?: number } = {}): string {
    const value = this.optionalString(name, max, options);
    if (value === undefined && !this.problems.some((p) => p.startsWith(`${name} `))) {
      this.problems.push(`${name} is required`);
    }
    return value ?? '';
  }

  optionalString(name: string, max: number, options: { min?: number } = {}): string | undefined {
    const value = this.body[name];
    if (value === undefined) return undefined;
    const min = options.min ?? 1;
    if (typeof value !== 'string' || value.length < min || value.length > max) {
      this.problems.push(`${name} must be a string of ${min} to ${max} characters`);
      return undefined;
    }
    return value;
  }

  integer(name: string, min: number, max: number): number {
    const value = this.optionalInteger(name, min, max);
    if (value === undefined && !this.problems.some((p) => p.startsWith(`${name} `))) {
      this.problems.push(`${name} is required`);
    }
    return value ?? 0;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    const value = this.body[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.body[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.problems.push(`${name} must be true or false`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const value = this.body[name];
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${values.join(', ')}`);
      return values[0]!;
    }
    return value as T;
  }

  object(name: string, options: { maxBytes: number }): Record<string, unknown> {
    const value = this.body[name];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push(`${name} must be an object`);
      return {};
    }
    if (Buffer.byteLength(JSON.stringify(value)) > options.maxBytes) {
      this.problems.push(`${name} must be at most ${options.maxBytes} bytes as JSON`);
    }
    return value as Record<string, unknown>;
  }

  /** The raw value, for fields checked by their own parser (which reports through `problem`). */
  raw(name: string): unknown {
    return this.body[name];
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  /** The problems found so far (a nested object's reader hands them to its parent). */
  problemList(): readonly string[] {
    return this.problems;
  }

  /** Throws INVALID_REQUEST naming every problem, if there is any. */
  done(): void {
    if (this.problems.length > 0) throw CodeReleaseError.invalid(this.problems.join('; '));
  }
}
