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

use serde_json::{json, Value};
use sorkomp_fkorg::{diff_snapshots, load_saved, quality_issues};

const PAGE_SIZE: usize = 500;

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

/// (status, node) of every edge, in file order.
fn read_nodes(dir: &Path) -> Result<Vec<(String, Value)>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut nodes = Vec::new();
    for f in files {
        let v: Value = serde_json::from_slice(&std::fs::read(&f).map_err(|e| e.to_string())?)
            .map_err(|e| format!("{}: {e}", f.display()))?;
        let edges = v["data"]["organisationEnhedListe"]["edges"]
            .as_array()
            .ok_or_else(|| format!("{}: ingen edges", f.display()))?;
        for e in edges {
            let status = e["node"]["tilstand"]["status"]
                .as_str()
                .unwrap_or("AKTIV")
                .to_string();
            nodes.push((status, e["node"].clone()));
        }
    }
    Ok(nodes)
}

/// The original units plus copies with fresh uuids until there are `wanted`.
fn grow(nodes: Vec<(String, Value)>, wanted: usize) -> Vec<(String, Value)> {
    let mut out = nodes.clone();
    let mut round = 0;
    while out.len() < wanted && !nodes.is_empty() {
        round += 1;
        let mut fresh = std::collections::HashMap::new();
        for (_, n) in &nodes {
            if let Some(u) = n["uuid"].as_str() {
                fresh.insert(u.to_string(), uuid::Uuid::new_v4().to_string());
            }
        }
        let take = wanted - out.len();
        // A parent copied in this round is the copy's parent; otherwise the original.
        let copied: std::collections::HashSet<&str> = nodes
            .iter()
            .take(take)
            .filter_map(|(_, n)| n["uuid"].as_str())
            .collect();
        for (status, n) in nodes.iter().take(take) {
            let mut copy = n.clone();
            let old = n["uuid"].as_str().unwrap_or_default();
            copy["uuid"] = json!(fresh[old]);
            copy["enhedsnavn"] = json!(format!(
                "{} ({round})",
                n["enhedsnavn"].as_str().unwrap_or("")
            ));
            if let Some(p) = n["overordnetEnhed"]["uuid"].as_str() {
                if copied.contains(p) {
                    copy["overordnetEnhed"] = json!({ "uuid": fresh[p] });
                }
            } else if let Some(root) = nodes.first().and_then(|(_, r)| r["uuid"].as_str()) {
                // A copied root hangs under the real root: one tree.
                copy["overordnetEnhed"] = json!({ "uuid": root });
            }
            out.push((status.clone(), copy));
        }
    }
    out
}

fn write_pages(nodes: &[(String, Value)], dir: &Path) -> Result<usize, String> {
    let mut total = 0;
    for status in ["AKTIV", "INAKTIV"] {
        let of_status: Vec<&Value> = nodes
            .iter()
            .filter(|(s, _)| s == status)
            .map(|(_, n)| n)
            .collect();
        let chunks: Vec<&[&Value]> = of_status.chunks(PAGE_SIZE).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let edges: Vec<Value> = chunk
                .iter()
                .enumerate()
                .map(|(j, n)| json!({ "cursor": format!("{status}:{}", i * PAGE_SIZE + j), "node": n }))
                .collect();
            let page = json!({ "data": { "organisationEnhedListe": {
                "edges": edges,
                "pageInfo": {
                    "startCursor": format!("{status}:{}", i * PAGE_SIZE),
                    "endCursor": format!("{status}:{}", i * PAGE_SIZE + chunk.len() - 1),
                    "hasNextPage": i + 1 < chunks.len(),
                    "hasPreviousPage": i > 0,
                }
            }}});
            let bytes = serde_json::to_vec(&page).map_err(|e| e.to_string())?;
            total += bytes.len();
            let path = dir.join(format!("{}-{:04}.json", status.to_lowercase(), i + 1));
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(total)
}
