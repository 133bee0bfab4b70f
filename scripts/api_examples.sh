#!/usr/bin/env bash
# The main flow of docs/api.md, run for real against a seeded rxdesk server.
#
# Usage: scripts/api_examples.sh URL DATA_DIR BIN
#   URL       the server, e.g. http://127.0.0.1:8080 (loopback only: the flow creates records)
#   DATA_DIR  the server's --data-dir (for workforce TOTP codes)
#   BIN       the rxdesk program (runs `BIN user totp --username U --data-dir DATA_DIR`)
#
# Every step checks the status code the documentation promises (and a few fields);
# the first step that does not get it stops the script with exit code 1. Exit code
# 2 for a usage problem. Needs curl and python3 (standard library only). The data
# it creates is synthetic; it can run again against the same server.
set -uo pipefail

usage() {
  echo "usage: $0 URL DATA_DIR BIN   (e.g. $0 http://127.0.0.1:8080 ./data build/rxdesk)" >&2
  exit 2
}
[ $# -eq 3 ] || usage
URL=${1%/}
DATA_DIR=$2
BIN=$3
case "$URL" in
  http://127.*|http://localhost:*|http://localhost|http://\[::1\]*) ;;
  *) echo "$0: URL must be a loopback http:// address (the examples create records): $URL" >&2; exit 2 ;;
esac
[ -d "$DATA_DIR" ] || { echo "$0: DATA_DIR is not a directory: $DATA_DIR" >&2; exit 2; }
[ -x "$BIN" ] || { echo "$0: BIN is not an executable: $BIN" >&2; exit 2; }
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "$0: $tool is required" >&2; exit 2; }
done

# The interpreter itself, not a version manager's shim: it runs once per check.
PY=$(python3 -c 'import sys; print(sys.executable)') || { echo "$0: python3 does not start" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rxdesk-examples-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PASSWORD=rxdesk-demo-2026
RUN=$("$PY" -c 'import secrets; print(secrets.token_hex(4))')  # makes keys and usernames unique per run
STEPS=0

# Dates relative to today (the server judges them in its own time zone, at most a day apart).
day() { "$PY" -c 'import datetime,sys; print(datetime.date.today() + datetime.timedelta(days=int(sys.argv[1])))' "$1"; }

fail() {
  echo "FAIL: $*" >&2
  [ -s "$WORK/headers" ] && echo "X-Request-Id: $(header X-Request-Id)" >&2
  [ -s "$WORK/body" ] && { echo "response body:" >&2; head -c 2000 "$WORK/body" >&2; echo >&2; }
  exit 1
}

# call EXPECTED METHOD PATH [TOKEN] [BODY] [extra curl args...]
# Sends the request; the body lands in $WORK/body, the headers in $WORK/headers.
call() {
  local expected=$1 method=$2 path=$3 token=${4:-} body=${5:-}
  shift 5 2>/dev/null || shift $#
  local args=(-sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  if [ -n "$body" ]; then
    args+=(-H 'Content-Type: application/json' --data-binary @-)
  fi
  local status
  rm -f "$WORK/body" "$WORK/headers"
  status=$(printf '%s' "$body" | curl "${args[@]}" "$@" "$URL$path") || true
  STEPS=$((STEPS + 1))
  if [ "$status" != "$expected" ]; then
    fail "$method $path: expected $expected, got ${status:-no answer}"
  fi
  printf 'ok  %s %-6s %s\n' "$status" "$method" "$path"
}

# get KEY.PATH — a value of the last response body (strings raw, others as JSON).
get() {
  "$PY" - "$WORK/body" "$1" <<'PYTHON' || fail "the response has no $1"
import json, sys
value = json.load(open(sys.argv[1]))
for part in sys.argv[2].split("."):
    if isinstance(value, list) and part.isdigit() and int(part) < len(value):
        value = value[int(part)]
    elif isinstance(value, dict) and part in value:
        value = value[part]
    else:
        sys.exit(1)
print(value if isinstance(value, str) else json.dumps(value))
PYTHON
}

# expect KEY.PATH VALUE — a field of the last response body has this value.
expect() {
  local actual
  actual=$(get "$1") || exit 1
  [ "$actual" = "$2" ] || fail "expected $1 = $2, got $actual"
}

# header NAME — a header of the last response (case-insensitive name).
header() { tr -d '\r' <"$WORK/headers" | awk -v n="$(echo "$1" | tr '[:upper:]' '[:lower:]')" -F': ' 'tolower($1) == n { print $2 }' | tail -n 1; }

# login USERNAME [with_totp] — signs in and sets TOKEN. Workforce roles send the current
# TOTP code; a code works once per 30-second step, so a used one waits for the next step.
login() {
  local username=$1 totp_field="" code status
  for _ in 1 2 3; do
    if [ "${2:-}" = with_totp ]; then
      code=$("$BIN" user totp --username "$username" --data-dir "$DATA_DIR") ||
        { rm -f "$WORK/body"; fail "$BIN user totp failed"; }
      totp_field=", \"totp\": \"$code\""
    fi
    rm -f "$WORK/body" "$WORK/headers"
    status=$(printf '{"username": "%s", "password": "%s"%s}' "$username" "$PASSWORD" "$totp_field" |
      curl -sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
        --data-binary @- "$URL/v1/auth/login") || true
    if [ "$status" = 200 ]; then
      STEPS=$((STEPS + 1))
      printf 'ok  %s %-6s %s (%s)\n' "$status" POST /v1/auth/login "$username"
      TOKEN=$(get token) || exit 1
      return
    fi
    if [ "$status" = 401 ] && [ -n "$totp_field" ] && [ "$(get error.code)" = mfa_required ]; then
      echo "    (this TOTP step's code was already used; waiting for the next step)"
      sleep $((31 - $(date +%s) % 30))
      continue
    fi
    fail "POST /v1/auth/login ($username): expected 200, got ${status:-no answer}"
  done
  fail "POST /v1/auth/login ($username): the TOTP code kept being refused"
}

echo "== public endpoints"
call 200 GET /healthz
call 200 GET /v1/openapi.json
expect openapi 3.1.0
call 200 POST /v1/shipping/quote "" '{"address": {"line1": "PO Box 12", "city": "San Juan", "state": "PR", "zip": "00901"},
  "speed": "standard", "placed_at": "2026-11-23T15:00:00Z"}'
expect ship_date 2026-11-23
expect eta.earliest 2026-12-03
expect eta.latest 2026-12-08
expect fee_cents 0

echo "== a member signs in and looks at their prescriptions"
login member.demo
MEMBER=$TOKEN
expect role member
call 200 GET /v1/me "$MEMBER"
expect role member
MEMBER_ID=$(get member_id) || exit 1
call 200 GET "/v1/members/$MEMBER_ID" "$MEMBER"
call 200 GET "/v1/members/$MEMBER_ID/prescriptions?limit=1" "$MEMBER"
SEEDED_RX=$(get items.0.rx_number) || exit 1
CURSOR=$(get next_cursor) || exit 1
if [ "$CURSOR" != null ]; then
  call 200 GET "/v1/members/$MEMBER_ID/prescriptions?limit=1&cursor=$CURSOR" "$MEMBER"
  [ "$(get items.0.rx_number)" != "$SEEDED_RX" ] || fail "the second page repeats the first"
fi
call 200 GET "/v1/prescriptions/$SEEDED_RX/refill-eligibility" "$MEMBER"
get eligible >/dev/null || exit 1
call 200 GET "/v1/prescriptions/$SEEDED_RX/fills" "$MEMBER"

echo "== a pharmacist signs in with password and TOTP, creates a member, enters a prescription, records a fill"
login pharmacist.demo with_totp
RPH=$TOKEN
expect role pharmacist
call 201 POST /v1/members "$RPH" '{"first_name": "Jordan", "last_name": "Sample", "date_of_birth": "1958-02-14",
  "address": {"line1": "100 Example Ave", "city": "Austin", "state": "TX", "zip": "78701"},
  "email": "jordan.sample@example.com", "phone": "(512) 555-0100"}' -H "Idempotency-Key: member-$RUN"
NEW_MEMBER_ID=$(get id) || exit 1
NEW_MEMBER_NUMBER=$(get member_number) || exit 1
RX_BODY='{"drug": {"ndc": "00093-7146-56", "name": "atorvastatin", "strength": "20 mg", "form": "tablet"},
  "schedule": "none", "quantity": 30, "days_supply": 30, "refills_authorized": 3,
  "written_date": "'"$(day -10)"'", "prescriber": {"npi": "1245319599", "name": "Dr. Avery Quinn"}}'
call 201 POST "/v1/members/$NEW_MEMBER_ID/prescriptions" "$RPH" "$RX_BODY"
expect status active
expect refills_remaining 3
NEW_RX=$(get rx_number) || exit 1
FILL_DATE=$(day -5)
call 201 POST "/v1/prescriptions/$NEW_RX/fills" "$RPH" '{"fill_date": "'"$FILL_DATE"'", "quantity": 30, "days_supply": 30}'
expect is_refill false
call 200 GET "/v1/prescriptions/$NEW_RX/refill-eligibility" "$RPH"
expect eligible false
expect reason too_soon
NEXT_ELIGIBLE=$("$PY" -c 'import datetime,sys; print(datetime.date.fromisoformat(sys.argv[1]) + datetime.timedelta(days=23))' "$FILL_DATE")
expect next_eligible_date "$NEXT_ELIGIBLE"

echo "== the member orders a new prescription by mail; the same Idempotency-Key gives the same order"
call 201 POST "/v1/members/$MEMBER_ID/prescriptions" "$RPH" "$RX_BODY"
ORDER_RX=$(get rx_number) || exit 1
REFILL_BODY='{"rx_number": "'"$ORDER_RX"'", "speed": "expedited"}'
call 201 POST /v1/refills "$MEMBER" "$REFILL_BODY" -H "Idempotency-Key: refill-$RUN"
ORDER_ID=$(get order_id) || exit 1
expect status received
expect fee_cents 1495
call 201 POST /v1/refills "$MEMBER" "$REFILL_BODY" -H "Idempotency-Key: refill-$RUN"
expect order_id "$ORDER_ID"
[ "$(header Idempotent-Replayed)" = true ] || fail "the replay lacks Idempotent-Replayed: true"

echo "== the pharmacy moves the order to the member's door"
call 201 POST "/v1/orders/$ORDER_ID/events" "$RPH" '{"type": "review_started"}'
expect status in_review
call 201 POST "/v1/orders/$ORDER_ID/events" "$RPH" '{"type": "filled"}'
expect status filled
call 201 POST "/v1/orders/$ORDER_ID/events" "$RPH" '{"type": "shipped", "carrier": "USPS", "tracking": "9400100000000000000000"}'
expect status shipped
call 201 POST "/v1/orders/$ORDER_ID/events" "$RPH" '{"type": "delivered", "note": "left at the front door"}'
expect status delivered
call 200 GET "/v1/orders/$ORDER_ID" "$MEMBER"
expect tracking_number 9400100000000000000000
call 200 GET "/v1/orders/$ORDER_ID/events" "$MEMBER"
expect items.4.status delivered
call 200 GET "/v1/members/$MEMBER_ID/orders?limit=5" "$MEMBER"
expect items.0.id "$ORDER_ID"

echo "== the new member claims their online account"
call 201 POST /v1/auth/register "" '{"member_number": "'"$NEW_MEMBER_NUMBER"'", "date_of_birth": "1958-02-14", "zip": "78701",
  "username": "jordan.'"$RUN"'", "password": "a-long-enough-passphrase"}'
call 200 POST /v1/auth/login "" '{"username": "jordan.'"$RUN"'", "password": "a-long-enough-passphrase"}'
expect role member

echo "== one example of each error"
call 400 POST /v1/auth/login "" '{"username": "member.demo", "password": "x", "remember_me": true}'
expect error.code invalid_request
expect error.field remember_me
call 400 POST /v1/shipping/quote "" '{"address": {"line1": "1 Main St", "city": "Austin", "state": "TX", "zip": "78701"}, "speed": "teleport"}'
expect error.field speed
call 401 GET /v1/me
expect error.code unauthenticated
call 401 POST /v1/auth/login "" '{"username": "nobody.example", "password": "not-the-password"}'
expect error.code invalid_credentials
call 401 POST /v1/auth/login "" '{"username": "pharmacist.demo", "password": "'"$PASSWORD"'"}'
expect error.code mfa_required
expect error.field totp
call 403 POST /v1/members "$MEMBER" '{"first_name": "Casey", "last_name": "Example", "date_of_birth": "1970-01-01",
  "address": {"line1": "1 Main St", "city": "Austin", "state": "TX", "zip": "78701"}}'
expect error.code forbidden
call 404 GET "/v1/members/$NEW_MEMBER_ID" "$MEMBER"
expect error.code not_found
call 404 GET /v1/no-such-thing
expect error.code not_found
call 405 DELETE /v1/me "$MEMBER"
expect error.code method_not_allowed
[ -n "$(header Allow)" ] || fail "a 405 carries an Allow header"
call 409 POST /v1/refills "$MEMBER" '{"rx_number": "'"$ORDER_RX"'", "speed": "standard"}' -H "Idempotency-Key: refill-$RUN"
expect error.code idempotency_key_reused
call 409 POST "/v1/orders/$ORDER_ID/events" "$RPH" '{"type": "shipped", "carrier": "USPS", "tracking": "9400100000000000000001"}'
expect error.code invalid_transition
"$PY" -c 'import sys; sys.stdout.write("{\"username\": \"" + "x" * (1100 * 1024) + "\", \"password\": \"x\"}")' >"$WORK/big.json"
call 413 POST /v1/auth/login "" "" -H 'Content-Type: application/json' --data-binary "@$WORK/big.json"
expect error.code payload_too_large
call 415 POST /v1/shipping/quote "" "" -H 'Content-Type: text/plain' --data-binary 'speed=standard'
expect error.code unsupported_media_type
call 422 POST /v1/refills "$RPH" '{"rx_number": "'"$NEW_RX"'"}'
expect error.code too_soon
expect error.details.next_eligible_date "$NEXT_ELIGIBLE"
call 422 POST /v1/shipping/quote "" '{"address": {"line1": "1 Queen St", "city": "Toronto", "state": "ON", "zip": "M5H 2N2", "country": "CA"},
  "speed": "standard"}'
expect error.code address_outside_service_area

echo "== five failed sign-ins lock an account (a throwaway agent account)"
printf 'a-long-enough-passphrase\n' |
  "$BIN" user create --username "locked.$RUN" --role agent --password-stdin --data-dir "$DATA_DIR" >/dev/null ||
  { rm -f "$WORK/body"; fail "$BIN user create failed"; }
for _ in 1 2 3 4 5; do
  call 401 POST /v1/auth/login "" '{"username": "locked.'"$RUN"'", "password": "not-the-passphrase"}'
done
call 423 POST /v1/auth/login "" '{"username": "locked.'"$RUN"'", "password": "a-long-enough-passphrase"}'
expect error.code account_locked

echo "== signing out revokes the token"
call 204 POST /v1/auth/logout "$RPH"
call 401 GET /v1/me "$RPH"
expect error.code unauthenticated

echo "all $STEPS steps returned the documented status"
