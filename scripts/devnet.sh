#!/usr/bin/env bash
# Builds medchain-node and starts a one-validator development chain on ws://127.0.0.1:9944.
# Open it in polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944
# Extra arguments go to the node (for example `--rpc-port 9955` or `--base-path /tmp/med`
# instead of the default throw-away `--tmp` database).
set -euo pipefail
MEDCHAIN_SETUP_NPM=0 source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

cd "$MEDCHAIN_ROOT"
cargo build -p medchain-node
if [ "$#" -eq 0 ]; then set -- --tmp; fi
exec "$MEDCHAIN_NODE" --dev --rpc-cors all "$@"
