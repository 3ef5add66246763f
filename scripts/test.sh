#!/usr/bin/env bash
# Runs every MedChain test: formatting, the Rust unit tests, the end-to-end test against a real
# dev node (polkadot.js) and the four-hospital zombienet network. Lints: scripts/lint.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$MEDCHAIN_ROOT"

step() { printf '\n=== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }

step "rustfmt"
cargo fmt --all -- --check

step "build medchain-node"
cargo build -p medchain-node

step "cargo test"
# Same features as the node build above, so nothing is built twice; the e2e and upgrade tests
# of client/rust start that node. It also builds the upgrade test's wasm (runtime/upgrade-test:
# the runtime crate compiled again with `upgrade-test`, twice for its metadata hash).
# cargo-nextest (on every machine of ours) runs the test binaries side by side: the dev-node
# tests (the service, audit, e2e and upgrade tests, 4 to 1 minutes each) mostly wait for 2-s
# blocks, so four at a time on two cores take the longest one's time instead of their sum.
# The workspace has no doc tests (its doc examples are `text`), which nextest does not run.
if cargo nextest --version >/dev/null 2>&1; then
	cargo nextest run --workspace --no-fail-fast --test-threads 4
else
	cargo test --workspace
fi

step "cargo test: the benchmarks on the mock runtimes, and the migrations under try-runtime"
# Only the pallets, the runtime (natively: its benchmark-only code must compile too) and FRAME
# below them are built a second time, once, with `runtime-benchmarks` and `try-runtime`;
# SKIP_WASM_BUILD keeps the runtime's wasm, and so the node binary, untouched.
SKIP_WASM_BUILD=1 cargo test \
	-p pallet-medchain-registry -p pallet-medchain-emr -p pallet-medchain-access \
	-p pallet-medchain-audit -p pallet-medchain-scoring -p medchain-runtime \
	--features "pallet-medchain-registry/runtime-benchmarks pallet-medchain-emr/runtime-benchmarks pallet-medchain-access/runtime-benchmarks pallet-medchain-audit/runtime-benchmarks pallet-medchain-scoring/runtime-benchmarks pallet-medchain-scoring/try-runtime medchain-runtime/runtime-benchmarks medchain-runtime/try-runtime" \
	-- bench try_runtime

step "e2e: dev node through polkadot.js"
(cd client/js && MEDCHAIN_NODE="$MEDCHAIN_NODE" npm test)

step "zombienet: four hospitals"
# The raw spec keeps our session keys (zombienet rewrites a plain spec's without an audit key).
"$MEDCHAIN_NODE" build-spec --chain local --raw --disable-default-bootnode \
	> zombienet/medchain-local.raw.json 2>/dev/null
(cd zombienet && PATH="$(dirname "$MEDCHAIN_NODE"):$PATH" \
	npx zombienet test --provider native local-4-hospitals.zndsl)

step "all tests passed"
