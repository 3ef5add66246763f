// Zombienet `js-script` of local-4-hospitals.zndsl: asserts what GRANDPA does while some
// validators are paused, on chain heads read over JSON-RPC (no metadata needed).
//   with "live,dave"            Dave's node answers no RPC (it really is stalled), and the
//                               finalized head of the node the script runs on still advances.
//   with "stopped,charlie,dave" both answer nothing, blocks are still authored, and the
//                               finalized head advances at most one block in 30 s (two of four
//                               voters are below GRANDPA's two thirds).
//   with "live"                 the finalized head advances again (after a resume).
const ADVANCE = 3; // finalized blocks that count as "advancing"
const WATCH_MS = 30_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(promise, ms, what) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function heads(provider) {
	const finalizedHash = await provider.send("chain_getFinalizedHead", []);
	const finalized = await provider.send("chain_getHeader", [finalizedHash]);
	const best = await provider.send("chain_getHeader", []);
	return { finalized: parseInt(finalized.number, 16), best: parseInt(best.number, 16) };
}

// A paused (SIGSTOPped) node accepts the TCP connection in the kernel's backlog but never
// completes the WebSocket handshake, let alone answers.
async function assertStalled(name, uri) {
	const provider = new zombie.WsProvider(uri, false);
	try {
		await withTimeout(provider.connect().then(() => provider.isReady)
			.then(() => provider.send("chain_getHeader", [])), 5_000, name);
	} catch (error) {
		console.log(`${name} answers nothing: ${error.message}`);
		return;
	} finally {
		provider.disconnect().catch(() => {});
	}
	throw new Error(`${name} answered RPC: it is not paused`);
}

async function run(nodeName, networkInfo, args) {
	const [mode, ...paused] = args;
	for (const name of paused) await assertStalled(name, networkInfo.nodesByName[name].wsUri);
	const provider = new zombie.WsProvider(networkInfo.nodesByName[nodeName].wsUri);
	await provider.isReady;
	try {
		const before = await heads(provider);
		const deadline = Date.now() + WATCH_MS;
		let now = before;
		while (Date.now() < deadline) {
			await sleep(2_000);
			now = await heads(provider);
			if (mode === "live" && now.finalized >= before.finalized + ADVANCE) break;
		}
		console.log(`${nodeName}: finalized ${before.finalized} -> ${now.finalized}, best ${before.best} -> ${now.best} (${mode}, paused: ${paused.join(" ") || "none"})`);
		if (mode === "live" && now.finalized < before.finalized + ADVANCE) {
			throw new Error(`finality did not advance by ${ADVANCE} in ${WATCH_MS} ms`);
		}
		if (mode === "stopped") {
			if (now.finalized > before.finalized + 1) {
				throw new Error(`finality advanced with ${paused.join(" and ")} paused`);
			}
			if (now.best < before.best + ADVANCE) {
				throw new Error("blocks were not authored while finality stalled");
			}
		}
	} finally {
		await provider.disconnect();
	}
	return 0;
}

module.exports = { run };
