#!/usr/bin/env bash
# Installs what building and testing MedChain needs on a fresh Debian machine: system packages
# (protoc, OpenSSL headers, a C++ compiler), the pinned Rust toolchain with its wasm target
# (rust-toolchain.toml) and the npm packages of the JS tests and zombienet. Idempotent: a
# second run finds everything in place and does nothing.
# Sourced by devnet.sh, test.sh and .ci/run; it also sets CARGO_TARGET_DIR.
set -euo pipefail

MEDCHAIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MEDCHAIN_ROOT

# One target directory per machine, outside any clone, so that every build (yours, a fresh
# clone's, CI's) reuses the last one: a cold node build costs about 55 minutes here.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}"
mkdir -p "$CARGO_TARGET_DIR"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# protoc: the network crates compile protobuf; OpenSSL headers: litep2p's WebRTC transport
# links the system OpenSSL; a C/C++ compiler: blst, binaryen (wasm-opt) and zstd build C/C++.
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	as_root apt-get update -qq
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
	echo "setup: cargo not found: install rustup (https://rustup.rs) first" >&2
	exit 1
fi
# rustup reads rust-toolchain.toml and installs the pinned toolchain, components and targets.
(cd "$MEDCHAIN_ROOT" && rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install)
(cd "$MEDCHAIN_ROOT" && rustup target add wasm32v1-none >/dev/null 2>&1 && rustup component add rust-src clippy rustfmt >/dev/null 2>&1)

npm_install() {
	local dir="$1"
	if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
		echo "setup: npm install in ${dir#"$MEDCHAIN_ROOT"/}"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
	fi
}

if [ "${MEDCHAIN_SETUP_NPM:-1}" = 1 ]; then
	if ! command -v npm >/dev/null 2>&1; then
		echo "setup: npm not found: install Node.js 18 or newer" >&2
		exit 1
	fi
	npm_install "$MEDCHAIN_ROOT/client/js"
	npm_install "$MEDCHAIN_ROOT/zombienet"
fi

# The node binary every script and test uses: one build, the dev profile, default features.
export MEDCHAIN_NODE="$CARGO_TARGET_DIR/debug/medchain-node"
# The runtime one spec version higher, for the JS runtime-upgrade test: `cargo test --workspace`
# builds it (runtime/upgrade-test), into the runtime's wasm project directory.
export MEDCHAIN_UPGRADE_WASM="$CARGO_TARGET_DIR/debug/wbuild/medchain-runtime/medchain_runtime_upgrade.wasm"

# The S3 server the storage provider's tests run against: moto, pinned, in a virtual
# environment of its own (Debian's Python refuses global pip installs), once per machine.
if [ "${MEDCHAIN_SETUP_S3:-1}" = 1 ]; then
	s3_venv="$HOME/.cache/medchain/s3-venv"
	moto_version="5.2.5"
	if [ ! -x "$s3_venv/bin/moto_server" ] || ! "$s3_venv/bin/pip" show moto 2>/dev/null | grep -qx "Version: $moto_version"; then
		echo "setup: installing moto[server] $moto_version into ${s3_venv#"$HOME"/}"
		if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
			as_root apt-get update -qq
			DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
		fi
		python3 -m venv "$s3_venv"
		"$s3_venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$moto_version"
	fi
	export MEDCHAIN_MOTO_SERVER="$s3_venv/bin/moto_server"
fi
