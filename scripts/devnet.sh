#!/usr/bin/env bash
# Builds medchain-node and medchain-cloud and starts a one-validator development chain on
# ws://127.0.0.1:9944 with its storage provider: medchain-cloud as Ferdie (the dev genesis
# registers Ferdie as a provider at http://127.0.0.1:8710), storing under a throw-away
# directory. Open the chain in polkadot.js apps:
# https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944
# Extra arguments go to the node (for example `--rpc-port 9955` or `--base-path /tmp/med`
# instead of the default throw-away `--tmp` database). Ctrl-C stops both.
set -euo pipefail
MEDCHAIN_SETUP_NPM=0 MEDCHAIN_SETUP_S3=0 source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

cd "$MEDCHAIN_ROOT"
cargo build -p medchain-node
# Built alone: with the node in the same command, cargo would unify the two packages'
# features and build the node's dependency tree a second time; the service needs no wasm.
SKIP_WASM_BUILD=1 cargo build -p medchain-cloud
if [ "$#" -eq 0 ]; then set -- --tmp; fi
rpc_port=9944
for ((i = 1; i <= $#; i++)); do
	if [ "${!i}" = "--rpc-port" ]; then j=$((i + 1)); rpc_port="${!j}"; fi
done

store="$(mktemp -d -t medchain-cloud.XXXXXX)"
"$MEDCHAIN_NODE" --dev --rpc-cors all "$@" &
node_pid=$!
"$CARGO_TARGET_DIR/debug/medchain-cloud" --rpc "ws://127.0.0.1:$rpc_port" \
	--listen 127.0.0.1:8710 --store "file://$store" --suri //Ferdie &
cloud_pid=$!
trap 'kill "$cloud_pid" "$node_pid" 2>/dev/null; wait; rm -rf "$store"' EXIT INT TERM
echo "medchain-cloud (provider Ferdie) on http://127.0.0.1:8710, storing in $store"
wait -n "$node_pid" "$cloud_pid"
