//! What the window waits for, measured at the API boundary with real volumes: a world's SOR and
//! FK Organisation data, 5,000 open proposals and 50,000 change-log rows.
//!
//! ```sh
//! cargo run --release -p sorkomp-api --example window_bench -- ../shared/data/worlds/dev-odense-national
//! ```
//!
//! Prints one line per operation: the median of several runs and the size of the JSON the window
//! receives (the IPC payload). Results and the machine are in `docs/BENCH-WINDOW.md`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sorkomp_api::{Api, LogQuery, ProposalQuery};
use sorkomp_model::{Explanation, ProposalDraft, ProposalKind, ProposalStatus};
use sorkomp_store::{NewLogEntry, Store};

const PROPOSALS: usize = 5_000;
const LOG_ROWS: usize = 50_000;
const RUNS: usize = 7;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let world = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: window_bench WORLD_DIR (e.g. ../shared/data/worlds/dev-odense)")?,
    );
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");
    prepare(&world, &db)?;

    let started = Instant::now();
    let api = Api::open(&db)?;
    let overview = api.overview()?;
    let cold = started.elapsed();
    println!(
        "open + overview (cold start of the data side): {:>8.1} ms   ({} SOR units, {} ORG units, {} log rows)",
        ms(cold),
        overview.stats.sor_units,
        overview.stats.org_active + overview.stats.org_inactive,
        overview.stats.log_rows
    );

    let new = ProposalQuery {
        status: Some(ProposalStatus::New),
        ..ProposalQuery::default()
    };
    let (t, bytes) = timed(|| {
        let rows = api.proposals(&new).expect("proposals list");
        serde_json::to_vec(&rows).expect("serialise").len()
    });
    println!(
        "list {PROPOSALS} new proposals (queue):      {:>8.1} ms   {:>6} kB JSON",
        ms(t),
        bytes / 1024
    );

    // A decision as the window makes it: approve, then the queue's counts.
    let ids: Vec<i64> = api
        .proposals(&new)?
        .iter()
        .map(|p| p.id)
        .take(RUNS)
        .collect();
    let mut decisions = Vec::new();
    for id in ids {
        let started = Instant::now();
        api.approve(id)?;
        api.overview()?;
        decisions.push(started.elapsed());
    }
    println!(
        "approve one + refresh counts:              {:>8.1} ms",
        ms(median(decisions))
    );

    let all = LogQuery {
        limit: Some(200_000),
        ..LogQuery::default()
    };
    let (t, bytes) = timed(|| {
        let rows = api.log(&all).expect("log");
        serde_json::to_vec(&rows).expect("serialise").len()
    });
    println!(
        "read the whole log ({LOG_ROWS}+ rows):         {:>8.1} ms   {:>6} kB JSON",
        ms(t),
        bytes / 1024
    );
    let filtered = LogQuery {
        text: Some("Plejecenter".into()),
        limit: Some(200_000),
        ..LogQuery::default()
    };
    let (t, _) = timed(|| api.log(&filtered).expect("log search").len());
    println!(
        "search the log for a word:                 {:>8.1} ms",
        ms(t)
    );
    Ok(())
}

/// The world imported through the API, then 5,000 open proposals between real units and 50,000
/// log rows written straight into the store.
fn prepare(world: &Path, db: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let gold: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world.join("gold.json"))?)?;
    let cvr = gold["municipality"]["cvr"]
        .as_str()
        .ok_or("gold.json has no municipality.cvr")?;
    {
        let api = Api::open(db)?;
        api.init(cvr)?;
        api.import_sor_file(&world.join("sor/Sor.xml"))?;
        api.import_org_paths(&[world.join("fkorg")])?;
    }
    let mut store = Store::open(db)?;
    let orgs: Vec<String> = store.org_units()?.into_iter().map(|u| u.uuid).collect();
    let sors: Vec<String> = store
        .sor_entities()?
        .into_iter()
        .map(|e| e.sor_id)
        .collect();
    let drafts: Vec<ProposalDraft> = (0..PROPOSALS)
        .map(|i| ProposalDraft {
            kind: ProposalKind::Link,
            org_uuid: Some(orgs[i % orgs.len()].clone()),
            sor_id: Some(sors[(i * 7919) % sors.len()].clone()),
            score: (i % 20) as f64 - 5.0,
            explanation: Explanation {
                summary: format!("Syntetisk forslag {i} til måling"),
                contributions: Vec::new(),
                runner_up: None,
                gap: None,
            },
            changes: Vec::new(),
            new_unit: None,
        })
        .collect();
    store.reconcile_proposals(&drafts, "2026-11-26T08:00:00Z", "bench")?;
    for i in 0..LOG_ROWS {
        let id = i.to_string();
        let summary = format!("Hændelse {i}: Plejecenter {} omdøbt", i % 97);
        store.append_log(&NewLogEntry {
            at: "2026-11-26T08:00:00Z",
            source: "sync",
            who: "bench",
            action: "renamed",
            entity_kind: "sor",
            entity_id: &id,
            summary: &summary,
            before: Some("gammelt navn"),
            after: Some("nyt navn"),
        })?;
    }
    Ok(())
}

fn timed<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        last = Some(f());
        times.push(started.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
