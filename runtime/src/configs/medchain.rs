//! Configuration of MedChain's own pallets.

use frame_support::{parameter_types, traits::ConstU32, weights::Weight};
use frame_system::EnsureRoot;
use sp_runtime::Perbill;

use super::{AccountId, BlockNumber, Runtime};
use crate::{Access, Audit, Aura, Emr, Registry};

#[cfg(feature = "runtime-benchmarks")]
mod benchmark_helpers;

/// The registrar (DESIGN.md: S1's PKG, S2's KMC), declared once for every pallet that asks for
/// it: Root (sudo) in development; a hospital collective in production.
pub type RegistrarOrigin = EnsureRoot<AccountId>;

parameter_types! {
	/// Hospital display names: 128 bytes of UTF-8.
	pub const MaxNameLen: u32 = 128;
	/// A PDP public key: v in G2 (96 bytes) plus up to 256 sector generators u_j in G1
	/// (48 bytes each) and a little framing.
	pub const MaxPdpKeyLen: u32 = 96 + 256 * 48 + 64;
	/// Allowlisted ABE attributes one doctor holds (title, grade, key epoch and identity are
	/// derived, not stored).
	pub const MaxAttributes: u32 = 16;
	/// One allowlisted attribute (`emergency`, `attending`, ...); the crypto crate accepts up to
	/// 80 bytes, which the derived `doctor:<64 hex digits>` attribute needs.
	pub const MaxAttributeLen: u32 = 64;
	/// Attributes on the registrar's allowlist. No call's cost depends on it (lookups are by
	/// key); it leaves room beyond the roles a consortium names for the benchmarks, which
	/// allowlist up to 61 attributes of their own (the access benchmarks' doctor and policy).
	pub const MaxAllowedAttributes: u32 = 128;
	/// Provider endpoint URLs.
	pub const MaxEndpointLen: u32 = 256;
	/// The encoded FAME public key (h, H1, H2 in G2, T1, T2 in GT) with room to spare.
	pub const MaxAbeKeyLen: u32 = 2048;
	/// Provider object locators.
	pub const MaxLocatorLen: u32 = 128;
	/// A policy text such as `epoch:3 and ((grade>=12 and title>=3) or emergency)`; the longest
	/// that fits is what the access benchmarks price.
	pub const MaxPolicyLen: u32 = 4096;
	/// Public descriptions of entries.
	pub const MaxDescriptionLen: u32 = 256;
	/// Entries per `append_records` batch.
	pub const MaxEmrBatch: u32 = 256;
	/// Entries of one patient one provider may host. A search fulfilment must cover all of
	/// them in one transaction, so it must fit a block: the benchmarked worst case
	/// (`fulfil_search`, every entry matching under the longest policy) is about 0.7 ms plus
	/// 0.22 ms, two reads and a write per entry: 0.1 s for 320 entries, well under the 0.65 s a
	/// normal-class extrinsic may use (the runtime test `worst_case_medchain_calls_fit_a_block`
	/// checks this against the generated weights). The bound also sets the worst case of every
	/// append, which rewrites the provider's index of the patient's entries, so it stays small;
	/// a patient's further records go to other providers.
	pub const MaxHostedPerProvider: u32 = 320;
	/// Feeless transactions are counted per registered actor over windows of 10 minutes of
	/// 2-second blocks.
	pub const FeelessWindow: BlockNumber = 300;
	/// At most 600 per actor and window, included or waiting in the pool: two per block on
	/// average, which lets a record service append 256 records a second in batches of 256 and
	/// caps what one account can put in the pool at 600 transactions.
	pub const MaxFeelessPerWindow: u32 = 600;
	/// Feeless calls take at most half of each block, so that a quarter of the normal class
	/// (and the operational quarter) is always left to paying and registrar calls.
	pub MaxFeelessBlockWeight: Weight = Perbill::from_percent(50)
		* <Runtime as frame_system::Config>::BlockWeights::get().max_block;
	/// Entries one explicit access request may name.
	pub const MaxRecordsPerRequest: u32 = 64;
	/// Consents a patient may hold (hospitals, doctors).
	pub const MaxConsentsPerPatient: u32 = 64;
	/// Delegates a patient may name at once.
	pub const MaxDelegatesPerPatient: u32 = 8;
	/// A delegation lasts at most 90 days of 2-second blocks.
	pub const MaxDelegation: BlockNumber = 90 * 43_200;
	/// A presence statement counts for at most 10 minutes after the card signed it.
	pub const MaxPresenceValidity: BlockNumber = 300;
	/// The break-glass rate limit: at most 3 requests per doctor per 24 hours.
	pub const BreakGlassRateWindow: BlockNumber = 43_200;
	pub const MaxBreakGlassPerWindow: u32 = 3;
	/// A break-glass request must be justified within 72 hours.
	pub const JustificationPeriod: BlockNumber = 3 * 43_200;
	/// `on_idle` takes at most 64 steps per block (a block looked at, an expired nonce, an
	/// overdue justification, or up to `MaxHostedPerProvider` keys of an expired request).
	pub const MaxSweepPerBlock: u32 = 64;
	/// A doctor may make at most 20 requests for one patient per hour.
	pub const MaxRequestsPerWindow: u32 = 20;
	pub const RequestWindow: BlockNumber = 1_800;
	/// A search request must be fulfilled within 10 minutes of 2-second blocks.
	pub const RequestLifetime: BlockNumber = 300;
	/// Break-glass access lasts at most 24 hours.
	pub const MaxBreakGlassDuration: BlockNumber = 43_200;
	/// A grant lets the provider serve the record for one hour.
	pub const GrantLifetime: BlockNumber = 1_800;
	/// Audits take at most a quarter of each block's weight (the hook and the verification of
	/// the challenges it opens): with the feeless half, three quarters, the normal class.
	pub const AuditBudget: Perbill = Perbill::from_percent(25);
	/// A light challenge must be answered within 20 blocks (40 s) of its seed, a full one
	/// within 30 (60 s): the provider reads the challenge at a finalized block (2-3 blocks
	/// behind), reads the challenged blocks and proves (a full proof about a second), a
	/// relayer's off-chain worker fetches it in the next block and the transaction lands in the
	/// one or two after: 6-10 blocks, so the windows leave room for a slow provider or a
	/// missed slot without letting a provider that lost the data fetch it from elsewhere.
	pub const AuditLightWindow: BlockNumber = 20;
	pub const AuditFullWindow: BlockNumber = 30;
	/// A seed waits at most 6 blocks for two distinct authors (a validator offline).
	pub const AuditSeedFallbackAfter: BlockNumber = 6;
	/// Relayed answers go before ordinary transactions: a late answer is a timeout.
	pub const AuditRelayPriority: u64 = u64::MAX / 4;
}

impl pallet_medchain_audit::Config for Runtime {
	type Entries = Emr;
	type Endpoints = Registry;
	/// Aura's author index mapped to the session's validator accounts.
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Runtime, Aura>;
	/// The scoring pallet will count relayers' work.
	type RelayScores = ();
	/// The `AuditAlert` event is the alert; nothing else listens yet.
	type Alerts = ();
	type ProviderSignature = crate::Signature;
	type ProviderPublic = <crate::Signature as sp_runtime::traits::Verify>::Signer;
	type AuditBudget = AuditBudget;
	/// Eight blocks: a record that is gone fails every challenge, and eight blocks cost
	/// little more to verify than one (the pairing dominates).
	type LightChallengeBlocks = ConstU32<8>;
	/// 460 blocks: 1% corruption is caught with probability at least 99%.
	type FullChallengeBlocks = ConstU32<460>;
	/// One challenge in four is full.
	type FullChallengeEvery = ConstU32<4>;
	type LightWindow = AuditLightWindow;
	type FullWindow = AuditFullWindow;
	type SeedFallbackAfter = AuditSeedFallbackAfter;
	type MaxOpenChallenges = ConstU32<512>;
	type MaxOpenPerBlock = ConstU32<32>;
	type RelayersPerChallenge = ConstU32<2>;
	/// Aura's and GRANDPA's `MaxAuthorities`.
	type MaxValidators = ConstU32<32>;
	type MaxScore = ConstU32<1000>;
	type InitialScore = ConstU32<800>;
	type PassReward = ConstU32<5>;
	type MissPenalty = ConstU32<40>;
	type SuspendAfterMisses = ConstU32<5>;
	type RecoveryPasses = ConstU32<20>;
	type RelayPriority = AuditRelayPriority;
	type WeightInfo = pallet_medchain_audit::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Registrar;
}

impl pallet_medchain_registry::Config for Runtime {
	type RegistrarOrigin = RegistrarOrigin;
	/// Guardians and delegates of patients transact feelessly too.
	type Representatives = pallet_medchain_access::Representatives<Runtime>;
	/// The access pallet drops a revoked patient's representatives; the audit and scoring
	/// pallets will listen too.
	type OnRevoked = Access;
	type MaxNameLen = MaxNameLen;
	type MaxPdpKeyLen = MaxPdpKeyLen;
	type MaxAttributes = MaxAttributes;
	type MaxAttributeLen = MaxAttributeLen;
	type MaxAllowedAttributes = MaxAllowedAttributes;
	type MaxEndpointLen = MaxEndpointLen;
	type MaxAbeKeyLen = MaxAbeKeyLen;
	type FeelessWindow = FeelessWindow;
	type MaxFeelessPerWindow = MaxFeelessPerWindow;
	type MaxFeelessBlockWeight = MaxFeelessBlockWeight;
	type WeightInfo = pallet_medchain_registry::weights::SubstrateWeight<Runtime>;
}

impl pallet_medchain_emr::Config for Runtime {
	/// The registrar may erase any entry.
	type RegistrarOrigin = RegistrarOrigin;
	type Hospitals = Registry;
	type Providers = Registry;
	type Patients = Registry;
	/// Record policies name only derived attributes and the registrar's allowlist.
	type Attributes = Registry;
	/// Providers sign their receipts with their account key.
	type ProviderSignature = crate::Signature;
	type ProviderPublic = <crate::Signature as sp_runtime::traits::Verify>::Signer;
	type MaxLocatorLen = MaxLocatorLen;
	type MaxPolicyLen = MaxPolicyLen;
	type MaxDescriptionLen = MaxDescriptionLen;
	type MaxBatch = MaxEmrBatch;
	type MaxHostedPerProvider = MaxHostedPerProvider;
	/// A provider its audits suspended takes no new records.
	type ProviderStanding = Audit;
	type WeightInfo = pallet_medchain_emr::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Registrar;
}

impl pallet_medchain_access::Config for Runtime {
	type Doctors = Registry;
	type Patients = Registry;
	type Providers = Registry;
	type Hospitals = Registry;
	type Staff = Registry;
	type KeyService = Registry;
	type Emr = Emr;
	type RegistrarOrigin = RegistrarOrigin;
	type MaxHostedPerProvider = MaxHostedPerProvider;
	type MaxRecordsPerRequest = MaxRecordsPerRequest;
	type MaxConsentsPerPatient = MaxConsentsPerPatient;
	type MaxDelegatesPerPatient = MaxDelegatesPerPatient;
	type MaxDelegation = MaxDelegation;
	type MaxPresenceValidity = MaxPresenceValidity;
	type RequestLifetime = RequestLifetime;
	type MaxBreakGlassDuration = MaxBreakGlassDuration;
	type BreakGlassRateWindow = BreakGlassRateWindow;
	type MaxBreakGlassPerWindow = MaxBreakGlassPerWindow;
	type JustificationPeriod = JustificationPeriod;
	type GrantLifetime = GrantLifetime;
	type MaxSweepPerBlock = MaxSweepPerBlock;
	type MaxRequestsPerWindow = MaxRequestsPerWindow;
	type RequestWindow = RequestWindow;
	type WeightInfo = pallet_medchain_access::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benchmark_helpers::Registrar;
}
