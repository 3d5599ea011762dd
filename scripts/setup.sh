#!/usr/bin/env bash
# Everything Tributary needs beside node_modules: FerretDB (into the project) and, for the browser tests, Chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-ferretdb.sh
bash scripts/setup-chromium.sh
