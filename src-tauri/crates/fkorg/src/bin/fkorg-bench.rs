//! Times reading a municipality's saved FK Organisation pages: parse + map + validate
//! (`load_saved`), then the data-quality checks and a snapshot diff.
//!
//! Usage: `fkorg-bench [FKORG_PAGES_DIR] [--units N] [--runs R]`
//!
//! The pages in FKORG_PAGES_DIR (default `../shared/data/worlds/dev-odense/fkorg`) are grown to
//! N units (default 3,000) by copying units with fresh uuids (parents remapped so the tree stays
//! valid), written as 500-unit pages in the real response format to a temporary folder, and read
//! R times (default 10).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sorkomp_fkorg::synth::{grow, read_nodes, write_pages};
use sorkomp_fkorg::{diff_snapshots, load_saved, quality_issues};

fn main() {
    if let Err(e) = run() {
        eprintln!("fkorg-bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut dir = PathBuf::from("../shared/data/worlds/dev-odense/fkorg");
    let mut units_wanted = 3_000usize;
    let mut runs = 10usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} kræver et tal"))
        };
        match a.as_str() {
            "--units" => units_wanted = number("--units")?,
            "--runs" => runs = number("--runs")?.max(1),
            _ => dir = PathBuf::from(a),
        }
    }
    let nodes = read_nodes(&dir)?;
    let grown = grow(nodes, units_wanted);
    let out = std::env::temp_dir().join(format!("fkorg-bench-{}", std::process::id()));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let bytes = write_pages(&grown, &out)?;
    let result = measure(&out, runs);
    let _ = std::fs::remove_dir_all(&out);
    let (load, quality, diff, units, pages) = result?;
    println!(
        "units: {units} in {pages} pages ({:.1} MB of JSON), {runs} runs",
        bytes as f64 / 1e6
    );
    report("load_saved (read + parse + map + validate)", &load);
    report("quality_issues", &quality);
    report("diff_snapshots (snapshot against itself)", &diff);
    Ok(())
}

type Timings = (Vec<Duration>, Vec<Duration>, Vec<Duration>, usize, usize);

fn measure(dir: &Path, runs: usize) -> Result<Timings, String> {
    let (mut load, mut quality, mut diff) = (Vec::new(), Vec::new(), Vec::new());
    let (mut units, mut pages) = (0, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let snap = load_saved(&[dir.to_path_buf()]).map_err(|e| e.to_string())?;
        load.push(t.elapsed());
        let t = Instant::now();
        let issues = quality_issues(&snap.units, |u| !u.kle.is_empty());
        quality.push(t.elapsed());
        let t = Instant::now();
        let changes = diff_snapshots(&snap.units, &snap.units);
        diff.push(t.elapsed());
        if !changes.is_empty() {
            return Err(format!(
                "a snapshot differs from itself ({} changes)",
                changes.len()
            ));
        }
        std::hint::black_box(issues);
        units = snap.units.len();
        pages = snap.pages;
    }
    Ok((load, quality, diff, units, pages))
}

fn report(what: &str, times: &[Duration]) {
    let mut ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    ms.sort_by(f64::total_cmp);
    println!(
        "{what}: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms[ms.len() / 2],
        ms[0],
        ms[ms.len() - 1]
    );
}
