//! Compiles the runtime to wasm (`WASM_BINARY`) when the `std` feature is on, with the hash of
//! its metadata embedded when `metadata-hash` is on too (the token's symbol and decimals are part
//! of what the hash commits to, so they must match the chain spec's properties).

fn main() {
	#[cfg(all(feature = "std", feature = "metadata-hash"))]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("MED", 12)
		.build();
	#[cfg(all(feature = "std", not(feature = "metadata-hash")))]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}
