#!/usr/bin/env bash
# Debian's redis-server, for the tests of what replicas share through Redis (REDIS_URL: Probot's clustered throttling,
# the rate budget). The tests start their own redis-server on a free loopback port with its data under ./data
# (test/setup/redis.ts); nothing here starts one. Idempotent: does nothing once redis-server is on the PATH. Needs root
# (or sudo) and apt; elsewhere it says what to install and carries on (those tests then fail, saying so).
set -euo pipefail
command -v redis-server >/dev/null && exit 0
if ! command -v apt-get >/dev/null; then
  echo "setup: redis-server missing and no apt-get here: install Redis (>= 6) for the tests of REDIS_URL" >&2
  exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "setup: redis-server missing: run 'apt-get install -y redis-server' as root for the tests of REDIS_URL" >&2
    exit 0
  fi
  as_root=(sudo)
fi
echo "setup: installing redis-server for the tests of REDIS_URL"
"${as_root[@]}" apt-get update -qq
# Debian's package may start a system-wide Redis where an init system runs; the tests never use it.
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends redis-server >/dev/null
