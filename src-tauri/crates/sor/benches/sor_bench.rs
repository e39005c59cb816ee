//! `cargo bench -p sorkomp-sor --bench sor_bench -- FILE [--python BASELINE.py]`
//!
//! Measures, on one SOR export: a plain quick-xml pass that does nothing with the events (the
//! speed limit, and the reference of the goal); the same pass the way the parser reads (pieces
//! of the file as borrowed slices; for comparison); this crate's parser alone; parser +
//! `sorkomp_store` import into a fresh database (the next snapshot file written, then compared
//! and named the current one; the parser on its own thread as in the app); the same import into
//! a cache that already holds the file (compared, nothing changes); and with `--python` the
//! Python baseline. For each: MB/s, entities/s and peak memory (VmHWM, reset before each
//! phase). The phases run in turn, `RUNS` rounds (the plain passes and the parser three times
//! each per round); each one's fastest run counts.

use std::fs::File;
use std::io::{BufReader, Read};
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

/// The plain pass done the way the parser reads: the file in 256 KiB pieces, each cut before
/// its last `<` and parsed as a borrowed slice. Not the goal's reference (that is the usual
/// streaming loop above); it shows what this way of reading costs alone.
fn plain_slices(path: &Path) -> u64 {
    let mut file = File::open(path).expect("open file");
    let mut buf = vec![0u8; 256 * 1024];
    let (mut end, mut events) = (0, 0u64);
    loop {
        if end == buf.len() {
            buf.resize(2 * buf.len(), 0);
        }
        let n = file.read(&mut buf[end..]).expect("read");
        end += n;
        let last = n == 0;
        let cut = if last {
            end
        } else {
            memchr::memrchr(b'<', &buf[..end]).unwrap_or(0)
        };
        let mut reader = quick_xml::Reader::from_reader(&buf[..cut]);
        // A piece's end tags may close elements opened in an earlier piece.
        reader.config_mut().allow_unmatched_ends = true;
        reader.config_mut().check_end_names = false;
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(_) => events += 1,
                Err(e) => panic!("plain pass over slices failed: {e}"),
            }
        }
        if last {
            return events;
        }
        buf.copy_within(cut..end, 0);
        end -= cut;
    }
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
    import_into(path, &dir.path().join("bench.sqlite"))
}

/// One import of `path` into the store at `db`, as the app does it.
fn import_into(path: &Path, db: &Path) -> u64 {
    let mut store = sorkomp_store::Store::open(db).expect("store");
    let mut import = store.begin_sor_import().expect("begin import");
    // As the app imports: the parser on its own thread, the store on this one.
    parse_beside(
        |sink| read_file(path, sink),
        |batch| {
            import
                .add_all(batch)
                .map_err(|err| SorError::Aborted(err.to_string()))
        },
    )
    .expect("parse + store");
    let summary = import
        .finish(&mut store, "2025-06-02T03:00:00Z", "bench", "bench", None)
        .expect("finish import");
    summary.entities
}

/// The Python baseline (`ElementTree.iterparse` + `sqlite3`) on the same file, into a fresh
/// database; it prints the number of entities it stored.
fn python_import(script: &str, path: &Path) -> u64 {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(path)
        .arg(dir.path().join("py.sqlite"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the Python baseline failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[derive(Clone, Copy)]
struct Phase {
    seconds: f64,
    count: u64,
    peak: f64,
}

/// Runs the phases in `order` (indexes into `phases`), `RUNS` rounds, and keeps each phase's
/// fastest run and highest peak. Interleaving makes a slow spell of a shared machine hit every
/// phase alike, so the ratios of one run compare like with like.
fn measure<const N: usize>(phases: [&dyn Fn() -> u64; N], order: &[usize]) -> [Phase; N] {
    let mut out = [Phase {
        seconds: f64::INFINITY,
        count: 0,
        peak: 0.0,
    }; N];
    for _ in 0..RUNS {
        for &i in order {
            let phase = &mut out[i];
            reset_peak();
            let t = Instant::now();
            phase.count = phases[i]();
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
        eprintln!("brug: sor_bench FIL.xml [--python BASELINE.py]");
        return ExitCode::from(2);
    };
    let python_script: Option<&String> = args
        .iter()
        .position(|a| a == "--python")
        .and_then(|i| args.get(i + 1));
    let path = Path::new(file);
    let mb = std::fs::metadata(path).expect("file exists").len() as f64 / 1e6;

    // The nightly case: the cache already holds this snapshot, so the import compares 200,000
    // entities and changes nothing.
    let warm = tempfile::tempdir().expect("tempdir");
    let warm_db = warm.path().join("warm.sqlite");
    import_into(path, &warm_db);
    // The Python baseline is one more phase of each round, so a slow spell of the machine
    // hits it as it hits the others.
    let python_phase = || match python_script {
        Some(script) => python_import(script, path),
        None => 0,
    };
    // The plain pass and the parser alone are short and their ratio is a goal of its own, so
    // each round runs them three times, alternately, before the longer phases.
    let [plain, parse, store, again, python, slices] = measure(
        [
            &|| plain_pass(path),
            &|| parse_only(path),
            &|| parse_and_store(path),
            &|| import_into(path, &warm_db),
            &python_phase,
            &|| plain_slices(path),
        ],
        &[0, 1, 5, 0, 1, 5, 0, 1, 5, 2, 3, 4],
    );

    println!("file: {file} ({mb:.1} MB, {} entities)", parse.count);
    println!(
        "{:<28} {:>8} {:>9} {:>12} {:>10}",
        "phase", "seconds", "MB/s", "entities/s", "peak MiB"
    );
    for (name, p, entities) in [
        ("plain quick-xml pass", &plain, parse.count),
        ("plain pass, slices", &slices, parse.count),
        ("parse (sorkomp-sor)", &parse, parse.count),
        ("parse + store (SQLite)", &store, store.count),
        ("re-import, unchanged", &again, again.count),
    ] {
        println!(
            "{name:<28} {:>8.3} {:>9.1} {:>12.0} {:>10.1}",
            p.seconds,
            mb / p.seconds,
            entities as f64 / p.seconds,
            p.peak
        );
    }
    println!(
        "plain pass events: {} (over slices: {})",
        plain.count, slices.count
    );
    println!(
        "parse speed / plain pass speed: {:.0}%  (goal >= 50%)",
        100.0 * plain.seconds / parse.seconds
    );
    println!(
        "parse speed / plain pass over slices: {:.0}%  (for comparison; not the goal's reference)",
        100.0 * slices.seconds / parse.seconds
    );
    if python_script.is_some() {
        let py = python.seconds;
        println!(
            "Python iterparse+sqlite3 (fastest of {RUNS}): {py:.3} s; parse+store is {:.1}x faster, parse alone {:.1}x  (goal >= 10x)",
            py / store.seconds,
            py / parse.seconds
        );
    }
    let peak = parse.peak.max(store.peak).max(again.peak);
    println!("peak memory: {peak:.1} MiB  (goal < 150 MiB)");
    ExitCode::SUCCESS
}
