#!/usr/bin/env bash
# rustfmt and clippy over the whole workspace, warnings as errors. Not part of scripts/test.sh:
# clippy checks every dependency again in check mode, which on a fresh machine costs a quarter
# of an hour on top of the build.
set -euo pipefail
MEDCHAIN_SETUP_NPM=0 source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$MEDCHAIN_ROOT"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
