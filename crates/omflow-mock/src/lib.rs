//! # omflow-mock
//!
//! A stateful fake OMFLOW server for integration tests, built on wiremock. It answers like
//! the real server, quirks included (every envelope is HTTP 200, `limit` is an end index,
//! security codes slide 5 minutes, the empty-my-missions 404, unknown condition words as
//! `=`, …); the recorded real-server session in `fixtures/omflow/session/` replays against
//! it (`cargo xtask fixtures`).
//!
//! In a test:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use omflow_mock::{FakeOmflow, Seed};
//! let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
//! let state = fake.state();
//! assert!(state.tickets("mission").iter().any(|row| !row.history));
//! assert!(fake.uri().starts_with("http://127.0.0.1:"));
//! # }
//! ```
//!
//! Fault injection: mount your own wiremock mocks on [`FakeOmflow::server`] (any priority
//! below [`FAKE_PRIORITY`], such as wiremock's default 5) and the fake keeps answering
//! every request they do not match. In a long test, [`FakeBuilder::record_requests`]`(false)`
//! serves without wiremock, so memory stays flat however many calls it answers.
//!
//! As a process: `omflow-mock --addr 127.0.0.1:8000 --seed demo`, with control endpoints
//! `POST /__mock/reset`, `POST /__mock/clock/advance {"seconds": N}`, `POST /__mock/tokens/expire`,
//! `POST /__mock/engine/delay {"ms": N}`, `GET /__mock/state`, `GET /__mock/openapi.json` (the OpenAPI 3.1 document, [`openapi`]),
//! `DELETE /__mock/users/{username}`.

mod accept;
mod assignee;
mod checker;
mod clock;
mod discovery;
mod django;
mod files;
#[cfg(feature = "garoon")]
mod garoon;
mod http;
pub mod openapi;
mod pyjson;
#[cfg(feature = "replay")]
pub mod record;
#[cfg(feature = "replay")]
pub mod replay;
pub mod seed;
#[cfg(feature = "cli")]
pub mod serve;
mod standalone;
mod world;

pub use clock::Clock;
pub use files::UPLOAD_SUCCESS;
#[cfg(feature = "garoon")]
pub use garoon::GAROON_BASE;
pub use http::{MAX_BODY_BYTES, MAX_UPLOAD_BYTES};
pub use seed::{GaroonSeed, Seed, SeedBuilder, SeedError, SeedStep, SeedTicket};
pub use standalone::StandaloneFake;
pub use world::{World, TOKEN_TTL_SECONDS};

use http::{FakeResponder, Shared};
use omflow_model::{Mission, TicketRow};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use wiremock::{matchers::any, Mock, MockServer};

/// The priority of the fake's own route: mocks with a smaller number (wiremock's default is
/// 5) are matched first.
pub const FAKE_PRIORITY: u8 = 200;

/// A running fake OMFLOW server.
pub struct FakeOmflow {
    backend: Backend,
    shared: Arc<Shared>,
}

/// What serves the fake's HTTP: wiremock (fault mocks, a record of every request) or the
/// plain server, which keeps nothing per request.
enum Backend {
    Wiremock(MockServer),
    Plain(StandaloneFake),
}

/// Options for starting a fake.
#[derive(Debug, Clone)]
pub struct FakeBuilder {
    seed: Seed,
    clock: Option<Clock>,
    engine_delay_ms: u64,
    listener_addr: Option<String>,
    token_ttl_ms: Option<u64>,
    latency_ms: u64,
    record_requests: bool,
}

impl FakeBuilder {
    /// The seed (default `pristine`).
    #[must_use]
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// The clock (default: running from the current Asia/Taipei time).
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Delays the engine after each create and push, as the real server's asynchronous
    /// worker does: the ticket shows `running` and a re-push gets "running" until then.
    #[must_use]
    pub fn engine_delay_ms(mut self, ms: u64) -> Self {
        self.engine_delay_ms = ms;
        self
    }

    /// Security codes expire after this idle time instead of the real server's 5 minutes
    /// (for soak tests).
    #[must_use]
    pub fn token_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.token_ttl_ms = Some(ttl.as_millis().min(u128::from(u64::MAX)) as u64);
        self
    }

    /// Delays every OMFLOW answer by this much, as a network and a real server would
    /// (benchmarks of concurrency).
    #[must_use]
    pub fn latency(mut self, latency: std::time::Duration) -> Self {
        self.latency_ms = latency.as_millis().min(u128::from(u64::MAX)) as u64;
        self
    }

    /// Whether the fake keeps every request it serves (default on).
    ///
    /// On, the fake is served by wiremock: [`FakeOmflow::server`] gives the [`MockServer`],
    /// for [`MockServer::received_requests`] and for mounting fault mocks. wiremock keeps a
    /// copy of every matched request, so memory grows with every call.
    ///
    /// Off, the fake is served by the same plain HTTP server as [`FakeBuilder::start_standalone`]:
    /// it keeps nothing per request, so memory stays flat in a long test of millions of calls,
    /// and [`FakeOmflow::server`] is `None` (no wiremock to mount mocks on).
    #[must_use]
    pub fn record_requests(mut self, record: bool) -> Self {
        self.record_requests = record;
        self
    }

    /// Listens on this address instead of a random loopback port.
    pub fn addr(mut self, addr: impl Into<String>) -> Self {
        self.listener_addr = Some(addr.into());
        self
    }

    /// Starts the fake as a plain HTTP server (no wiremock): what the `omflow-mock` binary and
    /// load tests use. Memory stays flat however many requests it serves.
    ///
    /// # Errors
    /// [`StartError`] for an invalid seed or an address that cannot be bound.
    pub async fn start_standalone(self) -> Result<StandaloneFake, StartError> {
        let addr = self
            .listener_addr
            .clone()
            .unwrap_or_else(|| "127.0.0.1:0".into());
        let shared = self.shared()?;
        StandaloneFake::start(shared, &addr)
            .await
            .map_err(StartError::Bind)
    }

    fn shared(self) -> Result<Arc<Shared>, StartError> {
        let mut world = World::from_seed(&self.seed, self.clock.unwrap_or_else(Clock::running))?;
        world.engine_delay_ms = self.engine_delay_ms;
        if let Some(ms) = self.token_ttl_ms {
            world.token_ttl = chrono::Duration::milliseconds(ms as i64);
        }
        Ok(Arc::new(Shared {
            world: Mutex::new(world),
            seed: Mutex::new(self.seed),
            latency_ms: std::sync::atomic::AtomicU64::new(self.latency_ms),
        }))
    }

    /// Starts the fake.
    ///
    /// # Errors
    /// [`StartError`] for an invalid seed or an address that cannot be bound.
    pub async fn start(self) -> Result<FakeOmflow, StartError> {
        let addr = self
            .listener_addr
            .clone()
            .unwrap_or_else(|| "127.0.0.1:0".into());
        let record = self.record_requests;
        let shared = self.shared()?;
        if !record {
            let plain = StandaloneFake::start(shared.clone(), &addr)
                .await
                .map_err(StartError::Bind)?;
            return Ok(FakeOmflow {
                backend: Backend::Plain(plain),
                shared,
            });
        }
        let listener = TcpListener::bind(addr).map_err(StartError::Bind)?;
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(any())
            .respond_with(FakeResponder(shared.clone()))
            .with_priority(FAKE_PRIORITY)
            .named("omflow fake")
            .mount(&server)
            .await;
        Ok(FakeOmflow {
            backend: Backend::Wiremock(server),
            shared,
        })
    }
}

/// Why a fake could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The seed is unusable.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The address could not be bound.
    #[error("cannot listen")]
    Bind(#[source] std::io::Error),
}

impl FakeOmflow {
    /// Options: seed, clock, engine delay, address.
    #[must_use]
    pub fn builder() -> FakeBuilder {
        FakeBuilder {
            seed: Seed::pristine(),
            clock: None,
            engine_delay_ms: 0,
            listener_addr: None,
            token_ttl_ms: None,
            latency_ms: 0,
            record_requests: true,
        }
    }

    /// Starts a fake with the `pristine` seed on a random loopback port.
    pub async fn start() -> FakeOmflow {
        FakeOmflow::builder()
            .start()
            .await
            .expect("the built-in seed starts")
    }

    /// Starts a fake with `seed` on a random loopback port.
    ///
    /// # Errors
    /// As [`FakeBuilder::start`].
    pub async fn start_with(seed: Seed) -> Result<FakeOmflow, StartError> {
        FakeOmflow::builder().seed(seed).start().await
    }

    /// The base URL (`http://127.0.0.1:PORT`).
    #[must_use]
    pub fn uri(&self) -> String {
        match &self.backend {
            Backend::Wiremock(server) => server.uri(),
            Backend::Plain(plain) => plain.uri(),
        }
    }

    /// The base URL of the fake's Garoon (`<uri>/g`; feature `garoon`).
    #[cfg(feature = "garoon")]
    #[must_use]
    pub fn garoon_uri(&self) -> String {
        format!("{}{}", self.uri(), GAROON_BASE)
    }

    /// The underlying wiremock server, to mount fault-injecting mocks on and to read the
    /// requests it received; `None` when the fake was built with
    /// [`FakeBuilder::record_requests`]`(false)`.
    #[must_use]
    pub fn server(&self) -> Option<&MockServer> {
        match &self.backend {
            Backend::Wiremock(server) => Some(server),
            Backend::Plain(_) => None,
        }
    }

    /// Moves the fake's clock forward.
    pub fn advance_clock(&self, seconds: f64) {
        self.shared.lock().clock.advance(seconds);
    }

    /// Makes every security code answer "expired" on its next use.
    pub fn expire_tokens(&self) {
        self.shared.lock().expire_tokens();
    }

    /// Sets the engine delay (0 = synchronous).
    pub fn set_engine_delay_ms(&self, ms: u64) {
        self.shared.lock().engine_delay_ms = ms;
    }

    /// Back to the seed.
    ///
    /// # Errors
    /// [`SeedError`] when the seed no longer builds a world (the state is left as it was).
    pub fn reset(&self) -> Result<(), SeedError> {
        let seed = self
            .shared
            .seed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut world = self.shared.lock();
        let mut fresh = World::from_seed(&seed, world.clock.clone())?;
        fresh.engine_delay_ms = world.engine_delay_ms;
        fresh.token_ttl = world.token_ttl;
        *world = fresh;
        Ok(())
    }

    /// Runs `f` on the state, under the lock (keep it short).
    pub fn with_world<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        f(&mut self.shared.lock())
    }

    /// A snapshot of the state to assert on.
    #[must_use]
    pub fn state(&self) -> StateView {
        StateView(self.shared.lock().dump())
    }
}

/// A snapshot of the fake's state, read through the model's types.
#[derive(Debug, Clone)]
pub struct StateView(serde_json::Value);

impl StateView {
    /// The whole state as JSON (what `GET /__mock/state` returns).
    #[must_use]
    pub fn json(&self) -> &serde_json::Value {
        &self.0
    }

    /// Every row (history included) of the flow at `api_path`.
    #[must_use]
    pub fn tickets(&self, api_path: &str) -> Vec<TicketRow> {
        self.0["flows"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["api_path"] == api_path)
            .flat_map(|f| f["rows"].as_array().cloned().unwrap_or_default())
            .filter_map(|row| serde_json::from_value(row).ok())
            .collect()
    }

    /// The current row of ticket `data_no`, if it exists.
    #[must_use]
    pub fn current_row(&self, api_path: &str, data_no: u64) -> Option<TicketRow> {
        self.tickets(api_path)
            .into_iter()
            .find(|r| r.data_no.get() == data_no && !r.history)
    }

    /// Every mission, creation records and handled ones included.
    #[must_use]
    pub fn missions(&self) -> Vec<Mission> {
        self.0["missions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| serde_json::from_value(m.clone()).ok())
            .collect()
    }

    /// How many security codes exist.
    pub fn token_count(&self) -> usize {
        self.0["tokens"].as_array().map_or(0, Vec::len)
    }

    /// How many successful logins happened.
    #[must_use]
    pub fn login_count(&self) -> u64 {
        self.0["logins"].as_u64().unwrap_or(0)
    }
}
