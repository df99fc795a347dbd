// client.js: one session of node-postgres (npm "pg") against fakeshift, for the Go client
// matrix (integration/clients_matrix_test.go).
//
// Connection from the environment: FS_HOST, FS_PORT, FS_USER, FS_PASSWORD, FS_DATABASE,
// FS_SSL ("1": TLS, without verifying the self-signed certificate), FS_APPNAME (optional).
// Each argument is one statement: its SQL, then its parameters, separated by U+001F. A
// statement with parameters goes through the extended protocol.
// Prints one JSON object: {"driver", "error" (the refused connection, or null),
// "results": [{"rows": [[text or null, ...]], "error"}]} and exits 0; any other exit is a bug.
'use strict';
const { Client } = require('pg');
const version = require('pg/package.json').version;

function pgError(e) {
  return { severity: e.severity || '', code: e.code || '', message: e.message || String(e) };
}

function text(v) {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

async function main() {
  const env = process.env;
  const cfg = {
    host: env.FS_HOST, port: Number(env.FS_PORT), user: env.FS_USER, password: env.FS_PASSWORD,
    database: env.FS_DATABASE, connectionTimeoutMillis: 10000,
  };
  if (env.FS_SSL === '1') cfg.ssl = { rejectUnauthorized: false };
  if (env.FS_APPNAME) cfg.application_name = env.FS_APPNAME;
  const out = { driver: 'node-postgres ' + version, error: null, results: [] };
  const c = new Client(cfg);
  c.on('error', () => {}); // a FATAL after login surfaces on the pending query
  try {
    await c.connect();
  } catch (e) {
    out.error = pgError(e);
    console.log(JSON.stringify(out));
    return;
  }
  for (const arg of process.argv.slice(2)) {
    const [sql, ...params] = arg.split('\u001f');
    try {
      const r = await c.query({ text: sql, values: params.length ? params : undefined, rowMode: 'array' });
      out.results.push({ rows: (r.rows || []).map((row) => row.map(text)), error: null });
    } catch (e) {
      out.results.push({ rows: [], error: pgError(e) });
    }
  }
  await c.end();
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(2); });
