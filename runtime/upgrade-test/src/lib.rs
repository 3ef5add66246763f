//! The MedChain runtime one spec version higher, for the runtime-upgrade test
//! (`client/rust/tests/upgrade.rs`), which sets it as the code of a running dev chain. With
//! feature `wasm` the build script compiles it; nothing in this crate ships.

#[cfg(feature = "wasm")]
include!(concat!(env!("OUT_DIR"), "/medchain_runtime_upgrade"));

/// The upgrade wasm's path (built without feature `wasm`: `None`).
#[cfg(not(feature = "wasm"))]
pub const WASM_BINARY_PATH: Option<&str> = None;
/// The upgrade wasm (built without feature `wasm`: `None`).
#[cfg(not(feature = "wasm"))]
pub const WASM_BINARY: Option<&[u8]> = None;
