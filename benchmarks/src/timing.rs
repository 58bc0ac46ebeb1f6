//! Small timing and memory helpers for the benches that report ratios.

use std::time::{Duration, Instant};

/// Runs `f` once and returns how long it took, keeping its result alive until the clock stops
/// (so dropping it is not counted) and then dropping it.
pub fn time<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    let out = std::hint::black_box(f());
    let elapsed = start.elapsed();
    drop(out);
    elapsed
}

/// The median of some durations (the mean of the middle two for an even count).
///
/// # Panics
///
/// When there are none.
pub fn median(samples: &[Duration]) -> Duration {
    assert!(!samples.is_empty(), "no samples");
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[middle] } else { (sorted[middle - 1] + sorted[middle]) / 2 }
}

/// The median of some plain numbers (the mean of the middle two for an even count).
///
/// # Panics
///
/// When there are none, or one is NaN.
pub fn median_f64(samples: &[f64]) -> f64 {
    assert!(!samples.is_empty(), "no samples");
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[middle] } else { f64::midpoint(sorted[middle - 1], sorted[middle]) }
}

/// A duration for a table: milliseconds below 10 s, with three significant digits or so.
pub fn show(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else if ms >= 1.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{:.1} µs", ms * 1000.0)
    }
}

/// A field of this process's `/proc/self/status` in kibibytes, such as `VmHWM` (peak resident
/// set) or `VmRSS` (resident set now); `None` where there is no `/proc` (not Linux).
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}
