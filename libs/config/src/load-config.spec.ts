import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { IsBoolean, IsInt, IsNumber, IsString, Max, Min } from 'class-validator';

import {
  DatabaseConfig,
  HttpConfig,
  LogConfig,
  RabbitMqConfig,
  SecretsConfig,
  WechatEndpointsConfig,
} from './common.config';
import { EnvBoolean, EnvFloat, EnvInt, EnvList } from './env-transforms.util';
import { ConfigValidationError, loadConfig, variableNames } from './load-config';
import { SecretVariable } from './secret-variable.util';

class SampleConfig {
  @EnvInt()
  @IsInt()
  @Min(1)
  SAMPLE_PORT = 8080;

  @SecretVariable()
  @IsString()
  SAMPLE_SECRET!: string;
}

class FlagConfig {
  @EnvBoolean()
  @IsBoolean()
  FLAG = false;

  @EnvList()
  @IsString({ each: true })
  LIST: string[] = [];
}

class RatioConfig {
  @EnvFloat()
  @IsNumber()
  @Max(1)
  RATIO = 0.5;
}

describe(loadConfig.name, () => {
  it('finds variables declared without a default', () => {
    expect(variableNames(SecretsConfig)).toEqual(
      expect.arrayContaining(['SECRETS_KEYS', 'SECRETS_CURRENT_KEY_ID']),
    );
    expect(variableNames(DatabaseConfig)).toContain('DB_NAME');
  });

  it('applies defaults and converts types', () => {
    const sut = loadConfig({ db: DatabaseConfig, http: HttpConfig }, { DB_PORT: '3307', HTTP_PORT: '' });
    expect(sut.db.DB_PORT).toBe(3307);
    expect(sut.db.DB_HOST).toBe('127.0.0.1');
    expect(sut.http.HTTP_PORT).toBe(3000);
    expect(sut.db).toBeInstanceOf(DatabaseConfig);
  });

  it('migrates at start unless DB_MIGRATIONS_RUN says false, and refuses anything but a boolean', () => {
    expect(loadConfig({ db: DatabaseConfig }, {}).db.DB_MIGRATIONS_RUN).toBe(true);
    expect(loadConfig({ db: DatabaseConfig }, { DB_MIGRATIONS_RUN: 'false' }).db.DB_MIGRATIONS_RUN).toBe(
      false,
    );
    expect(() => loadConfig({ db: DatabaseConfig }, { DB_MIGRATIONS_RUN: 'later' })).toThrow(
      /DB_MIGRATIONS_RUN.*got "later"/,
    );
  });

  it('reads a plain decimal and reports anything else as it was given', () => {
    expect(loadConfig({ r: RatioConfig }, { RATIO: ' 0.25 ' }).r.RATIO).toBe(0.25);
    expect(loadConfig({ r: RatioConfig }, {}).r.RATIO).toBe(0.5);
    expect(() => loadConfig({ r: RatioConfig }, { RATIO: '1e-1' })).toThrow(/RATIO.*got "1e-1"/);
    expect(() => loadConfig({ r: RatioConfig }, { RATIO: '2' })).toThrow(/RATIO/);
  });

  it('names every bad variable of every section in one error', () => {
    let error: ConfigValidationError | undefined;
    try {
      loadConfig(
        { db: DatabaseConfig, log: LogConfig, wechat: WechatEndpointsConfig },
        { DB_PORT: '33o6', LOG_LEVEL: 'loud', WECHAT_API_BASE_URL: 'ftp://x' },
      );
    } catch (caught) {
      error = caught as ConfigValidationError;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error!.problems).toHaveLength(3);
    expect(error!.message).toContain('DB_PORT');
    expect(error!.message).toContain('got "33o6"');
    expect(error!.message).toContain('LOG_LEVEL');
    expect(error!.message).toContain('WECHAT_API_BASE_URL');
    expect(error!.message).toContain('.env.example');
  });

  it('reports a missing required variable as missing', () => {
    expect(() => loadConfig({ s: SecretsConfig }, {})).toThrow(/SECRETS_KEYS: .*\(missing\)/);
  });

  it('never prints the value of a secret variable', () => {
    try {
      loadConfig(
        { r: RabbitMqConfig, s: SampleConfig },
        { RABBITMQ_URL: 'http://user:hunter2@host', SAMPLE_SECRET: '' },
      );
      throw new Error('expected a ConfigValidationError');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('RABBITMQ_URL');
      expect(message).not.toContain('hunter2');
      expect(message).toContain('(hidden)');
    }
  });

  it('parses booleans and lists strictly', () => {
    expect(loadConfig({ f: FlagConfig }, { FLAG: 'yes', LIST: ' a, b ,,c ' }).f).toEqual({
      FLAG: true,
      LIST: ['a', 'b', 'c'],
    });
    expect(loadConfig({ f: FlagConfig }, { FLAG: 'off' }).f.FLAG).toBe(false);
    expect(() => loadConfig({ f: FlagConfig }, { FLAG: 'maybe' })).toThrow(/FLAG: .*got "maybe"/);
  });

  it('accepts a well-formed secrets key ring', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const sut = loadConfig(
      { s: SecretsConfig },
      { SECRETS_KEYS: `k1:${key},k2:${key}`, SECRETS_CURRENT_KEY_ID: 'k2' },
    );
    expect(sut.s.SECRETS_CURRENT_KEY_ID).toBe('k2');
  });
});

describe('.env.example', () => {
  it('lists every variable of the shared schemas', () => {
    const example = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]));
    for (const schema of [
      DatabaseConfig,
      RabbitMqConfig,
      HttpConfig,
      LogConfig,
      WechatEndpointsConfig,
      SecretsConfig,
    ]) {
      for (const name of variableNames(schema)) {
        expect(listed).toContain(name);
      }
    }
  });
});
