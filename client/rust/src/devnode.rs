//! Starts a real `medchain-node --dev --tmp` on free ports for tests and tools, and stops it on
//! drop.

use std::{
	io::{BufRead, BufReader},
	net::TcpListener,
	path::PathBuf,
	process::{Child, Command, Stdio},
	sync::mpsc,
	time::Duration,
};

use crate::{Error, Result};

/// A running dev node.
pub struct DevNode {
	child: Child,
	/// Its WebSocket RPC endpoint.
	pub url: String,
}

/// A free TCP port of 127.0.0.1, for a node or a service to listen on.
pub fn free_port() -> Result<u16> {
	let listener = TcpListener::bind("127.0.0.1:0").map_err(|_| Error::Invalid("no free port"))?;
	listener.local_addr().map(|a| a.port()).map_err(|_| Error::Invalid("no free port"))
}

/// The node binary: `$MEDCHAIN_NODE`, else `medchain-node` beside the running executable's
/// build directory (`target/debug/medchain-node` for a test in `target/debug/deps`).
pub fn node_binary() -> Option<PathBuf> {
	find_binary("medchain-node", "MEDCHAIN_NODE")
}

/// The binary `name` of this workspace: the path in environment variable `env`, else `name`
/// in one of the three directories above the running executable (where cargo puts a test's
/// binaries: a test runs from `target/debug/deps`).
pub fn find_binary(name: &str, env: &str) -> Option<PathBuf> {
	if let Some(path) = std::env::var_os(env) {
		return Some(PathBuf::from(path));
	}
	let exe = std::env::current_exe().ok()?;
	exe.ancestors().skip(1).take(3).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

impl DevNode {
	/// Starts the node and waits until its RPC server listens.
	pub fn start() -> Result<Self> {
		let binary = node_binary()
			.ok_or(Error::Invalid("medchain-node not found: build it or set MEDCHAIN_NODE"))?;
		let rpc_port = free_port()?;
		let p2p_port = free_port()?;
		let mut child = Command::new(binary)
			.args(["--dev", "--tmp", "--no-prometheus", "--no-telemetry", "--no-mdns"])
			.args(["--rpc-port", &rpc_port.to_string(), "--port", &p2p_port.to_string()])
			.stdout(Stdio::null())
			.stderr(Stdio::piped())
			.spawn()
			.map_err(|_| Error::Invalid("medchain-node could not be started"))?;
		let stderr = child.stderr.take().ok_or(Error::Invalid("no node output"))?;
		let (ready, started) = mpsc::channel();
		std::thread::spawn(move || {
			for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
				if line.contains("Running JSON-RPC server") {
					let _ = ready.send(());
				}
			}
		});
		let node = Self { child, url: format!("ws://127.0.0.1:{rpc_port}") };
		started
			.recv_timeout(Duration::from_secs(120))
			.map_err(|_| Error::Invalid("medchain-node did not open its RPC port in 120 s"))?;
		Ok(node)
	}
}

impl Drop for DevNode {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}
