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
use workspace_benches::timing::{Took, median, proc_status_kib, show, time};

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

    let mut rows = Vec::new();
    for spec in chosen {
        eprintln!("measuring {}", spec.name);
        let row = measure(&spec.load(), rounds, budget);
        let peak = peak_rss_kib(spec.name);
        rows.push((spec.name, row, peak));
    }
    for (title, clock) in [("wall-clock time", Clock::Wall), ("CPU time of the process, all threads", Clock::Cpu)] {
        println!("End-to-end generation against its floors: {title}, medians of interleaved rounds\n");
        println!(
            "{:<11} {:>6} {:>10} {:>10} {:>11} {:>11} {:>10} {:>7} {:>8} {:>9}",
            "spec", "rounds", "parse", "parse*", "format", "format||", "e2e", "ratio", "ratio||", "peak RSS"
        );
        for (name, row, peak) in &rows {
            let figures = row.figures(clock);
            println!(
                "{:<11} {:>6} {:>10} {:>10} {:>11} {:>11} {:>10} {:>6.2}x {:>7.2}x {:>9}",
                name,
                row.rounds,
                show(figures.parse),
                show(figures.parse_plain),
                show(figures.format),
                show(figures.format_parallel),
                show(figures.end_to_end),
                figures.ratio(),
                figures.ratio_parallel(),
                peak.map_or_else(|| "n/a".to_owned(), |kib| format!("{:.0} MiB", mib(kib))),
            );
            print_phases(figures);
        }
        println!();
    }
    println!(
        "parse: the generator's reader (phases::parse); parse*: serde_yaml/serde_json to a serde_json::Value, for reference.\n\
         format: syn::parse_file + prettyplease::unparse over the generated .rs files, one after the other;\n\
         format||: the slowest file alone (the floor if the files were formatted in parallel).\n\
         ratio: e2e / (parse + format); ratio||: e2e / (parse + format||). peak RSS: VmHWM of a child that generates once.\n\
         Under each spec: the phases (phases::*) timed one by one in the same rounds, and their sum."
    );
    if let Some((_, row, peak)) = rows.iter().find(|(name, _, _)| *name == "stripe") {
        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        for (title, clock) in [("wall-clock", Clock::Wall), ("CPU time", Clock::Cpu)] {
            let figures = row.figures(clock);
            println!(
                "\nStripe, {title}: end-to-end {} = {:.2}x the floors ({} + {}); target <= {TARGET_RATIO}x: {}",
                show(figures.end_to_end),
                figures.ratio(),
                show(figures.parse),
                show(figures.format),
                met(figures.ratio() <= TARGET_RATIO)
            );
        }
        if let Some(kib) = *peak {
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

#[derive(Debug, Clone, Copy)]
enum Clock {
    Wall,
    Cpu,
}

/// The medians of one spec's rounds, by both clocks.
struct Row {
    rounds: usize,
    wall: Figures,
    cpu: Figures,
}

impl Row {
    fn figures(&self, clock: Clock) -> &Figures {
        match clock {
            Clock::Wall => &self.wall,
            Clock::Cpu => &self.cpu,
        }
    }
}

/// The medians by one clock.
struct Figures {
    parse: Duration,
    parse_plain: Duration,
    format: Duration,
    format_parallel: Duration,
    end_to_end: Duration,
    /// The median of each phase, in the order of [`PHASES`].
    phases: [Duration; 6],
}

impl Figures {
    fn ratio(&self) -> f64 {
        self.end_to_end.as_secs_f64() / (self.parse + self.format).as_secs_f64()
    }

    fn ratio_parallel(&self) -> f64 {
        self.end_to_end.as_secs_f64() / (self.parse + self.format_parallel).as_secs_f64()
    }

    /// The medians of rounds: parse, parse*, format, format||, end to end, then the phases.
    fn medians(samples: &[Vec<Duration>; 11]) -> Self {
        let m = |at: usize| median(&samples[at]);
        Self {
            parse: m(0),
            parse_plain: m(1),
            format: m(2),
            format_parallel: m(3),
            end_to_end: m(4),
            phases: [m(5), m(6), m(7), m(8), m(9), m(10)],
        }
    }
}

const PHASES: [&str; 6] = ["parse", "normalize", "deserialize", "lower", "emit", "format"];

/// At least 3 rounds and at most 30, until `budget` is spent; or exactly `rounds`.
fn measure(spec: &specs::Loaded, rounds: Option<usize>, budget: Duration) -> Row {
    let files = specs::rust_files(&spec.generate());
    let mut wall: [Vec<Duration>; 11] = Default::default();
    let mut cpu: [Vec<Duration>; 11] = Default::default();
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
        let per_file: Vec<Took> = files.iter().map(|(_, text)| time(|| specs::parse_and_print(text))).collect();
        let mut round = vec![
            time(|| phases::parse(spec.file(), &spec.settings).expect("parses")),
            time(|| specs::plain_value_tree(&spec.contents)),
            Took { wall: per_file.iter().map(|t| t.wall).sum(), cpu: per_file.iter().map(|t| t.cpu).sum() },
            Took {
                wall: per_file.iter().map(|t| t.wall).max().unwrap_or_default(),
                cpu: per_file.iter().map(|t| t.cpu).max().unwrap_or_default(),
            },
            time(|| spec.generate()),
        ];
        round.extend(phase_times(spec));
        for (at, took) in round.into_iter().enumerate() {
            wall[at].push(took.wall);
            cpu[at].push(took.cpu);
        }
        done += 1;
    }
    Row { rounds: done, wall: Figures::medians(&wall), cpu: Figures::medians(&cpu) }
}

/// One run of the pipeline phase by phase, each phase timed alone (dropping a phase's input
/// counts in the phase that consumes it, as in `codegen::generate`).
fn phase_times(spec: &specs::Loaded) -> [Took; 6] {
    let mut took = [Took::default(); 6];
    let mut parsed = None;
    took[0] = time(|| parsed = Some(phases::parse(spec.file(), &spec.settings).expect("parses")));
    let mut normalized = None;
    took[1] = time(|| normalized = parsed.take().map(|p| phases::normalize(p).expect("normalizes")));
    let mut loaded = None;
    took[2] = time(|| loaded = normalized.take().map(|n| phases::deserialize(n).expect("deserializes")));
    let mut lowered = None;
    took[3] = time(|| lowered = loaded.take().map(|l| phases::lower(l, &spec.settings).expect("lowers")));
    let lowered = lowered.expect("lowered");
    let mut emitted = None;
    took[4] = time(|| emitted = Some(phases::emit(spec.file(), &lowered.api, &spec.settings, &spec.options)));
    let emitted = emitted.expect("emitted");
    took[5] = time(|| phases::format(&spec.path, &lowered.api, &spec.settings, emitted).expect("formats"));
    took
}

fn print_phases(figures: &Figures) {
    let total: Duration = figures.phases.iter().sum();
    let parts: Vec<String> = PHASES
        .iter()
        .zip(figures.phases)
        .map(|(name, took)| {
            let share = 100.0 * took.as_secs_f64() / total.as_secs_f64().max(f64::EPSILON);
            format!("{name} {} ({share:.0}%)", show(took))
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
