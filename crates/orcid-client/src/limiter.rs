//! The client's side of ORCID's rate limit: a token bucket shared by every clone of a client.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Requests per second and burst. ORCID's member API allows 24 a second with a burst of 40.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub per_second: f64,
    /// How many requests may go at once after a quiet spell.
    pub burst: u32,
}

impl RateLimit {
    /// ORCID's member API limit: 24 a second, burst 40.
    pub const MEMBER_API: RateLimit = RateLimit { per_second: 24.0, burst: 40 };
    /// ORCID's public API limit: 12 a second, burst 40 (and a daily quota, answered 429).
    pub const PUBLIC: RateLimit = RateLimit { per_second: 12.0, burst: 40 };
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::MEMBER_API
    }
}

/// A token bucket kept as the time its next token is due (GCRA): each request reserves a
/// slot under the lock and waits for it outside, so waiting tasks go in arrival order.
#[derive(Debug)]
pub(crate) struct Limiter {
    interval: Duration,
    /// How far ahead of now the schedule may run: the burst.
    tolerance: Duration,
    /// When the bucket is next empty-and-refilled by one: the theoretical arrival time.
    next: Mutex<Option<Instant>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        let per_second = if limit.per_second.is_finite() && limit.per_second > 0.0 { limit.per_second } else { 1.0 };
        let interval = Duration::from_secs_f64(1.0 / per_second);
        Limiter { interval, tolerance: interval * limit.burst.saturating_sub(1), next: Mutex::new(None) }
    }

    /// Waits until a request may go.
    pub(crate) async fn acquire(&self) {
        let wait_until = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let tat = next.map_or(now, |t| t.max(now));
            let allowed_at = tat.checked_sub(self.tolerance).unwrap_or(now).max(now);
            *next = Some(tat + self.interval);
            allowed_at
        };
        tokio::time::sleep_until(wait_until).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn burst_then_steady_rate() {
        let limiter = Limiter::new(RateLimit { per_second: 10.0, burst: 3 });
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..6 {
            limiter.acquire().await;
            times.push((Instant::now() - start).as_millis());
        }
        assert_eq!(times, vec![0, 0, 0, 100, 200, 300]);
    }
}
