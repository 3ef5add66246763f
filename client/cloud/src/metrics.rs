//! The service's Prometheus metrics, served as text at `/metrics`.

use prometheus::{
	Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

/// Every metric the service exports, registered in its own registry.
pub struct Metrics {
	registry: Registry,
	/// Requests answered, by route and status code.
	pub requests: IntCounterVec,
	/// Seconds from request to answer (the answer's head, for streamed bodies), by route.
	pub latency: HistogramVec,
	/// Bytes of bundles received and stored.
	pub bytes_received: IntCounter,
	/// Bytes of ciphertext served.
	pub bytes_served: IntCounter,
	/// Uploads by outcome: `stored`, `already_stored` or the error code.
	pub uploads: IntCounterVec,
	/// Downloads by outcome: `served` or the error code.
	pub downloads: IntCounterVec,
	/// Audit answers by outcome.
	pub audit_answers: IntCounterVec,
	/// Search fulfilments by outcome.
	pub fulfilments: IntCounterVec,
}

fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
	let metric = IntCounterVec::new(Opts::new(name, help).namespace("medchain_cloud"), labels)
		.expect("a valid metric definition");
	registry.register(Box::new(metric.clone())).expect("a metric registered once");
	metric
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
	let metric = IntCounter::with_opts(Opts::new(name, help).namespace("medchain_cloud"))
		.expect("a valid metric definition");
	registry.register(Box::new(metric.clone())).expect("a metric registered once");
	metric
}

impl Metrics {
	/// A fresh set of metrics (all zero).
	pub fn new() -> Self {
		let registry = Registry::new();
		let latency = HistogramVec::new(
			HistogramOpts::new("request_duration_seconds", "Seconds from request to answer")
				.namespace("medchain_cloud")
				.buckets(vec![0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0]),
			&["route"],
		)
		.expect("a valid metric definition");
		registry.register(Box::new(latency.clone())).expect("a metric registered once");
		Self {
			requests: counter_vec(
				&registry,
				"requests_total",
				"Requests answered",
				&["route", "status"],
			),
			latency,
			bytes_received: counter(&registry, "bytes_received_total", "Bundle bytes stored"),
			bytes_served: counter(&registry, "bytes_served_total", "Ciphertext bytes served"),
			uploads: counter_vec(&registry, "uploads_total", "Uploads by outcome", &["outcome"]),
			downloads: counter_vec(
				&registry,
				"downloads_total",
				"Downloads by outcome",
				&["outcome"],
			),
			audit_answers: counter_vec(
				&registry,
				"audit_answers_total",
				"Audit answers",
				&["outcome"],
			),
			fulfilments: counter_vec(
				&registry,
				"fulfilments_total",
				"Search fulfilments",
				&["outcome"],
			),
			registry,
		}
	}

	/// The metrics in Prometheus' text format.
	pub fn render(&self) -> String {
		let mut out = Vec::new();
		// Encoding into a Vec fails only for metric families the registry itself rejects.
		let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
		String::from_utf8(out).unwrap_or_default()
	}
}

impl Default for Metrics {
	fn default() -> Self {
		Self::new()
	}
}
