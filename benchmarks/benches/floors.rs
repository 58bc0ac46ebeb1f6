//! End-to-end generation as a multiple of its floors, the phases it spends its time in, and its
//! peak memory, on every benchmarked spec.
//!
//! The floors are the time to read the spec into a value tree (the generator's own reader,
//! `phases::parse`) and the time to run `syn::parse_file` + `prettyplease::unparse` over the
//! generated `.rs` files. Each round runs every measurement once, one after the other, so a
//! disturbance (another process on the machine) touches them alike; the figures are medians
//! over rounds. Peak memory is the peak resident set (`VmHWM`) of a fresh child process that
//! reads the spec and runs `codegen::generate` once.
//!
//! ```text
//! cargo bench -p workspace-benches --bench floors                  # every spec
//! cargo bench -p workspace-benches --bench floors -- stripe nexus  # some
//! cargo bench -p workspace-benches --bench floors -- --rounds 10
//! ```
//!
//! The issue's targets on Stripe: end-to-end at most 1.3 times the two floors together, and a
//! peak resident set of at most 150 MB. Both are printed as met or not; the run never fails on
//! them.

use std::process::Command;
use std::time::{Duration, Instant};

use codegen::phases;
use workspace_benches::specs::{self, SPECS};
use workspace_benches::timing::{median, proc_status_kib, show, time};

/// The target ratio of end-to-end time to the floors' sum, on Stripe.
const TARGET_RATIO: f64 = 1.3;
/// The target peak resident set on Stripe, in MB (10^6 bytes; the table shows MiB).
const TARGET_PEAK_MB: f64 = 150.0;
/// The child-process mode: generate the named spec once and print the peak resident set.
const CHILD_FLAG: &str = "--child-peak-rss";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|arg| arg == CHILD_FLAG) {
        child(args.get(at + 1).expect("a spec name after --child-peak-rss"));
        return;
    }
    let mut rounds: Option<usize> = None;
    let mut budget = Duration::from_secs(8);
    let mut names = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--rounds" => rounds = Some(iter.next().and_then(|n| n.parse().ok()).expect("--rounds N")),
            "--budget" => {
                budget = Duration::from_secs_f64(iter.next().and_then(|n| n.parse().ok()).expect("--budget SECONDS"));
            }
            // cargo bench passes --bench; other flags are libtest's and mean nothing here.
            flag if flag.starts_with('-') => {}
            name => names.push(name.to_owned()),
        }
    }
    let chosen: Vec<_> =
        SPECS.iter().filter(|s| names.is_empty() || names.iter().any(|n| s.name.contains(n.as_str()))).collect();

    println!("End-to-end generation against its floors (medians of interleaved rounds)\n");
    println!(
        "{:<11} {:>6} {:>10} {:>10} {:>11} {:>11} {:>10} {:>7} {:>9} {:>9}",
        "spec", "rounds", "parse", "parse*", "format", "format||", "e2e", "ratio", "ratio||", "peak RSS"
    );
    let mut stripe = None;
    for spec in chosen {
        let loaded = spec.load();
        let row = measure(&loaded, rounds, budget);
        let peak = peak_rss_kib(spec.name);
        println!(
            "{:<11} {:>6} {:>10} {:>10} {:>11} {:>11} {:>10} {:>6.2}x {:>8.2}x {:>9}",
            spec.name,
            row.rounds,
            show(row.parse),
            show(row.parse_plain),
            show(row.format),
            show(row.format_parallel),
            show(row.end_to_end),
            row.ratio(),
            row.ratio_parallel(),
            peak.map_or_else(|| "n/a".to_owned(), |kib| format!("{:.0} MiB", mib(kib))),
        );
        print_phases(&row);
        if spec.name == "stripe" {
            stripe = Some((row, peak));
        }
    }
    println!(
        "\nparse: the generator's reader (phases::parse); parse*: serde_yaml/serde_json to a serde_json::Value, for reference.\n\
         format: syn::parse_file + prettyplease::unparse over the generated .rs files, one after the other;\n\
         format||: the slowest file alone (the floor if the files were formatted in parallel).\n\
         ratio: e2e / (parse + format); ratio||: e2e / (parse + format||). peak RSS: VmHWM of a child that generates once.\n\
         Under each spec: the phases of the same rounds (phases::*), and their sum."
    );
    if let Some((row, peak)) = stripe {
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        println!(
            "\nStripe: end-to-end {} = {:.2}x the floors ({} + {}); target <= {TARGET_RATIO}x: {}",
            show(row.end_to_end),
            row.ratio(),
            show(row.parse),
            show(row.format),
            met(row.ratio() <= TARGET_RATIO)
        );
        if let Some(kib) = peak {
            #[allow(clippy::cast_precision_loss)] // KiB counts of a process fit a float exactly
            let mb = kib as f64 * 1024.0 / 1e6;
            println!(
                "Stripe: peak RSS {kib} KiB = {:.0} MiB = {mb:.0} MB; target <= {TARGET_PEAK_MB} MB: {}",
                mib(kib),
                met(mb <= TARGET_PEAK_MB)
            );
        }
    }
}

/// The medians of one spec's rounds.
struct Row {
    rounds: usize,
    parse: Duration,
    parse_plain: Duration,
    format: Duration,
    format_parallel: Duration,
    end_to_end: Duration,
    /// `(name, median)` of each phase, in order.
    phases: Vec<(&'static str, Duration)>,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.end_to_end.as_secs_f64() / (self.parse + self.format).as_secs_f64()
    }

    fn ratio_parallel(&self) -> f64 {
        self.end_to_end.as_secs_f64() / (self.parse + self.format_parallel).as_secs_f64()
    }
}

const PHASES: [&str; 6] = ["parse", "normalize", "deserialize", "lower", "emit", "format"];

/// At least 3 rounds and at most 30, until `budget` is spent; or exactly `rounds`.
fn measure(spec: &specs::Loaded, rounds: Option<usize>, budget: Duration) -> Row {
    let files = specs::rust_files(&spec.generate());
    let mut samples: [Vec<Duration>; 5] = Default::default();
    let mut phase_samples: [Vec<Duration>; 6] = Default::default();
    let started = Instant::now();
    let mut done = 0;
    loop {
        let enough = match rounds {
            Some(n) => done >= n,
            None => done >= 30 || (done >= 3 && started.elapsed() >= budget),
        };
        if enough {
            break;
        }
        samples[0].push(time(|| phases::parse(spec.file(), &spec.settings).expect("parses")));
        samples[1].push(time(|| specs::plain_value_tree(&spec.contents)));
        let per_file: Vec<Duration> = files.iter().map(|(_, text)| time(|| specs::parse_and_print(text))).collect();
        samples[2].push(per_file.iter().sum());
        samples[3].push(per_file.iter().copied().max().unwrap_or_default());
        samples[4].push(time(|| spec.generate()));
        for (at, took) in phase_times(spec).into_iter().enumerate() {
            phase_samples[at].push(took);
        }
        done += 1;
    }
    Row {
        rounds: done,
        parse: median(&samples[0]),
        parse_plain: median(&samples[1]),
        format: median(&samples[2]),
        format_parallel: median(&samples[3]),
        end_to_end: median(&samples[4]),
        phases: PHASES.iter().zip(&phase_samples).map(|(name, samples)| (*name, median(samples))).collect(),
    }
}

/// One run of the pipeline phase by phase, each phase timed alone (dropping a phase's input
/// counts in the phase that consumes it, as in `codegen::generate`).
fn phase_times(spec: &specs::Loaded) -> [Duration; 6] {
    let mut start = Instant::now();
    let mut lap = || {
        let now = Instant::now();
        let took = now - start;
        start = now;
        took
    };
    let parsed = phases::parse(spec.file(), &spec.settings).expect("parses");
    let parse = lap();
    let normalized = phases::normalize(parsed).expect("normalizes");
    let normalize = lap();
    let loaded = phases::deserialize(normalized).expect("deserializes");
    let deserialize = lap();
    let lowered = phases::lower(loaded, &spec.settings).expect("lowers");
    let lower = lap();
    let emitted = phases::emit(spec.file(), &lowered.api, &spec.settings, &spec.options);
    let emit = lap();
    let files = phases::format(&spec.path, &lowered.api, &spec.settings, emitted).expect("formats");
    let format = lap();
    drop(std::hint::black_box(files));
    [parse, normalize, deserialize, lower, emit, format]
}

fn print_phases(row: &Row) {
    let total: Duration = row.phases.iter().map(|(_, took)| *took).sum();
    let parts: Vec<String> = row
        .phases
        .iter()
        .map(|(name, took)| {
            format!(
                "{name} {} ({:.0}%)",
                show(*took),
                100.0 * took.as_secs_f64() / total.as_secs_f64().max(f64::EPSILON)
            )
        })
        .collect();
    println!("{:<11} {} = {}", "", parts.join(", "), show(total));
}

/// Runs this binary again as a child that generates `name` once, and reads its peak RSS in KiB.
fn peak_rss_kib(name: &str) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let output = Command::new(exe).args([CHILD_FLAG, name]).output().ok()?;
    if !output.status.success() {
        eprintln!("the peak-RSS child for {name} failed: {}", String::from_utf8_lossy(&output.stderr));
        return None;
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

#[allow(clippy::cast_precision_loss)] // KiB counts of a process fit a float exactly
fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The child: reads the spec, generates once, prints `VmHWM` in KiB.
fn child(name: &str) {
    let spec = specs::find(name).load();
    let generated = spec.generate();
    std::hint::black_box(&generated);
    match proc_status_kib("VmHWM") {
        Some(kib) => println!("{kib}"),
        None => println!("n/a"),
    }
}
