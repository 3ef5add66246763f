#![allow(clippy::type_complexity)]
use super::fame::*;
use super::*;
use crate::Error;
use codec::{Decode, Encode};
use proptest::prelude::*;
use rand_core::SeedableRng;

fn rng() -> rand_chacha::ChaCha20Rng {
	rand_chacha::ChaCha20Rng::seed_from_u64(11)
}

#[test]
fn parse_and_display() {
	let p = Policy::parse("(grade>=12 and title>=3) or doctor:5GrwvaEF").unwrap();
	assert_eq!(p.to_string(), "((grade>=12 and title>=3) or doctor:5GrwvaEF)");
	assert!(p.is_satisfied_by(&["grade>=12", "title>=3"]));
	assert!(p.is_satisfied_by(&["doctor:5GrwvaEF"]));
	assert!(!p.is_satisfied_by(&["grade>=12", "title>=2"]));
	let t = Policy::parse("2 of (a, b, c) AND d").unwrap();
	assert!(t.is_satisfied_by(&["a", "c", "d"]));
	assert!(!t.is_satisfied_by(&["a", "d"]));
	assert_eq!(Policy::parse("2of(a,b,c)").unwrap(), Policy::parse("2 of ( a , b , c )").unwrap());
	assert_eq!(Policy::parse("x > 3").unwrap(), Policy::parse("x>=4").unwrap());
	assert_eq!(
		Policy::parse("x >= 3 && y || z").unwrap(),
		Policy::parse("(x>=3 and y) or z").unwrap()
	);
	for bad in ["", "a and", "(a or b", "a b", "4of(a,b,c)", "0of(a)", "and", "x>=q", "a,b", "é"] {
		assert!(Policy::parse(bad).is_err(), "{bad}");
	}
	let deep = format!("{}a{}", "(".repeat(40), ")".repeat(40));
	assert_eq!(Policy::parse(&deep), Err(Error::TooLarge));
	let wide = (0..70).map(|i| format!("a{i}")).collect::<Vec<_>>().join(" or ");
	assert!(Policy::parse(&wide).is_err());
}

#[test]
fn unary_and_s2_policy() {
	let doc = doctor_attributes(3, 13, 7, "5Grw", &[]);
	assert!(doc.contains(&"grade>=5".to_string()) && doc.contains(&"grade>=13".to_string()));
	assert!(!doc.contains(&"grade>=14".to_string()));
	let p = s2_default_policy(3, 12, 7).unwrap();
	assert_eq!(
		p.to_string(),
		"(epoch:7 and ((grade>=12 and title>=3) or (grade>=13 and title>=2) or emergency))"
	);
	assert!(p.is_satisfied_by(&doctor_attributes(3, 12, 7, "a", &[])));
	assert!(p.is_satisfied_by(&doctor_attributes(2, 13, 7, "a", &[])));
	assert!(!p.is_satisfied_by(&doctor_attributes(2, 12, 7, "a", &[])));
	assert!(!p.is_satisfied_by(&doctor_attributes(4, 14, 6, "a", &[])));
	assert!(p.is_satisfied_by(&doctor_attributes(1, 5, 7, "a", &["emergency"])));
	assert_eq!(
		s2_default_policy(1, 14, 0).unwrap().to_string(),
		"(epoch:0 and ((grade>=14 and title>=1) or emergency))"
	);
	assert_eq!(
		s2_default_policy(1, 9, 0).unwrap().to_string(),
		"(epoch:0 and ((grade>=9 and title>=1) or grade>=10 or emergency))"
	);
	assert!(s2_default_policy(0, 9, 0).is_err());
	assert!(s2_default_policy(2, 15, 0).is_err());
}

#[test]
fn malicious_encodings_rejected() {
	let p = Policy::parse("a and (b or c)").unwrap();
	let enc = p.encode();
	assert_eq!(Policy::decode(&mut &enc[..]).unwrap(), p);
	let leaf = |s: &str| PolicyNode::Leaf(s.as_bytes().to_vec().try_into().unwrap());
	let gate =
		|k: u8, c: Vec<u8>| PolicyNode::Gate { threshold: k, children: c.try_into().unwrap() };
	// Forward reference / self reference / shared child / unused node / bad thresholds.
	for nodes in [
		vec![gate(1, vec![1]), leaf("a")],
		vec![leaf("a"), gate(1, vec![1])],
		vec![leaf("a"), gate(1, vec![0]), gate(2, vec![0, 1])],
		vec![leaf("a"), leaf("b"), gate(1, vec![1])],
		vec![leaf("a"), gate(0, vec![0])],
		vec![leaf("a"), gate(2, vec![0])],
		vec![leaf("")],
		vec![],
	] {
		assert!(Policy::new(nodes.clone()).is_err());
		// The same list, SCALE-encoded, does not decode either.
		let raw: bounded_collections::BoundedVec<PolicyNode, crate::ConstU32<64>> =
			nodes.try_into().unwrap();
		assert!(Policy::decode(&mut &raw.encode()[..]).is_err());
	}
	// Truncated / garbage input never panics.
	for i in 0..enc.len() {
		let _ = Policy::decode(&mut &enc[..i]);
	}
	assert!(Policy::decode(&mut &[0xffu8; 40][..]).is_err());
}

#[test]
fn fame_round_trip_and_wrong_attributes() {
	let mut r = rng();
	let (pk, msk) = setup(&mut r);
	let policy = s2_default_policy(3, 12, 7).unwrap();
	let good = keygen(&msk, &doctor_attributes(2, 13, 7, "alice", &[]), &mut r).unwrap();
	let bad = keygen(&msk, &doctor_attributes(2, 12, 7, "bob", &[]), &mut r).unwrap();
	let old_epoch = keygen(&msk, &doctor_attributes(4, 14, 6, "carol", &[]), &mut r).unwrap();
	let data_key = [0x33u8; 32];
	let w = wrap_key(&pk, &policy, &data_key, b"record-1", &mut r);
	assert_eq!(*unwrap_key(&good, &w, b"record-1").unwrap(), data_key);
	assert_eq!(unwrap_key(&bad, &w, b"record-1").map(|_| ()), Err(Error::PolicyNotSatisfied));
	assert_eq!(unwrap_key(&old_epoch, &w, b"record-1").map(|_| ()), Err(Error::PolicyNotSatisfied));
	assert_eq!(unwrap_key(&good, &w, b"record-2").map(|_| ()), Err(Error::DecryptionFailed));

	// Collusion: two keys that together hold a satisfying set (grade>=13 from one, title>=2 from
	// the other) cannot combine components: mixing attribute parts of different keys fails.
	let k_grade = keygen(&msk, &["epoch:7", "grade>=13"], &mut r).unwrap();
	let k_title = keygen(&msk, &["epoch:7", "title>=2"], &mut r).unwrap();
	fn entries(k: &FameUserKey) -> (Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>) {
		let b = k.to_bytes();
		let head = b[..432].to_vec();
		let n = u16::from_le_bytes([b[432], b[433]]) as usize;
		let mut off = 434;
		let mut out = Vec::new();
		for _ in 0..n {
			let l = b[off] as usize;
			out.push((
				b[off + 1..off + 1 + l].to_vec(),
				b[off + 1 + l..off + 1 + l + 144].to_vec(),
			));
			off += 1 + l + 144;
		}
		(head, out)
	}
	let (head, mut ents) = entries(&k_grade);
	ents.extend(entries(&k_title).1.into_iter().filter(|(a, _)| a == b"title>=2"));
	let mut bytes = head;
	bytes.extend_from_slice(&(ents.len() as u16).to_le_bytes());
	for (a, k) in &ents {
		bytes.push(a.len() as u8);
		bytes.extend_from_slice(a);
		bytes.extend_from_slice(k);
	}
	let franken = FameUserKey::from_bytes(&bytes).unwrap();
	assert!(policy.is_satisfied_by(&franken.attributes().collect::<Vec<_>>()));
	assert!(unwrap_key(&franken, &w, b"record-1").is_err());

	// Serialization round trips; tampering is rejected or fails to decrypt.
	let wb = w.to_bytes();
	let w2 = AbeWrappedKey::from_bytes(&wb).unwrap();
	assert_eq!(w2, w);
	let pk2 = FamePublicKey::from_bytes(&pk.to_bytes()).unwrap();
	assert_eq!(pk2, pk);
	let g2 = FameUserKey::from_bytes(&good.to_bytes()).unwrap();
	assert_eq!(*unwrap_key(&g2, &w2, b"record-1").unwrap(), data_key);
	let msk2 = FameMasterKey::from_bytes(&msk.to_bytes()).unwrap();
	let k3 = keygen(&msk2, &doctor_attributes(3, 12, 7, "dave", &[]), &mut r).unwrap();
	assert_eq!(*unwrap_key(&k3, &w, b"record-1").unwrap(), data_key);
	for i in [0usize, 10, 47, 60, wb.len() - 1] {
		let mut t = wb.clone();
		t[i] ^= 1;
		match AbeWrappedKey::from_bytes(&t) {
			Err(_) => {},
			Ok(tw) => assert!(unwrap_key(&good, &tw, b"record-1").is_err()),
		}
	}
	assert!(AbeWrappedKey::from_bytes(&wb[..wb.len() - 1]).is_err());
	assert!(FameUserKey::from_bytes(&[0u8; 10]).is_err());
}

#[test]
fn fame_threshold_policy() {
	let mut r = rng();
	let (pk, msk) = setup(&mut r);
	let policy = Policy::parse("2of(a, b, c) and (d or 2of(e, f, g, h))").unwrap();
	let (ct, k) = encapsulate(&pk, &policy, &mut r);
	// The all-arkworks baseline produces compatible ciphertexts.
	let (ct_ark, k_ark) = encapsulate_arkworks(&pk, &policy, &mut r);
	let uk = keygen(&msk, &["a", "b", "e", "f"], &mut r).unwrap();
	assert_eq!(*decapsulate(&uk, &ct_ark).unwrap(), *k_ark);
	for (attrs, ok) in [
		(vec!["a", "c", "d"], true),
		(vec!["b", "c", "f", "h"], true),
		(vec!["a", "d"], false),
		(vec!["a", "b", "e"], false),
	] {
		let uk = keygen(&msk, &attrs, &mut r).unwrap();
		match decapsulate(&uk, &ct) {
			Ok(k2) => assert!(ok && *k2 == *k, "{attrs:?}"),
			Err(e) => assert!(!ok && e == Error::PolicyNotSatisfied, "{attrs:?}"),
		}
	}
}

fn policy_strategy() -> impl Strategy<Value = String> {
	let leaf = prop::sample::select(vec!["a", "b", "c", "d", "e"]).prop_map(String::from);
	leaf.prop_recursive(3, 12, 4, |inner| {
		prop_oneof![
			prop::collection::vec(inner.clone(), 2..4)
				.prop_map(|v| format!("({})", v.join(" and "))),
			prop::collection::vec(inner.clone(), 2..4)
				.prop_map(|v| format!("({})", v.join(" or "))),
			prop::collection::vec(inner, 3..4).prop_map(|v| format!("2of({})", v.join(", "))),
		]
	})
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(48))]
	#[test]
	fn prop_policy_eval_matches_reconstruction(p in policy_strategy(), mask in 0u8..32) {
		let pol = Policy::parse(&p).unwrap();
		let attrs: Vec<&str> = ["a", "b", "c", "d", "e"].iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, a)| *a).collect();
		let sat = pol.is_satisfied_by(&attrs);
		prop_assert_eq!(msp::reconstruction(&pol, |a| attrs.iter().any(|x| x.as_bytes() == a)).is_some(), sat);
		// Display re-parses to the same policy.
		prop_assert_eq!(Policy::parse(&pol.to_string()).unwrap(), pol.clone());
		// SCALE round trip.
		prop_assert_eq!(Policy::decode(&mut &pol.encode()[..]).unwrap(), pol);
	}
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(6))]
	#[test]
	fn prop_fame_decrypts_iff_satisfied(p in policy_strategy(), mask in 0u8..32, seed in any::<u64>()) {
		let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
		let (pk, msk) = setup(&mut r);
		let pol = Policy::parse(&p).unwrap();
		let attrs: Vec<&str> = ["a", "b", "c", "d", "e"].iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, a)| *a).collect();
		let uk = keygen(&msk, &attrs, &mut r).unwrap();
		let (ct, k) = encapsulate(&pk, &pol, &mut r);
		let res = decapsulate(&uk, &ct);
		prop_assert_eq!(res.is_ok(), pol.is_satisfied_by(&attrs));
		if let Ok(k2) = res {
			prop_assert_eq!(*k2, *k);
		}
	}
}
