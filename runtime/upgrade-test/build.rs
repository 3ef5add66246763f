//! With feature `wasm`, compiles the runtime (`../Cargo.toml`) to wasm with its `upgrade-test`
//! feature (spec version 101) and its metadata hash, into the runtime's wasm project directory
//! as `medchain_runtime_upgrade.wasm` (and, in release builds, `.compact.compressed.wasm`).

fn main() {
	println!("cargo:rerun-if-changed=build.rs");
	if std::env::var_os("CARGO_FEATURE_WASM").is_none() {
		return;
	}
	// Canonical: the builder looks the runtime up in `cargo metadata` by its manifest path.
	// Read when the script runs, not when it compiles: one compiled script serves every
	// checkout that shares the target directory (a CI clone's path would be baked in).
	let manifest_dir =
		std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
	let runtime = std::path::Path::new(&manifest_dir)
		.join("../Cargo.toml")
		.canonicalize()
		.expect("the runtime's Cargo.toml");
	substrate_wasm_builder::WasmBuilder::new()
		.with_project(runtime)
		.expect("a Cargo.toml")
		// The flags of the runtime's own `init_with_defaults`: with other flags every dependency
		// would compile again, and the wasm would differ in more than its version.
		.export_heap_base()
		.import_memory()
		.enable_feature("upgrade-test")
		.enable_feature("metadata-hash")
		.set_file_name("medchain_runtime_upgrade")
		.enable_metadata_hash("MED", 12)
		.build();
}
