//! Medians of repeated runs: these machines are noisy, so only ratios measured in the same
//! run mean anything.

use std::time::{Duration, Instant};

/// Median wall time of `runs` calls of `f` (after one warm-up call).
pub fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f());
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

pub fn ratio(ours: f64, theirs: f64) -> String {
    if theirs == 0.0 {
        "n/a".into()
    } else {
        format!("{:.2}", ours / theirs)
    }
}
