#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages and the npm packages of the browser tests).
# Idempotent and quiet when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ ccache pkg-config
  libboost-dev libboost-system-dev          # Beast/Asio HTTP server
  nlohmann-json3-dev libkainjow-mustache-dev
  libsqlite3-dev libpq-dev
  libsodium-dev libssl-dev libqrencode-dev   # libqrencode: the e-licence QR codes (crypto/licence_format.cc)
  libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium wrk sqlite3
  postgresql postgresql-client nginx   # PostgreSQL store tests, scale-out test behind nginx
  zlib1g-dev                           # gzip of the W3C Bitstring Status Lists (crypto/status_list.cc)
  zbar-tools                           # zbarimg: the licences API test decodes the QR PNG we render
  libcurl4-openssl-dev                 # SMTP client of the outbox's email sender (http/outbox_senders.cc)
  python3-aiosmtpd                     # the real SMTP server of the email API tests (tests/api/smtp_sink.py)
)
# The machine may carry its own Node.js; take Debian's only when there is none.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Browser tests: playwright-core, axe-core and jose (a JOSE implementation that is not ours),
# pinned by package-lock.json.
if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ] \
   || [ ! -d tests/browser/node_modules/jose ] \
   || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
  (cd tests/browser && npm ci --silent --no-audit --no-fund >/dev/null)
fi
