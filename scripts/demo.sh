#!/usr/bin/env bash
# make demo: seed demo data (once) and serve it on http://127.0.0.1:8080.
set -euo pipefail
BUILD_DIR=${1:-build}
DATA_DIR=${RXDESK_DEMO_DATA:-./data}
BIN="$BUILD_DIR/rxdesk"
if [ ! -f "$DATA_DIR/rxdesk.db" ]; then
  "$BIN" seed --demo --members "${RXDESK_DEMO_MEMBERS:-500}" --data-dir "$DATA_DIR"
else
  echo "demo data already in $DATA_DIR (remove it to seed again)"
  echo "demo accounts: member.demo agent.demo pharmacist.demo supervisor.demo privacy.demo admin.demo"
  echo "password: rxdesk-demo-2026; workforce 2FA code: $BIN user totp --username agent.demo --data-dir $DATA_DIR"
fi
echo
echo "serving http://127.0.0.1:8080  (Ctrl-C to stop)"
echo "try: curl -s http://127.0.0.1:8080/healthz"
exec "$BIN" serve --data-dir "$DATA_DIR" --listen 127.0.0.1:8080
