//! When and how long to wait before sending a request again.

use std::time::Duration;

/// Retries on 503, 429, 502, 504 and connection failures: exponential backoff with jitter,
/// honouring `Retry-After`, bounded in count and in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry).
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub initial_backoff: Duration,
    /// The longest single wait.
    pub max_backoff: Duration,
    /// No retry starts later than this after the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub const NONE: RetryPolicy =
        RetryPolicy { max_retries: 0, initial_backoff: Duration::ZERO, max_backoff: Duration::ZERO, max_elapsed: Duration::ZERO };

    /// The wait before retry number `retry` (1 for the first): the server's `Retry-After`
    /// when it gave one, else a random wait between half and all of the exponential backoff.
    pub(crate) fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after;
        }
        let exp = self.initial_backoff.saturating_mul(1u32 << (retry.saturating_sub(1)).min(20)).min(self.max_backoff);
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare on ORCID and falls back to backoff).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let policy =
            RetryPolicy { initial_backoff: Duration::from_millis(100), max_backoff: Duration::from_millis(350), ..RetryPolicy::default() };
        for _ in 0..100 {
            let first = policy.backoff(1, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let second = policy.backoff(2, None);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200), "{second:?}");
            let capped = policy.backoff(10, None);
            assert!(capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350), "{capped:?}");
        }
        assert_eq!(policy.backoff(1, Some(Duration::from_secs(2))), Duration::from_secs(2));
    }
}
