#!/usr/bin/env bash
# `ztrade data retain --apply` against a plain DELETE of the same rows, in the same run, on SQLite
# and PostgreSQL (docs/BENCHMARKS.md, "Retention"). Best of 3, each on a fresh copy of the store.
#
#   scripts/bench/retain.sh [ZTRADE] [PG_BASE_URL]
#
# The store: four symbols × 1,260 sessions of seeded one-minute bars (regular hours, five
# years to 2025-12-31), rolled up to days. The policy `1m: 4y` as of 2025-12-31 deletes every
# minute dated before 2021-12-31 New York: the first year, about a fifth of the store.
set -euo pipefail

ZTRADE=${1:-target/release/ztrade}
PG=${2:-postgres://postgres@127.0.0.1:5432}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
CUT=$(( $(TZ=America/New_York date -d '2021-12-31 00:00' +%s) * 1000000000 ))
SYMBOLS=SPY,QQQ,IWM,AAPL
printf 'retention:\n  1m: 4y\n  1d: forever\n' > retain.yaml
RETAIN=(data retain --config retain.yaml --as-of 2025-12-31 --apply --json)
TIMEFORMAT=%R

seed() { # URL
    "$ZTRADE" --db "$1" data seed --symbols "$SYMBOLS" --days 1260 --timeframe 1m >/dev/null 2>&1
    for s in ${SYMBOLS//,/ }; do
        "$ZTRADE" --db "$1" data rollup --symbol "$s" --from 1m --to 1d >/dev/null
    done
}

best() { # label, command…: prints the best of three wall times
    local label=$1 best=""
    shift
    for _ in 1 2 3; do
        "$PREPARE"
        local t
        t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
        if [[ -z $best ]] || (( $(echo "$t < $best" | bc) )); then best=$t; fi
    done
    printf '%-52s %8s s\n' "$label" "$best"
}

echo "== SQLite"
seed sqlite://src.db
sqlite3 src.db "SELECT 'rows', sum(rows) FROM series_stats WHERE timeframe = '1m'"
sqlite3 src.db "SELECT 'to delete', count(*) FROM bars WHERE timeframe = '1m' AND ts < $CUT"
ls -l src.db | awk '{print "file bytes", $5}'
fresh_sqlite() { rm -f run.db run.db-wal run.db-shm; cp src.db run.db; }
PREPARE=fresh_sqlite
best "sqlite3: DELETE … WHERE timeframe = '1m' AND ts < cut" \
    sqlite3 run.db "DELETE FROM bars WHERE timeframe = '1m' AND ts < $CUT"
best "sqlite3: the same DELETE, then PRAGMA incremental_vacuum" \
    sqlite3 run.db "DELETE FROM bars WHERE timeframe = '1m' AND ts < $CUT; PRAGMA incremental_vacuum"
best "ztrade data retain (dry run)" \
    "$ZTRADE" --db sqlite://run.db data retain --config retain.yaml --as-of 2025-12-31 --json
best "ztrade data retain --apply" "$ZTRADE" --db sqlite://run.db "${RETAIN[@]}"
fresh_sqlite
"$ZTRADE" --db sqlite://run.db "${RETAIN[@]}" | grep -E '"rows"|"bytes"' | tail -3
ls -l run.db | awk '{print "file bytes after", $5}'

echo "== SQLite, pre- and after-hours minutes kept: one range per session"
# One symbol, 04:00–20:00 New York on weekdays 2021–2025 (1.3M minutes); rolled up over the
# regular session, so retention deletes only the session minutes of 2021, one range a session.
python3 - <<'PY' > ext.csv
import datetime as dt
from zoneinfo import ZoneInfo
ny = ZoneInfo("America/New_York")
print("timestamp,open,high,low,close,volume")
d = dt.date(2021, 1, 4)
while d <= dt.date(2025, 12, 31):
    if d.weekday() < 5:
        t = dt.datetime(d.year, d.month, d.day, 4, 0, tzinfo=ny)
        for k in range(960):
            p = 100 + (k % 50) / 100
            print(f"{(t + dt.timedelta(minutes=k)).isoformat()},{p},{p},{p},{p},{k + 1}")
    d += dt.timedelta(days=1)
PY
"$ZTRADE" --db sqlite://ext.db data import ext.csv --symbol EXT --timeframe 1m >/dev/null 2>&1
"$ZTRADE" --db sqlite://ext.db data rollup --symbol EXT --from 1m --to 1d >/dev/null
sqlite3 ext.db "SELECT 'rows', sum(rows) FROM series_stats WHERE timeframe = '1m'"
fresh_ext() { rm -f run.db run.db-wal run.db-shm; cp ext.db run.db; }
PREPARE=fresh_ext
best "sqlite3: DELETE every minute before the cut (more rows)" \
    sqlite3 run.db "DELETE FROM bars WHERE timeframe = '1m' AND ts < $CUT"
best "ztrade data retain --apply (session minutes only)" "$ZTRADE" --db sqlite://run.db "${RETAIN[@]}"
fresh_ext
"$ZTRADE" --db sqlite://run.db "${RETAIN[@]}" | grep -E '"rows"' | tail -1

echo "== PostgreSQL"
psql -q "$PG/postgres" -c 'DROP DATABASE IF EXISTS ztrade_rb_src' -c 'CREATE DATABASE ztrade_rb_src'
seed "$PG/ztrade_rb_src"
psql -qAt "$PG/ztrade_rb_src" -c "SELECT 'to delete', count(*) FROM bars WHERE timeframe = '1m' AND ts < $CUT"
fresh_pg() {
    psql -q "$PG/postgres" -c 'DROP DATABASE IF EXISTS ztrade_rb_run' \
        -c 'CREATE DATABASE ztrade_rb_run TEMPLATE ztrade_rb_src'
    psql -q "$PG/ztrade_rb_run" -c 'VACUUM ANALYZE'
}
PREPARE=fresh_pg
best "psql: DELETE … WHERE timeframe = '1m' AND ts < cut" \
    psql -q "$PG/ztrade_rb_run" -c "DELETE FROM bars WHERE timeframe = '1m' AND ts < $CUT"
best "ztrade data retain (dry run)" \
    "$ZTRADE" --db "$PG/ztrade_rb_run" data retain --config retain.yaml --as-of 2025-12-31 --json
best "ztrade data retain --apply" "$ZTRADE" --db "$PG/ztrade_rb_run" "${RETAIN[@]}"
psql -q "$PG/postgres" -c 'DROP DATABASE IF EXISTS ztrade_rb_run' -c 'DROP DATABASE ztrade_rb_src'
