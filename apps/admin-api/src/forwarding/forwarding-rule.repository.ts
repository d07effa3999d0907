import { Injectable } from '@nestjs/common';
import { SecretBox } from '@wxop/secrets';
import { DataSource, type EntityManager } from 'typeorm';

/** One forwarding rule, secrets decrypted. */
export interface RuleRecord {
  id: string;
  name: string;
  eventPattern: string;
  componentAppid?: string;
  authorizerAppid?: string;
  targetUrl: string;
  enabled: boolean;
  concurrency: number;
  secret: string;
  /** The secret before the last rotation, while its overlap lasts. */
  previousSecret?: string;
  previousSecretExpiresAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewRule {
  id: string;
  name: string;
  eventPattern: string;
  componentAppid?: string;
  authorizerAppid?: string;
  targetUrl: string;
  enabled: boolean;
  concurrency: number;
  secret: string;
}

/** What an update changes: an undefined field stays as it is; a filter set to `null` is cleared. */
export type RuleChanges = Partial<
  Pick<NewRule, 'name' | 'eventPattern' | 'targetUrl' | 'enabled' | 'concurrency'>
> & {
  componentAppid?: string | null;
  authorizerAppid?: string | null;
};

interface RuleRow {
  id: string;
  name: string;
  event_pattern: string;
  component_appid: string | null;
  authorizer_appid: string | null;
  target_url: string;
  enabled: number;
  concurrency: number;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const NOW = 'UTC_TIMESTAMP(3)';
const COLUMNS = `id, name, event_pattern, component_appid, authorizer_appid, target_url, enabled, concurrency,
  secret_encrypted, IF(previous_secret_expires_at > ${NOW}, previous_secret_encrypted, NULL) AS previous_secret_encrypted,
  IF(previous_secret_expires_at > ${NOW}, previous_secret_expires_at, NULL) AS previous_secret_expires_at,
  created_at, updated_at`;

/** In the transaction of each rule write: replicas compare it with the version of their cached rules. */
const BUMP_VERSION = 'UPDATE forwarding_rules_version SET version = version + 1 WHERE id = 1';

const CHANGE_COLUMNS: Record<keyof RuleChanges, string> = {
  name: 'name',
  eventPattern: 'event_pattern',
  componentAppid: 'component_appid',
  authorizerAppid: 'authorizer_appid',
  targetUrl: 'target_url',
  enabled: 'enabled',
  concurrency: 'concurrency',
};

/**
 * The only code touching `forwarding_rules` and `forwarding_rules_version` (every write bumps the
 * version in its transaction); signing secrets are sealed with SecretBox, bound to their rule.
 */
@Injectable()
export class ForwardingRuleRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  /** The rules' version: changes with every committed rule write (a string: BIGINT). */
  async version(): Promise<string> {
    const [row] = (await this.dataSource.query(
      'SELECT version FROM forwarding_rules_version WHERE id = 1',
    )) as { version: string | number }[];
    return String(row?.version ?? 0);
  }

  async insert(rule: NewRule): Promise<void> {
    await this.write((manager) =>
      manager.query(
        `INSERT INTO forwarding_rules
         (id, name, event_pattern, component_appid, authorizer_appid, target_url, enabled, concurrency,
          secret_encrypted, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW}, ${NOW})`,
        [
          rule.id,
          rule.name,
          rule.eventPattern,
          rule.componentAppid ?? null,
          rule.authorizerAppid ?? null,
          rule.targetUrl,
          rule.enabled ? 1 : 0,
          rule.concurrency,
          this.seal(rule.id, rule.secret),
        ],
      ),
    );
  }

  async find(id: string): Promise<RuleRecord | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM forwarding_rules WHERE id = ?`, [
      id,
    ])) as RuleRow[];
    return rows[0] ? this.toRecord(rows[0]) : undefined;
  }

  async list(): Promise<RuleRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM forwarding_rules ORDER BY created_at, id`,
    )) as RuleRow[];
    return rows.map((row) => this.toRecord(row));
  }

  async listEnabled(): Promise<RuleRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM forwarding_rules WHERE enabled = 1 ORDER BY created_at, id`,
    )) as RuleRow[];
    return rows.map((row) => this.toRecord(row));
  }

  /** False when no such rule. */
  async update(id: string, changes: RuleChanges): Promise<boolean> {
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, column] of Object.entries(CHANGE_COLUMNS) as [keyof RuleChanges, string][]) {
      const value = changes[key];
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    sets.push(`updated_at = ${NOW}`);
    const result = (await this.write((manager) =>
      manager.query(`UPDATE forwarding_rules SET ${sets.join(', ')} WHERE id = ?`, [...values, id]),
    )) as { affectedRows: number };
    return result.affectedRows > 0;
  }

  /** The current secret becomes the previous one for `overlapSeconds`; false when no such rule. */
  async rotateSecret(id: string, secret: string, overlapSeconds: number): Promise<boolean> {
    const result = (await this.write((manager) =>
      manager.query(
        `UPDATE forwarding_rules
          SET previous_secret_encrypted = secret_encrypted,
              previous_secret_expires_at = ${NOW} + INTERVAL ? SECOND,
              secret_encrypted = ?, updated_at = ${NOW}
        WHERE id = ?`,
        [overlapSeconds, this.seal(id, secret), id],
      ),
    )) as { affectedRows: number };
    return result.affectedRows > 0;
  }

  async delete(id: string): Promise<boolean> {
    const result = (await this.write((manager) =>
      manager.query('DELETE FROM forwarding_rules WHERE id = ?', [id]),
    )) as { affectedRows: number };
    return result.affectedRows > 0;
  }

  /** A rule write and the version bump, committed together. */
  private write<T>(statement: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const result = await statement(manager);
      await manager.query(BUMP_VERSION);
      return result;
    });
  }

  private seal(ruleId: string, secret: string): string {
    return this.box.encrypt(secret, contextOf(ruleId));
  }

  private toRecord(row: RuleRow): RuleRecord {
    return {
      id: row.id,
      name: row.name,
      eventPattern: row.event_pattern,
      componentAppid: row.component_appid ?? undefined,
      authorizerAppid: row.authorizer_appid ?? undefined,
      targetUrl: row.target_url,
      enabled: Boolean(row.enabled),
      concurrency: row.concurrency,
      secret: this.box.decrypt(row.secret_encrypted, contextOf(row.id)),
      previousSecret: row.previous_secret_encrypted
        ? this.box.decrypt(row.previous_secret_encrypted, contextOf(row.id))
        : undefined,
      previousSecretExpiresAt: row.previous_secret_expires_at ?? undefined,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

function contextOf(ruleId: string): string {
  return `forwarding-rule:${ruleId}:secret`;
}
