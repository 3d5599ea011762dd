#!/usr/bin/env bash
# Installs one Debian package some tests need, unless what it provides is there already:
#   setup-debian-package.sh PACKAGE PROVIDED-PATH-OR-COMMAND PURPOSE
# Idempotent. Needs root (or sudo) and apt; elsewhere it says what to install and carries on (the tests that need it
# then fail, saying so).
set -euo pipefail
package=$1 provides=$2 purpose=$3
if [[ $provides == /* ]]; then [ -x "$provides" ] && exit 0; else command -v "$provides" >/dev/null && exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "setup: $provides missing and no apt-get here: install $package for $purpose" >&2
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "setup: $provides missing: run 'apt-get install -y $package' as root for $purpose" >&2
    exit 0
  fi
  as_root=(sudo)
fi
echo "setup: installing $package for $purpose"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$package" >/dev/null
