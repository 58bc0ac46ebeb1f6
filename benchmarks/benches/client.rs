//! The overhead of a generated client over a plain hand-written reqwest call, for the same
//! request against a local server (`workspace_benches::server`, 127.0.0.1, keep-alive).
//!
//! The request is Perplexity's `POST /generate_auth_token` with a JSON body and a bearer token;
//! the answer, a small JSON object, is decoded into a struct. Three callers take turns, in
//! rounds of `--requests` sequential requests each (the order rotating every round):
//!
//! - `generated`: `perplexity::Client::generate_auth_token`, default settings (a 60 s timeout
//!   per attempt, the retry policy, which never fires on a `200`);
//! - `reqwest`: `reqwest::Client::post(..).bearer_auth(..)` with the body encoded by
//!   serde_json, `.send()`, the status checked, and the body decoded by serde_json into a
//!   hand-written struct (what reqwest's `json` feature does; the workspace builds reqwest
//!   without it);
//! - `reqwest+timeout`: the same inside `tokio::time::timeout(60 s, ..)`, as the runtime wraps
//!   each attempt, to show what that part of the overhead costs.
//!
//! The overhead is the median over rounds of `generated / reqwest - 1`. Target: at most 5%.
//! It is measured twice: with the server as a task on the client's own thread (the time per
//! request is then all CPU work, so the client's share shows most), and with the server on a
//! thread of its own (each request then wakes the other thread, as with a real server).
//!
//! ```text
//! cargo bench -p workspace-benches --bench client
//! cargo bench -p workspace-benches --bench client -- --rounds 40 --requests 500
//! ```

use std::time::{Duration, Instant};

use serde::Deserialize;
use workspace_benches::server;
use workspace_benches::timing::{median, median_f64, process_cpu};

const TARGET_OVERHEAD_PERCENT: f64 = 5.0;
const API_KEY: &str = "pplx-bench-key";

/// What the hand-written call decodes the answer into.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read by the decoder only
struct TokenResponse {
    auth_token: String,
    created_at_epoch_seconds: f64,
    token_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Generated,
    Reqwest,
    ReqwestTimeout,
}

impl Caller {
    const ALL: [Self; 3] = [Self::Generated, Self::Reqwest, Self::ReqwestTimeout];

    fn name(self) -> &'static str {
        match self {
            Self::Generated => "generated",
            Self::Reqwest => "reqwest",
            Self::ReqwestTimeout => "reqwest+timeout",
        }
    }
}

struct Clients {
    generated: perplexity::Client,
    plain: reqwest::Client,
    url: String,
    body: perplexity::types::GenerateAuthTokenRequest,
}

impl Clients {
    fn new(base_url: &str) -> Self {
        Self {
            generated: perplexity::Client::builder().api_key(API_KEY).base_url(base_url).build().expect("a client"),
            // TLS as the runtime sets it up: under the default `rustls-ring` feature reqwest has no
            // crypto provider of its own, and `reqwest::Client::new()` would panic.
            plain: client_runtime::http_client_builder().expect("TLS is set up").build().expect("a client"),
            url: format!("{base_url}/generate_auth_token"),
            body: perplexity::types::GenerateAuthTokenRequest { token_name: Some("bench".to_owned()) },
        }
    }

    async fn call(&self, caller: Caller) {
        match caller {
            Caller::Generated => {
                let token = self.generated.generate_auth_token(Some(&self.body)).await.expect("the call succeeds");
                std::hint::black_box(token);
            }
            Caller::Reqwest => {
                std::hint::black_box(self.plain_call().await);
            }
            Caller::ReqwestTimeout => {
                let token = tokio::time::timeout(Duration::from_secs(60), self.plain_call()).await.expect("in time");
                std::hint::black_box(token);
            }
        }
    }

    async fn plain_call(&self) -> TokenResponse {
        // The workspace's reqwest has no `json` feature (the runtime encodes JSON itself), so
        // the body is encoded and decoded with serde_json here, as `.json()` would.
        let body = serde_json::to_vec(&self.body).expect("the body encodes");
        let response = self
            .plain
            .post(&self.url)
            .bearer_auth(API_KEY)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .expect("the request is sent")
            .error_for_status()
            .expect("a success status");
        let bytes = response.bytes().await.expect("the body arrives");
        serde_json::from_slice::<TokenResponse>(&bytes).expect("the body decodes")
    }
}

/// Where the local server runs.
#[derive(Debug, Clone, Copy)]
enum Server {
    /// A task on the client's own single-threaded runtime: no thread hand-offs, so the time
    /// per request is CPU work (client, server and the loopback), and the client's share of it
    /// shows most.
    SameThread,
    /// A thread of its own: each request wakes the other thread, as a real server would be
    /// another process; the time per request includes those wake-ups.
    OwnThread,
}

impl Server {
    fn describe(self) -> &'static str {
        match self {
            Self::SameThread => "server on the client's thread",
            Self::OwnThread => "server on a thread of its own",
        }
    }
}

fn main() {
    let mut rounds = 30_usize;
    let mut requests = 1000_usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--rounds" => rounds = iter.next().and_then(|n| n.parse().ok()).expect("--rounds N"),
            "--requests" => requests = iter.next().and_then(|n| n.parse().ok()).expect("--requests N"),
            "--only" => {
                let name = iter.next().expect("--only CALLER");
                let caller =
                    *Caller::ALL.iter().find(|c| c.name() == name).expect("generated, reqwest or reqwest+timeout");
                profile(caller, rounds * requests);
                return;
            }
            // cargo bench passes --bench; other arguments mean nothing here.
            _ => {}
        }
    }
    for server in [Server::SameThread, Server::OwnThread] {
        measure(server, rounds, requests);
        println!();
    }
}

/// `--only CALLER`: that caller alone, `total` requests, server on the same thread; for a
/// profiler (`perf record`), so each caller's profile can be read apart.
fn profile(caller: Caller, total: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (listener, address) = server::bind();
    runtime.spawn(server::run(listener));
    let clients = Clients::new(&format!("http://{address}"));
    let started = Instant::now();
    runtime.block_on(async {
        for _ in 0..total {
            clients.call(caller).await;
        }
    });
    #[allow(clippy::cast_precision_loss)] // a count of requests
    let each = started.elapsed().as_secs_f64() / total as f64;
    println!("{}: {total} requests, {:.1} µs each", caller.name(), each * 1e6);
}

fn measure(server: Server, rounds: usize, requests: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let address = match server {
        Server::SameThread => {
            let (listener, address) = server::bind();
            // Spawned tasks run whenever the runtime is driven by `block_on` below.
            runtime.spawn(server::run(listener));
            address
        }
        Server::OwnThread => server::start(),
    };
    let clients = Clients::new(&format!("http://{address}"));

    // Warm up: connections open, allocators and caches settled.
    runtime.block_on(async {
        for caller in Caller::ALL {
            for _ in 0..requests {
                clients.call(caller).await;
            }
        }
    });

    let mut per_request: [Vec<Duration>; 3] = Default::default();
    let mut cpu_per_request: [Vec<Duration>; 3] = Default::default();
    let mut overheads = Vec::new();
    let mut cpu_overheads = Vec::new();
    let mut timeout_overheads = Vec::new();
    #[allow(clippy::cast_possible_truncation)] // a few thousand requests
    let count = requests as u32;
    for round in 0..rounds {
        let mut this_round = [Duration::ZERO; 3];
        let mut this_round_cpu = [Duration::ZERO; 3];
        for offset in 0..Caller::ALL.len() {
            let at = (round + offset) % Caller::ALL.len();
            let caller = Caller::ALL[at];
            let cpu = process_cpu();
            let started = Instant::now();
            runtime.block_on(async {
                for _ in 0..requests {
                    clients.call(caller).await;
                }
            });
            this_round[at] = started.elapsed() / count;
            this_round_cpu[at] =
                process_cpu().zip(cpu).map(|(end, start)| end.saturating_sub(start)).unwrap_or_default() / count;
            per_request[at].push(this_round[at]);
            cpu_per_request[at].push(this_round_cpu[at]);
        }
        overheads.push(this_round[0].as_secs_f64() / this_round[1].as_secs_f64() - 1.0);
        cpu_overheads.push(this_round_cpu[0].as_secs_f64() / this_round_cpu[1].as_secs_f64().max(f64::EPSILON) - 1.0);
        timeout_overheads.push(this_round[2].as_secs_f64() / this_round[1].as_secs_f64() - 1.0);
    }

    println!(
        "Client overhead, {} ({address}): {rounds} rounds of {requests} sequential requests per caller\n",
        server.describe()
    );
    println!("{:<16} {:>12} {:>12} {:>12} {:>16}", "caller", "median", "fastest", "slowest", "CPU (median)");
    let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
    for (at, caller) in Caller::ALL.iter().enumerate() {
        let samples = &per_request[at];
        println!(
            "{:<16} {:>12} {:>12} {:>12} {:>16}",
            caller.name(),
            us(median(samples)),
            us(*samples.iter().min().expect("rounds")),
            us(*samples.iter().max().expect("rounds")),
            us(median(&cpu_per_request[at])),
        );
    }
    println!("\n(per request; CPU: the whole process's, client and server together)");
    let overhead = 100.0 * median_f64(&overheads);
    let cpu_overhead = 100.0 * median_f64(&cpu_overheads);
    let timeout = 100.0 * median_f64(&timeout_overheads);
    let verdict = if overhead <= TARGET_OVERHEAD_PERCENT { "met" } else { "NOT met" };
    println!(
        "\n{}: overhead of the generated client over plain reqwest: {overhead:+.1}% wall-clock (median of per-round ratios); target <= {TARGET_OVERHEAD_PERCENT}%: {verdict}",
        server.describe()
    );
    println!("the same by CPU time (client and server): {cpu_overhead:+.1}%");
    println!("plain reqwest inside a per-request tokio timeout, for comparison: {timeout:+.1}% over plain reqwest");
}
