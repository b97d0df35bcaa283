//! The simulator's shared, mutable state: credit balance, per-key rate limiter, fault plan
//! budgets and the request log.
//!
//! Owns: [`RequestRecord`] (re-exported as `sim::RequestRecord`) and the numbers that
//! change while the server runs, each behind its own lock, held
//! only for a few instructions (never across an `.await`). A poisoned lock is recovered,
//! not propagated: one panicking task must not take the simulator down. Does not own:
//! HTTP (see `routes`) or the persona list (see `personas`).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::faults::{Fault, FaultPlan, Subject};
use super::personas::Roster;

/// One request as the simulator saw it. Times are milliseconds since the simulator
/// started; `finished_ms` is when the body ended (for streams: the last byte, the
/// abort, or the client leaving).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub persona_id: Option<String>,
    pub stream: bool,
    pub status: u16,
    pub faults: Vec<String>,
    pub started_ms: u64,
    pub finished_ms: Option<u64>,
    pub credits_charged: Option<f64>,
    pub authorization_present: bool,
    /// The JSON body of a `POST /responses` of at most `RECORDED_BODY_MAX` bytes, so tests
    /// can assert exactly what a client sent (bigger bodies are left out: records are
    /// kept for the simulator's lifetime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

/// The largest request body a record keeps.
pub const RECORDED_BODY_MAX: usize = 1024 * 1024;

/// The fixed part of the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub seed: u64,
    pub tokens_per_sec: f64,
    pub key: Option<String>,
    pub initial_credits: f64,
    /// The plan's credits `GET /usage` reports; `None`: `initial_credits`.
    pub included_credits: Option<f64>,
    pub rate_limit_rpm: u32,
    pub answer_words: Option<usize>,
    pub paragraph_answers: bool,
    pub page_size_default: usize,
}

pub struct SimState {
    pub settings: Settings,
    pub roster: RwLock<Roster>,
    credits: Mutex<f64>,
    limiter: Mutex<RateLimiter>,
    plan: Mutex<FaultPlan>,
    records: Mutex<Vec<RequestRecord>>,
    start: Instant,
    counter: AtomicU64,
    /// Becomes `true` when the simulator stops; bodies that would never end watch it.
    pub shutdown: watch::Receiver<bool>,
    /// The recording being replayed, if any (`replay`).
    pub replay: Option<super::replay::Replay>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl SimState {
    pub fn new(settings: Settings, roster: Roster, plan: FaultPlan, shutdown: watch::Receiver<bool>) -> Self {
        SimState {
            credits: Mutex::new(settings.initial_credits),
            limiter: Mutex::new(RateLimiter::new(settings.rate_limit_rpm)),
            settings,
            roster: RwLock::new(roster),
            plan: Mutex::new(plan),
            records: Mutex::new(Vec::new()),
            start: Instant::now(),
            counter: AtomicU64::new(0),
            shutdown,
            replay: None,
        }
    }

    pub fn roster(&self) -> std::sync::RwLockReadGuard<'_, Roster> {
        self.roster.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Milliseconds since the simulator started.
    pub fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// A number unique to this run, for response ids.
    pub fn next_serial(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    pub fn credits_remaining(&self) -> f64 {
        *lock(&self.credits)
    }

    /// Deducts `cost`, never below zero. `None` when the balance cannot cover the
    /// smallest charge (1 credit): the 402 case.
    pub fn charge(&self, cost: f64) -> Option<f64> {
        let mut c = lock(&self.credits);
        if *c < 1.0 {
            return None;
        }
        let charged = cost.min(*c);
        *c -= charged;
        Some(charged)
    }

    /// Deducts exactly `cost`, or nothing when the balance cannot cover it (a fixed
    /// price, as creating a persona has, is never charged in part).
    pub fn charge_all(&self, cost: f64) -> bool {
        let mut c = lock(&self.credits);
        if *c < cost {
            return false;
        }
        *c -= cost;
        true
    }

    pub fn admit(&self, key: &str) -> RateInfo {
        lock(&self.limiter).admit(key, Instant::now(), unix_now())
    }

    /// What a request without a usable key is told in the rate-limit headers.
    pub fn rate_info_unauthenticated(&self) -> RateInfo {
        let limit = effective_limit(self.settings.rate_limit_rpm);
        RateInfo {
            allowed: true,
            limit,
            remaining: limit,
            reset_unix: unix_now(),
            retry_after: 0,
        }
    }

    /// The plan's faults for a request already carrying `already`; see `FaultPlan::take`.
    pub fn take_faults(&self, subject: &Subject<'_>, already: &[Fault]) -> Vec<Fault> {
        lock(&self.plan).take(subject, already)
    }

    pub fn begin_record(&self, method: &str, path: &str, authorization_present: bool) -> usize {
        let mut r = lock(&self.records);
        r.push(RequestRecord {
            method: method.into(),
            path: path.into(),
            persona_id: None,
            stream: false,
            status: 0,
            faults: Vec::new(),
            started_ms: self.now_ms(),
            finished_ms: None,
            credits_charged: None,
            authorization_present,
            body: None,
        });
        r.len() - 1
    }

    pub fn update_record(&self, id: usize, f: impl FnOnce(&mut RequestRecord)) {
        if let Some(rec) = lock(&self.records).get_mut(id) {
            f(rec);
        }
    }

    pub fn finish_record(&self, id: usize) {
        let now = self.now_ms();
        self.update_record(id, |r| {
            r.finished_ms.get_or_insert(now);
        });
    }

    pub fn records(&self) -> Vec<RequestRecord> {
        lock(&self.records).clone()
    }
}

/// Marks a record finished when dropped: lives inside a streamed body, so "finished" is
/// when the body really ended, whether completed, aborted or abandoned by the client.
pub struct RecordGuard {
    pub state: Arc<SimState>,
    pub id: usize,
}

impl Drop for RecordGuard {
    fn drop(&mut self) {
        self.state.finish_record(self.id);
    }
}

/// The outcome of one admission, and what the `X-RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateInfo {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    pub reset_unix: u64,
    /// Whole seconds until a slot frees up (only meaningful when refused).
    pub retry_after: u64,
}

/// `0` means no limit, reported as the largest number.
fn effective_limit(rpm: u32) -> u32 {
    if rpm == 0 {
        u32::MAX
    } else {
        rpm
    }
}

const WINDOW: Duration = Duration::from_secs(60);

/// A sliding 60 s window per key. Refused requests do not count.
struct RateLimiter {
    limit: u32,
    windows: HashMap<String, VecDeque<Instant>>,
}

impl RateLimiter {
    fn new(rpm: u32) -> Self {
        RateLimiter {
            limit: effective_limit(rpm),
            windows: HashMap::new(),
        }
    }

    fn admit(&mut self, key: &str, now: Instant, unix: u64) -> RateInfo {
        if self.limit == u32::MAX {
            // Unlimited: nothing to remember.
            return RateInfo {
                allowed: true,
                limit: self.limit,
                remaining: self.limit,
                reset_unix: unix,
                retry_after: 0,
            };
        }
        let q = self.windows.entry(key.to_string()).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            q.pop_front();
        }
        let secs_until_free = |q: &VecDeque<Instant>| {
            q.front().map_or(0, |t| {
                let left = WINDOW.saturating_sub(now.duration_since(*t));
                left.as_secs() + u64::from(left.subsec_nanos() > 0)
            })
        };
        if q.len() as u64 >= u64::from(self.limit) {
            let wait = secs_until_free(q).max(1);
            return RateInfo {
                allowed: false,
                limit: self.limit,
                remaining: 0,
                reset_unix: unix + wait,
                retry_after: wait,
            };
        }
        q.push_back(now);
        let remaining = self.limit.saturating_sub(q.len() as u32);
        RateInfo {
            allowed: true,
            limit: self.limit,
            remaining,
            reset_unix: unix + secs_until_free(q),
            retry_after: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides_per_key() {
        let mut rl = RateLimiter::new(2);
        let t0 = Instant::now();
        assert!(rl.admit("a", t0, 100).allowed);
        let second = rl.admit("a", t0, 100);
        assert!(second.allowed && second.remaining == 0 && second.reset_unix == 160);
        let refused = rl.admit("a", t0 + Duration::from_secs(10), 110);
        assert!(!refused.allowed);
        assert_eq!(refused.retry_after, 50);
        assert!(rl.admit("b", t0, 100).allowed, "keys are independent");
        assert!(
            rl.admit("a", t0 + Duration::from_secs(60), 160).allowed,
            "window slid"
        );
    }

    #[test]
    fn zero_means_unlimited() {
        let mut rl = RateLimiter::new(0);
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert!(rl.admit("k", t0, 0).allowed);
        }
    }
}
