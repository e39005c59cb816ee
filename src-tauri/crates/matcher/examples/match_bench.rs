//! Speed of the matcher at the size of a large municipality, and how good its blocking is.
//!
//! ```text
//! cargo build --release -p sorkomp-matcher --example match_bench
//! taskset -c 0 target/release/examples/match_bench [WORLDS_DIR] [--units N] [--sor N] [--runs R]
//! ```
//!
//! 1. Blocking, on every world in WORLDS_DIR (default `../shared/data/worlds`) that has a
//!    `gold.json`: pairs completeness (gold links whose SOR entity is among the ORG unit's blocked
//!    candidates, or found by decisive evidence) and reduction ratio (1 - scored pairs / all ORG
//!    units x active subtree entities).
//! 2. A full run: the first world's ORG units grown to N (default 3,000) by copying units under
//!    the same parents, and its SOR grown to N entities (default 200,000) with generated national
//!    entities (`sorkomp_sor::synth`). Timed R times (default 5).
//! 3. Re-scoring one unit after an edit (`rescore_unit`): 25 relevant units, each renamed and
//!    given a new address first.

use serde_json::Value;
use sorkomp_matcher::{
    candidates_for_units, default_kle_rules, rescore_unit, run, MatchInput, Weights,
};
use sorkomp_model::{AddressRole, OrgStatus, OrgUnit, ProposalKind, SorEntity};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

type Error = Box<dyn std::error::Error>;

struct World {
    name: String,
    cvr: String,
    today: String,
    gold: Value,
    sor: Vec<SorEntity>,
    org: Vec<OrgUnit>,
}

fn load(dir: &Path) -> Result<World, Error> {
    let gold: Value = serde_json::from_slice(&std::fs::read(dir.join("gold.json"))?)?;
    let mut sor = Vec::new();
    sorkomp_sor::read_file(&dir.join("sor").join("Sor.xml"), |e| {
        sor.push(e);
        Ok(())
    })?;
    let org = sorkomp_fkorg::load_saved(&[dir.join("fkorg")])?.units;
    Ok(World {
        name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        cvr: gold["municipality"]["cvr"].as_str().unwrap_or("").into(),
        today: gold["world"]["snapshot"]
            .as_str()
            .unwrap_or("2025-06-02")
            .into(),
        gold,
        sor,
        org,
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() -> Result<(), Error> {
    let mut worlds_dir = PathBuf::from("../shared/data/worlds");
    let (mut units, mut sor_size, mut runs) = (3_000usize, 200_000usize, 5usize);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |name: &str| -> Result<usize, Error> {
            Ok(args
                .next()
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{name} needs a number"))?)
        };
        match a.as_str() {
            "--units" => units = number("--units")?,
            "--sor" => sor_size = number("--sor")?,
            "--runs" => runs = number("--runs")?.max(1),
            _ => worlds_dir = PathBuf::from(a),
        }
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&worlds_dir)
        .map_err(|e| format!("{}: {e}", worlds_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("gold.json").is_file())
        .collect();
    dirs.sort();
    let rules = default_kle_rules();
    let weights = Weights::default();

    println!("## Blocking");
    println!("| world | gold links | found by blocking or decisive evidence | pairs completeness | scored pairs | reduction ratio |");
    println!("|---|---|---|---|---|---|");
    let mut worlds = Vec::new();
    for dir in &dirs {
        let w = load(dir)?;
        let input = MatchInput {
            municipality_cvr: &w.cvr,
            today: &w.today,
            org_units: &w.org,
            sor: &w.sor,
            links: &[],
            rejected_pairs: &[],
            rejected_creates: &[],
            kept_sor: &[],
            kle_rules: &rules,
            weights: &weights,
        };
        let out = run(&input);
        let decisive: HashSet<(String, String)> = out
            .proposals
            .iter()
            .filter(|p| p.kind == ProposalKind::Link && p.explanation.contributions.len() == 1)
            .filter_map(|p| Some((p.org_uuid.clone()?, p.sor_id.clone()?)))
            .collect();
        let gold: Vec<(String, String)> = w.gold["links"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                (
                    l["org_uuid"].as_str().unwrap_or("").to_string(),
                    l["sor_id"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let uuids: Vec<&str> = gold.iter().map(|(o, _)| o.as_str()).collect();
        let blocked = candidates_for_units(&input, &uuids);
        let found = gold
            .iter()
            .zip(&blocked)
            .filter(|((o, s), cands)| {
                decisive.contains(&(o.clone(), s.clone())) || cands.iter().any(|c| &c.sor_id == s)
            })
            .count();
        println!(
            "| {} | {} | {} | {:.3} | {} | {:.4} |",
            w.name,
            gold.len(),
            found,
            found as f64 / gold.len().max(1) as f64,
            out.stats.candidate_pairs,
            out.stats.reduction_ratio
        );
        worlds.push(w);
    }
    let Some(mut w) = worlds.pop() else {
        return Err(format!("no world with gold.json in {}", worlds_dir.display()).into());
    };

    // Grow ORG: copies of existing units under the same parents, with new uuids and names.
    let base = w.org.len();
    let mut i = 0;
    while w.org.len() < units && base > 0 {
        let mut u = w.org[i % base].clone();
        if u.parent_uuid.is_some() {
            u.uuid = format!("{}-kopi-{}", u.uuid, i / base + 1);
            u.name = format!("{} {}", u.name, i / base + 2);
            w.org.push(u);
        }
        i += 1;
    }
    // Grow SOR: generated national entities (other owners) up to the wanted size.
    let wanted = sor_size.saturating_sub(w.sor.len());
    if wanted > 0 {
        let mut xml = Vec::new();
        sorkomp_sor::synth::write_national(&mut xml, wanted, 7)?;
        let mut n = 0usize;
        sorkomp_sor::read_entities(std::io::Cursor::new(xml), "synth", |mut e| {
            // Fresh ids, so no generated entity collides with the world's.
            n += 1;
            e.sor_id = format!("9{n:017}");
            e.parent_id = e.parent_id.map(|p| format!("9{p}"));
            e.owner_id = format!("9{}", e.owner_id);
            w.sor.push(e);
            Ok(())
        })?;
    }
    let input = MatchInput {
        municipality_cvr: &w.cvr,
        today: &w.today,
        org_units: &w.org,
        sor: &w.sor,
        links: &[],
        rejected_pairs: &[],
        rejected_creates: &[],
        kept_sor: &[],
        kle_rules: &rules,
        weights: &weights,
    };
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = run(&input);
        times.push(t.elapsed());
        last = Some(out);
    }
    let out = last.expect("at least one run");
    println!("\n## Full run");
    println!(
        "ORG units: {} ({} active); SOR entities: {} (municipal subtree {}, {} active); proposals: {}",
        w.org.len(),
        w.org.iter().filter(|u| u.status == OrgStatus::Aktiv).count(),
        w.sor.len(),
        out.stats.subtree_entities,
        out.stats.active_subtree_entities,
        out.proposals.len()
    );
    println!(
        "run(): median {}, fastest {}, slowest {} over {runs} runs; scored pairs {}, reduction ratio {:.4}",
        ms(median(times.clone())),
        ms(*times.iter().min().expect("runs")),
        ms(*times.iter().max().expect("runs")),
        out.stats.candidate_pairs,
        out.stats.reduction_ratio
    );

    // Re-score single units after an edit.
    let relevant: Vec<usize> = w
        .org
        .iter()
        .enumerate()
        .filter(|(_, u)| u.status == OrgStatus::Aktiv && !u.kle.is_empty() && u.postal().is_some())
        .map(|(i, _)| i)
        .step_by(7)
        .take(25)
        .collect();
    let mut times = Vec::new();
    for &i in &relevant {
        let mut edited = w.org.clone();
        let u = &mut edited[i];
        u.name = format!("{} Vest", u.name);
        if let Some(a) = u
            .addresses
            .iter_mut()
            .find(|a| a.role == AddressRole::Postadresse)
        {
            a.text = "Ny Vej 7, 5000 Odense C".into();
            a.parsed = None;
        }
        let input = MatchInput {
            org_units: &edited,
            ..input
        };
        let uuid = edited[i].uuid.clone();
        let t = Instant::now();
        let drafts = rescore_unit(&input, &uuid);
        times.push(t.elapsed());
        if drafts.len() > 2 {
            return Err(format!("re-scoring one unit gave {} drafts", drafts.len()).into());
        }
    }
    println!("\n## Re-scoring one unit after an edit");
    println!(
        "rescore_unit(): median {}, fastest {}, slowest {} over {} units",
        ms(median(times.clone())),
        ms(*times.iter().min().expect("units")),
        ms(*times.iter().max().expect("units")),
        times.len()
    );
    Ok(())
}
