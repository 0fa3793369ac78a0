//! Faults injected on purpose, and the member API's rate limit.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Faults the emulator injects into member API requests. Shares are fractions of requests
/// (0.0 to 1.0), spread evenly and deterministically: with a share of 0.25, every fourth
/// request is hit, so a test knows which.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Faults {
    /// Answer `503` without acting.
    pub unavailable: f64,
    /// Close the connection without acting or answering.
    pub drop_connection: f64,
    /// On creates (POST): store the item, then close the connection without answering, so
    /// the client's retry meets `409` duplicate.
    pub lose_created: f64,
    /// Answer writes (POST, PUT, DELETE) `409` with ORCID's 9018, "the record is locked",
    /// without acting, as ORCID does while a record is being changed elsewhere.
    pub locked: f64,
    /// Wait this long before answering each request.
    pub delay: Duration,
}

/// Counts requests per fault, so each fault hits its share evenly.
#[derive(Debug, Default)]
pub(crate) struct FaultCounter(Mutex<u64>);

impl FaultCounter {
    /// Whether this request is hit: request `k` is when `floor((k+1)·share)` steps up.
    pub(crate) fn hit(&self, share: f64) -> bool {
        if share <= 0.0 {
            return false;
        }
        let mut k = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let before = (*k as f64 * share).floor();
        *k += 1;
        (*k as f64 * share).floor() > before
    }
}

/// ORCID's limit as nginx's `limit_req` applies it: requests beyond the rate wait in a
/// queue of `burst`; beyond the queue the answer is `503`.
#[derive(Debug)]
pub(crate) struct RateQueue {
    interval: Duration,
    burst: u32,
    /// When the next request may be served.
    next: Mutex<Option<Instant>>,
}

impl RateQueue {
    pub(crate) fn new(per_second: f64, burst: u32) -> RateQueue {
        RateQueue { interval: Duration::from_secs_f64(1.0 / per_second.max(0.001)), burst, next: Mutex::new(None) }
    }

    /// When this request may be served, or `None` when the queue is full.
    pub(crate) fn admit(&self) -> Option<Instant> {
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let slot = next.map_or(now, |t| t.max(now));
        if slot.duration_since(now) > self.interval * self.burst {
            return None;
        }
        *next = Some(slot + self.interval);
        Some(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_hit_evenly() {
        let counter = FaultCounter::default();
        let hits: Vec<bool> = (0..8).map(|_| counter.hit(0.25)).collect();
        assert_eq!(hits, [false, false, false, true, false, false, false, true]);
        let counter = FaultCounter::default();
        assert!((0..5).all(|_| !counter.hit(0.0)));
        let counter = FaultCounter::default();
        assert!((0..5).all(|_| counter.hit(1.0)));
    }

    #[tokio::test(start_paused = true)]
    async fn queue_of_burst_then_503() {
        let queue = RateQueue::new(10.0, 2);
        let start = Instant::now();
        let slots: Vec<Option<u128>> = (0..4).map(|_| queue.admit().map(|t| (t - start).as_millis())).collect();
        assert_eq!(slots, [Some(0), Some(100), Some(200), None]);
    }
}
