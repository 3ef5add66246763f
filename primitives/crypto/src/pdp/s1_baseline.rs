//! Test-only: S1's published audit tag `T_i = g1^sk · (H2(ID) · R^{m_i})^r` with its natural
//! public verification `e(σ, g2) = e(g1, g2^sk)^{Σν} · e(H2(ID)^{Σν} · R^μ, g2^r)`, and the two
//! attacks the index-free tag allows.

use ark_bls12_381::{Bls12_381, Fr, G1Affine, G1Projective, G2Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{UniformRand, Zero};

pub struct S1 {
	sk: Fr,
	r: Fr,
	pub big_r: G1Affine,
	pub h_id: G1Affine,
	pub g2_sk: G2Projective,
	pub g2_r: G2Projective,
}

impl S1 {
	pub fn new(rng: &mut impl rand_core::RngCore) -> Self {
		let sk = Fr::rand(rng);
		let r = Fr::rand(rng);
		let g2 = G2Projective::generator();
		Self {
			sk,
			r,
			big_r: (G1Projective::generator() * Fr::rand(rng)).into_affine(),
			h_id: crate::hash_to_curve::hash_to_g1(b"file-ID", b"S1-H2"),
			g2_sk: g2 * sk,
			g2_r: g2 * r,
		}
	}
	pub fn tag(&self, m: Fr) -> G1Projective {
		G1Projective::generator() * self.sk + (self.h_id + self.big_r * m) * self.r
	}
	pub fn verify(&self, chal: &[(usize, Fr)], sigma: G1Projective, mu: Fr) -> bool {
		let nsum: Fr = chal.iter().map(|(_, n)| *n).sum();
		let lhs = Bls12_381::pairing(sigma, G2Projective::generator());
		let rhs = Bls12_381::pairing(G1Projective::generator() * nsum, self.g2_sk)
			+ Bls12_381::pairing(self.h_id * nsum + self.big_r * mu, self.g2_r);
		lhs == rhs
	}
}

pub fn honest_proof(chal: &[(usize, Fr)], m: &[Fr], tags: &[G1Projective]) -> (G1Projective, Fr) {
	let mut sigma = G1Projective::zero();
	let mut mu = Fr::zero();
	for (i, n) in chal {
		sigma += tags[*i] * n;
		mu += m[*i] * n;
	}
	(sigma, mu)
}
