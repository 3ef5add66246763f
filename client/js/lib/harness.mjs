// The shared set-up of the end-to-end suites. Called inside a `describe`: one dev node and one
// polkadot.js api for the whole suite, started before its first test and stopped after its
// last, and handed to `assign` as `{ node, api, keyring, alice }` (an sr25519 keyring in
// MedChain's address format; Alice is the dev chain's registrar).

import { after, before } from 'node:test';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode } from './devnode.mjs';
import { connect, SS58_PREFIX } from './medchain.mjs';

export function useDevNode(assign) {
  const suite = {};
  before(async () => {
    await cryptoWaitReady();
    suite.node = await startDevNode();
    suite.api = await connect(suite.node.url);
    suite.keyring = new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX });
    suite.alice = suite.keyring.addFromUri('//Alice');
    assign(suite);
  });
  after(async () => {
    await suite.api?.disconnect();
    await suite.node?.stop();
  });
}
