//! A minimal runtime for the audit tests: System and the audit pallet. The EMR index, the PDP
//! verifier, the endpoints and the block author are a test directory ([`Directory`]); the
//! session is simulated by calling the pallet's `OneSessionHandler` directly.

use core::cell::RefCell;
use std::collections::BTreeMap;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, FindAuthor, OneSessionHandler},
	ConsensusEngineId,
};
use medchain_primitives::{PossessionCheck, Seq};
use scale_info::TypeInfo;
use sp_core::{Pair, H256};
use sp_runtime::{
	testing::UintAuthorityId,
	traits::{Lazy, Verify},
	BuildStorage, Perbill,
};

use crate::{
	self as pallet_audit, crypto::AuditPair, AuditId, AuditIndex, AuditTarget, ProviderEndpoints,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type Extrinsic = frame_system::mocking::MockUncheckedExtrinsic<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Audit: pallet_audit,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() -> Self::Extension {}
}

/// A provider's signature in the mock: who signed, and the BLAKE2b-256 of what.
#[derive(
	Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct MockSignature {
	pub signer: u64,
	pub message_hash: [u8; 32],
}

impl MockSignature {
	/// `signer`'s signature over `message`.
	pub fn sign(signer: u64, message: &[u8]) -> Self {
		Self { signer, message_hash: sp_io::hashing::blake2_256(message) }
	}
}

impl Verify for MockSignature {
	type Signer = UintAuthorityId;
	fn verify<L: Lazy<[u8]>>(&self, mut msg: L, signer: &u64) -> bool {
		self.signer == *signer && self.message_hash == sp_io::hashing::blake2_256(msg.get())
	}
}

/// The file parameters every mock entry commits to.
pub const FILE_PARAMS: &[u8] = b"mock pdp file params";

/// The only proof the mock verifier accepts for `seed` and `challenged` blocks.
pub fn good_proof(seed: &[u8; 32], challenged: u32) -> Vec<u8> {
	(b"possession", seed, challenged).encode()
}

#[derive(Default)]
struct State {
	/// The live index: position -> (patient, seq).
	live: Vec<(u64, Seq)>,
	/// Entries: (patient, seq) -> (provider, hospital, blocks, erased).
	entries: BTreeMap<(u64, Seq), (u64, u32, u32, bool)>,
	/// The author of the block being built.
	author: Option<u64>,
}

std::thread_local! {
	static STATE: RefCell<State> = RefCell::new(State::default());
}

/// The test directory.
pub struct Directory;

impl Directory {
	/// Adds a live receipted entry.
	pub fn add_entry(patient: u64, seq: Seq, provider: u64, hospital: u32, blocks: u32) {
		STATE.with(|s| {
			let mut s = s.borrow_mut();
			s.entries.insert((patient, seq), (provider, hospital, blocks, false));
			s.live.push((patient, seq));
		});
	}
	/// Erases an entry: it leaves the live index (swap-remove, as the EMR pallet would).
	pub fn erase(patient: u64, seq: Seq) {
		STATE.with(|s| {
			let mut s = s.borrow_mut();
			if let Some(entry) = s.entries.get_mut(&(patient, seq)) {
				entry.3 = true;
			}
			if let Some(i) = s.live.iter().position(|e| *e == (patient, seq)) {
				s.live.swap_remove(i);
			}
		});
	}
	pub fn set_author(author: Option<u64>) {
		STATE.with(|s| s.borrow_mut().author = author);
	}
}

impl AuditIndex<u64> for Directory {
	fn position_count() -> u64 {
		STATE.with(|s| s.borrow().live.len() as u64)
	}
	fn entry_at(index: u64) -> Option<(u64, Seq)> {
		STATE.with(|s| s.borrow().live.get(index as usize).copied())
	}
	fn audit_target(patient: &u64, seq: Seq) -> Option<AuditTarget<u64>> {
		STATE.with(|s| {
			let s = s.borrow();
			let (provider, hospital, blocks, erased) = *s.entries.get(&(*patient, seq))?;
			(!erased).then_some(AuditTarget { provider, hospital, blocks })
		})
	}
	/// Accepts [`good_proof`] for the seed and size, with [`FILE_PARAMS`], of a live entry.
	fn check_possession(
		patient: &u64,
		seq: Seq,
		file_params: &[u8],
		seed: &[u8; 32],
		challenged: u32,
		proof: &[u8],
	) -> PossessionCheck {
		if Self::audit_target(patient, seq).is_none() {
			return PossessionCheck::Erased;
		}
		if file_params != FILE_PARAMS {
			return PossessionCheck::FileParamsMismatch;
		}
		if proof == &good_proof(seed, challenged)[..] {
			PossessionCheck::Valid
		} else {
			PossessionCheck::Invalid
		}
	}
}

impl ProviderEndpoints<u64> for Directory {
	fn endpoint(provider: &u64) -> Option<Vec<u8>> {
		Some(format!("http://provider-{provider}.invalid").into_bytes())
	}
}

impl FindAuthor<u64> for Directory {
	fn find_author<'a, I>(_digests: I) -> Option<u64>
	where
		I: 'a + IntoIterator<Item = (ConsensusEngineId, &'a [u8])>,
	{
		STATE.with(|s| s.borrow().author)
	}
}

parameter_types! {
	pub const AuditBudget: Perbill = Perbill::from_percent(25);
	pub const LightWindow: u64 = 10;
	pub const FullWindow: u64 = 15;
	pub const SeedFallbackAfter: u64 = 4;
}

impl pallet_audit::Config for Test {
	type Entries = Directory;
	type Endpoints = Directory;
	type FindAuthor = Directory;
	type RelayScores = ();
	type Alerts = ();
	type ProviderSignature = MockSignature;
	type ProviderPublic = UintAuthorityId;
	type AuditBudget = AuditBudget;
	type LightChallengeBlocks = ConstU32<8>;
	type FullChallengeBlocks = ConstU32<460>;
	type FullChallengeEvery = ConstU32<4>;
	type LightWindow = LightWindow;
	type FullWindow = FullWindow;
	type SeedFallbackAfter = SeedFallbackAfter;
	type MaxOpenChallenges = ConstU32<16>;
	type MaxOpenPerBlock = ConstU32<2>;
	type RelayersPerChallenge = ConstU32<2>;
	type MaxValidators = ConstU32<8>;
	type MaxScore = ConstU32<1000>;
	type InitialScore = ConstU32<500>;
	type PassReward = ConstU32<10>;
	type MissPenalty = ConstU32<50>;
	type SuspendAfterMisses = ConstU32<3>;
	type RecoveryPasses = ConstU32<2>;
	type RelayPriority = frame_support::traits::ConstU64<{ 1 << 20 }>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Directory;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64, MockSignature> for Directory {
	fn auditable_entry(_challenged: u32) -> (u64, Seq, AuditTarget<u64>) {
		Directory::add_entry(1, 0, 2, 0, 460);
		(1, 0, <Directory as AuditIndex<u64>>::audit_target(&1, 0).expect("just added"))
	}
	fn seed() -> [u8; 32] {
		[7; 32]
	}
	fn answer(challenged: u32) -> (Vec<u8>, Vec<u8>) {
		(FILE_PARAMS.to_vec(), good_proof(&[7; 32], challenged))
	}
	fn sign(provider: &u64, message: &[u8]) -> MockSignature {
		MockSignature::sign(*provider, message)
	}
}

/// The validators of the test session: accounts 11, 12, 13.
pub const VALIDATORS: [u64; 3] = [11, 12, 13];

/// The audit key pair of validator `account`, generation `generation` (0 at genesis; a
/// rotation takes the next).
pub fn audit_pair(account: u64, generation: u8) -> AuditPair {
	let mut seed = [0u8; 32];
	seed[..8].copy_from_slice(&account.to_le_bytes());
	seed[8] = generation;
	AuditPair::from_seed(&seed)
}

/// Starts a session of `validators` with their generation-`generation` audit keys.
pub fn start_session(validators: &[u64], generation: u8) {
	let keys: Vec<(u64, AuditId)> =
		validators.iter().map(|v| (*v, audit_pair(*v, generation).public())).collect();
	let iter = || keys.iter().map(|(v, k)| (v, k.clone()));
	<Audit as OneSessionHandler<u64>>::on_new_session(true, iter(), iter());
}

/// Test externalities at block 1 with [`VALIDATORS`] as the session (generation-0 keys) and an
/// empty directory.
pub fn new_test_ext() -> sp_io::TestExternalities {
	STATE.with(|s| *s.borrow_mut() = State::default());
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	// The benchmarks generate and sign with audit keys through the keystore, as the benchmark
	// CLI's keystore lets them.
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext.execute_with(|| {
		System::set_block_number(1);
		start_session(&VALIDATORS, 0);
	});
	ext
}

/// Runs blocks up to `n`: each block's author is `authors[block % len]` (no author for an
/// empty slice), its parent hash distinct, then the pallet's `on_initialize`.
pub fn run_to_block(n: u64, authors: &[u64]) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		System::set_parent_hash(H256::repeat_byte((next % 251) as u8 + 1));
		Directory::set_author(if authors.is_empty() {
			None
		} else {
			Some(authors[(next as usize) % authors.len()])
		});
		Audit::on_initialize(next);
	}
}
