#!/usr/bin/env bash
# Everything Tributary needs beside node_modules: the embedded database (PostgreSQL with DocumentDB, FerretDB) and, for the browser tests, Chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-database.sh
bash scripts/setup-chromium.sh
