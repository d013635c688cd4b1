#!/usr/bin/env bash
# Benchmarks stackatlas against the limit (nginx, in its fastest configuration on this machine,
# serving the exact bytes of each of our pages as static files) and a peer (Datasette on the
# same SQLite file, answering the same question where it can), side by side in one run, on
# 127.0.0.1 only. Prints Markdown: docs/performance.md keeps each run's tables.
#
# Needs: wrk, nginx (Debian packages), datasette (PyPI), python3, a Rust toolchain.
# Usage: bench/run.sh [SECONDS_PER_RUN]   (default 10; every server it starts is stopped)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
WORK=$(mktemp -d)
# nginx workers drop to an unprivileged user, who must be able to read the pages.
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx datasette python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install wrk nginx curl; pip install datasette" >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 600); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
sql() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$@"; }

QUERY='industry=healthcare&need=security&need=scalability&want=real-time-updates&want=ai-integration&lang=python'
DS_QUERY='industry=healthcare&need1=security&need2=scalability&want1=real-time-updates&want2=ai-integration&lang=python'
GZIP=(-H 'Accept-Encoding: gzip')
EDITOR=bench@example.com
EDITOR_PASSWORD=bench-editor-password

echo "building the release binary…" >&2
cargo build --release --quiet
BIN=target/release/stackatlas

# One wrk run: prints "requests/s p50_ms p99_ms cpu_us_per_request" for URL at CONNECTIONS,
# with the CPU time of server PID measured around the run; any further arguments go to wrk.
measure() {
  local pid=$1 url=$2 connections=$3 threads=$(( $3 < 2 ? 1 : 2 ))
  shift 3
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(wrk -t"$threads" -c"$connections" -d"${DURATION}s" --latency "$@" "$url")
  after=$(cpu_ticks "$pid")
  python3 - "$before" "$after" <<PY "$out"
import re, sys
before, after, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
total = int(re.search(r"(\d+) requests in", out).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
def ms(label):
    m = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)\b", out)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
cpu_us = (after - before) * 10_000 / max(total, 1)  # clock ticks are 10 ms
bad = f" ({errors.group(1)} errors)" if errors else ""
print(f"{rps:.0f} {ms('50'):.2f} {ms('99'):.2f} {cpu_us:.0f}{bad}")
PY
}

# row LABEL CONNECTIONS PID URL [WRK ARGS…]: one table row of the plain kind.
row() { printf '| %s | %s | %s |\n' "$1" "$2" "$(measure "$3" "$4" "$2" "${@:5}" | awk '{printf "%s | %s | %s | %s", $1, $2, $3, $4; for (i = 5; i <= NF; i++) printf " %s", $i}')"; }
header() {
  printf '\n%s\n\n' "$1"
  echo '| what | conns | req/s | p50 ms | p99 ms | server CPU µs/req |'
  echo '|---|---:|---:|---:|---:|---:|'
}

# nginx serving $WORK/www with WORKERS processes on PORT, tuned for throughput: sendfile,
# keep-alive without a request limit (its default closes a connection every 1,000 requests),
# open files cached.
start_nginx() {
  local workers=$1 port=$2
  cat > "$WORK/nginx-$workers.conf" <<CONF
worker_processes $workers;
pid $WORK/nginx-$workers.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 10000000; keepalive_timeout 75s;
  open_file_cache max=64 inactive=600s; open_file_cache_valid 600s;
  types { text/html html; application/json json; }
  server {
    listen 127.0.0.1:$port;
    root $WORK/www;
    gzip_static on;
  }
}
CONF
  nginx -c "$WORK/nginx-$workers.conf" -g 'daemon off;' &
  PIDS+=("$!")
}

# serve_copy NAME EXT PATH [CURL ARGS…]: stores our answer to PATH (as is, and gzip as we send
# it) for nginx under /NAME.EXT and /NAME.EXT.gz; prints the two sizes.
serve_copy() {
  local name=$1 ext=$2 path=$3
  shift 3
  curl -fsS "$@" "$APP_URL$path" -o "$WORK/www/$name.$ext"
  curl -fsS "$@" "${GZIP[@]}" "$APP_URL$path" -o "$WORK/www/$name.$ext.gz"
  echo "$(wc -c < "$WORK/www/$name.$ext") $(wc -c < "$WORK/www/$name.$ext.gz")"
}

# against_limit LABEL NAME EXT PATH [PEER_URL] [-- CURL/WRK ARGS…]: one row of the table that
# sets a page beside nginx sending the same bytes (identity and gzip, 64 connections) and,
# given, Datasette answering the same question.
against_limit() {
  local label=$1 name=$2 ext=$3 path=$4 peer=${5:-}
  shift 4; [ $# -gt 0 ] && shift
  [ "${1:-}" = -- ] && shift
  local sizes app_plain web_plain app_gz web_gz peer_figures="—"
  sizes=$(serve_copy "$name" "$ext" "$path" "$@")
  app_plain=$(measure "$APP" "$APP_URL$path" 64 "$@")
  web_plain=$(measure "$NGINX" "$NGINX_URL/$name.$ext" 64)
  app_gz=$(measure "$APP" "$APP_URL$path" 64 "$@" "${GZIP[@]}")
  web_gz=$(measure "$NGINX" "$NGINX_URL/$name.$ext" 64 "${GZIP[@]}")
  if [ -n "$peer" ]; then
    peer_figures=$(measure "$DS" "$peer" 64 | awk '{printf "%s (p99 %s)", $1, $3}')
  fi
  python3 - "$label" "$sizes" "$app_plain" "$web_plain" "$app_gz" "$web_gz" "$peer_figures" <<'PY'
import sys
label, sizes, app, web, app_gz, web_gz, peer = sys.argv[1:]
plain_bytes, gzip_bytes = sizes.split()
def fig(text):
    rps, _p50, p99, cpu = text.split()[:4]
    return float(rps), p99, cpu
a, w, ag, wg = map(fig, (app, web, app_gz, web_gz))
share = lambda x, y: f"**{100 * x[0] / y[0]:.0f} %**"
print(f"| {label} | {int(plain_bytes):,} / {int(gzip_bytes):,} "
      f"| {a[0]:,.0f} ({a[1]}; {a[2]} µs) | {w[0]:,.0f} ({w[1]}) | {share(a, w)} "
      f"| {ag[0]:,.0f} ({ag[1]}; {ag[2]} µs) | {wg[0]:,.0f} ({wg[1]}) | {share(ag, wg)} | {peer} |")
PY
}
limit_header() {
  printf '\n%s\n\n' "$1"
  echo '| page | bytes / gzip | stackatlas req/s (p99 ms; CPU) | nginx, same bytes | share | stackatlas gzip | nginx gzip_static | share | Datasette, same question |'
  echo '|---|---:|---:|---:|---:|---:|---:|---:|---:|'
}

# --- the seeded knowledge base ------------------------------------------------------------
DB="$WORK/seed.db"
DATABASE_URL="sqlite://$DB" "$BIN" migrate 2>/dev/null
DATABASE_URL="sqlite://$DB" "$BIN" import seed/knowledge.json >/dev/null
echo "$EDITOR_PASSWORD" | DATABASE_URL="sqlite://$DB" "$BIN" user add --email "$EDITOR" --name Bench --role admin --password-stdin >/dev/null 2>&1
# Fold the write-ahead log into the file so the copy is complete (Datasette's immutable mode
# reads the main file only).
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.execute("PRAGMA journal_mode=DELETE")' "$DB"
cp "$DB" "$WORK/peer.db"

PORT=$(free_port)
start_ms=$(date +%s%3N)
DATABASE_URL="sqlite://$DB" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" 2>/dev/null &
APP=$!; PIDS+=("$APP")
wait_http "http://127.0.0.1:$PORT/healthz"
startup_ms=$(( $(date +%s%3N) - start_ms ))
APP_URL="http://127.0.0.1:$PORT"

# A saved brief and a published radar edition, through the real forms, for the pages that
# show them; the session reads the brief.
IFS=$'\t' read -r SESSION BRIEF EDITION < <(echo "$EDITOR_PASSWORD" | python3 bench/prepare.py "$APP_URL" "$EDITOR" "$QUERY")

# The limit, in its faster configuration: one worker (wrk needs the other core) or two.
mkdir -p "$WORK/www"
serve_copy result html "/?$QUERY" >/dev/null
NGINX_ONE=$(free_port); NGINX_TWO=$(free_port)
start_nginx 1 "$NGINX_ONE"; start_nginx 2 "$NGINX_TWO"
wait_http "http://127.0.0.1:$NGINX_ONE/result.html"; wait_http "http://127.0.0.1:$NGINX_TWO/result.html"
one=$(measure "$(cat "$WORK/nginx-1.pid")" "http://127.0.0.1:$NGINX_ONE/result.html" 64 | awk '{print $1}')
two=$(measure "$(cat "$WORK/nginx-2.pid")" "http://127.0.0.1:$NGINX_TWO/result.html" 64 | awk '{print $1}')
if [ "$one" -ge "$two" ]; then NGINX_WORKERS=1 NGINX_PORT=$NGINX_ONE; else NGINX_WORKERS=2 NGINX_PORT=$NGINX_TWO; fi
NGINX=$(cat "$WORK/nginx-$NGINX_WORKERS.pid")
NGINX_URL="http://127.0.0.1:$NGINX_PORT"

# The peer: Datasette answering the same ranking question as a canned query.
cat > "$WORK/metadata.json" <<'JSON'
{"databases": {"peer": {"queries": {"rank": {"sql":
"WITH f AS (SELECT fw.id, fw.slug, fw.name, fw.ring, l.slug AS lang FROM frameworks fw JOIN languages l ON l.id = fw.language_id), s AS (SELECT fr.framework_id, r.slug, fr.strength FROM framework_requirements fr JOIN requirements r ON r.id = fr.requirement_id), fit AS (SELECT fi.framework_id, fi.fit FROM framework_industries fi JOIN industries i ON i.id = fi.industry_id WHERE i.slug = :industry) SELECT f.slug, f.name, round(100.0 * (3 * coalesce(fit.fit, 0) + 2 * n1.strength + 2 * n2.strength + coalesce(w1.strength, 0) + coalesce(w2.strength, 0) + 2 * (CASE WHEN f.lang = :lang THEN 5 ELSE 0 END) + (CASE f.ring WHEN 'adopt' THEN 5 WHEN 'trial' THEN 4 WHEN 'assess' THEN 2 ELSE 0 END)) / 60.0, 1) AS score FROM f LEFT JOIN fit ON fit.framework_id = f.id JOIN s n1 ON n1.framework_id = f.id AND n1.slug = :need1 JOIN s n2 ON n2.framework_id = f.id AND n2.slug = :need2 LEFT JOIN s w1 ON w1.framework_id = f.id AND w1.slug = :want1 LEFT JOIN s w2 ON w2.framework_id = f.id AND w2.slug = :want2 WHERE n1.strength >= 4 AND n2.strength >= 4 ORDER BY score DESC, f.name"
}}}}}
JSON
DS_PORT=$(free_port)
datasette serve -i "$WORK/peer.db" -m "$WORK/metadata.json" -p "$DS_PORT" -h 127.0.0.1 >/dev/null 2>&1 &
DS=$!; PIDS+=("$DS")
DS_URL="http://127.0.0.1:$DS_PORT"
wait_http "$DS_URL/peer/rank.json?$DS_QUERY"
DJANGO_ROW=$(sql "$WORK/peer.db" "SELECT id FROM frameworks WHERE slug = 'django'")

echo "# stackatlas benchmark, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); wrk ${DURATION}s per row, 2 threads (1 for one connection)"
echo "the limit: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), the typical page at 64 connections: 1 worker ${one} req/s, 2 workers ${two} req/s; kept: ${NGINX_WORKERS} worker(s)"

limit_header "Every reading page against the limit, seeded knowledge base, 64 connections (a page asked again)"
against_limit "query page \`/?…\` (typical question)" result html "/?$QUERY" "$DS_URL/peer/rank?$DS_QUERY"
against_limit "API \`/api/v1/recommendations?…\`" recommendation json "/api/v1/recommendations?$QUERY" "$DS_URL/peer/rank.json?$DS_QUERY"
against_limit "catalogue \`/frameworks\`" catalogue html "/frameworks" "$DS_URL/peer/frameworks"
against_limit "framework page \`/frameworks/django\`" django html "/frameworks/django" "$DS_URL/peer/frameworks/$DJANGO_ROW"
against_limit "compare \`/compare?f=django&f=laravel&f=nodejs\`" compare html "/compare?f=django&f=laravel&f=nodejs"
against_limit "industry \`/industries/healthcare\`" healthcare html "/industries/healthcare" "$DS_URL/peer/industries?slug=healthcare"
against_limit "trends and the radar \`/trends\`" trends html "/trends"
against_limit "a radar edition \`$EDITION\`" edition html "$EDITION"
against_limit "a saved brief \`$BRIEF\` (signed in)" brief html "$BRIEF" "" -- -H "$SESSION"

header "The typical question asked again, one connection (latency at rest)"
row "stackatlas page \`/?…\`" 1 "$APP" "$APP_URL/?$QUERY"
row "stackatlas page \`/?…\`, gzip" 1 "$APP" "$APP_URL/?$QUERY" "${GZIP[@]}"
row "nginx, the same bytes" 1 "$NGINX" "$NGINX_URL/result.html"
row "Datasette canned query, HTML" 1 "$DS" "$DS_URL/peer/rank?$DS_QUERY"

# Answers are kept per knowledge version, so the rows above measure serving a prepared answer.
# Here every request asks a question not asked recently: ranking and rendering every time.
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/pages.lua" '/?'
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/api.lua" '/api/v1/recommendations?'
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/peer.lua" '/peer/rank.json?' datasette
header "Every request a different typical question (5,000 in turn, nothing prepared), seeded knowledge base"
for c in 1 64; do
  row "stackatlas page" "$c" "$APP" "$APP_URL" -s "$WORK/pages.lua"
  row "stackatlas page, gzip" "$c" "$APP" "$APP_URL" -s "$WORK/pages.lua" "${GZIP[@]}"
  row "stackatlas API" "$c" "$APP" "$APP_URL" -s "$WORK/api.lua"
  row "Datasette canned query, JSON, the same questions" "$c" "$DS" "$DS_URL" -s "$WORK/peer.lua"
done
# Before editors sign in: each sign-in hashes a password with argon2id, which takes 19 MiB
# while it runs, and would mask what serving readers needs.
READER_PEAK_MIB=$(( $(peak_kib "$APP") / 1024 ))

# Editors saving (each save writes the framework, its links and an audit entry in one
# transaction) while 64 connections keep reading different questions.
audit_before=$(sql "$DB" "SELECT COUNT(*) FROM audit_log")
wrk -t2 -c64 -d"$(( DURATION + 2 ))s" --latency -s "$WORK/pages.lua" "$APP_URL" > "$WORK/readers.txt" &
READERS=$!
sleep 1
saves=$(echo "$EDITOR_PASSWORD" | python3 bench/saves.py "$APP_URL" "$EDITOR" "$DURATION" django laravel flask expressjs)
wait "$READERS"
audit_after=$(sql "$DB" "SELECT COUNT(*) FROM audit_log")
read -r saves_per_s save_p50 save_p99 save_answers <<< "$saves"
printf '\nEditors saving while readers ask (4 editors, each loading the edit form and saving, while 64 connections read different questions)\n\n'
echo '| what | figure |'
echo '|---|---:|'
echo "| saves per second (each with its audit entry) | $saves_per_s |"
echo "| save p50 / p99 ms | $save_p50 / $save_p99 |"
echo "| answers to the saves (status:count) | $save_answers |"
echo "| audit entries written during the run | $(( audit_after - audit_before )) |"
echo "| readers meanwhile: req/s, p99 | $(awk '/Requests\/sec/ {print $2}' "$WORK/readers.txt"), $(awk '$1 == "99%" {print $2}' "$WORK/readers.txt") |"

echo
echo "stackatlas peak memory (VmHWM) serving readers: ${READER_PEAK_MIB} MiB, after editors signed in and saved: $(( $(peak_kib "$APP") / 1024 )) MiB; start-up to first healthy response: ${startup_ms} ms; typical page: $(wc -c < "$WORK/www/result.html") bytes; release binary: $(( $(stat -c %s "$BIN") / 1048576 )) MiB"
kill "$APP"; wait "$APP" 2>/dev/null || true

# --- sign-in under attack -------------------------------------------------------------------
printf '\nSign-in under attack: 200 parallel sign-in attempts (each its own address behind a trusted proxy) while 64 connections read the typical query page\n\n'
python3 bench/login_burst.py "$BIN" --rounds 2 --readers "/?$QUERY" --reader-seconds "$(( DURATION < 6 ? 6 : DURATION ))" | sed -n '/^| round/,/^peak/p'

# --- grown to 10,000 frameworks -----------------------------------------------------------
python3 bench/generate.py seed/knowledge.json 10000 "$WORK/big.json" >/dev/null
BIG="$WORK/big.db"
DATABASE_URL="sqlite://$BIG" "$BIN" migrate 2>/dev/null
DATABASE_URL="sqlite://$BIG" "$BIN" import "$WORK/big.json" >/dev/null
BIG_PORT=$(free_port)
DATABASE_URL="sqlite://$BIG" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$BIG_PORT" 2>/dev/null &
BIGAPP=$!; PIDS+=("$BIGAPP")
wait_http "http://127.0.0.1:$BIG_PORT/healthz"
BIG_URL="http://127.0.0.1:$BIG_PORT"
load_start=$(date +%s%3N)
curl -fsS -o /dev/null "$BIG_URL/?$QUERY"
load_ms=$(( $(date +%s%3N) - load_start ))
bytes() { curl -fsS "$BIG_URL$1" | wc -c; }
header "10,000 frameworks"
for c in 1 64; do
  row "stackatlas page \`/?…\`" "$c" "$BIGAPP" "$BIG_URL/?$QUERY"
  row "stackatlas page, 5,000 questions in turn" "$c" "$BIGAPP" "$BIG_URL" -s "$WORK/pages.lua"
  row "stackatlas API \`/api/v1/recommendations?…\` (first page)" "$c" "$BIGAPP" "$BIG_URL/api/v1/recommendations?$QUERY"
  row "stackatlas API, 5,000 questions in turn" "$c" "$BIGAPP" "$BIG_URL" -s "$WORK/api.lua"
  row "catalogue \`/frameworks\` (first page)" "$c" "$BIGAPP" "$BIG_URL/frameworks"
  row "API \`/api/v1/frameworks\` (first page)" "$c" "$BIGAPP" "$BIG_URL/api/v1/frameworks"
done
echo
echo "bytes with 10,000 frameworks: query page $(bytes "/?$QUERY"), recommendation answer $(bytes "/api/v1/recommendations?$QUERY"), catalogue page $(bytes /frameworks), \`/api/v1/frameworks\` $(bytes /api/v1/frameworks)"
echo "stackatlas peak memory with 10,000 frameworks under load (VmHWM): $(( $(peak_kib "$BIGAPP") / 1024 )) MiB; first question after start-up: ${load_ms} ms"
kill "$BIGAPP"; wait "$BIGAPP" 2>/dev/null || true

# --- years of use ----------------------------------------------------------------------------
# Growing a database to years of use writes about 11 GB and takes a while; BENCH_GROWN_DB names
# one grown before (by bench/grow.py with this binary) to reuse.
GROWN=${BENCH_GROWN_DB:-$WORK/grown.db}
[ -f "$GROWN" ] || python3 bench/grow.py "$BIN" "$GROWN" >&2
DATABASE_URL="sqlite://$GROWN" "$BIN" migrate 2>/dev/null
python3 bench/grow.py "$BIN" "$WORK/fresh-years.db" --briefs 0 --audit 0 --flags 0 --users 2 --requests 0 >&2
# A fresh database lists nothing in its queues and histories; one after "a week" lists a page
# or so of each, so growth alone is what the grown one adds to it.
python3 bench/grow.py "$BIN" "$WORK/week-years.db" --briefs 60 --audit 8000 --flags 100 --users 20 --requests 100 >&2
printf '\nYears of use: each page on a fresh seeded database, on one after a week of use (a page or so of each list) and on one grown to 100,000 briefs, a million audit entries, 20,000 flags and 500 users (ms, one request at a time, 20 in a row after a first)\n\n'
python3 bench/years.py "$BIN" "$WORK/fresh-years.db" "$GROWN" 20 "$WORK/week-years.db"
