// The metadata store (metadata.mjs) over PostgreSQL through `pg`: a connection pool, the same
// migrations as SQLite (migrations.mjs) recorded in schema_version and run under an advisory
// lock, so instances starting together migrate once. sql.mjs's `?` placeholders become $n.
import pg from 'pg';
import { MIGRATIONS, migrationSql } from './migrations.mjs';
import { sqlMetadataStore } from './sql.mjs';

// BIGINT (ids, times, sizes) and count(*) as numbers: every value the server stores is below 2^53.
const INT8_OID = 20;
const parseInt8 = (text) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error('integer out of range');
  return value;
};
const MIGRATION_LOCK = 0x63697068; // any constant: instances migrating at once wait for each other

const numbered = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

function postgresAdapter(pool) {
  const on = (client) => ({
    get: async (sql, params = []) => (await client.query(numbered(sql), params)).rows[0],
    all: async (sql, params = []) => (await client.query(numbered(sql), params)).rows,
    run: async (sql, params = []) => {
      const result = await client.query(numbered(sql), params);
      return { changes: result.rowCount, rows: result.rows };
    },
  });
  return {
    dialect: 'postgres',
    forUpdate: ' FOR UPDATE',
    ...on(pool),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    isUniqueViolation: (e) => e?.code === '23505',
    // PostgreSQL checks its own pages (and the WAL) as it reads them; a query that works is the check.
    integrityCheck: async () => ((await pool.query('SELECT 1 AS ok')).rows[0].ok === 1 ? 'ok' : 'failed'),
    ping: () => pool.query('SELECT 1'),
    close: () => pool.end(),
  };
}

/** Connects to `url` (postgres://…), migrating the schema first. `poolSize`: connections at most. */
export async function openPostgresStore(url, { poolSize = 10 } = {}) {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: { getTypeParser } });
  pool.on('error', (e) => console.error('gallery server: idle database connection failed:', e.message));
  try {
    await migrate(pool);
  } catch (e) {
    await pool.end();
    throw e;
  }
  return sqlMetadataStore(postgresAdapter(pool));
}

function getTypeParser(oid, format) {
  if (oid === INT8_OID && format !== 'binary') return parseInt8;
  return pg.types.getTypeParser(oid, format);
}

async function migrate(pool) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = (await client.query('SELECT version FROM schema_version')).rows[0];
    const version = row?.version ?? 0;
    if (!row) await client.query('INSERT INTO schema_version (version) VALUES (0)');
    if (version > MIGRATIONS.length)
      throw new Error(`database schema ${version} is newer than this server (${MIGRATIONS.length})`);
    for (let v = version; v < MIGRATIONS.length; v++) {
      await client.query(migrationSql(v, 'postgres'));
      await client.query('UPDATE schema_version SET version = $1', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
