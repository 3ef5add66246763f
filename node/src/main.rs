//! `medchain-node`: the MedChain node binary.
//!
//! A Substrate node with Aura block production (2 s slots) and GRANDPA finality, ParityDB
//! storage, off-chain workers, the standard RPCs and the `benchmark` subcommands. The runtime it
//! executes is `medchain-runtime`; the host functions it offers that runtime are listed in one
//! place, [`service::HostFunctions`].

// `sc_cli::Error` and `sc_service::Error` are Substrate's error types, and the closures that
// return them have the signatures `sc_cli::Runner` demands: they cannot be boxed here.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
