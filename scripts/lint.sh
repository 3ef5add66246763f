#!/usr/bin/env bash
# rustfmt and clippy over the whole workspace, warnings as errors. Not part of scripts/test.sh:
# clippy checks every dependency again in check mode, which on a fresh machine costs a quarter
# of an hour on top of the build.
set -euo pipefail
MEDCHAIN_SETUP_NPM=0 MEDCHAIN_SETUP_S3=0 source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$MEDCHAIN_ROOT"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The benchmark-only code (pallets and runtime) is compiled only with `runtime-benchmarks`, which
# the node no longer enables: lint it on its own (SKIP_WASM_BUILD: the wasm is not needed).
SKIP_WASM_BUILD=1 cargo clippy \
	-p pallet-medchain-registry -p pallet-medchain-emr -p pallet-medchain-access -p medchain-runtime \
	--all-targets \
	--features "pallet-medchain-registry/runtime-benchmarks pallet-medchain-emr/runtime-benchmarks pallet-medchain-access/runtime-benchmarks medchain-runtime/runtime-benchmarks medchain-runtime/try-runtime" \
	-- -D warnings
