//! Small timing and memory helpers for the benches that report ratios.

use std::time::{Duration, Instant};

/// How long something took: wall-clock time, and the CPU time the process used meanwhile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Took {
    /// Wall-clock time.
    pub wall: Duration,
    /// CPU time of the whole process, every thread (zero where there is no such clock): the
    /// generator formats on worker threads, whose time the calling thread's clock would miss.
    /// On a busy machine it grows much less than wall-clock time, which includes waiting for a
    /// core; with work on several cores it can exceed wall-clock time.
    pub cpu: Duration,
}

/// Runs `f` once and returns how long it took, keeping its result alive until the clocks stop
/// (so dropping it is not counted) and then dropping it.
pub fn time<T>(f: impl FnOnce() -> T) -> Took {
    let cpu = process_cpu();
    let start = Instant::now();
    let out = std::hint::black_box(f());
    let wall = start.elapsed();
    let cpu = process_cpu().zip(cpu).map(|(end, start)| end.saturating_sub(start)).unwrap_or_default();
    drop(out);
    Took { wall, cpu }
}

/// The CPU time the whole process (every thread) has used so far
/// (`CLOCK_PROCESS_CPUTIME_ID`); `None` where there is no such clock.
pub fn process_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        Some(Duration::new(u64::try_from(now.tv_sec).ok()?, u32::try_from(now.tv_nsec).ok()?))
    }
    #[cfg(not(unix))]
    None
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
