#!/usr/bin/env bash
# Regenerates the weights.rs of MedChain's pallets with the node's benchmark CLI (a manual
# command, not part of CI: the benchmarks take several minutes on 2 cores, plus a release build
# of the node the first time, about 70 minutes here).
#
# The node embeds the production runtime, which has no benchmarks; the CLI runs them from a
# second wasm of the same runtime built with `runtime-benchmarks` (`--runtime <wasm>`). That wasm
# comes out of a `cargo check` of the runtime (its build script builds the wasm for real, while
# the native crates are only type-checked) and is copied aside, because the node's own build
# writes the production wasm to the same place. Weights come from the release node, as
# validators run it: the debug build runs our own crates unoptimized, including the executor's
# host-function glue, which inflated every measured call several times over. Usage:
#   ./scripts/weights.sh                 # every MedChain pallet
#   ./scripts/weights.sh registry emr    # some of them
#   STEPS=2 REPEAT=1 OUTPUT=/tmp ./scripts/weights.sh   # a quick check of the pipeline
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

benchmark_wasm="$CARGO_TARGET_DIR/medchain_runtime.benchmarks.compact.compressed.wasm"
cargo check --release -p medchain-runtime --features runtime-benchmarks
cp "$CARGO_TARGET_DIR/release/wbuild/medchain-runtime/medchain_runtime.compact.compressed.wasm" \
	"$benchmark_wasm"
cargo build --release -p medchain-node
node="$CARGO_TARGET_DIR/release/medchain-node"

pallets=("$@")
[ ${#pallets[@]} -eq 0 ] && pallets=(registry emr access)
for pallet in "${pallets[@]}"; do
	output="${OUTPUT:-pallets/${pallet}/src}/weights.rs"
	[ -n "${OUTPUT:-}" ] && output="$OUTPUT/${pallet}-weights.rs"
	echo "== pallet_medchain_${pallet} -> $output"
	"$node" benchmark pallet --runtime "$benchmark_wasm" --genesis-builder runtime \
		--pallet "pallet_medchain_${pallet}" --extrinsic '*' \
		--steps "${STEPS:-50}" --repeat "${REPEAT:-20}" \
		--template .maintain/pallet-weight-template.hbs --output "$output"
done
