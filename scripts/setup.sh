#!/usr/bin/env bash
# Sets up a fresh machine for Airlock: system packages (when root or with sudo), then npm packages from
# the lockfile. Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(git ca-certificates)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing ${missing[*]} with apt-get"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

echo "setup: npm ci"
npm ci --no-audit --no-fund

# End-to-end test dependencies (a real agent CLI), kept out of the main install. Claude Code's
# postinstall links its platform binary from the npm package; it needs no other download.
echo "setup: npm ci in test/e2e"
npm ci --prefix test/e2e --no-audit --no-fund
