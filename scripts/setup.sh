#!/usr/bin/env bash
# Sets up a fresh machine for Airlock: system packages (when root or with sudo), then npm packages from
# the lockfiles. Idempotent; safe to run again. Needs only the npm registry and the distribution's apt
# repositories: nothing is downloaded from anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

# git: history tests compare with it. bubblewrap: the sandbox for commands (python3 and curl: its tests).
# chromium: the browser the real-VS-Code tests drive. rsyslog: the syslog daemon the audit export tests send to.
# ripgrep, libkrb5-dev, build-essential, python3: what code-server's native modules need to build
# without downloading prebuilt binaries (see below).
APT_PACKAGES=(git ca-certificates bubblewrap python3 curl chromium ripgrep libkrb5-dev build-essential rsyslog)

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

# End-to-end dependencies, kept out of the main install: a real agent CLI (Claude Code: its postinstall
# links the platform binary from the npm package) and a real VS Code (code-server) with playwright-core.
#
# code-server's postinstall installs VS Code's own dependencies with nested `npm install`s, which build
# native modules. The environment below keeps every step on the npm registry:
# - @vscode/ripgrep would download rg from GitHub: seed its download cache with apt's rg instead (the
#   cache lives in os.tmpdir(), so TMPDIR must be the same here and for npm ci);
# - node-gyp would download Node's headers from nodejs.org: point it at the ones the nodejs package ships;
# - argon2 and kerberos would try GitHub for prebuilt binaries first: build them from source;
# - as root, code-server's postinstall insists on unsafe-perm, and node-pty runs `npx node-gyp`.
echo "setup: npm ci in test/e2e (Claude Code, code-server, playwright-core)"
RG_PKG_VERSION=1.15.11   # @vscode/ripgrep as pinned by code-server 4.100.3 (lib/vscode/npm-shrinkwrap.json)
rg_cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-${RG_PKG_VERSION}"
rg_asset="$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ "$(uname -m)" = "x86_64" ] && command -v rg >/dev/null 2>&1 && [ ! -s "$rg_asset" ]; then
  mkdir -p "$rg_cache"
  work="$(mktemp -d)"
  cp "$(command -v rg)" "$work/rg"
  tar -czf "$rg_asset" -C "$work" rg
  rm -rf "$work"
fi
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
for candidate in "$node_prefix" /usr /usr/local; do
  if [ -f "$candidate/include/node/node.h" ]; then node_prefix="$candidate"; break; fi
done
npm_config_unsafe_perm=true \
npm_config_yes=true \
npm_config_nodedir="$node_prefix" \
npm_config_build_from_source=true \
npm_config_update_notifier=false \
  npm ci --prefix test/e2e --no-audit --no-fund
