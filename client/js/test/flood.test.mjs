// Feeless floods against a real dev node (DESIGN.md "Chain resources"). Registered actors pay no
// fees, so the pool itself must bound them: one account gets at most its feeless quota per
// window into the pool and the rest are refused with UnknownTransaction::Custom(41); and while
// 50 registered accounts flood within their quotas, feeless calls take at most their share of
// each block and a registrar call still lands within two blocks.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { useDevNode } from '../lib/harness.mjs';
import { submitAndFinalize } from '../lib/medchain.mjs';

/** UnknownTransaction::Custom code of an exhausted feeless quota (pallet-medchain-registry). */
const FEELESS_QUOTA_EXHAUSTED = 41;

describe('feeless floods', () => {
  let api;
  let keyring;
  let alice;
  let signingInfo;

  useDevNode((suite) => { ({ api, keyring, alice } = suite); });

  before(() => {
    // Immortal transactions signed offline: no RPC round trip per signature, so the flood is
    // as fast as the node lets it be.
    signingInfo = {
      blockHash: api.genesisHash,
      genesisHash: api.genesisHash,
      era: api.createType('ExtrinsicEra', '0x00'),
      runtimeVersion: api.runtimeVersion,
    };
  });

  const fresh = () => keyring.addFromMnemonic(mnemonicGenerate());
  const sudo = (call) => submitAndFinalize(api, api.tx.sudo.sudo(call), alice);
  const best = async () => (await api.rpc.chain.getHeader()).number.toNumber();
  const sign = (tx, pair, nonce) => tx.sign(pair, { ...signingInfo, nonce });

  /** Submits `txs` in order, `width` at a time; resolves with each submission's outcome. */
  async function submitAll(txs, width = 64) {
    const outcomes = [];
    for (let i = 0; i < txs.length; i += width) {
      const chunk = txs.slice(i, i + width).map((tx) => api.rpc.author.submitExtrinsic(tx));
      outcomes.push(...(await Promise.allSettled(chunk)));
    }
    return outcomes;
  }

  /** Registers `count` fresh patients through sudo, all in flight at once; resolves with them. */
  async function registerPatients(count) {
    const patients = Array.from({ length: count }, fresh);
    let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    const txs = patients.map((p, i) =>
      sign(api.tx.sudo.sudo(api.tx.registry.registerPatient(p.address, '0x' + '22'.repeat(32))), alice, nonce + i));
    const outcomes = await submitAll(txs);
    assert.ok(outcomes.every((o) => o.status === 'fulfilled'), 'every registration admitted');
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const registered = await api.query.registry.patients.multi(patients.map((p) => p.address));
      if (registered.every((r) => r.isSome)) return patients;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`${count} patients not registered within 120 s`);
  }

  /** Waits until the pool is empty. */
  async function drained(timeoutMs = 300_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pending = await api.rpc.author.pendingExtrinsics();
      if (pending.length === 0) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`the pool did not drain within ${timeoutMs} ms`);
  }

  test('one account gets at most its quota into the pool; the rest get Custom(41)', async () => {
    const quota = api.consts.registry.maxFeelessPerWindow.toNumber();
    const window = api.consts.registry.feelessWindow.toNumber();
    const [patient] = await registerPatients(1);
    const flood = 1_000;
    assert.ok(flood > quota, `the flood (${flood}) exceeds the quota (${quota})`);

    const txs = Array.from({ length: flood }, (_, nonce) =>
      sign(api.tx.access.setConsentMode(patient.address, nonce % 2 ? 'Implied' : 'Explicit'), patient, nonce));
    // The pool validates for the block after the best one: keep the whole flood, and the
    // inclusion of what it admits, inside one window.
    const windowOf = (best) => Math.floor((best + 1) / window);
    while (((await best()) + 1) % window > window - 60) await new Promise((r) => setTimeout(r, 1000));
    const startBlock = await best();
    const outcomes = await submitAll(txs);
    const endBlock = await best();
    assert.equal(windowOf(startBlock), windowOf(endBlock),
      `the flood stayed within one feeless window (blocks ${startBlock}..${endBlock})`);

    const admitted = outcomes.filter((o) => o.status === 'fulfilled').length;
    console.log(`flood: ${flood} transactions from one account in blocks ${startBlock}..${endBlock}, ${admitted} admitted`);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(admitted, quota, `exactly the quota (${quota}) was admitted`);
    assert.equal(refused.length, flood - quota);
    for (const { reason } of refused) {
      assert.match(String(reason.message), new RegExp(`Unknown Transaction Validity: Custom\\W+${FEELESS_QUOTA_EXHAUSTED}\\b`));
    }
    // The admitted ones are nonces 0..quota-1, and they are all included.
    await drained();
    assert.equal((await api.rpc.system.accountNextIndex(patient.address)).toNumber(), quota);
    const [usageWindow, used] = (await api.query.registry.feelessUsage(patient.address)).unwrap();
    if (usageWindow.toNumber() === windowOf(startBlock)) assert.equal(used.toNumber(), quota);
  });

  test('50 accounts flood within their quotas; feeless calls keep to their share, the registrar lands within two blocks', async () => {
    const quota = api.consts.registry.maxFeelessPerWindow.toNumber();
    const cap = api.consts.registry.maxFeelessBlockWeight.refTime.toBigInt();
    const accounts = 50;
    const patients = await registerPatients(accounts);
    const hospitalId = 0; // No hospital exists: the consents fail to dispatch, but every one is
    // included and weighed, which is all a flood needs.
    const callOf = (p) => api.tx.access.setConsent(p.address, { Hospital: hospitalId }, true, null, null);

    // Enough feeless weight for at least three blocks' feeless share, within each quota.
    // What the feeless share counts per transaction: the call's weight and the extrinsic base
    // (the extensions' weights come on top, so this overestimates the transactions needed).
    const call = callOf(patients[0]);
    const callWeight = (await api.call.transactionPaymentCallApi.queryCallInfo(call, call.encodedLength)).weight.refTime.toBigInt();
    const base = api.consts.system.blockWeights.perClass.normal.baseExtrinsic.refTime.toBigInt();
    const weight = callWeight + base;
    const perAccount = Math.min(quota, Number((3n * cap) / weight / BigInt(accounts)) + 1);
    const txs = [];
    for (let nonce = 0; nonce < perAccount; nonce++) {
      for (const p of patients) txs.push(sign(callOf(p), p, nonce));
    }

    const floodStart = await best();
    const floodDone = submitAll(txs);
    // The registrar acts while the flood is being admitted.
    await new Promise((r) => setTimeout(r, 1000));
    const newcomer = fresh();
    const submittedAt = await best();
    const { blockHash } = await submitAndFinalize(
      api, api.tx.sudo.sudo(api.tx.registry.registerPatient(newcomer.address, '0x' + '33'.repeat(32))), alice);
    const includedAt = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    assert.ok(includedAt <= submittedAt + 2,
      `the registrar call submitted at block ${submittedAt} landed in block ${includedAt}`);

    const outcomes = await floodDone;
    assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 0, 'every flood transaction was within quota');
    await drained();
    const floodEnd = await best();

    // No block gave feeless calls more than their share, and the flood used it in full at least
    // once (so the share, not a lack of demand, is what bounded it).
    let fullest = 0n;
    let fullestHash = null;
    let feelessBlocks = 0;
    let lastFeeless = 0;
    for (let n = floodStart; n <= floodEnd; n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const counted = await api.query.registry.feelessBlockWeight.at(hash);
      if (counted.isNone || counted.unwrap()[0].toNumber() !== n) continue;
      const used = counted.unwrap()[1].refTime.toBigInt();
      assert.ok(used <= cap, `block ${n}: feeless weight ${used} within the cap ${cap}`);
      // Independently of the extension's own count: what CheckWeight charged the block's
      // normal class (after refunds), which in a block of feeless calls only is theirs.
      if (n !== includedAt) {
        const normal = (await api.query.system.blockWeight.at(hash)).normal.refTime.toBigInt();
        assert.ok(normal <= cap, `block ${n}: normal-class weight ${normal} within the feeless cap ${cap}`);
      }
      if (used > fullest) {
        fullest = used;
        fullestHash = hash;
      }
      feelessBlocks++;
      lastFeeless = n;
    }
    assert.ok(lastFeeless > includedAt,
      `the flood went on after the registrar call landed (last feeless block ${lastFeeless})`);
    console.log(`flood: ${txs.length} feeless transactions (${perAccount} per account, ${weight} ps each), `
      + `blocks ${floodStart}..${floodEnd}, ${feelessBlocks} with feeless calls, fullest ${fullest} of ${cap} ps; `
      + `registrar call submitted at ${submittedAt}, included in ${includedAt}`);
    // What one flood transaction really counted in the fullest block (the extensions' weights
    // included, which `weight` leaves out): the next one would not have fitted.
    const { block } = await api.rpc.chain.getBlock(fullestHash);
    const inFullest = block.extrinsics.filter((x) => x.method.section === 'access' && x.method.method === 'setConsent').length;
    assert.ok(inFullest > 0, 'the fullest block holds flood transactions');
    const counted = fullest / BigInt(inFullest);
    assert.ok(counted >= weight, `a flood transaction counts ${counted} ps, at least the call and base ${weight}`);
    assert.ok(fullest + counted > cap,
      `a block was filled to its feeless share (${fullest} of ${cap}, ${inFullest} transactions of ${counted} ps)`);
    assert.ok(feelessBlocks >= 3, `the flood spread over ${feelessBlocks} blocks`);
    for (const p of patients) {
      assert.equal((await api.rpc.system.accountNextIndex(p.address)).toNumber(), perAccount);
    }
  });
});
