#!/usr/bin/env bash
# Regenerates the weights.rs of MedChain's pallets with the node's benchmark CLI (a manual
# command, not part of CI: it takes several minutes on 2 cores, plus a release build of the node
# the first time). Weights come from the release build, as validators run it: the debug build
# runs our own crates unoptimized, including the executor's host-function glue, which inflated
# every measured call several times over. Usage:
#   ./scripts/weights.sh                 # every MedChain pallet
#   ./scripts/weights.sh registry emr    # some of them
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release -p medchain-node
node="$CARGO_TARGET_DIR/release/medchain-node"
pallets=("$@")
[ ${#pallets[@]} -eq 0 ] && pallets=(registry emr access)
for pallet in "${pallets[@]}"; do
	echo "== pallet_medchain_${pallet}"
	"$node" benchmark pallet --chain dev --pallet "pallet_medchain_${pallet}" \
		--extrinsic '*' --steps 50 --repeat 20 \
		--template .maintain/pallet-weight-template.hbs \
		--output "pallets/${pallet}/src/weights.rs"
done
