#!/usr/bin/env bash
# HTTP load figures for `make bench`: wrk against a seeded `rxdesk serve`, with
# nginx serving the same JSON as a static file as the yardstick, all on loopback.
# Usage: scripts/bench_http.sh BUILD_DIR
#   env: BENCH_MEMBERS (100000), BENCH_SECONDS (10), BENCH_CONNECTIONS (64),
#        BENCH_SYNC (the SQLite synchronous setting of the server: FULL, the default, or NORMAL)
set -euo pipefail
BUILD_DIR=${1:-build}
BIN="$(cd "$BUILD_DIR" && pwd)/rxdesk"
MEMBERS=${BENCH_MEMBERS:-100000}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
WORK=$(mktemp -d /tmp/rxdesk-bench-XXXXXX)
SERVER_PID=""; NGINX_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "== HTTP: seeding $MEMBERS members =="
/usr/bin/time -f "seed: %e s, max RSS %M KiB" "$BIN" seed --demo --members "$MEMBERS" --data-dir "$WORK/data" | tail -n 1

PORT=$(free_port)
# Rate limits on (their cost is part of the figures) but far above the load: wrk's
# 64 connections are one client IP and one account.
LIMITS=(RXDESK_LIMITS_PER_IP_PER_MINUTE=100000000 RXDESK_LIMITS_PER_IP_BURST=100000000
  RXDESK_LIMITS_PER_ACCOUNT_PER_MINUTE=100000000 RXDESK_LIMITS_PER_ACCOUNT_BURST=100000000
  RXDESK_LIMITS_LOGIN_PER_USERNAME_PER_MINUTE=10000)
env "${LIMITS[@]}" RXDESK_STORE_SQLITE_SYNCHRONOUS=${BENCH_SYNC:-FULL} \
  "$BIN" serve --data-dir "$WORK/data" --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT"

TOKEN=$(curl -sf -X POST "$URL/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"member.demo","password":"rxdesk-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
MEMBER_ID=$(curl -sf "$URL/v1/me" -H "Authorization: Bearer $TOKEN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["member_id"])')
RX=$(curl -sf "$URL/v1/members/$MEMBER_ID/prescriptions" -H "Authorization: Bearer $TOKEN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["rx_number"])')
ELIG_PATH="/v1/prescriptions/$RX/refill-eligibility"
curl -sf "$URL$ELIG_PATH" -H "Authorization: Bearer $TOKEN" >"$WORK/eligibility.json"

# nginx serving the same JSON as a static file.
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
cp "$WORK/eligibility.json" "$WORK/nginx/www/eligibility.json"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp; proxy_temp_path $WORK/nginx/tmp; fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp; scgi_temp_path $WORK/nginx/tmp;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/www; default_type application/json; }
}
CONF
/usr/sbin/nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
sleep 0.5

cat >"$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

run_wrk() { wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@"; }
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '/ 99%/ {print $2}'; }

# CPU time (user + system, clock ticks) of processes, to report CPU per request:
# unlike requests per second it hardly depends on what else the machine runs.
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
requests() { awk '/requests in/ {print $1}'; }
cpu_us_per_request() { python3 -c "import os,sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf(\"SC_CLK_TCK\") / int(sys.argv[3]) * 1e6:.1f}')" "$@"; }
NGINX_WORKERS=$(pgrep -P "$NGINX_PID" | tr '\n' ' ')

echo "== nginx static JSON =="
T0=$(ticks $NGINX_WORKERS)
run_wrk "http://127.0.0.1:$NGINX_PORT/eligibility.json" | tee "$WORK/nginx.txt" | grep -E "Requests/sec| 99%"
NGINX_CPU=$(cpu_us_per_request "$T0" "$(ticks $NGINX_WORKERS)" "$(requests <"$WORK/nginx.txt")")
echo "== rxdesk GET /healthz (no store, no token) =="
T0=$(ticks $SERVER_PID)
run_wrk "$URL/healthz" | tee "$WORK/healthz.txt" | grep -E "Requests/sec| 99%|Non-2xx"
HEALTHZ_CPU=$(cpu_us_per_request "$T0" "$(ticks $SERVER_PID)" "$(requests <"$WORK/healthz.txt")")
echo "== rxdesk GET refill-eligibility (authenticated, audited) =="
T0=$(ticks $SERVER_PID)
run_wrk -s "$WORK/auth.lua" "$URL$ELIG_PATH" | tee "$WORK/elig.txt" | grep -E "Requests/sec| 99%|Non-2xx"
ELIG_CPU=$(cpu_us_per_request "$T0" "$(ticks $SERVER_PID)" "$(requests <"$WORK/elig.txt")")

# Refills: each request a different eligible Rx with its own idempotency key.
python3 - "$WORK/data/rxdesk.db" "$WORK/rx.lua" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# Eligible today by the rules of PRODUCT.md §2 (non-controlled: 75% of the last supply used,
# refills left, written within 365 days, no open order), so each request can create an order.
rows = [r[0] for r in db.execute("""
  SELECT p.rx_number FROM prescriptions p
  WHERE p.status = 'active' AND p.schedule = 'none' AND p.refills_remaining > 0
    AND p.written_date > date('now', '-360 days')
    AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.rx_number = p.rx_number AND o.status IN ('received','in_review','filled'))
    AND COALESCE((SELECT MAX(f.fill_date) FROM fills f WHERE f.rx_number = p.rx_number), '2000-01-01')
        <= date('now', '-' || ((p.days_supply * 3 + 3) / 4 + 1) || ' days')""")]
with open(sys.argv[2], "w") as f:
    f.write("rx = {" + ",".join('"%s"' % r for r in rows) + "}\n")
print("eligible-looking prescriptions for the refill run:", len(rows))
PY
# A pharmacist places them: agents would need a verified contact per member (identity gate).
STAFF_TOTP=$("$BIN" user totp --username pharmacist.demo --data-dir "$WORK/data")
STAFF=$(curl -sf -X POST "$URL/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"pharmacist.demo\",\"password\":\"rxdesk-demo-2026\",\"totp\":\"$STAFF_TOTP\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
cat >>"$WORK/rx.lua" <<LUA
local counter = 0
local thread_id = 0
setup = function(thread) thread:set("tid", thread_id); thread_id = thread_id + 1 end
request = function()
  -- Each prescription once: thread t takes t, t+2, t+4, ... (2 wrk threads).
  local i = counter * 2 + tid + 1
  counter = counter + 1
  if i > #rx then i = (i - 1) % #rx + 1 end
  local body = '{"rx_number":"' .. rx[i] .. '"}'
  return wrk.format("POST", "/v1/refills", {["Authorization"] = "Bearer $STAFF", ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. counter}, body)
end
LUA
echo "== rxdesk POST /v1/refills (audited, group commit, synchronous=${BENCH_SYNC:-FULL}) =="
run_wrk -s "$WORK/rx.lua" "$URL" | tee "$WORK/refill.txt" | grep -E "Requests/sec| 99%|Non-2xx|requests in"
CREATED=$(sqlite3 "$WORK/data/rxdesk.db" "SELECT COUNT(*) FROM orders WHERE created_by != 'seed'")
RSS=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)
NGINX_RPS=$(rps <"$WORK/nginx.txt"); ELIG_RPS=$(rps <"$WORK/elig.txt"); REFILL_RPS=$(rps <"$WORK/refill.txt")
echo
echo "== summary (${SECONDS_PER_RUN}s runs, $CONNECTIONS connections, $MEMBERS members, synchronous=${BENCH_SYNC:-FULL}) =="
python3 - "$NGINX_RPS" "$ELIG_RPS" "$REFILL_RPS" "$CREATED" "$SECONDS_PER_RUN" "$RSS" "$(p99 <"$WORK/elig.txt")" "$(p99 <"$WORK/refill.txt")" \
  "$(rps <"$WORK/healthz.txt")" "$NGINX_CPU" "$HEALTHZ_CPU" "$ELIG_CPU" <<'PY'
import sys
nginx, elig, refill, created, secs, rss, p99e, p99r, healthz, nginx_cpu, healthz_cpu, elig_cpu = sys.argv[1:]
nginx, elig, refill, created, secs, healthz = float(nginx), float(elig), float(refill), int(created), float(secs), float(healthz)
print(f"nginx static JSON:              {nginx:10.0f} req/s  server CPU {nginx_cpu} us/request")
print(f"GET /healthz:                   {healthz:10.0f} req/s  ratio to nginx {healthz / nginx:.2f}  server CPU {healthz_cpu} us/request")
print(f"GET refill-eligibility:         {elig:10.0f} req/s  ratio to nginx {elig / nginx:.2f}  p99 {p99e}  server CPU {elig_cpu} us/request")
print(f"POST /v1/refills (all answers): {refill:10.0f} req/s  p99 {p99r}")
print(f"POST /v1/refills created (201): {created / secs:10.0f} orders/s ({created} orders)")
print(f"serve RSS after the runs:       {int(rss) / 1024:10.1f} MiB")
PY
