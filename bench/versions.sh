#!/usr/bin/env bash
# Two builds of stackatlas on the same varied questions, alternately, twice each: what a
# change cost. Each build serves its own fresh, seeded database on 127.0.0.1.
#
# Usage: bench/versions.sh OLD_BINARY NEW_BINARY [SECONDS_PER_RUN]   (needs wrk, python3)
# e.g.   git worktree add /tmp/old <commit> && (cd /tmp/old && cargo build --release)
#        cargo build --release && bench/versions.sh /tmp/old/target/release/stackatlas target/release/stackatlas
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$1 NEW=$2 DURATION=${3:-10}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/api.lua" '/api/v1/recommendations?'
python3 bench/questions.py seed/knowledge.json 5000 "$WORK/pages.lua" '/?'
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Prints "NAME KIND requests/s p50 p99 non-2xx" for the API and the query page.
run() {
  local name=$1 binary=$2 port dir pid out
  port=$(free_port)
  dir=$(mktemp -d -p "$WORK")
  DATABASE_URL="sqlite://$dir/db.sqlite" STACKATLAS_ADDR="127.0.0.1:$port" RUST_LOG=error \
    "$binary" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.2; done
  for kind in api pages; do
    out=$(wrk -t2 -c8 -d"${DURATION}s" --latency -s "$WORK/$kind.lua" "http://127.0.0.1:$port")
    printf '%s %s %s %s %s %s\n' "$name" "$kind" \
      "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
      "$(awk '$1=="50%" {print $2}' <<<"$out")" \
      "$(awk '$1=="99%" {print $2}' <<<"$out")" \
      "$(awk '/Non-2xx/ {print $5}' <<<"$out" | grep . || echo 0)"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
echo "build kind requests/s p50 p99 non-2xx"
for _ in 1 2; do run old "$OLD"; run new "$NEW"; done
