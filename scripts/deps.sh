#!/usr/bin/env bash
# Installs the Debian 12 packages rxdesk needs to build, test, benchmark and run,
# only those that are missing. Safe to run again. Each package and why: docs/dependencies.md.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake make pkg-config
  # domain core
  libhowardhinnant-date-dev tzdata
  # server
  libboost-dev libboost-system-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libsodium-dev libspdlog-dev libfmt-dev libssl-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libcurl4-openssl-dev
  # the Explanation of Benefits PDF
  libhpdf-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev curl wrk nginx-light python3 python3-aiosmtpd
  poppler-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Packages with services (postgresql, nginx) must not start them: rxdesk runs its own instances.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
