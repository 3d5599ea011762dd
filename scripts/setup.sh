#!/usr/bin/env bash
# Everything Tributary needs beside node_modules: the embedded database (PostgreSQL with DocumentDB, FerretDB), for the
# browser tests Chromium, and for the tests of REDIS_URL redis-server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-database.sh
bash scripts/setup-chromium.sh
bash scripts/setup-redis.sh
