//! Owner side: key generation and file tagging.

use super::bls::{self, Fr};
use super::types::{block_count, PdpFileParams, PdpPublicKey, MAX_SECTORS, SECTOR_BYTES};
use crate::hash_to_curve::{hash_to_g1_blst, PDP_DST};
use crate::{Error, Result};
use blst::blst_p1;
use rand_core::{CryptoRng, RngCore};
use rayon::prelude::*;
use zeroize::{Zeroize, Zeroizing};

/// The owner's secret: `alpha` and `beta_1..beta_s` (Montgomery form). Never leaves the owning
/// hospital's record service: whoever holds `alpha` can answer challenges without the data.
pub struct PdpSecretKey {
	alpha: Fr,
	alpha_le: Zeroizing<[u8; 32]>,
	beta: Vec<Fr>,
}

impl Drop for PdpSecretKey {
	fn drop(&mut self) {
		self.alpha.l.zeroize();
		for b in self.beta.iter_mut() {
			b.l.zeroize();
		}
	}
}

impl PdpSecretKey {
	/// Fresh key for blocks of up to `sectors` sectors.
	pub fn generate<R: RngCore + CryptoRng>(sectors: u16, rng: &mut R) -> Result<Self> {
		if sectors == 0 || sectors as u32 > MAX_SECTORS {
			return Err(Error::InvalidParameter);
		}
		let alpha = bls::random_scalar(rng);
		let beta = (0..sectors).map(|_| bls::random_scalar(rng)).collect();
		Ok(Self { alpha, alpha_le: Zeroizing::new(bls::mont_to_le(&alpha)), beta })
	}

	/// `alpha || beta_1 || … || beta_s`, canonical little-endian (store encrypted at rest).
	pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
		let mut v = Zeroizing::new(self.alpha_le.to_vec());
		for b in &self.beta {
			v.extend_from_slice(&bls::mont_to_le(b));
		}
		v
	}

	/// Inverse of [`Self::to_bytes`]; every scalar must be canonical and non-zero.
	pub fn from_bytes(b: &[u8]) -> Result<Self> {
		if b.len() < 64 || !b.len().is_multiple_of(32) || b.len() / 32 - 1 > MAX_SECTORS as usize {
			return Err(Error::Malformed);
		}
		let mut scalars = Vec::new();
		for c in b.chunks(32) {
			let arr: [u8; 32] = c.try_into().map_err(|_| Error::Malformed)?;
			if !bls::scalar_is_canonical(&arr) || arr == [0u8; 32] {
				return Err(Error::Malformed);
			}
			scalars.push(bls::fr_mont_from_le(&arr));
		}
		let alpha = scalars.remove(0);
		Ok(Self { alpha, alpha_le: Zeroizing::new(bls::mont_to_le(&alpha)), beta: scalars })
	}

	/// Public key `(v = g2^alpha, u_j = g1^{beta_j})`.
	pub fn public_key(&self) -> PdpPublicKey {
		let mut v = blst::blst_p2::default();
		let g2 = bls::p2_generator();
		// SAFETY: valid pointers; 255-bit scalar in 32 bytes.
		unsafe { blst::blst_p2_mult(&mut v, &g2, self.alpha_le.as_ptr(), 255) };
		let mut va = blst::blst_p2_affine::default();
		unsafe { blst::blst_p2_to_affine(&mut va, &v) };
		let g1 = bls::p1_generator();
		let us: Vec<blst_p1> =
			self.beta.iter().map(|b| bls::p1_mult(&g1, &bls::mont_to_le(b), 255)).collect();
		let u: Vec<[u8; 48]> = bls::p1s_to_affine(&us).iter().map(bls::p1_compress).collect();
		PdpPublicKey { v: bls::p2_compress(&va), u: u.try_into().unwrap_or_default() }
	}

	/// Maximum sectors per block of this key.
	pub fn sectors(&self) -> u16 {
		self.beta.len() as u16
	}

	/// Tag of one block: `sigma_i = H(name||i)^alpha · g1^{alpha Σ_j beta_j m_ij}`
	/// (= `(H(name||i) Π u_j^{m_ij})^alpha`), one hash, one scalar multiplication and one
	/// fixed-base comb (`super::comb`, constant time) for the power of `g1`.
	fn tag_point(&self, params: &PdpFileParams, index: u32, block: &[u8]) -> blst_p1 {
		self.tag_point_with(params, index, block, true)
	}

	fn tag_point_with(
		&self,
		params: &PdpFileParams,
		index: u32,
		block: &[u8],
		comb: bool,
	) -> blst_p1 {
		let s = params.sectors as usize;
		let mut e = Fr::default();
		for (j, sector) in block.chunks(SECTOR_BYTES).take(s).enumerate() {
			let m = bls::fr_raw(sector);
			e = bls::fr_add(&e, &bls::fr_mul(&m, &self.beta[j]));
		}
		// e is in normal form; alpha·e in normal form is the canonical integer.
		let ae = Zeroizing::new(bls::raw_to_le(&bls::fr_mul(&e, &self.alpha)));
		let h = hash_to_g1_blst(&block_message(&params.name, index), PDP_DST);
		let ha = bls::p1_mult(&h, &self.alpha_le[..], 255);
		let g = if comb {
			super::comb::g1_mul(&ae)
		} else {
			bls::p1_mult(&bls::p1_generator(), &ae[..], 255)
		};
		bls::p1_add(&ha, &g)
	}

	/// Tags a whole file (in parallel on the rayon pool). Returns compressed tags.
	pub fn tag_file(&self, params: &PdpFileParams, data: &[u8]) -> Result<Vec<[u8; 48]>> {
		self.tag_file_with(params, data, true)
	}

	/// Benchmark baseline only: [`Self::tag_file`] with blst's generic scalar multiplication for
	/// `g1^{alpha·e}` instead of the fixed-base comb (the same tags, a test checks).
	#[doc(hidden)]
	pub fn tag_file_without_comb(
		&self,
		params: &PdpFileParams,
		data: &[u8],
	) -> Result<Vec<[u8; 48]>> {
		self.tag_file_with(params, data, false)
	}

	fn tag_file_with(
		&self,
		params: &PdpFileParams,
		data: &[u8],
		comb: bool,
	) -> Result<Vec<[u8; 48]>> {
		self.check_params(params, data)?;
		let bsize = params.sectors as usize * SECTOR_BYTES;
		let n = params.blocks as usize;
		let mut out = vec![[0u8; 48]; n];
		out.par_chunks_mut(64).enumerate().for_each(|(c, chunk)| {
			let pts: Vec<blst_p1> = (0..chunk.len())
				.map(|k| {
					let i = c * 64 + k;
					self.tag_point_with(params, i as u32, block_of(data, i, bsize), comb)
				})
				.collect();
			for (o, a) in chunk.iter_mut().zip(bls::p1s_to_affine(&pts)) {
				*o = bls::p1_compress(&a);
			}
		});
		Ok(out)
	}

	/// Tags a single block (streaming owners).
	pub fn tag_block(&self, params: &PdpFileParams, index: u32, block: &[u8]) -> Result<[u8; 48]> {
		if params.sectors as usize > self.beta.len()
			|| params.sectors == 0
			|| index >= params.blocks
			|| block.len() > params.sectors as usize * SECTOR_BYTES
		{
			return Err(Error::InvalidParameter);
		}
		Ok(bls::p1_compress(&bls::p1_to_affine(&self.tag_point(params, index, block))))
	}

	fn check_params(&self, params: &PdpFileParams, data: &[u8]) -> Result<()> {
		if params.sectors == 0 || params.sectors as usize > self.beta.len() {
			return Err(Error::InvalidParameter);
		}
		if params.blocks as u64 != block_count(data.len() as u64, params.sectors) {
			return Err(Error::InvalidParameter);
		}
		Ok(())
	}
}

/// File parameters for `len` bytes.
pub fn file_params(name: &[u8], len: u64, sectors: u16) -> Result<PdpFileParams> {
	if sectors == 0 || sectors as u32 > MAX_SECTORS {
		return Err(Error::InvalidParameter);
	}
	let blocks = u32::try_from(block_count(len, sectors)).map_err(|_| Error::TooLarge)?;
	Ok(PdpFileParams {
		name: name.to_vec().try_into().map_err(|_| Error::TooLarge)?,
		blocks,
		sectors,
	})
}

/// Bytes of block `i` (possibly short or empty at the end).
pub fn block_of(data: &[u8], i: usize, bsize: usize) -> &[u8] {
	let start = (i * bsize).min(data.len());
	let end = ((i + 1) * bsize).min(data.len());
	&data[start..end]
}

/// `name || i` as hashed by `H`: length-prefixed name, then the index (u64 LE).
pub fn block_message(name: &[u8], index: u32) -> Vec<u8> {
	let mut m = Vec::with_capacity(name.len() + 9);
	m.push(name.len() as u8);
	m.extend_from_slice(name);
	m.extend_from_slice(&(index as u64).to_le_bytes());
	m
}
