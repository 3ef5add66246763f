// Access needs a basis, through polkadot.js on a real dev node: a doctor with no basis is
// refused before anything is logged; on the patient's consent the request is logged; with the
// patient present, their card (an ed25519 presence key, not the account key) signs the request
// statement, and a replay of it is refused.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { useDevNode } from '../lib/harness.mjs';
import {
  connect, presenceStatement, SS58_PREFIX, submitAndFinalize, WELL_FORMED_PDP_KEY,
} from '../lib/medchain.mjs';

describe('access needs a basis', () => {
  let api;
  let keyring;
  let alice;

  useDevNode((suite) => { ({ api, keyring, alice } = suite); });

  test('no basis is refused; consent and presence are logged; a presence replay is refused', async () => {
    const fresh = () => keyring.addFromMnemonic(mnemonicGenerate());
    const [recordService, doctor, patient] = [fresh(), fresh(), fresh()];
    const sudo = (call) => submitAndFinalize(api, api.tx.sudo.sudo(call), alice);
    await sudo(api.tx.registry.registerHospital(recordService.address, 'Grade 14 Hospital', 14, WELL_FORMED_PDP_KEY, null));
    await sudo(api.tx.registry.registerDoctor(doctor.address, 0, 4, []));
    await sudo(api.tx.registry.registerPatient(patient.address, '0x' + '22'.repeat(32)));

    const target = { Search: { queryCommitment: '0x' + '05'.repeat(32), allRecords: false } };
    const ask = (basis) => submitAndFinalize(
      api, api.tx.access.requestAccess(patient.address, target, 'Treatment', basis, '0x' + 'd1'.repeat(32)), doctor);

    // A title-4 doctor at a grade-14 hospital has no basis by rank alone.
    await assert.rejects(ask('Consent'), /access\.ConsentMissing/);
    assert.equal((await api.query.access.accessLength(patient.address)).toNumber(), 0, 'nothing logged');

    // The patient consents (feelessly); the same request is logged.
    await submitAndFinalize(
      api, api.tx.access.setConsent(patient.address, { Doctor: doctor.address }, true, null, null), patient);
    const { events } = await ask('Consent');
    const requested = events.find(({ event }) => api.events.access.AccessRequested.is(event));
    assert.ok(requested, 'Access.AccessRequested');
    assert.equal(requested.event.data.basis.toString(), 'Consent');

    // The patient's card: an ed25519 key registered apart from the account key.
    const card = new Keyring({ type: 'ed25519' }).addFromMnemonic(mnemonicGenerate());
    await submitAndFinalize(api, api.tx.access.setPresenceKey(patient.address, u8aToHex(card.publicKey)), patient);
    const notAfter = (await api.rpc.chain.getHeader()).number.toNumber() + 30;
    const nonce = '0x' + '0a'.repeat(16);
    const statement = presenceStatement(api, {
      doctor: doctor.address, patient: patient.address, target, purpose: 'Treatment', notAfter, nonce,
    });
    const proof = { nonce, notAfter, signature: u8aToHex(card.sign(statement)) };
    const present = await ask({ PatientPresent: proof });
    assert.ok(present.events.some(({ event }) => api.events.access.AccessRequested.is(event)
      && event.data.basis.toString() === 'PatientPresent'));
    await assert.rejects(ask({ PatientPresent: proof }), /access\.PresenceReplayed/);
    // A proof whose nonce is not the one the card signed: refused.
    const other = { ...proof, nonce: '0x' + '0b'.repeat(16) };
    await assert.rejects(ask({ PatientPresent: other }), /access\.BadPresenceSignature/);

    const verified = await api.call.accessApi.verifyAccessChain(patient.address, 0, 100);
    assert.equal(verified.length.toNumber(), 4, 'consent, request, presence key, request');
    assert.ok(verified.firstBroken.isNone, 'the access chain verifies');
    assert.equal(verified.to.toNumber(), 4, 'one page covered it');
  });
});
