#!/usr/bin/env bash
# Everything Tributary needs beside node_modules, installed into the project (nothing global).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup-ferretdb.sh
