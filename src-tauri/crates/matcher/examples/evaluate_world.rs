//! Runs the matcher directly on a generated world and scores it against `gold.json`.
//!
//! `cargo run --release -p sorkomp-matcher --example evaluate_world -- WORLD_DIR [--misses]`
//!
//! Links, creations and deletions come from one run with no prior links; updates from a second
//! run where gold's links are the approved links (what an administrator meets after approving
//! the right link proposals). Prints precision, recall and F1 per kind, blocking completeness
//! and timings.

use serde_json::Value;
use sorkomp_matcher::{default_kle_rules, run, ExistingLink, MatchInput, Weights};
use sorkomp_model::{ProposalKind, SorEntity};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Instant;

fn prf(got: &BTreeSet<String>, want: &BTreeSet<String>) -> (f64, f64, f64) {
    let tp = got.intersection(want).count() as f64;
    let p = if got.is_empty() {
        1.0
    } else {
        tp / got.len() as f64
    };
    let r = if want.is_empty() {
        1.0
    } else {
        tp / want.len() as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let world = PathBuf::from(
        args.first()
            .ok_or("usage: evaluate_world WORLD_DIR [--misses]")?,
    );
    let show_misses = args.iter().any(|a| a == "--misses");
    let gold: Value = serde_json::from_slice(&std::fs::read(world.join("gold.json"))?)?;
    let cvr = gold["municipality"]["cvr"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let today = gold["world"]["snapshot"]
        .as_str()
        .unwrap_or("2025-01-01")
        .to_string();

    let t = Instant::now();
    let mut sor: Vec<SorEntity> = Vec::new();
    sorkomp_sor::read_file(&world.join("sor").join("Sor.xml"), |e| {
        sor.push(e);
        Ok(())
    })?;
    let org = sorkomp_fkorg::load_saved(&[world.join("fkorg")])?.units;
    println!(
        "loaded {} SOR entities, {} ORG units in {:.0} ms",
        sor.len(),
        org.len(),
        t.elapsed().as_secs_f64() * 1e3
    );

    let rules = default_kle_rules();
    let weights = Weights::default();
    let input = MatchInput {
        municipality_cvr: &cvr,
        today: &today,
        org_units: &org,
        sor: &sor,
        links: &[],
        rejected_pairs: &[],
        rejected_creates: &[],
        kept_sor: &[],
        kle_rules: &rules,
        weights: &weights,
    };
    let out = run(&input);
    let pairs = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                format!(
                    "{}|{}",
                    l["org_uuid"].as_str().unwrap_or(""),
                    l["sor_id"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let ids = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect()
    };
    let of_kind =
        |proposals: &[sorkomp_model::ProposalDraft], k: ProposalKind| -> BTreeSet<String> {
            proposals
                .iter()
                .filter(|p| p.kind == k)
                .map(|p| match k {
                    ProposalKind::Link | ProposalKind::Update => format!(
                        "{}|{}",
                        p.org_uuid.as_deref().unwrap_or(""),
                        p.sor_id.as_deref().unwrap_or("")
                    ),
                    ProposalKind::Create => p.org_uuid.clone().unwrap_or_default(),
                    ProposalKind::Delete => p.sor_id.clone().unwrap_or_default(),
                })
                .collect()
        };
    let names: HashMap<&str, &str> = org
        .iter()
        .map(|u| (u.uuid.as_str(), u.name.as_str()))
        .collect();
    let sor_names: HashMap<&str, &str> = sor
        .iter()
        .map(|e| (e.sor_id.as_str(), e.name.as_str()))
        .collect();
    let label = |key: &str| -> String {
        let (a, b) = key.split_once('|').unwrap_or((key, ""));
        format!(
            "{} [{}] | {} [{}]",
            names.get(a).copied().unwrap_or(""),
            a,
            sor_names.get(b).copied().unwrap_or(""),
            b
        )
    };

    let gold_links = pairs(&gold["links"]);
    let mut rows = Vec::new();
    for (kind, want) in [
        (ProposalKind::Link, gold_links.clone()),
        (ProposalKind::Create, ids(&gold["create"])),
        (ProposalKind::Delete, ids(&gold["delete"])),
    ] {
        let got = of_kind(&out.proposals, kind);
        rows.push((kind, prf(&got, &want), got.len(), want.len()));
        if show_misses {
            for m in want.difference(&got) {
                println!("MISSED {:?}: {}", kind, label(m));
                if kind == ProposalKind::Link {
                    let (o, s) = m.split_once('|').unwrap_or((m, ""));
                    println!(
                        "    gold pair features: {:?}",
                        sorkomp_matcher::pair_features(&input, o, s)
                    );
                    for d in sorkomp_matcher::rescore_unit(&input, o) {
                        println!(
                            "    alone: {:?} {:?} score {:.1} runner {:?} gap {:?}",
                            d.kind,
                            d.sor_id,
                            d.score,
                            d.explanation.runner_up.as_ref().map(|r| (&r.name, r.score)),
                            d.explanation.gap
                        );
                        for c in &d.explanation.contributions {
                            println!("      {} {:.2} {}", c.field, c.weight, c.detail);
                        }
                    }
                }
            }
            for m in got.difference(&want) {
                println!("WRONG  {:?}: {}", kind, label(m));
            }
        }
    }
    // Blocking completeness is reported by the matcher's own stats; here: how many gold pairs
    // ended up proposed or missed.
    let links: Vec<ExistingLink> = gold["links"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| ExistingLink {
            org_uuid: l["org_uuid"].as_str().unwrap_or("").into(),
            sor_id: l["sor_id"].as_str().unwrap_or("").into(),
            manual: false,
        })
        .collect();
    let input2 = MatchInput {
        links: &links,
        ..input
    };
    let t2 = Instant::now();
    let out2 = run(&input2);
    let second_ms = t2.elapsed().as_secs_f64() * 1e3;
    let want_updates = pairs(&gold["update"]);
    let got_updates = of_kind(&out2.proposals, ProposalKind::Update);
    rows.push((
        ProposalKind::Update,
        prf(&got_updates, &want_updates),
        got_updates.len(),
        want_updates.len(),
    ));
    if show_misses {
        for m in want_updates.difference(&got_updates) {
            println!("MISSED Update: {}", label(m));
        }
        for m in got_updates.difference(&want_updates) {
            let p = out2.proposals.iter().find(|p| {
                p.kind == ProposalKind::Update
                    && format!(
                        "{}|{}",
                        p.org_uuid.as_deref().unwrap_or(""),
                        p.sor_id.as_deref().unwrap_or("")
                    ) == *m
            });
            println!("WRONG  Update: {} {:?}", label(m), p.map(|p| &p.changes));
        }
    }
    println!(
        "world: {}",
        world
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    );
    println!("| kind | precision | recall | F1 | proposed | gold |");
    println!("|---|---|---|---|---|---|");
    for (k, (p, r, f), got, want) in &rows {
        println!(
            "| {} | {:.3} | {:.3} | {:.3} | {} | {} |",
            k.as_str(),
            p,
            r,
            f,
            got,
            want
        );
    }
    println!(
        "first run {:.0} ms (matcher's own timing), second run {:.0} ms; candidate pairs {}, reduction ratio {:.4}, decisive {}, rounds {}",
        out.stats.elapsed_ms, second_ms, out.stats.candidate_pairs, out.stats.reduction_ratio, out.stats.decisive_links, out.stats.rounds
    );
    println!("notes: {}", out.notes.len());
    if show_misses {
        for n in out.notes.iter().take(20) {
            println!("  {n}");
        }
    }
    Ok(())
}
