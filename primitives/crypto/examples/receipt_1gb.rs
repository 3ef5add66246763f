//! The storage provider's receipt check (`pdp::verify_tags`) on a 1 GB file, timed with
//! `std::time::Instant` (criterion would need minutes per sample). Tags the file first (not
//! timed as part of the check), then runs the check `MEDCHAIN_RECEIPT_RUNS` times (default 3)
//! on the rayon pool and once on one thread, and prints every timing.
//!
//! `cargo run --release -p medchain-crypto --example receipt_1gb`
//! (`MEDCHAIN_RECEIPT_MB=35` for another size).

use medchain_crypto::pdp::*;
use rand_core::{RngCore, SeedableRng};
use std::time::Instant;

fn main() {
	let mb: usize =
		std::env::var("MEDCHAIN_RECEIPT_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
	let runs: usize =
		std::env::var("MEDCHAIN_RECEIPT_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
	let len = mb * 1_000_000;
	let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
	let sk = PdpSecretKey::generate(DEFAULT_SECTORS, &mut rng).unwrap();
	let key = PreparedPdpKey::new(&sk.public_key()).unwrap();
	let mut data = vec![0u8; len];
	rng.fill_bytes(&mut data);
	let params =
		file_params(&file_name_for(&[0x44; 32], len as u64), len as u64, DEFAULT_SECTORS).unwrap();
	let t = Instant::now();
	let tags = sk.tag_file(&params, &data).unwrap();
	let tag_time = t.elapsed();
	println!(
		"file {mb} MB, {} blocks of {} bytes; tagging (2 threads) {:.1} s ({:.1} MiB/s)",
		params.blocks,
		DEFAULT_SECTORS as usize * SECTOR_BYTES,
		tag_time.as_secs_f64(),
		len as f64 / (1 << 20) as f64 / tag_time.as_secs_f64()
	);
	for run in 0..runs {
		let t = Instant::now();
		let ok = verify_tags_prepared(&key, &params, &data, &tags, &mut rng);
		let e = t.elapsed();
		assert!(ok);
		println!(
			"receipt check run {run} (rayon pool, {} threads): {:.2} s ({:.1} MiB/s)",
			rayon::current_num_threads(),
			e.as_secs_f64(),
			len as f64 / (1 << 20) as f64 / e.as_secs_f64()
		);
	}
	let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
	let t = Instant::now();
	let ok = one.install(|| verify_tags_prepared(&key, &params, &data, &tags, &mut rng));
	let e = t.elapsed();
	assert!(ok);
	println!(
		"receipt check, 1 thread: {:.2} s ({:.1} MiB/s)",
		e.as_secs_f64(),
		len as f64 / (1 << 20) as f64 / e.as_secs_f64()
	);
	let mut bad = tags.clone();
	bad.swap(1, 2);
	let t = Instant::now();
	assert!(!verify_tags_prepared(&key, &params, &data, &bad, &mut rng));
	println!("receipt check with two tags swapped: rejected in {:.2} s", t.elapsed().as_secs_f64());
}
