#!/usr/bin/env bash
# Debian's Chromium for the browser tests (test/e2e, driven by playwright-core). Idempotent: does nothing once
# /usr/bin/chromium exists. Needs root (or sudo) and apt; elsewhere it says what to install and carries on.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "setup: /usr/bin/chromium missing and no apt-get here: install Chromium there for the browser tests (test/e2e)" >&2
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "setup: /usr/bin/chromium missing: run 'apt-get install -y chromium' as root for the browser tests (test/e2e)" >&2
    exit 0
  fi
  as_root=(sudo)
fi
echo "setup: installing Chromium for the browser tests"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
