#!/usr/bin/env bash
# The reading pages against nginx serving their exact bytes: the catalogue, a framework page,
# compare, an industry, the trends and radar, and a saved brief (signed in), each asked with
# gzip accepted as browsers do, at 64 connections. nginx runs one worker (wrk needs the other
# core; see docs/performance.md), with gzip_static sending the page's own compressed bytes.
#
# Usage: bench/reading.sh [SECONDS_PER_RUN] [BINARY]   (defaults: 5, target/release/stackatlas)
# Prints one row per page: bytes sent, stackatlas req/s, p99, server CPU µs/request, nginx
# req/s, and stackatlas as a share of nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-5}
BIN=${2:-target/release/stackatlas}
WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

DB="$WORK/seed.db"
DATABASE_URL="sqlite://$DB" "$BIN" migrate 2>/dev/null
DATABASE_URL="sqlite://$DB" "$BIN" import seed/knowledge.json >/dev/null
echo bench-reader-password | DATABASE_URL="sqlite://$DB" "$BIN" user add --email reader@example.com --name Reader --role editor --password-stdin >/dev/null 2>&1
PORT=$(free_port)
DATABASE_URL="sqlite://$DB" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" 2>/dev/null &
APP=$!; PIDS+=("$APP")
APP_URL="http://127.0.0.1:$PORT"
wait_http "$APP_URL/healthz"

# Signs in through the form, saves a brief from the typical query, prints the session's
# Cookie header and the brief's path.
read -r COOKIE BRIEF < <(python3 - "$APP_URL" <<'PY'
import http.cookiejar, re, sys, urllib.parse, urllib.request
base = sys.argv[1]
jar = http.cookiejar.CookieJar()
class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None
web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Stay)
def get(path):
    return web.open(base + path).read().decode()
def post(path, fields):
    try:
        web.open(base + path, urllib.parse.urlencode(fields).encode())
    except urllib.error.HTTPError as answer:
        return answer.headers["Location"]
token = re.search(r'name="csrf_token" value="([^"]+)"', get("/login")).group(1)
post("/login", [("email", "reader@example.com"), ("password", "bench-reader-password"), ("next", "/"), ("csrf_token", token)])
page = get("/?industry=healthcare&need=security&need=scalability&want=real-time-updates&want=ai-integration&lang=python")
form = re.search(r'<form class="brief-form".*?</form>', page, re.S).group(0)
fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
fields += [("client", "Acme"), ("project", "Portal"), ("notes", "")]
brief = post("/briefs", fields)
print("; ".join(f"{c.name}={c.value}" for c in jar), brief)
PY
)

mkdir -p "$WORK/www"
NGINX_PORT=$(free_port)
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location / { default_type text/html; gzip_static on; }
  }
}
CONF

measure() { # PID URL [WRK ARGS…] → "req/s p99_ms cpu_us"
  local pid=$1 url=$2 before after out
  shift 2
  before=$(cpu_ticks "$pid")
  out=$(wrk -t2 -c64 -d"${DURATION}s" --latency "$@" "$url")
  after=$(cpu_ticks "$pid")
  python3 - "$before" "$after" "$out" <<'PY'
import re, sys
before, after, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
total = int(re.search(r"(\d+) requests in", out).group(1))
m = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
print(f"{rps:.0f} {p99:.2f} {(after - before) * 10_000 / max(total, 1):.0f}{' (' + bad.group(1) + ' errors)' if bad else ''}")
PY
}

# A page followed by " signed in" is asked with the reader's session cookie.
PAGES=(/frameworks /frameworks/django "/compare?f=django&f=laravel&f=nodejs" /industries/healthcare /trends "/frameworks/django signed in" "$BRIEF signed in")
n=0
for entry in "${PAGES[@]}"; do
  n=$((n + 1))
  page=${entry% signed in}
  extra=()
  [[ $entry == *" signed in" ]] && extra=(-H "Cookie: $COOKIE")
  curl -fsS "${extra[@]}" "$APP_URL$page" -o "$WORK/www/p$n.html"
  curl -fsS "${extra[@]}" -H 'Accept-Encoding: gzip' "$APP_URL$page" -o "$WORK/www/p$n.html.gz"
done
nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX=$!; PIDS+=("$NGINX")
wait_http "http://127.0.0.1:$NGINX_PORT/p1.html"

echo "# reading pages, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), wrk -c64 ${DURATION}s, gzip accepted"
echo '| page | bytes (gzip) | stackatlas req/s | p99 ms | CPU µs/req | nginx req/s | share of nginx |'
echo '|---|---:|---:|---:|---:|---:|---:|'
n=0
for entry in "${PAGES[@]}"; do
  n=$((n + 1))
  page=${entry% signed in}
  extra=(-H 'Accept-Encoding: gzip')
  [[ $entry == *" signed in" ]] && extra+=(-H "Cookie: $COOKIE")
  read -r rps p99 cpu rest < <(measure "$APP" "$APP_URL$page" "${extra[@]}")
  read -r nrps _ _ _ < <(measure "$NGINX" "http://127.0.0.1:$NGINX_PORT/p$n.html" -H 'Accept-Encoding: gzip')
  label="${page%%\?*}$([[ $page == *\?* ]] && echo '?…' || true)${entry#"$page"}"
  printf '| %s | %s | %s | %s | %s | %s | %s%% |\n' "$label" \
    "$(stat -c %s "$WORK/www/p$n.html.gz")" "$rps${rest:+ $rest}" "$p99" "$cpu" "$nrps" "$(( 100 * rps / nrps ))"
done
