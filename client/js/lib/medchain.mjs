// Connecting to MedChain with polkadot.js and submitting transactions until finality: what
// MedChain's JavaScript users need beyond @polkadot/api itself.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { bnToU8a, compactAddLength, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';

export const SS58_PREFIX = 4242;

/**
 * A well-formed one-sector PDP public key (SCALE `PdpPublicKey`: `v` = the BLS12-381 G2
 * generator, one `u_1` = the G1 generator, both compressed). The registry decodes and
 * subgroup-checks every key it registers, so tests that need a hospital but no audits use this.
 * INSECURE: its secret is 1, so anyone can forge its tags and proofs; a real hospital registers
 * the key of its record service's PDP secret.
 */
export const WELL_FORMED_PDP_KEY = '0x'
  + '93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e'
  + '024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8'
  + '04'
  + '97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb';

/**
 * The `pdpFile` of an EMR entry whose ciphertext hashes to `ciphertextHash` (hex) and is `size`
 * bytes long, tagged in blocks of `sectors` sectors under PDP key version `keyVersion`: the
 * runtime accepts only the file parameters it derives itself (name `medchain/pdp/f1 || hash ||
 * size as u64 LE`, the block count of `size` bytes, the sectors), committed to as BLAKE2b-256 of
 * their SCALE encoding.
 */
export function pdpFileFor(ciphertextHash, size, sectors, keyVersion) {
  const name = u8aConcat(stringToU8a('medchain/pdp/f1'), hexToU8a(ciphertextHash),
    bnToU8a(size, { bitLength: 64, isLe: true }));
  const blocks = Math.max(1, Math.ceil(size / (31 * sectors)));
  // SCALE of PdpFileParams { name: Vec<u8>, blocks: u32, sectors: u16 }.
  const params = u8aConcat(compactAddLength(name), bnToU8a(blocks, { bitLength: 32, isLe: true }),
    bnToU8a(sectors, { bitLength: 16, isLe: true }));
  return { blocks, sectors, paramsHash: blake2AsHex(params, 256), keyVersion };
}

/**
 * MedChain's transaction extensions polkadot.js does not know by name: `AuthorizeCall` (first
 * in the list since transaction version 2; it lets the audit pallet's relayed answers through as
 * authorized general transactions) carries no data in the extrinsic or the signed payload.
 */
export const SIGNED_EXTENSIONS = { AuthorizeCall: { extrinsic: {}, payload: {} } };

/**
 * An ApiPromise connected to `url`. Its feeless admission lives in the extension identified as
 * `CheckNonce` (same encoding); `AuthorizeCall` is declared by {@link SIGNED_EXTENSIONS}.
 */
export async function connect(url) {
  return ApiPromise.create({
    provider: new WsProvider(url),
    noInitWarn: true,
    signedExtensions: SIGNED_EXTENSIONS,
  });
}

/** A dispatch error as `Pallet.Error` (module errors) or its string form. */
export function describeDispatchError(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.toString();
}

/**
 * Signs and submits `tx`, resolves with `{ events, blockHash }` once its block is finalized;
 * rejects if the pool refuses it, its dispatch fails (with `Pallet.Error`), or `timeoutMs` pass.
 */
export function submitAndFinalize(api, tx, signer, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    let unsubscribe;
    const done = (f) => { clearTimeout(timer); unsubscribe?.(); f(); };
    const timer = setTimeout(() => done(() => reject(new Error(`not finalized within ${timeoutMs} ms`))), timeoutMs);
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        done(() => reject(new Error(`dispatch failed: ${describeDispatchError(api, dispatchError)}`)));
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        done(() => reject(new Error(`transaction ${status.type}`)));
      } else if (status.isFinalized) {
        // A call the registrar dispatched through sudo reports its own result in Sudid.
        const sudid = events.find(({ event }) => api.events.sudo?.Sudid.is(event));
        const inner = sudid?.event.data.sudoResult;
        if (inner?.isErr) {
          done(() => reject(new Error(`sudo call failed: ${describeDispatchError(api, inner.asErr)}`)));
        } else {
          done(() => resolve({ events, blockHash: status.asFinalized }));
        }
      }
    }).then((unsub) => { unsubscribe = unsub; }, (e) => done(() => reject(e)));
  });
}

/**
 * The SCALE bytes of the presence statement (version 1) a patient's card signs to let `doctor`
 * ask `target` (an `AccessTarget` value, e.g. `{ Search: { queryCommitment, allRecords } }`) of
 * `patient` for `purpose` (e.g. `'Treatment'`) until block `notAfter`, with a 16-byte `nonce`
 * (hex). The runtime rebuilds exactly these bytes from the request: domain
 * `medchain/presence/v1`, version 1, genesis hash, doctor, patient, BLAKE2b-256 of the
 * target's encoding, purpose, not-after block, nonce.
 */
export function presenceStatement(api, { doctor, patient, target, purpose, notAfter, nonce }) {
  const [, targetArg, purposeArg] = api.tx.access.requestAccess.meta.args.map((a) => a.type.toString());
  const encodedTarget = api.createType(targetArg, target).toU8a();
  return u8aConcat(
    stringToU8a('medchain/presence/v1'),
    new Uint8Array([1]),
    api.genesisHash.toU8a(),
    api.createType('AccountId', doctor).toU8a(),
    api.createType('AccountId', patient).toU8a(),
    hexToU8a(blake2AsHex(encodedTarget, 256)),
    api.createType(purposeArg, purpose).toU8a(),
    bnToU8a(notAfter, { bitLength: 32, isLe: true }),
    hexToU8a(nonce),
  );
}

/**
 * The SCALE bytes of the receipt (version 1) a storage provider signs once it holds the bundle
 * of `entry` (an EMR `NewEntry` object as `appendRecord` takes it, with `locator`,
 * `ciphertextHash`, `size`, `pdpFile.paramsHash` and `shveCommitment` as hex and numbers) for
 * `patient`: domain `medchain/receipt/v1`, version 1, genesis hash, the provider, then the
 * bundle (patient, locator, ciphertext hash, size as u64 LE, PDP parameters hash, SHVE
 * commitment), then the last block the
 * receipt counts in (`entry.receiptValidUntil`, u32 LE). The runtime rebuilds exactly these
 * bytes from the entry and checks the provider's signature.
 */
export function receiptStatement(api, { provider, patient, entry }) {
  return u8aConcat(
    stringToU8a('medchain/receipt/v1'),
    new Uint8Array([1]),
    api.genesisHash.toU8a(),
    api.createType('AccountId', provider).toU8a(),
    api.createType('AccountId', patient).toU8a(),
    compactAddLength(hexToU8a(entry.locator)),
    hexToU8a(entry.ciphertextHash),
    bnToU8a(entry.size, { bitLength: 64, isLe: true }),
    hexToU8a(entry.pdpFile.paramsHash),
    hexToU8a(entry.shveCommitment),
    bnToU8a(entry.receiptValidUntil, { bitLength: 32, isLe: true }),
  );
}

/**
 * `entry` with the receipt of `provider` (a keyring pair, sr25519) for `patient`, counting up
 * to block `validUntil`.
 */
export function withReceipt(api, entry, provider, patient, validUntil) {
  const receipted = { ...entry, receiptValidUntil: validUntil };
  const statement = receiptStatement(api, { provider: provider.address, patient, entry: receipted });
  return { ...receipted, receipt: { Sr25519: u8aToHex(provider.sign(statement)) } };
}
