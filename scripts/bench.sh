#!/usr/bin/env bash
# Run the benchmarks the README reports: fakeshift against a real PostgreSQL 15 started here
# on 127.0.0.1 (data in a temporary directory, removed afterwards), and the SQL engine alone.
#
#   scripts/bench.sh                 # -benchtime=2s -count=3 (about 3 minutes on 2 cores)
#   BENCHTIME=3s COUNT=5 scripts/bench.sh
#   BENCH='RoundTrip' scripts/bench.sh
#
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PG_PORT (default 25432; keep it
# below 32768, see the testbed notes), PG_AUTH (md5, the default, like fakeshift's MD5 login;
# or scram-sha-256), BENCHTIME, COUNT, BENCH (the -bench pattern), OUT (raw output file).
# It installs nothing: what is missing is named with the package that provides it.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-25432}
PG_AUTH=${PG_AUTH:-md5}
BENCHTIME=${BENCHTIME:-2s}
COUNT=${COUNT:-3}
BENCH=${BENCH:-.}
OUT=${OUT:-$(mktemp -t fakeshift-bench.XXXXXX)}

missing=0
for tool in initdb pg_ctl postgres psql; do
  if [ ! -x "$PG_BIN/$tool" ]; then
    echo "bench.sh: $PG_BIN/$tool is missing; install the PostgreSQL 15 server: apt-get install postgresql-15 (or set PG_BIN)" >&2
    missing=1
  fi
done
command -v go >/dev/null 2>&1 || { echo "bench.sh: go is missing (Go 1.26: https://go.dev/dl/)" >&2; missing=1; }
command -v gcc >/dev/null 2>&1 || { echo "bench.sh: gcc is missing (cgo, for DuckDB): apt-get install gcc libc6-dev" >&2; missing=1; }
[ "$missing" = 0 ] || exit 1
case "$PG_AUTH" in md5 | scram-sha-256) ;; *) echo "bench.sh: PG_AUTH must be md5 or scram-sha-256" >&2; exit 1 ;; esac
if (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; then
  echo "bench.sh: something already listens on 127.0.0.1:$PG_PORT; set PG_PORT to a free port below 32768" >&2
  exit 1
fi

# initdb refuses to run as root: as root, PostgreSQL runs as the postgres user.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "bench.sh: running as root needs a postgres user (apt-get install postgresql-15 makes it)" >&2; exit 1; }
  as_pg() { su postgres -s /bin/sh -c "$*"; }
else
  as_pg() { sh -c "$*"; }
fi

dir=$(mktemp -d -t fakeshift-bench-pg.XXXXXX)
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
started=0
cleanup() {
  if [ "$started" = 1 ]; then
    as_pg "'$PG_BIN/pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== PostgreSQL 15 on 127.0.0.1:$PG_PORT ($PG_AUTH login, data in $dir)"
as_pg "'$PG_BIN/initdb' -D '$dir/data' -U postgres --auth-local=trust --auth-host=reject -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" ||
  { cat "$dir/initdb.log" >&2; exit 1; }
ssl=off
if command -v openssl >/dev/null 2>&1; then
  # The same kind of certificate fakeshift makes for itself: self-signed, RSA 2048.
  as_pg "openssl req -new -x509 -nodes -days 2 -newkey rsa:2048 -subj /CN=localhost \
    -keyout '$dir/data/server.key' -out '$dir/data/server.crt' 2>/dev/null && chmod 600 '$dir/data/server.key'"
  ssl=on
else
  echo "bench.sh: openssl is missing, so PostgreSQL runs without TLS and Connect/tls/postgres is skipped (apt-get install openssl)" >&2
fi
as_pg "cat >> '$dir/data/postgresql.conf'" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir'
password_encryption = '$PG_AUTH'
ssl = $ssl
EOF
as_pg "cat > '$dir/data/pg_hba.conf'" <<EOF
local all postgres trust
host  all bench    127.0.0.1/32 $PG_AUTH
EOF
as_pg "'$PG_BIN/pg_ctl' -D '$dir/data' -l '$dir/pg.log' -w start" >/dev/null ||
  { cat "$dir/pg.log" >&2; exit 1; }
started=1
"$PG_BIN/psql" -X -q -h "$dir" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "create user bench with password 'Bench1234'"
"$PG_BIN/psql" -X -q -h "$dir" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "create database bench owner bench"
export FAKESHIFT_BENCH_PG_DSN="host=127.0.0.1 port=$PG_PORT user=bench password=Bench1234 dbname=bench"
"$PG_BIN/psql" -X -At "$FAKESHIFT_BENCH_PG_DSN sslmode=disable" -c "select 'postgres ready: ' || version()"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "go: $(go version)"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"

echo "== go test -run '^\$' -bench '$BENCH' -benchtime=$BENCHTIME -count=$COUNT ./integration/ ./sql/duckdb/"
go test -run '^$' -bench "$BENCH" -benchtime="$BENCHTIME" -count="$COUNT" ./integration/ ./sql/duckdb/ | tee "$OUT"

echo "== medians of $COUNT runs (raw output: $OUT)"
awk '
  /^Benchmark/ {
    name = $1; sub(/-[0-9]+$/, "", name)
    if (!(name in seen)) { seen[name] = 1; order[++n] = name }
    for (i = 3; i < NF; i++) if ($(i+1) ~ /\/op$/) { k = name SUBSEP $(i+1); v[k, ++c[k]] = $i; if (!(k in u)) { u[k] = 1; units[name] = units[name] " " $(i+1) } }
  }
  END {
    for (j = 1; j <= n; j++) {
      name = order[j]; line = sprintf("%-52s", name)
      m = split(substr(units[name], 2), us, " ")
      for (x = 1; x <= m; x++) {
        k = name SUBSEP us[x]; cnt = c[k]
        for (a = 1; a <= cnt; a++) s[a] = v[k, a] + 0
        for (a = 1; a <= cnt; a++) for (b = a + 1; b <= cnt; b++) if (s[b] < s[a]) { t = s[a]; s[a] = s[b]; s[b] = t }
        med = (cnt % 2) ? s[(cnt + 1) / 2] : (s[cnt / 2] + s[cnt / 2 + 1]) / 2
        line = line sprintf("  %12.0f %s", med, us[x])
      }
      print line
    }
  }' "$OUT"
