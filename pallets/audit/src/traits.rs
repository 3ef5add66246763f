//! What the audit pallet tells the rest of the runtime: relayers' work ([`RelayScores`], for the
//! scoring pallet) and alerts ([`AuditAlerts`]). What it asks of the EMR chain and the registry
//! is in `medchain-primitives` ([`medchain_primitives::AuditIndex`],
//! [`medchain_primitives::ProviderEndpoints`]); what it answers the EMR pallet too
//! ([`medchain_primitives::ProviderStanding`]).

use frame_support::weights::Weight;
use medchain_primitives::{HospitalId, Seq};

use crate::types::{ChallengeId, ChallengeKind, Outcome};

/// Relayers' work, for the scoring pallet (DESIGN.md "Consortium": relayers earn points).
///
/// Implementations must be cheap and bounded; the pallet's benchmarks run with `()`, so the
/// runtime's implementation declares its own cost in [`RelayScores::weight`].
pub trait RelayScores<AccountId> {
	/// `relayer` brought the provider's signed answer that closed `challenge`.
	fn relayed(relayer: &AccountId, challenge: ChallengeId, outcome: Outcome);
	/// `relayer` reported the provider unreachable for `challenge` (its duty done).
	fn reported_unreachable(relayer: &AccountId, challenge: ChallengeId);
	/// `relayer` was assigned `challenge` and reported nothing within the window.
	fn missed(relayer: &AccountId, challenge: ChallengeId);
	/// `relayer` submitted an answer the provider had not signed.
	fn misbehaved(relayer: &AccountId, challenge: ChallengeId);
	/// An upper bound on the cost of any one of the calls above.
	fn weight() -> Weight;
}

impl<AccountId> RelayScores<AccountId> for () {
	fn relayed(_: &AccountId, _: ChallengeId, _: Outcome) {}
	fn reported_unreachable(_: &AccountId, _: ChallengeId) {}
	fn missed(_: &AccountId, _: ChallengeId) {}
	fn misbehaved(_: &AccountId, _: ChallengeId) {}
	fn weight() -> Weight {
		Weight::zero()
	}
}

/// Told of every failed or timed-out audit, beside the [`crate::Event::AuditAlert`] event: for
/// example to log the alert in the patient's access chain or to notify the registrar.
pub trait AuditAlerts<AccountId> {
	/// Entry `seq` of `patient`, written by `hospital` and held by `provider`, failed or timed
	/// out (`outcome`) in a `kind` audit.
	fn alert(
		patient: &AccountId,
		seq: Seq,
		hospital: HospitalId,
		provider: &AccountId,
		kind: ChallengeKind,
		outcome: Outcome,
	);
	/// An upper bound on the cost of [`AuditAlerts::alert`].
	fn weight() -> Weight;
}

impl<AccountId> AuditAlerts<AccountId> for () {
	fn alert(_: &AccountId, _: Seq, _: HospitalId, _: &AccountId, _: ChallengeKind, _: Outcome) {}
	fn weight() -> Weight {
		Weight::zero()
	}
}
