#!/usr/bin/env bash
# Benchmarks stackatlas against a peer (Datasette on the same SQLite file, the same ranking
# question as a canned query) and the limit (nginx serving the exact bytes of our result page
# as a static file), side by side in one run, on 127.0.0.1 only.
#
# Needs: wrk, nginx (Debian packages), datasette (PyPI), python3, a Rust toolchain.
# Usage: bench/run.sh [SECONDS_PER_RUN]   (default 10; every server it starts is stopped)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
WORK=$(mktemp -d)
# nginx workers drop to an unprivileged user, who must be able to read the page.
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx datasette python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install wrk nginx; pip install datasette" >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

QUERY='industry=healthcare&need=security&need=scalability&want=real-time-updates&want=ai-integration&lang=python'
DS_QUERY='industry=healthcare&need1=security&need2=scalability&want1=real-time-updates&want2=ai-integration&lang=python'

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
print(f"{rps:10.0f} {ms('50'):8.2f} {ms('99'):8.2f} {cpu_us:8.0f}{bad}")
PY
}

# row LABEL CONNECTIONS PID URL [WRK ARGS…]
row() { printf '| %-44s | %5s | %s |\n' "$1" "$2" "$(measure "$3" "$4" "$2" "${@:5}" | awk '{printf "%s | %s | %s | %s", $1, $2, $3, $4; for (i = 5; i <= NF; i++) printf " %s", $i}')"; }
header() {
  printf '\n%s\n\n' "$1"
  echo '| what | conns | req/s | p50 ms | p99 ms | server CPU µs/req |'
  echo '|---|---:|---:|---:|---:|---:|'
}

# --- the seeded knowledge base ------------------------------------------------------------
DB="$WORK/seed.db"
DATABASE_URL="sqlite://$DB" "$BIN" migrate 2>/dev/null
DATABASE_URL="sqlite://$DB" "$BIN" import seed/knowledge.json >/dev/null
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

# The limit: nginx serving our rendered result page's exact bytes.
mkdir -p "$WORK/www"
curl -fsS "$APP_URL/?$QUERY" -o "$WORK/www/result.html"
# The same page gzip-compressed by stackatlas, for nginx's gzip_static to send as is.
curl -fsS -H 'Accept-Encoding: gzip' "$APP_URL/?$QUERY" -o "$WORK/www/result.html.gz"
NGINX_PORT=$(free_port)
cat > "$WORK/nginx.conf" <<CONF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location = /result.html { default_type text/html; gzip_static on; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX=$!; PIDS+=("$NGINX")
wait_http "http://127.0.0.1:$NGINX_PORT/result.html"

# The peer: Datasette answering the same ranking question as a canned query.
cat > "$WORK/metadata.json" <<'JSON'
{"databases": {"peer": {"queries": {"rank": {"sql":
"WITH f AS (SELECT fw.id, fw.slug, fw.name, fw.ring, l.slug AS lang FROM frameworks fw JOIN languages l ON l.id = fw.language_id), s AS (SELECT fr.framework_id, r.slug, fr.strength FROM framework_requirements fr JOIN requirements r ON r.id = fr.requirement_id), fit AS (SELECT fi.framework_id, fi.fit FROM framework_industries fi JOIN industries i ON i.id = fi.industry_id WHERE i.slug = :industry) SELECT f.slug, f.name, round(100.0 * (3 * coalesce(fit.fit, 0) + 2 * n1.strength + 2 * n2.strength + coalesce(w1.strength, 0) + coalesce(w2.strength, 0) + 2 * (CASE WHEN f.lang = :lang THEN 5 ELSE 0 END) + (CASE f.ring WHEN 'adopt' THEN 5 WHEN 'trial' THEN 4 WHEN 'assess' THEN 2 ELSE 0 END)) / 60.0, 1) AS score FROM f LEFT JOIN fit ON fit.framework_id = f.id JOIN s n1 ON n1.framework_id = f.id AND n1.slug = :need1 JOIN s n2 ON n2.framework_id = f.id AND n2.slug = :need2 LEFT JOIN s w1 ON w1.framework_id = f.id AND w1.slug = :want1 LEFT JOIN s w2 ON w2.framework_id = f.id AND w2.slug = :want2 WHERE n1.strength >= 4 AND n2.strength >= 4 ORDER BY score DESC, f.name"
}}}}}
JSON
DS_PORT=$(free_port)
datasette serve -i "$WORK/peer.db" -m "$WORK/metadata.json" -p "$DS_PORT" -h 127.0.0.1 >/dev/null 2>&1 &
DS=$!; PIDS+=("$DS")
wait_http "http://127.0.0.1:$DS_PORT/peer/rank.json?$DS_QUERY"

echo "# stackatlas benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); wrk ${DURATION}s per row"

header "Typical query (industry, two must-haves, two nice-to-haves, a language), seeded knowledge base (27 frameworks)"
for c in 1 64; do
  row "stackatlas page /?…" "$c" "$APP" "$APP_URL/?$QUERY"
  row "stackatlas API /api/v1/recommendations?…" "$c" "$APP" "$APP_URL/api/v1/recommendations?$QUERY"
  row "Datasette canned query, JSON" "$c" "$DS" "http://127.0.0.1:$DS_PORT/peer/rank.json?$DS_QUERY"
  row "Datasette canned query, HTML" "$c" "$DS" "http://127.0.0.1:$DS_PORT/peer/rank?$DS_QUERY"
  row "nginx, the same page bytes as a static file" "$c" "$NGINX" "http://127.0.0.1:$NGINX_PORT/result.html"
done

GZIP=(-H 'Accept-Encoding: gzip')
header "The same question, the client accepting gzip (as browsers do)"
for c in 1 64; do
  row "stackatlas page /?… (gzip)" "$c" "$APP" "$APP_URL/?$QUERY" "${GZIP[@]}"
  row "nginx, the same gzip bytes (gzip_static)" "$c" "$NGINX" "http://127.0.0.1:$NGINX_PORT/result.html" "${GZIP[@]}"
done

# Answers are kept per knowledge version, so the rows above measure serving a prepared answer.
# Here every request asks a question not asked recently: ranking and rendering every time.
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/pages.lua" '/?'
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/api.lua" '/api/v1/recommendations?'
header "Every request a different typical question (nothing prepared), seeded knowledge base"
for c in 1 64; do
  row "stackatlas page, 5,000 questions in turn" "$c" "$APP" "$APP_URL" -s "$WORK/pages.lua"
  row "stackatlas API, 5,000 questions in turn" "$c" "$APP" "$APP_URL" -s "$WORK/api.lua"
done

header "Other pages, seeded knowledge base"
for c in 1 64; do
  row "catalogue /frameworks" "$c" "$APP" "$APP_URL/frameworks"
  row "framework page /frameworks/django" "$c" "$APP" "$APP_URL/frameworks/django"
  row "compare /compare?f=django&f=laravel&f=nodejs" "$c" "$APP" "$APP_URL/compare?f=django&f=laravel&f=nodejs"
done
# Before editors sign in: each sign-in hashes a password with argon2id, which takes 19 MiB
# while it runs, and would mask what serving readers needs.
READER_PEAK_MIB=$(( $(peak_kib "$APP") / 1024 ))

# Editors saving (each save writes the framework, its links and an audit entry in one
# transaction) while 64 connections keep reading the query page.
EDITOR_PASSWORD=bench-editor-password
echo "$EDITOR_PASSWORD" | DATABASE_URL="sqlite://$DB" "$BIN" user add --email bench@example.com --name Bench --role editor --password-stdin >/dev/null 2>&1
audit_before=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])' "$DB")
wrk -t2 -c64 -d"$(( DURATION + 2 ))s" --latency "$APP_URL/?$QUERY" > "$WORK/readers.txt" &
READERS=$!
sleep 1
saves=$(echo "$EDITOR_PASSWORD" | python3 bench/saves.py "$APP_URL" bench@example.com "$DURATION" django laravel flask expressjs)
wait "$READERS"
audit_after=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])' "$DB")
read -r saves_per_s save_p50 save_p99 save_answers <<< "$saves"
printf '\nEditors saving under load (4 editors, each loading the edit form and saving, while 64 connections read the query page)\n\n'
echo '| what | figure |'
echo '|---|---:|'
echo "| saves per second (each with its audit entry) | $saves_per_s |"
echo "| save p50 / p99 ms | $save_p50 / $save_p99 |"
echo "| answers to the saves (status:count) | $save_answers |"
echo "| audit entries written during the run | $(( audit_after - audit_before )) |"
echo "| readers meanwhile: req/s, p99 | $(awk '/Requests\/sec/ {print $2}' "$WORK/readers.txt"), $(awk '$1 == "99%" {print $2}' "$WORK/readers.txt") |"

echo
echo "stackatlas peak memory (VmHWM) serving readers: ${READER_PEAK_MIB} MiB, after four editors signed in and saved: $(( $(peak_kib "$APP") / 1024 )) MiB; start-up to first healthy response: ${startup_ms} ms; page size: $(wc -c < "$WORK/www/result.html") bytes; release binary: $(( $(stat -c %s "$BIN") / 1048576 )) MiB"
kill "$APP"; wait "$APP" 2>/dev/null || true

# --- grown to 10,000 frameworks -----------------------------------------------------------
python3 bench/generate.py seed/knowledge.json 10000 "$WORK/big.json" >/dev/null
BIG="$WORK/big.db"
DATABASE_URL="sqlite://$BIG" "$BIN" migrate 2>/dev/null
DATABASE_URL="sqlite://$BIG" "$BIN" import "$WORK/big.json" >/dev/null
BIG_PORT=$(free_port)
DATABASE_URL="sqlite://$BIG" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$BIG_PORT" 2>/dev/null &
BIGAPP=$!; PIDS+=("$BIGAPP")
wait_http "http://127.0.0.1:$BIG_PORT/healthz"
# The first question loads the knowledge into memory (about a second and a half at this
# size); measure what follows, and report the load separately.
load_start=$(date +%s%3N)
curl -fsS -o /dev/null "http://127.0.0.1:$BIG_PORT/?$QUERY"
load_ms=$(( $(date +%s%3N) - load_start ))
header "The same query with 10,000 frameworks"
for c in 1 64; do
  row "stackatlas page /?…" "$c" "$BIGAPP" "http://127.0.0.1:$BIG_PORT/?$QUERY"
  row "stackatlas page, 5,000 questions in turn" "$c" "$BIGAPP" "http://127.0.0.1:$BIG_PORT" -s "$WORK/pages.lua"
done
# Last, because requests wrk gives up on (its timeout is 2 s) keep the server busy after
# the run: every result of 10,000, explained, is tens of megabytes of JSON.
for c in 1 64; do
  row "stackatlas API /api/v1/recommendations?…" "$c" "$BIGAPP" "http://127.0.0.1:$BIG_PORT/api/v1/recommendations?$QUERY"
done
echo
echo "stackatlas peak memory with 10,000 frameworks (VmHWM): $(( $(peak_kib "$BIGAPP") / 1024 )) MiB; first question after start-up (loads the knowledge): ${load_ms} ms"
