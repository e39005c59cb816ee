//! The one integration-test binary of sorkomp-fkorg: saved pages, mapping, data quality,
//! diff, and the live client against a real mutual-TLS server on 127.0.0.1.

mod live;
mod offline;

use std::path::PathBuf;

/// The generated dev-odense world's saved response pages.
pub fn world_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../../shared/data/worlds/dev-odense/fkorg")
}

/// Edges counted straight from the files, independently of the parser under test.
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
