//! The one integration-test binary of sorkomp-api: the SOR worklist, FK Organisation sync against a real
//! mutual-TLS server on 127.0.0.1, the "Klargør data" list and the unit detail.

mod manual;
mod org_sync;
mod quality;
mod sor_import;
mod worklist;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use sorkomp_api::Api;
use sorkomp_store::Store;

pub const CVR: &str = "35209115";
/// The fixed clock of every test API.
pub const NOW: &str = "2026-01-15T10:00:00Z";

/// The generated dev-odense world's saved response pages.
pub fn world_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/data/worlds/dev-odense/fkorg")
}

/// Edges counted straight from the files, independently of the code under test.
pub fn edges_in_world() -> usize {
    std::fs::read_dir(world_dir())
        .expect("world folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&p).expect("read page")).expect("json");
            v["data"]["organisationEnhedListe"]["edges"]
                .as_array()
                .expect("edges")
                .len()
        })
        .sum()
}

/// An API on a database file in `dir`, with the clock fixed at [`NOW`] and the municipality set.
pub fn api_in(dir: &std::path::Path) -> Api {
    let now: DateTime<Utc> = NOW.parse().expect("time");
    let api = Api::with_store(
        Store::open(&dir.join("sorkomp.db")).expect("database"),
        Box::new(move || now),
    );
    api.init(CVR).expect("init");
    api
}
