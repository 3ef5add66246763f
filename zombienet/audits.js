// Zombienet `js-script` of local-4-hospitals.zndsl: runs the audit test of
// client/cloud/tests/audits.rs (`zombienet_validators_relay_audits_and_go_on_with_one_killed`)
// against this network. The Rust test registers a provider and records through Alice, starts
// the real medchain-cloud service, checks that all four validators relay audits, kills Dave's
// node and checks that the audits assigned to him still pass. Throws (failing the test) unless
// the Rust test passes.
const { spawn } = require("child_process");
const path = require("path");

async function run(_nodeName, networkInfo) {
	const env = {
		...process.env,
		MEDCHAIN_ZOMBIENET_RPC: networkInfo.nodesByName.alice.wsUri,
		MEDCHAIN_ZOMBIENET_KILL: networkInfo.nodesByName.dave.wsUri,
	};
	const args = [
		"test", "--workspace", "--test", "audits", "--",
		"--ignored", "--exact", "--nocapture",
		"zombienet_validators_relay_audits_and_go_on_with_one_killed",
	];
	const code = await new Promise((resolve, reject) => {
		const child = spawn("cargo", args, {
			cwd: path.resolve(__dirname, ".."),
			env,
			stdio: ["ignore", "inherit", "inherit"],
		});
		child.on("error", reject);
		child.on("exit", (status) => resolve(status));
	});
	if (code !== 0) throw new Error(`the zombienet audit test failed (exit ${code})`);
	return 0;
}

module.exports = { run };
