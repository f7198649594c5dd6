//! `cargo xtask fuzz --target model|fake --seconds N`: a mutation fuzzer for the stable
//! toolchain (cargo-fuzz needs nightly, which this project's machines cannot install).
//!
//! It mutates the committed corpus (`fuzz/corpus/<target>/`), keeps inputs that produce a
//! new outcome, and fails on the first panic (model) or non-envelope answer (fake), saving
//! the input to `fuzz/crashes/<target>/`.
//! - `model`: every decoder of `omflow-model` (envelope, records, query, form items, Garoon
//!   in both modes) must return, never panic.
//! - `fake`: the fake server must answer every body on every `/rest/` path with HTTP 200 and
//!   a `{status, message, result}` envelope, like the real server.

use anyhow::{bail, Context, Result};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const MAX_INPUT: usize = 64 * 1024;
const MAX_CORPUS: usize = 400;
const TOKENS: [&[u8]; 14] = [
    b"null",
    b"[]",
    b"{}",
    b"\"\"",
    b"-1",
    b"1e999",
    b"0",
    b"true",
    b"\"in\"",
    b"\"contains\"",
    b"[[[[[[[[[[",
    b"\\u0000",
    b"\"FORMITM_1\"",
    b"{\"group\":\"2\",\"user\":\"\"}",
];

fn mutate(rng: &mut StdRng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let len = data.len();
        match rng.random_range(0..7) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                data[i] ^= 1 << rng.random_range(0..8);
            }
            1 => {
                let i = rng.random_range(0..=len);
                data.insert(i, rng.random());
            }
            2 if len > 1 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(1..=16)).min(len);
                data.drain(a..b);
            }
            3 if len > 1 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(1..=32)).min(len);
                let chunk = data[a..b].to_vec();
                let at = rng.random_range(0..=data.len());
                data.splice(at..at, chunk);
            }
            4 => {
                let token = TOKENS[rng.random_range(0..TOKENS.len())];
                let at = rng.random_range(0..=len);
                data.splice(at..at, token.iter().copied());
            }
            5 if !other.is_empty() => {
                let cut = rng.random_range(0..=len);
                let from = rng.random_range(0..other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            _ if len > 0 => {
                let i = rng.random_range(0..len);
                const ALPHABET: &[u8] = b"{}[]\",:0123456789-.eE ntfrua";
                data[i] = ALPHABET[rng.random_range(0..ALPHABET.len())];
            }
            _ => {}
        }
    }
    data.truncate(MAX_INPUT);
    data
}

fn load(dir: &Path) -> Result<Vec<Vec<u8>>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).map_err(Into::into))
        .collect()
}

fn save(dir: &Path, data: &[u8]) -> Result<()> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut hasher);
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(format!("{:016x}", hasher.finish())), data)?;
    Ok(())
}

/// What the model decoders made of an input (the "coverage" signal).
fn model_outcome(data: &[u8]) -> String {
    use omflow_garoon::model::{decode_page, decode_request, Mode};
    use omflow_model::*;
    let text = String::from_utf8_lossy(data);
    let mut signature = String::new();
    fn mark(signature: &mut String, ok: bool) {
        signature.push(if ok { '1' } else { '0' });
    }
    mark(&mut signature, decode_body::<Vec<Mission>>(data).is_ok());
    mark(&mut signature, decode_body::<Vec<TicketRow>>(data).is_ok());
    mark(
        &mut signature,
        decode_body::<Vec<ProjectedRow>>(data).is_ok(),
    );
    mark(&mut signature, decode_body::<SecurityGrant>(data).is_ok());
    mark(&mut signature, decode_body::<DataNoResult>(data).is_ok());
    mark(
        &mut signature,
        decode_body::<Vec<DataIdEntry>>(data).is_ok(),
    );
    mark(&mut signature, decode_body::<ApiFormat>(data).is_ok());
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(data) {
        if let Err(err) = envelope.into_result::<serde_json::Value>() {
            signature.push_str(&format!("{:?}", err.into_api().map(|e| e.kind())));
        }
    }
    mark(
        &mut signature,
        serde_json::from_slice::<Query>(data).is_ok(),
    );
    mark(
        &mut signature,
        serde_json::from_slice::<Vec<FormItem>>(data).is_ok(),
    );
    mark(
        &mut signature,
        serde_json::from_slice::<PushTicket>(data).is_ok(),
    );
    mark(
        &mut signature,
        serde_json::from_slice::<DeleteTickets>(data).is_ok(),
    );
    for mode in [Mode::Strict, Mode::Tolerant] {
        match decode_request(&text, mode) {
            Ok(d) => signature.push_str(&format!("r{}", d.warnings.len().min(9))),
            Err(_) => signature.push('x'),
        }
        mark(&mut signature, decode_page(&text, mode).is_ok());
    }
    mark(&mut signature, catalog::recognize(&text).is_some());
    signature
}

/// Runs a target for `seconds`; prints executions and corpus size.
///
/// # Errors
/// When the target is unknown, the corpus cannot be read or written, or an input makes a decoder or the fake misbehave.
pub fn run(root: &Path, target: &str, seconds: u64) -> Result<()> {
    let corpus_dir = root.join("fuzz/corpus").join(target);
    let crash_dir = root.join("fuzz/crashes").join(target);
    let mut corpus = load(&corpus_dir)?;
    if corpus.is_empty() {
        bail!("empty corpus in {}", corpus_dir.display());
    }
    let mut rng = StdRng::seed_from_u64(
        std::env::var("FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(rand::random),
    );
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut seen: HashSet<String> = HashSet::new();
    let mut executions = 0u64;
    let mut added = 0usize;
    match target {
        "model" => {
            for input in &corpus {
                seen.insert(model_outcome(input));
            }
            while Instant::now() < deadline {
                for _ in 0..256 {
                    let a = rng.random_range(0..corpus.len());
                    let b = rng.random_range(0..corpus.len());
                    let input = mutate(&mut rng, &corpus[a], &corpus[b]);
                    executions += 1;
                    match std::panic::catch_unwind(|| model_outcome(&input)) {
                        Ok(signature) => {
                            if seen.insert(signature) && corpus.len() < MAX_CORPUS {
                                save(&corpus_dir, &input)?;
                                corpus.push(input);
                                added += 1;
                            }
                        }
                        Err(_) => {
                            save(&crash_dir, &input)?;
                            bail!("model decoder panicked after {executions} executions; input saved in {}", crash_dir.display());
                        }
                    }
                }
            }
        }
        "fake" => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            let result: Result<()> = runtime.block_on(async {
                let fake = omflow_mock::FakeOmflow::start_with(omflow_mock::Seed::demo()).await?;
                let http = reqwest::Client::new();
                let login = |http: reqwest::Client, uri: String| async move {
                    let answer: serde_json::Value = http.get(format!("{uri}/accounts/api/security/get/")).basic_auth("admin", Some("admin")).send().await?.json().await?;
                    Ok::<String, anyhow::Error>(answer["result"]["security"].as_str().unwrap_or_default().to_string())
                };
                let mut token = login(http.clone(), fake.uri()).await?;
                while Instant::now() < deadline {
                    let a = rng.random_range(0..corpus.len());
                    let b = rng.random_range(0..corpus.len());
                    let input = mutate(&mut rng, &corpus[a], &corpus[b]);
                    executions += 1;
                    if executions.is_multiple_of(2000) {
                        fake.reset()?;
                        token = login(http.clone(), fake.uri()).await?;
                    }
                    let text = String::from_utf8_lossy(&input).replace("<TOKEN>", &token);
                    let (path, body) = text.split_once('\n').unwrap_or(("/rest/my-mission/api/my-mission/list/", &text));
                    // Only `/rest/<something>` reaches the envelope wrapper (`/rest/` alone is Django's HTML 404, as on the real server).
                    let well_formed = path.len() > "/rest/".len()
                        && path.starts_with("/rest/")
                        && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_.-".contains(&b));
                    let path = if well_formed { path.to_string() } else { "/rest/my-mission/api/my-mission/list/".to_string() };
                    // A body that opens with `--B` goes out as multipart (uploads, the `None` edit path).
                    let content_type = if body.starts_with("--B") { "multipart/form-data; boundary=B" } else { "application/json" };
                    let response = http.post(format!("{}{}", fake.uri(), path)).header("content-type", content_type).body(body.to_string()).send().await;
                    let outcome = match response {
                        Ok(r) if r.status() == 200 => match r.json::<serde_json::Value>().await {
                            Ok(v) if v["status"].is_u64() && v["message"].is_string() && v.get("result").is_some() => {
                                let message: String = v["message"].as_str().unwrap_or("").chars().take(12).collect();
                                Some(format!("{}|{message}", v["status"]))
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    match outcome {
                        Some(signature) => {
                            if seen.insert(signature) && corpus.len() < MAX_CORPUS {
                                save(&corpus_dir, &input)?;
                                corpus.push(input);
                                added += 1;
                            }
                        }
                        None => {
                            save(&crash_dir, &input)?;
                            bail!("the fake did not answer with an envelope after {executions} executions; input saved in {}", crash_dir.display());
                        }
                    }
                }
                Ok(())
            });
            result?;
        }
        other => bail!("unknown fuzz target {other:?}: use model or fake"),
    }
    println!("fuzz {target}: {executions} executions in {seconds} s, 0 failures, {added} new corpus entries ({} total)", corpus.len());
    Ok(())
}
