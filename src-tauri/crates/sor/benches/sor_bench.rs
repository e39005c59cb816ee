//! `cargo bench -p sorkomp-sor --bench sor_bench -- FILE [--python-seconds S]`
//!
//! Measures, on one SOR export: a plain quick-xml pass that does nothing with the events (the
//! speed limit), this crate's parser alone, and parser + `sorkomp_store` import (one
//! transaction into a fresh SQLite file, the parser on its own thread as in the app); for each MB/s, entities/s and peak memory (VmHWM,
//! reset between phases). With `--python-seconds` (the time of the Python baseline on the same
//! file) it prints the ratio. The phases run in turn, `RUNS` rounds; each one's fastest run counts.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use quick_xml::events::Event;
use sorkomp_sor::{parse_beside, read_file, SorError};

/// The allocator the app and the CLI use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 5;

/// VmHWM (peak resident set) of this process, in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Resets VmHWM to the current RSS, so the next phase's peak is its own.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn plain_pass(path: &Path) -> u64 {
    let file = File::open(path).expect("open file");
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(256 * 1024, file));
    let mut buf = Vec::with_capacity(4096);
    let mut events = 0u64;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break,
            Ok(_) => events += 1,
            Err(e) => panic!("plain pass failed: {e}"),
        }
        buf.clear();
    }
    events
}

fn parse_only(path: &Path) -> u64 {
    let mut n = 0u64;
    read_file(path, |_| {
        n += 1;
        Ok(())
    })
    .expect("parse");
    n
}

fn parse_and_store(path: &Path) -> u64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = sorkomp_store::Store::open(&dir.path().join("bench.sqlite")).expect("store");
    let mut import = store.begin_sor_import().expect("begin import");
    // As the app imports: the parser on its own thread, the store on this one.
    parse_beside(
        |sink| read_file(path, sink),
        |e| {
            import
                .add(&e)
                .map_err(|err| SorError::Aborted(err.to_string()))
        },
    )
    .expect("parse + store");
    let summary = import
        .finish("2025-06-02T03:00:00Z", "bench", "bench", None)
        .expect("finish import");
    summary.entities
}

#[derive(Clone, Copy)]
struct Phase {
    seconds: f64,
    count: u64,
    peak: f64,
}

/// Runs the phases in turn, `RUNS` rounds, and keeps each phase's fastest run and highest
/// peak. Interleaving makes a slow spell of a shared machine hit every phase alike, so the
/// ratios of one run compare like with like.
fn measure<const N: usize>(phases: [&dyn Fn() -> u64; N]) -> [Phase; N] {
    let mut out = [Phase {
        seconds: f64::INFINITY,
        count: 0,
        peak: 0.0,
    }; N];
    for _ in 0..RUNS {
        for (phase, f) in out.iter_mut().zip(phases) {
            reset_peak();
            let t = Instant::now();
            phase.count = f();
            phase.seconds = phase.seconds.min(t.elapsed().as_secs_f64());
            phase.peak = phase.peak.max(peak_mib());
        }
    }
    out
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(file) = args.first() else {
        eprintln!("brug: sor_bench FIL.xml [--python-seconds S]");
        return ExitCode::from(2);
    };
    let python: Option<f64> = args
        .iter()
        .position(|a| a == "--python-seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok());
    let path = Path::new(file);
    let mb = std::fs::metadata(path).expect("file exists").len() as f64 / 1e6;

    let [plain, parse, store] = measure([
        &|| plain_pass(path),
        &|| parse_only(path),
        &|| parse_and_store(path),
    ]);

    println!("file: {file} ({mb:.1} MB, {} entities)", parse.count);
    println!(
        "{:<28} {:>8} {:>9} {:>12} {:>10}",
        "phase", "seconds", "MB/s", "entities/s", "peak MiB"
    );
    for (name, p, entities) in [
        ("plain quick-xml pass", &plain, parse.count),
        ("parse (sorkomp-sor)", &parse, parse.count),
        ("parse + store (SQLite)", &store, store.count),
    ] {
        println!(
            "{name:<28} {:>8.3} {:>9.1} {:>12.0} {:>10.1}",
            p.seconds,
            mb / p.seconds,
            entities as f64 / p.seconds,
            p.peak
        );
    }
    println!("plain pass events: {}", plain.count);
    println!(
        "parse speed / plain pass speed: {:.0}%  (goal >= 50%)",
        100.0 * plain.seconds / parse.seconds
    );
    if let Some(py) = python {
        println!(
            "Python iterparse+sqlite3: {py:.3} s; parse+store is {:.1}x faster, parse alone {:.1}x  (goal >= 10x)",
            py / store.seconds,
            py / parse.seconds
        );
    }
    let peak = parse.peak.max(store.peak);
    println!("peak memory: {peak:.1} MiB  (goal < 150 MiB)");
    ExitCode::SUCCESS
}
