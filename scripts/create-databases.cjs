// Creates the given databases (utf8mb4) if missing; `--check` only tests the login.
// Uses mysql2 so it works with any server and without a command-line client.
const mysql = require('mysql2/promise');

async function main() {
  const args = process.argv.slice(2);
  const connection = await mysql.createConnection({
    host: process.env.DB_HOST || '127.0.0.1',
    port: Number(process.env.DB_PORT || 3306),
    user: process.env.DB_USER || 'root',
    password: process.env.DB_PASSWORD || '',
    connectTimeout: 5000,
  });
  try {
    if (args[0] === '--check') {
      await connection.query('SELECT 1');
      return;
    }
    for (const name of args) {
      if (!/^[A-Za-z0-9_]{1,64}$/.test(name))
        throw new Error(`refusing database name ${JSON.stringify(name)}`);
      const [rows] = await connection.query('SHOW DATABASES LIKE ?', [name]);
      if (rows.length > 0) {
        console.log(`[infra] database ${name}: exists`);
      } else {
        await connection.query(
          `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
        );
        console.log(`[infra] database ${name}: created`);
      }
    }
  } finally {
    await connection.end();
  }
}

main().catch((error) => {
  console.error(`[infra] ${error.message}`);
  process.exit(1);
});
