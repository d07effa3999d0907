import { createConnection } from 'mysql2/promise';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import { createTestDatabase, testEnv } from '../src';

class CreateThings1763800000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE things (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL) DEFAULT CHARSET=utf8mb4',
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE things');
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const connection = await createConnection({
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    user: testEnv.dbUser,
    password: testEnv.dbPassword,
  });
  try {
    const [rows] = await connection.query('SHOW DATABASES LIKE ?', [name]);
    return (rows as unknown[]).length === 1;
  } finally {
    await connection.end();
  }
}

describe(createTestDatabase.name, () => {
  it('creates a fresh utf8mb4 database with the migrations applied, and drops it', async () => {
    const sut = await createTestDatabase({ prefix: 'testing', migrations: [CreateThings1763800000002] });
    try {
      expect(sut.name).toMatch(/^wxop_test_testing_t/);
      await sut.dataSource.query('INSERT INTO things VALUES (1, ?)', ['中文🧧']);
      expect(await sut.dataSource.query('SELECT name FROM things')).toEqual([{ name: '中文🧧' }]);
      const migrations = (await sut.dataSource.query('SELECT name FROM migrations')) as { name: string }[];
      expect(migrations.map((m) => m.name)).toEqual(['CreateThings1763800000002']);
    } finally {
      await sut.drop();
    }
    expect(await databaseExists(sut.name)).toBe(false);
  });

  it('gives two runs two databases', async () => {
    const [a, b] = await Promise.all([
      createTestDatabase({ prefix: 'testing', migrations: [] }),
      createTestDatabase({ prefix: 'testing', migrations: [] }),
    ]);
    expect(a.name).not.toBe(b.name);
    await Promise.all([a.drop(), b.drop()]);
  });
});
