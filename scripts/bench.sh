#!/usr/bin/env bash
# `make bench`: prints every benchmark figure, then a summary against the targets.
# Usage: scripts/bench.sh BUILD_DIR   (BENCH_SKIP_HTTP=1 skips the HTTP load run)
set -euo pipefail
BUILD_DIR=${1:-build}
OUT=$(mktemp -d /tmp/rxdesk-benchout-XXXXXX)
trap 'rm -rf "$OUT"' EXIT

echo "== domain core (Google Benchmark, one core) =="
"$BUILD_DIR/bench/domain_bench" --benchmark_out="$OUT/domain.json" --benchmark_out_format=json
echo
echo "== crypto and store =="
"$BUILD_DIR/bench/infra_bench" --benchmark_out="$OUT/infra.json" --benchmark_out_format=json

echo
echo "== domain targets (issue: pharmacy domain core) =="
python3 - "$OUT/domain.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def ns(name):
    b = runs[name]
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
    return b["cpu_time"] * scale
rows = [
    ("refill eligibility", "BM_RefillEligibleNonControlled", 1000),
    ("refill eligibility, too soon", "BM_RefillTooSoonScheduleIv", 1000),
    ("shipping ETA (expedited)", "BM_ShippingQuoteExpedited", 1000),
    ("shipping ETA (specialty, closures)", "BM_ShippingQuoteSpecialtyWithClosures", 1000),
    ("address parse (street)", "BM_ValidateAddressTypicalStreet", 2000),
    ("address parse (military)", "BM_ValidateAddressMilitary", 2000),
    ("DDI screen vs 20 active meds", "BM_ClinicalScreenWarfarinAgainst20", None),
    ("PDC, one member, one year", "BM_ClinicalPdcOneMemberYearSorted", None),
]
for label, name, target in rows:
    v = ns(name)
    verdict = "" if target is None else ("  target < %d ns: %s" % (target, "met" if v < target else "MISSED"))
    print(f"{label:38s} {v:10.0f} ns{verdict}")
batch = runs["BM_ClinicalPdcBatch10MFills/iterations:1/real_time"]
secs = batch["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[batch["time_unit"]]
print(f"{'PDC, 10 M fills (1 M members)':38s} {secs:10.3f} s   target < 5 s: {'met' if secs < 5 else 'MISSED'}")
acc = runs["PartDBenchAccumulateYear100kMembers"]
secs = acc["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[acc["time_unit"]]
print(f"{'Part D year, 100k members x 12 fills':38s} {secs:10.3f} s   target < 2 s: {'met' if secs < 2 else 'MISSED'}")
ms = ns("BM_WorkforceErlangCGrid48x50") / 1e6
print(f"{'Erlang C staffing, 48 x 50 intervals':38s} {ms:10.3f} ms  target < 10 ms: {'met' if ms < 10 else 'MISSED'}")
ms = ns("BM_WorkforceErlangAGrid48x50") / 1e6
print(f"{'Erlang A staffing, 48 x 50 intervals':38s} {ms:10.3f} ms")
us = ns("BM_StaffingPlanQueueDayErlangC") / 1e3
print(f"{'staffing plan, 1 queue-day (Erlang C)':38s} {us:10.1f} us  (what GET /v1/staffing computes)")
acd = runs["BM_AcdRouting5kAgents10kWaiting/iterations:1"]
print(f"{'ACD decision p99, 5k agents, 10k waiting':38s} {acd['p99_us']:10.1f} us  target < 100 us: {'met' if acd['p99_us'] < 100 else 'MISSED'}")
day = runs["BM_Sim1MContacts1kAgents/iterations:1"]
secs = day["cpu_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[day["time_unit"]]
print(f"{'simulated day, 1 M contacts, 1k agents':38s} {secs:10.3f} s   target < 5 s: {'met' if secs < 5 else 'MISSED'} (CPU, one core)")
PY

echo
echo "== IVR webhook (issue: contact center) =="
python3 - "$OUT/domain.json" "$OUT/infra.json" <<'PY'
import json, sys
runs = {}
for f in sys.argv[1:]:
    runs.update({b["name"]: b for b in json.load(open(f))["benchmarks"]})
for label, name in [("IVR engine, invalid key (menu replayed)", "BM_IvrStepInvalidKeyReplaysTheMenu"),
                    ("IVR engine, answer/9/1/hang-up", "BM_IvrCallAnswerSpanishEnqueueHangup")]:
    v = runs[name]["items_per_second"]
    print(f"{label:42s} {v:12.0f} events/s  target >= 10000: {'met' if v >= 10000 else 'MISSED'} (one core)")
measured = False
for calls in (16, 64, 256):
    http = runs.get(f"BM_VoiceWebhookEventsOverHttp/{calls}/iterations:1/manual_time")
    if http and "events_per_s" in http:
        measured = True
        v = http["events_per_s"]
        label = f"IVR webhook over HTTP, {calls} calls in flight"
        print(f"{label:42s} {v:12.0f} events/s  target >= 10000: {'met' if v >= 10000 else 'MISSED'} (signed, SQLite FULL)")
if not measured:
    print("IVR webhook over HTTP: not measured (rxdesk binary not found)")
PY

echo
echo "== adherence at-risk list (issue: pharmacy services) =="
python3 - "$OUT/infra.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}
for label, name, target in [
        ("at-risk list, full scan, 100k members / 1.2 M fills", "BM_AtRiskFullScan100kMembers1_2MFills/iterations:3/real_time", 1.0),
        ("at-risk list, first page of 50", "BM_AtRiskFirstPage100kMembers/iterations:10/real_time", 1.0)]:
    b = runs.get(name)
    if b is None or b.get("error_occurred"):
        print(f"{label}: not measured")
        continue
    secs = b["real_time"] * unit[b["time_unit"]]
    print(f"{label:52s} {secs:8.3f} s   target < {target:g} s: {'met' if secs < target else 'MISSED'} (SQLite)")
PY

echo
echo "== fill pricing, Part D accumulation (issue: pharmacy services) =="
python3 - "$OUT/infra.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
b = runs.get("BM_FillPricingPartDYear100kMembers/iterations:1/real_time")
if b is None:
    print("Part D accumulation: not measured")
else:
    secs = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[b["time_unit"]]
    print(f"{'priced fills, 100k members x 12 (1.2 M)':42s} {secs:10.3f} s   target < 2 s: {'met' if secs < 2 else 'MISSED'}")
PY
echo
echo "== Explanation of Benefits PDF (issue: pharmacy services) =="
python3 - "$OUT/infra.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
for label, name in [("EOB PDF, 10 fills (render only)", "BM_EobPdfRender10Fills/iterations:1"),
                    ("EOB statement from SQLite + PDF, 10 fills", "BM_EobStatementAndPdf10Fills/iterations:1")]:
    b = runs.get(name)
    if b is None or b.get("error_occurred"):
        print(f"{label}: not measured")
        continue
    verdict = "met" if b["median_ms"] < 50 and b["p99_ms"] < 50 else "MISSED"
    print(f"{label:42s} median {b['median_ms']:7.3f} ms  p99 {b['p99_ms']:7.3f} ms  "
          f"({int(b['documents'])} documents, {int(b['pdf_bytes'])} bytes)  target < 50 ms each: {verdict}")
PY
echo
echo "== refill reminders and auto-refill (issue: pharmacy services) =="
python3 - "$OUT/infra.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
b = runs.get("BM_RefillReminderPass100kMembers/iterations:1/real_time")
if b is None or b.get("error_occurred"):
    print("refill reminder pass: not measured" + (f" ({b.get('error_message')})" if b else ""))
else:
    secs = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[b["time_unit"]]
    print(f"{'one pass, %d members (demo seed)' % b['members']:38s} {secs:10.3f} s   "
          f"target < 60 s: {'met' if secs < 60 else 'MISSED'} ({b['scanned']:.0f} Rx read, "
          f"{b['reminders']:.0f} reminders, {b['orders']:.0f} orders; SQLite FULL)")
PY

echo
echo "== web chat over WebSocket (issue: contact center) =="
RXDESK_BIN="$BUILD_DIR/rxdesk" "$BUILD_DIR/bench/chat_ws_bench"

if [ "${BENCH_SKIP_HTTP:-0}" != "1" ]; then
  echo
  bash scripts/bench_http.sh "$BUILD_DIR"
fi
