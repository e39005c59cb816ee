//! Times mapping + storing a municipality's FK Organisation snapshot from saved pages, through
//! the same path as `sorkomp import-org` and the live sync (`Api::import_org_paths`).
//!
//! Usage: `cargo run --release -p sorkomp-api --example org-bench -- [FKORG_PAGES_DIR] [--units N] [--runs R]`
//!
//! The pages (default `../shared/data/worlds/dev-odense/fkorg`) are grown to N units (default
//! 3,000) with `sorkomp_fkorg::synth`, and a second set is written with every 10th unit renamed.
//! Each run opens a fresh database file and times:
//! - `load_saved`: read + parse + map + validate the pages (no database);
//! - first import into the empty database (load + map + store);
//! - the same pages again (load + diff + store; no changes);
//! - the renamed set (load + diff + store + one change-log row per renamed unit).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use sorkomp_api::Api;
use sorkomp_fkorg::synth::{grow, read_nodes, write_pages};

fn main() {
    if let Err(e) = run() {
        eprintln!("org-bench: {e}");
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
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let same = work.path().join("pages");
    let renamed = work.path().join("renamed");
    for d in [&same, &renamed] {
        std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
    }
    let grown = grow(read_nodes(&dir)?, units_wanted);
    let bytes = write_pages(&grown, &same)?;
    let mut changed = grown.clone();
    let mut renames = 0;
    for (i, (_, node)) in changed.iter_mut().enumerate() {
        if i % 10 == 5 {
            let name = node["enhedsnavn"].as_str().unwrap_or("").to_owned();
            node["enhedsnavn"] = json!(format!("{name} (omdøbt)"));
            renames += 1;
        }
    }
    write_pages(&changed, &renamed)?;

    let mut t = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    let mut units = 0;
    let mut changes = 0;
    for run in 0..runs {
        let started = Instant::now();
        let snap =
            sorkomp_fkorg::load_saved(std::slice::from_ref(&same)).map_err(|e| e.to_string())?;
        t[0].push(started.elapsed());
        units = snap.units.len();

        let db = work.path().join(format!("run-{run}.db"));
        let api = Api::open(&db).map_err(|e| e.message)?;
        api.init("35209115").map_err(|e| e.message)?;
        let timed = |t: &mut Vec<Duration>, pages: &Path| -> Result<u32, String> {
            let started = Instant::now();
            let r = api
                .import_org_paths(&[pages.to_path_buf()])
                .map_err(|e| e.message)?;
            t.push(started.elapsed());
            Ok(r.changes)
        };
        timed(&mut t[1], &same)?;
        let none = timed(&mut t[2], &same)?;
        if none != 0 {
            return Err(format!("the same pages gave {none} changes"));
        }
        changes = timed(&mut t[3], &renamed)?;
    }
    println!(
        "units: {units} ({:.1} MB of JSON), {runs} runs, {renames} renamed in the third import ({changes} changes logged)",
        bytes as f64 / 1e6
    );
    report("load_saved (read + parse + map + validate)", &t[0]);
    report("first import into an empty database", &t[1]);
    report("re-import, no changes", &t[2]);
    report("re-import with renames", &t[3]);
    Ok(())
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
