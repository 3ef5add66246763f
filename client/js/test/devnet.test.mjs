// End-to-end: a real dev node produces and finalizes blocks, polkadot.js reads its chain name,
// token and metadata, and a signed balance transfer is finalized with its event.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsHex, mnemonicGenerate } from '@polkadot/util-crypto';
import { useDevNode } from '../lib/harness.mjs';
import { SS58_PREFIX, submitAndFinalize } from '../lib/medchain.mjs';

describe('medchain-node --dev', () => {
  let api;

  useDevNode((suite) => { ({ api } = suite); });

  test('identifies itself as MedChain with the MED token', async () => {
    const [chain, properties, version] = await Promise.all([
      api.rpc.system.chain(),
      api.rpc.system.properties(),
      api.rpc.state.getRuntimeVersion(),
    ]);
    assert.equal(chain.toString(), 'MedChain Development');
    assert.equal(properties.tokenSymbol.unwrap()[0].toString(), 'MED');
    assert.equal(properties.tokenDecimals.unwrap()[0].toNumber(), 12);
    assert.equal(properties.ss58Format.unwrap().toNumber(), SS58_PREFIX);
    assert.equal(version.specName.toString(), 'medchain');
    assert.equal(api.consts.system.ss58Prefix.toNumber(), SS58_PREFIX);
  });

  test('runs the production runtime: no Benchmark runtime API', async () => {
    const { apis } = await api.rpc.state.getRuntimeVersion();
    const ids = apis.map(([id]) => id.toHex());
    // A runtime API's id is the 8-byte BLAKE2b hash of the trait's name.
    const idOf = (name) => blake2AsHex(name, 64);
    assert.ok(ids.includes(idOf('Core')), `the id rule holds (Core among ${ids})`);
    assert.ok(ids.includes(idOf('AccessApi')), 'MedChain\'s access API is there');
    assert.ok(!ids.includes(idOf('Benchmark')), 'no Benchmark API: the node embeds the production runtime');
  });

  test('serves metadata v15 or newer with every pallet', async () => {
    const versions = await api.call.metadata.metadataVersions();
    assert.ok(versions.map((v) => v.toNumber()).includes(15), `metadata versions: ${versions}`);
    assert.ok(api.runtimeMetadata.version >= 15, `decoded metadata v${api.runtimeMetadata.version}`);
    for (const pallet of ['system', 'timestamp', 'balances', 'transactionPayment', 'sudo', 'session', 'aura', 'grandpa', 'registry', 'emr', 'access']) {
      assert.ok(api.query[pallet], `pallet ${pallet} is in the metadata`);
    }
    const validators = await api.query.session.validators();
    assert.equal(validators.length, 1);
    const slotDuration = await api.call.auraApi.slotDuration();
    assert.equal(slotDuration.toNumber(), 2000, 'Aura slots of 2 s');
  });

  test('produces and finalizes blocks', async () => {
    const deadline = Date.now() + 90_000;
    let best = 0;
    let finalized = 0;
    while (Date.now() < deadline) {
      best = (await api.rpc.chain.getHeader()).number.toNumber();
      const finalizedHash = await api.rpc.chain.getFinalizedHead();
      finalized = (await api.rpc.chain.getHeader(finalizedHash)).number.toNumber();
      if (best >= 3 && finalized >= 2) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(best >= 3, `best block ${best}`);
    assert.ok(finalized >= 2, `finalized block ${finalized}`);
  });

  test('finalizes a signed balance transfer and emits Balances.Transfer', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX });
    const alice = keyring.addFromUri('//Alice');
    const recipient = keyring.addFromMnemonic(mnemonicGenerate());
    const amount = 5n * 10n ** 12n; // 5 MED

    const { events, blockHash } = await submitAndFinalize(
      api, api.tx.balances.transferKeepAlive(recipient.address, amount), alice);

    const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
    assert.ok(transfer, `Balances.Transfer among ${events.map(({ event }) => `${event.section}.${event.method}`)}`);
    const [from, to, value] = transfer.event.data;
    assert.equal(from.toString(), alice.address);
    assert.equal(to.toString(), recipient.address);
    assert.equal(value.toBigInt(), amount);
    assert.ok(events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)));

    const account = await (await api.at(blockHash)).query.system.account(recipient.address);
    assert.equal(account.data.free.toBigInt(), amount);
  });
});
