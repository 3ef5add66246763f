//! Monotone access policies as a flat, bounded node list (no_std), and their evaluation.
//!
//! A [`Policy`] is a list of at most [`MAX_POLICY_NODES`] nodes in post-order: every gate's
//! children have smaller indices than the gate, every node but the root (the last one) is the
//! child of exactly one gate. Decoding validates this, so evaluation is a single forward pass
//! with no recursion and no allocation, whatever bytes an attacker submits.

use alloc::vec::Vec;
use bounded_collections::{BoundedVec, ConstU32};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Maximum number of nodes (leaves + gates) of a policy.
pub const MAX_POLICY_NODES: u32 = 64;
/// Maximum number of leaves (MSP rows) of a policy.
pub const MAX_POLICY_LEAVES: u32 = 48;
/// Maximum children of one gate.
pub const MAX_GATE_CHILDREN: u32 = 32;
/// Maximum attribute length in bytes: `doctor:` and the 64 hex digits of an account (71 bytes)
/// must fit, so that a policy can name one doctor.
pub const MAX_ATTRIBUTE_LEN: u32 = 80;

/// An attribute string (`grade>=12`, `title>=3`, `doctor:5Grw…`, `epoch:7`, `emergency`).
pub type Attribute = BoundedVec<u8, ConstU32<MAX_ATTRIBUTE_LEN>>;

/// One node.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub enum PolicyNode {
	/// Holds iff the attribute is in the set.
	Leaf(Attribute),
	/// Holds iff at least `threshold` children hold (AND: all, OR: 1).
	Gate {
		/// How many children must hold (1 ..= children).
		threshold: u8,
		/// Indices of the children (each smaller than this node's index).
		children: BoundedVec<u8, ConstU32<MAX_GATE_CHILDREN>>,
	},
}

/// A validated monotone policy (post-order node list, root last).
#[derive(Clone, PartialEq, Eq, Debug, Encode, MaxEncodedLen, TypeInfo)]
pub struct Policy {
	nodes: BoundedVec<PolicyNode, ConstU32<MAX_POLICY_NODES>>,
}

/// Why a node list is not a valid policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyError {
	/// No nodes.
	Empty,
	/// More than the bounds allow.
	TooLarge,
	/// A child index is not smaller than its gate's, or a node is used twice / never.
	NotATree,
	/// Threshold 0 or larger than the number of children, or a gate without children.
	BadThreshold,
	/// Empty attribute.
	EmptyAttribute,
}

impl Policy {
	/// Validates a node list.
	pub fn new(nodes: Vec<PolicyNode>) -> Result<Self, PolicyError> {
		let nodes: BoundedVec<_, _> = nodes.try_into().map_err(|_| PolicyError::TooLarge)?;
		Self::validate(&nodes)?;
		Ok(Self { nodes })
	}

	fn validate(nodes: &[PolicyNode]) -> Result<(), PolicyError> {
		if nodes.is_empty() {
			return Err(PolicyError::Empty);
		}
		let mut used = [false; MAX_POLICY_NODES as usize];
		let mut leaves = 0u32;
		for (i, n) in nodes.iter().enumerate() {
			match n {
				PolicyNode::Leaf(a) => {
					if a.is_empty() {
						return Err(PolicyError::EmptyAttribute);
					}
					leaves += 1;
				},
				PolicyNode::Gate { threshold, children } => {
					if children.is_empty()
						|| *threshold == 0 || *threshold as usize > children.len()
					{
						return Err(PolicyError::BadThreshold);
					}
					for c in children.iter() {
						let c = *c as usize;
						if c >= i || used[c] {
							return Err(PolicyError::NotATree);
						}
						used[c] = true;
					}
				},
			}
		}
		if leaves > MAX_POLICY_LEAVES {
			return Err(PolicyError::TooLarge);
		}
		// Every node except the root is some gate's child.
		if used[..nodes.len() - 1].iter().any(|u| !u) {
			return Err(PolicyError::NotATree);
		}
		Ok(())
	}

	/// The nodes (post-order, root last).
	pub fn nodes(&self) -> &[PolicyNode] {
		&self.nodes
	}

	/// Index of the root node.
	pub fn root(&self) -> usize {
		self.nodes.len() - 1
	}

	/// Leaves in node order (the MSP rows): (node index, attribute).
	pub fn leaves(&self) -> impl Iterator<Item = (usize, &[u8])> {
		self.nodes.iter().enumerate().filter_map(|(i, n)| match n {
			PolicyNode::Leaf(a) => Some((i, &a[..])),
			_ => None,
		})
	}

	/// Evaluates the policy with a membership predicate. One pass, no recursion.
	pub fn eval_with(&self, mut has: impl FnMut(&[u8]) -> bool) -> bool {
		let mut sat = [false; MAX_POLICY_NODES as usize];
		for (i, n) in self.nodes.iter().enumerate() {
			sat[i] = match n {
				PolicyNode::Leaf(a) => has(a),
				PolicyNode::Gate { threshold, children } => {
					children.iter().filter(|c| sat[**c as usize]).count() >= *threshold as usize
				},
			};
		}
		sat[self.root()]
	}

	/// Whether `attributes` (any order) satisfy the policy.
	pub fn is_satisfied_by<A: AsRef<[u8]>>(&self, attributes: &[A]) -> bool {
		self.eval_with(|a| attributes.iter().any(|x| x.as_ref() == a))
	}
}

impl Decode for Policy {
	fn decode<I: codec::Input>(input: &mut I) -> Result<Self, codec::Error> {
		let nodes = BoundedVec::<PolicyNode, ConstU32<MAX_POLICY_NODES>>::decode(input)?;
		Self::validate(&nodes).map_err(|_| codec::Error::from("invalid policy"))?;
		Ok(Self { nodes })
	}
}

impl DecodeWithMemTracking for Policy {}

/// Attributes for a numeric value under unary encoding: `name>=min` ..= `name>=value`.
/// A doctor of title 3 holds `title>=1`, `title>=2`, `title>=3`; a policy `title>=2` then
/// admits titles 2, 3 and 4.
pub fn unary_attributes(name: &str, value: u32, min: u32) -> Vec<alloc::string::String> {
	(min..=value).map(|k| alloc::format!("{name}>={k}")).collect()
}
