#!/usr/bin/env bash
# Everything Tributary needs beside node_modules: the embedded database (PostgreSQL with DocumentDB, FerretDB), for the
# browser tests Chromium, and for the tests of REDIS_URL redis-server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-database.sh
# Chromium for the browser tests (test/e2e, driven by playwright-core).
bash scripts/setup-debian-package.sh chromium /usr/bin/chromium "the browser tests (test/e2e)"
# redis-server for the tests of what replicas share through Redis (REDIS_URL); the tests start their own on a free
# loopback port with its data under ./data (test/setup/redis.ts). Debian's package may also start a system-wide
# Redis where an init system runs; the tests never use it.
bash scripts/setup-debian-package.sh redis-server redis-server "the tests of REDIS_URL"
