#!/usr/bin/env bash
# Regenerates the weights.rs of MedChain's pallets with the node's benchmark CLI (a manual
# command, not part of CI: it takes several minutes on 2 cores). Usage:
#   ./scripts/weights.sh                 # every MedChain pallet
#   ./scripts/weights.sh registry emr    # some of them
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build -p medchain-node
pallets=("$@")
[ ${#pallets[@]} -eq 0 ] && pallets=(registry emr access)
for pallet in "${pallets[@]}"; do
	echo "== pallet_medchain_${pallet}"
	"$MEDCHAIN_NODE" benchmark pallet --chain dev --pallet "pallet_medchain_${pallet}" \
		--extrinsic '*' --steps 50 --repeat 20 \
		--template .maintain/pallet-weight-template.hbs \
		--output "pallets/${pallet}/src/weights.rs"
done
