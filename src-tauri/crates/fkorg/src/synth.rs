//! Synthetic municipalities for benchmarks: a world's saved pages grown to any number of units
//! (copies with fresh uuids, parents remapped so the tree stays one valid tree) and written back
//! as pages in the real response format.

use std::path::Path;

use serde_json::{json, Value};

/// Units per written page (the live client's page size).
pub const PAGE_SIZE: usize = 500;

/// (status, node) of every edge of the `*.json` pages in `dir`, in file order.
pub fn read_nodes(dir: &Path) -> Result<Vec<(String, Value)>, String> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
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
pub fn grow(nodes: Vec<(String, Value)>, wanted: usize) -> Vec<(String, Value)> {
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

/// Writes `aktiv-NNNN.json` and `inaktiv-NNNN.json` pages of [`PAGE_SIZE`] units to `dir`;
/// returns the bytes written.
pub fn write_pages(nodes: &[(String, Value)], dir: &Path) -> Result<usize, String> {
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
