//! `medchain-node`: the MedChain node binary.
//!
//! A Substrate node with Aura block production (2 s slots) and GRANDPA finality, ParityDB
//! storage, off-chain workers, the standard RPCs and the `benchmark` subcommands. The runtime it
//! executes is `medchain-runtime`; the host functions it offers that runtime are listed in one
//! place, [`service::HostFunctions`].

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
