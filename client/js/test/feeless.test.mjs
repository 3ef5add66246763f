// End-to-end on a real dev node through polkadot.js: the registrar (sudo) registers a hospital,
// a storage provider and a patient; the hospital's record service, an account that never held a
// token, appends a record feelessly; an unregistered account's feeless call is refused by the
// transaction pool.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { useDevNode } from '../lib/harness.mjs';
import { pdpFileFor, submitAndFinalize, WELL_FORMED_PDP_KEY, withReceipt } from '../lib/medchain.mjs';

describe('feeless calls of registered actors', () => {
  let api;
  let keyring;
  let alice;

  useDevNode((suite) => { ({ api, keyring, alice } = suite); });

  const fresh = () => keyring.addFromMnemonic(mnemonicGenerate());
  const ciphertextHash = '0x' + '02'.repeat(32);
  // A record's entry, with `signer`'s receipt for `patient` (the provider's, for a valid one)
  // counting up to block `validUntil`.
  const entryFor = (provider, patient, signer = provider, validUntil = 1_000_000) => withReceipt(api, {
    provider: provider.address,
    locator: '0x' + '01'.repeat(16),
    ciphertextHash,
    size: 1_400_000,
    pdpFile: pdpFileFor(ciphertextHash, 1_400_000, 32, 0),
    shveCommitment: '0x' + '04'.repeat(32),
    policy: 'epoch:0 and ((grade>=12 and title>=3) or emergency)',
    description: 'outpatient record',
    supersedes: null,
  }, signer, patient.address, validUntil);

  test('a record service without tokens appends a record; strangers are refused', async () => {
    const recordService = fresh();
    const provider = fresh();
    const patient = fresh();
    const sudo = (call) => submitAndFinalize(api, api.tx.sudo.sudo(call), alice);

    // 96 arbitrary bytes are not a PDP key: the registry refuses them.
    await assert.rejects(
      sudo(api.tx.registry.registerHospital(recordService.address, 'General Hospital', 12, '0x' + '11'.repeat(96), null)),
      /registry\.InvalidPdpKey/,
    );
    await sudo(api.tx.registry.registerHospital(recordService.address, 'General Hospital', 12, WELL_FORMED_PDP_KEY, null));
    await sudo(api.tx.registry.registerProvider(provider.address, null, 'http://127.0.0.1:9000'));
    const { events: registered } = await sudo(api.tx.registry.registerPatient(patient.address, '0x' + '22'.repeat(32)));
    assert.ok(registered.some(({ event }) => api.events.registry.PatientRegistered.is(event)));

    const before = await api.query.system.account(recordService.address);
    assert.equal(before.data.free.toBigInt(), 0n, 'the record service holds no tokens');
    assert.equal(before.sufficients.toNumber(), 1, 'registration made the account exist');

    // A receipt the record service signed itself: the provider never acknowledged the bundle.
    await assert.rejects(
      submitAndFinalize(api, api.tx.emr.appendRecord(patient.address, entryFor(provider, patient, recordService)), recordService),
      /emr\.BadReceipt/,
    );
    // The provider's receipt, but good only up to a block already past.
    const now = (await api.rpc.chain.getHeader()).number.toNumber();
    await assert.rejects(
      submitAndFinalize(api, api.tx.emr.appendRecord(patient.address, entryFor(provider, patient, provider, now - 1)), recordService),
      /emr\.ReceiptExpired/,
    );
    const { events } = await submitAndFinalize(
      api, api.tx.emr.appendRecord(patient.address, entryFor(provider, patient)), recordService);
    const appended = events.find(({ event }) => api.events.emr.RecordAppended.is(event));
    assert.ok(appended, `Emr.RecordAppended among ${events.map(({ event }) => `${event.section}.${event.method}`)}`);
    assert.equal(appended.event.data.patient.toString(), patient.address);
    assert.equal(appended.event.data.seq.toNumber(), 0);
    assert.equal((await api.query.emr.chains(patient.address)).unwrap().get('length').toNumber(), 1);
    const verified = await api.call.emrApi.verifyChain(patient.address, 0, 100);
    assert.equal(verified.length.toNumber(), 1);
    assert.ok(verified.firstBroken.isNone, 'the chain verifies');

    const after = await api.query.system.account(recordService.address);
    assert.equal(after.data.free.toBigInt(), 0n, 'no fee was charged');

    // An account that exists (it holds tokens) but has no role: the feeless admission refuses
    // its feeless call in the pool (InvalidTransaction::Custom(40)).
    const stranger = fresh();
    await submitAndFinalize(api, api.tx.balances.transferKeepAlive(stranger.address, 10n ** 12n), alice);
    await assert.rejects(
      submitAndFinalize(api, api.tx.emr.appendRecord(patient.address, entryFor(provider, patient)), stranger),
      /Custom error: 40/,
      'the pool refuses feeless calls of unregistered accounts',
    );
  });
});
