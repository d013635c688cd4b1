#!/usr/bin/env bash
# The server's memory at 10,000 frameworks, row by row: the resident set (VmRSS) and its peak
# (VmHWM) after start-up and after each of run.sh's 10,000-framework rows, each run for
# SECONDS (default 5), so a change in memory is seen where it happens.
#
# Usage: bench/memory.sh BINARY [WORK_DIR] [SECONDS]   (from the repository root)
# Builds WORK_DIR/big.db (default /tmp/stackatlas-memory) from bench/generate.py on first use.
set -euo pipefail
BIN=$1
WORK=${2:-/tmp/stackatlas-memory}
SECONDS_PER_ROW=${3:-5}
mkdir -p "$WORK"
QUERY='industry=healthcare&need=security&need=scalability&want=real-time-updates&want=ai-integration&lang=python'
if [ ! -f "$WORK/big.db" ]; then
  python3 bench/generate.py seed/knowledge.json 10000 "$WORK/big.json" >/dev/null
  DATABASE_URL="sqlite://$WORK/big.db" "$BIN" migrate 2>/dev/null
  DATABASE_URL="sqlite://$WORK/big.db" "$BIN" import "$WORK/big.json" >/dev/null
fi
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/pages.lua" '/?'
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/api.lua" '/api/v1/recommendations?'
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATABASE_URL="sqlite://$WORK/big.db" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" 2>/dev/null &
APP=$!
trap 'kill $APP 2>/dev/null || true' EXIT
URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -fs -o /dev/null "$URL/healthz" && break; sleep 0.1; done
memory() { awk '/VmHWM/ {hwm=$2} /VmRSS/ {rss=$2} END {printf "%d | %d", rss/1024, hwm/1024}' "/proc/$APP/status"; }
curl -fsS -o /dev/null "$URL/?$QUERY"
echo '| after | conns | req/s | VmRSS MiB | VmHWM MiB |'
echo '|---|---:|---:|---:|---:|'
echo "| start-up and the first question | | | $(memory) |"
for c in 1 64; do
  threads=$([ "$c" = 1 ] && echo 1 || echo 2)
  while IFS='|' read -r name path script; do
    rate=$(wrk -t"$threads" -c"$c" -d"${SECONDS_PER_ROW}s" ${script:+-s "$WORK/$script"} "$URL$path" \
      | awk '/Requests\/sec/ {print $2}')
    echo "| $name | $c | $rate | $(memory) |"
  done <<ROWS
page \`/?…\`|/?$QUERY|
page, 5,000 questions in turn||pages.lua
API \`/api/v1/recommendations?…\` (first page)|/api/v1/recommendations?$QUERY|
API, 5,000 questions in turn||api.lua
catalogue \`/frameworks\` (first page)|/frameworks|
API \`/api/v1/frameworks\` (first page)|/api/v1/frameworks|
ROWS
done
