// The metadata store (metadata.mjs) over SQLite through better-sqlite3: one file in the data
// directory, WAL journal, synchronous=FULL, foreign keys on, schema migrated by version
// (PRAGMA user_version) from migrations.mjs. better-sqlite3 is synchronous; the adapter below
// gives sql.mjs the async shape it shares with PostgreSQL, and runs one transaction at a time
// on the one connection (a statement from another request waits until it ends).
import Database from 'better-sqlite3';
import { MIGRATIONS, migrationSql } from './migrations.mjs';
import { sqlMetadataStore } from './sql.mjs';

export { SCHEMA_VERSION } from './migrations.mjs';

/** The async shape sql.mjs runs on, over a better-sqlite3 connection `db` (exported for the bench's seeding). */
export function sqliteAdapter(db) {
  const statements = new Map();
  const prepare = (sql) => {
    let s = statements.get(sql);
    if (!s) statements.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const exec = {
    get: (sql, params = []) => prepare(sql).get(...params),
    all: (sql, params = []) => prepare(sql).all(...params),
    run: (sql, params = []) => {
      const s = prepare(sql);
      if (s.reader) {
        const rows = s.all(...params);
        return { changes: rows.length, rows };
      }
      return { changes: s.run(...params).changes, rows: [] };
    },
  };
  let running; // the transaction in progress, if any
  const idle = async () => {
    while (running) await running.catch(() => {});
  };
  const outside = (name) => async (sql, params) => {
    if (running) await idle();
    return exec[name](sql, params);
  };
  return {
    dialect: 'sqlite',
    forUpdate: '', // a write transaction (BEGIN IMMEDIATE) already excludes every other writer
    get: outside('get'),
    all: outside('all'),
    run: outside('run'),
    async tx(fn) {
      await idle();
      const inside = {
        get: async (...a) => exec.get(...a),
        all: async (...a) => exec.all(...a),
        run: async (...a) => exec.run(...a),
      };
      db.exec('BEGIN IMMEDIATE');
      const work = (async () => {
        try {
          const result = await fn(inside);
          db.exec('COMMIT');
          return result;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      })();
      running = work;
      try {
        return await work;
      } finally {
        if (running === work) running = undefined;
      }
    },
    isUniqueViolation: (e) => e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    integrityCheck: async () => db.pragma('integrity_check', { simple: true }),
    ping: async () => db.prepare('SELECT 1').get(),
    close: async () => db.close(),
  };
}

/** Opens (creating and migrating) the database at `file`. */
export function openSqliteStore(file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return sqlMetadataStore(sqliteAdapter(db));
}

function migrate(db) {
  const version = db.pragma('user_version', { simple: true });
  if (version > MIGRATIONS.length) throw new Error(`database schema ${version} is newer than this server (${MIGRATIONS.length})`);
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(migrationSql(v, 'sqlite'));
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
