//! What recording costs: the same my-missions list calls (100 of 1,000 missions) sent to the
//! standalone fake directly and through the recording proxy (`omflow record`'s
//! [`omflow_conformance::record::Recorder`], writing every exchange to disk), interleaved in blocks
//! of 50 in one run: `cargo bench -p omflow-conformance --bench record_overhead`
//! (1,000 calls a side; `RECORD_CALLS=N` for another count, `RECORD_GATE_ONLY=1` for the gated
//! setting alone). Goal: the proxy under 1.3× direct.
//!
//! As in use, the fake (the upstream server), the recorder (`omflow record`, a process of its
//! own) and the client each run on their own thread with their own runtime. The recording
//! goes to the system's temporary directory (a disk here) and, where the machine has one, to
//! a RAM disk (`/dev/shm`): each exchange is a new file, and creating one costs what the disk
//! makes it cost. A third side sends the calls through a plain forwarding proxy that records
//! nothing (hyper and reqwest, as the recorder forwards): what any proxy hop costs here.
//!
//! The goal is judged where a user records: in front of a real OMFLOW server. The second
//! corpus (`fixtures/omflow-2`) was recorded from a real server on the same machine as its
//! client (loopback); `duration_ms` is the round trip that client measured (its own time
//! included, as a direct call's is). The fastest successful my-missions list call took 9 ms
//! (median 15 ms, pages of 0 to 11 rows). The gated setting paces the fake at that fastest recorded time, read
//! from the recordings at start: the bench exits 1 if the recording proxy costs 1.3× direct
//! or more there. Bare loopback against the fake (which answers a page of 100 in about a
//! fifth of a millisecond, 50 times faster than the real server answers a page of 2) and a
//! server 5 ms away are measured and reported beside it.

#[path = "../../omflow-mock/benches/common/mod.rs"]
mod common;

use common::admin_token;
use omflow_conformance::record::{RecordOptions, Recorder};
use omflow_mock::FakeOmflow;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let calls: usize = match std::env::var("RECORD_CALLS") {
        Err(_) => 1_000,
        Ok(text) => match text.parse() {
            Ok(n) if n >= BLOCK => n,
            _ => {
                eprintln!("RECORD_CALLS={text:?}: give a count of at least {BLOCK} (one block)");
                std::process::exit(2);
            }
        },
    };
    let mut places = vec![std::env::temp_dir()];
    let ram = PathBuf::from("/dev/shm");
    if ram.is_dir() {
        places.push(ram);
    }
    let real = recorded_real_list_times();
    println!(
        "the real server's successful my-missions list answers, recorded over loopback: {} calls, fastest {:?}, median {:?}",
        real.calls, real.fastest, real.median
    );
    // The gate: as fast as the real server ever answered, recording to the disk.
    let gated = measure(calls, real.fastest, &std::env::temp_dir()).await;
    // `RECORD_GATE_ONLY=1`: the gated setting alone.
    let settings_beside = std::env::var_os("RECORD_GATE_ONLY").is_none();
    for place in places.iter().filter(|_| settings_beside) {
        // Bare loopback (the fake answers in about a fifth of a millisecond), then a
        // server 5 ms away (a LAN).
        measure(calls, Duration::ZERO, place).await;
        measure((calls / 5).max(BLOCK), Duration::from_millis(5), place).await;
    }
    if gated < GOAL {
        println!(
            "goal met: recording costs {gated:.3}x direct in front of a server paced as the real one (< {GOAL}x)"
        );
    } else {
        println!(
            "goal missed: recording costs {gated:.3}x direct in front of a server paced as the real one (goal < {GOAL}x)"
        );
        std::process::exit(1);
    }
}

/// Calls a side before the measured ones.
const WARM_UP: usize = 20;

/// Calls a side in one interleaved block.
const BLOCK: usize = 50;

/// The recording proxy's time over the direct calls' must stay under this.
const GOAL: f64 = 1.3;

/// How long the real server took for the successful my-missions list calls of the second
/// corpus (HTTP 200, envelope status 200, a list result).
struct RealListTimes {
    calls: usize,
    fastest: Duration,
    median: Duration,
}

fn recorded_real_list_times() -> RealListTimes {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/omflow-2/session");
    let mut times: Vec<u64> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} cannot be read: {e}", dir.display()))
        .filter_map(|entry| {
            let text = std::fs::read_to_string(entry.ok()?.path()).ok()?;
            let step: serde_json::Value = serde_json::from_str(&text).ok()?;
            let body = &step["response"]["body"];
            let success = step["request"]["path"] == "/rest/my-mission/api/my-mission/list/"
                && step["response"]["http_status"] == 200
                && (body["status"] == 200 || body["status"] == "200")
                && body["result"].is_array();
            success.then(|| step["duration_ms"].as_u64()).flatten()
        })
        .collect();
    assert!(
        !times.is_empty(),
        "no recorded list call in {}",
        dir.display()
    );
    times.sort_unstable();
    RealListTimes {
        calls: times.len(),
        fastest: Duration::from_millis(times[0]),
        median: Duration::from_millis(times[times.len() / 2]),
    }
}

/// Runs `serve` on a thread of its own with a current-thread runtime; it gets a stop signal
/// and sends its address first and a report when stopped.
fn on_own_thread<F, Fut>(
    serve: F,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    mpsc::Receiver<usize>,
)
where
    F: FnOnce(mpsc::Sender<String>, tokio::sync::oneshot::Receiver<()>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = usize>,
{
    let (address_tx, address_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
    let (report_tx, report_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let report = runtime.block_on(serve(address_tx, stop_rx));
        let _ = report_tx.send(report);
    });
    let address = address_rx.recv().expect("the server starts");
    (address, stop_tx, report_rx)
}

/// A reverse proxy that forwards each request to `upstream` and records nothing.
fn plain_proxy(
    upstream: String,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    mpsc::Receiver<usize>,
) {
    use http_body_util::{BodyExt, Full};
    on_own_thread(move |address, stop| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        address
            .send(format!("http://{}", listener.local_addr().unwrap()))
            .unwrap();
        let http = reqwest::Client::new();
        let serve = async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let _ = stream.set_nodelay(true);
                let (http, upstream) = (http.clone(), upstream.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |request: hyper::Request<hyper::body::Incoming>| {
                            let (http, upstream) = (http.clone(), upstream.clone());
                            async move {
                                let (parts, body) = request.into_parts();
                                let body = body.collect().await.unwrap().to_bytes();
                                let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                                let mut forward =
                                    http.request(parts.method.clone(), format!("{upstream}{path}"));
                                for (name, value) in &parts.headers {
                                    if name != hyper::header::HOST
                                        && name != hyper::header::CONTENT_LENGTH
                                    {
                                        forward = forward.header(name, value);
                                    }
                                }
                                let answer = forward.body(body).send().await.unwrap();
                                let mut response =
                                    hyper::Response::builder().status(answer.status());
                                for (name, value) in answer.headers() {
                                    if name != hyper::header::CONTENT_LENGTH
                                        && name != hyper::header::TRANSFER_ENCODING
                                    {
                                        response = response.header(name, value);
                                    }
                                }
                                let bytes = answer.bytes().await.unwrap();
                                Ok::<_, std::convert::Infallible>(
                                    response.body(Full::new(bytes)).unwrap(),
                                )
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        };
        tokio::select! {
            () = serve => {}
            _ = stop => {}
        }
        0
    })
}

/// Measures the three sides and returns the recording proxy's time over the direct calls'.
async fn measure(calls: usize, latency: Duration, place: &Path) -> f64 {
    let (fake_uri, stop_fake, _) = on_own_thread(move |address, stop| async move {
        let fake = FakeOmflow::builder()
            .record_requests(false)
            .seed(common::tickets_seed(1_000))
            .latency(latency)
            .start_standalone()
            .await
            .expect("the fake starts");
        address.send(fake.uri()).unwrap();
        let _ = stop.await;
        0
    });
    let out = place.join(format!("omflow-record-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let (upstream, dir) = (fake_uri.clone(), out.clone());
    let (proxy_uri, stop_recorder, files_written) =
        on_own_thread(move |address, stop| async move {
            let recorder = Recorder::start("127.0.0.1:0", RecordOptions::new(&upstream, dir))
                .await
                .expect("the recorder starts");
            address.send(recorder.uri()).unwrap();
            let _ = stop.await;
            // Every answered exchange is on disk before the files are counted.
            recorder.flush().await;
            recorder.exchanges()
        });
    let (hop_uri, stop_hop, _) = plain_proxy(fake_uri.clone());
    let http = reqwest::Client::new();
    let body = |token: &str| {
        serde_json::json!({"security": token, "omflow_restapi": 1, "limit": 100}).to_string()
    };
    let direct_body = body(&admin_token(&http, &fake_uri).await);
    let proxy_body = body(&admin_token(&http, &proxy_uri).await);
    let list = |base: String, body: String| {
        let http = http.clone();
        async move {
            let started = Instant::now();
            let bytes = http
                .post(format!("{base}/rest/my-mission/api/my-mission/list/"))
                .body(body)
                .send()
                .await
                .expect("answer")
                .bytes()
                .await
                .expect("body");
            assert!(bytes.len() > 10_000, "a page of 100 missions");
            started.elapsed()
        }
    };
    // Warm every path, then interleave blocks so drift hits all sides alike.
    for _ in 0..WARM_UP {
        list(fake_uri.clone(), direct_body.clone()).await;
        list(hop_uri.clone(), direct_body.clone()).await;
        list(proxy_uri.clone(), proxy_body.clone()).await;
    }
    let (mut direct, mut hop, mut proxied) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let block = BLOCK;
    for _ in 0..calls.div_ceil(block) {
        for _ in 0..block {
            direct += list(fake_uri.clone(), direct_body.clone()).await;
        }
        for _ in 0..block {
            hop += list(hop_uri.clone(), direct_body.clone()).await;
        }
        for _ in 0..block {
            proxied += list(proxy_uri.clone(), proxy_body.clone()).await;
        }
    }
    let n = (calls.div_ceil(block) * block) as f64;
    // The recording is done when its files are: the time the writer still needs after the
    // last answer counts against the recorder.
    let flushing = Instant::now();
    let _ = stop_recorder.send(());
    let written = files_written.recv().unwrap_or(0);
    proxied += flushing.elapsed();
    let _ = stop_hop.send(());
    let _ = stop_fake.send(());
    let files = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    // A proxy that skipped writing would look fast: every exchange (the login, the warm-up
    // calls and the measured ones) must be on disk.
    let expected = 1 + WARM_UP + calls.div_ceil(block) * block;
    assert!(
        written == expected && files == expected,
        "{expected} exchanges were sent through the recorder, {written} recorded, {files} files"
    );
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n;
    println!(
        "record overhead, server latency {latency:?}, recording into {}: {n} list calls a side; direct {:.0} µs/call, through a plain proxy {:.0} µs/call ({:.2}x), through the recording proxy {:.0} µs/call: {:.2}x direct ({:.0} µs more per call), {:.2}x the plain proxy ({written} exchanges recorded, {files} files)",
        place.display(),
        per(direct),
        per(hop),
        hop.as_secs_f64() / direct.as_secs_f64(),
        per(proxied),
        proxied.as_secs_f64() / direct.as_secs_f64(),
        per(proxied) - per(direct),
        proxied.as_secs_f64() / hop.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&out);
    proxied.as_secs_f64() / direct.as_secs_f64()
}
