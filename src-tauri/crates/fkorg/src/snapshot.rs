//! A whole FK Organisation snapshot: every page of both statuses, checked as a tree.
//!
//! The live client and the offline import build snapshots the same way: [`parse_page`] per
//! page, then [`OrgSnapshot::from_pages`], which refuses duplicate units, a missing parent and
//! a cycle. A snapshot is all or nothing: one bad page and no snapshot is returned.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sorkomp_model::{OrgStatus, OrgUnit};

use crate::page::{parse_page, OrgPage, MAX_PAGE_BYTES};
use crate::FkOrgError;

/// All units of one municipality at one moment, AKTIV and INAKTIV.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrgSnapshot {
    pub units: Vec<OrgUnit>,
    /// How many response pages the snapshot was built from.
    pub pages: usize,
    /// Things worth telling the administrator that do not stop the import (Danish).
    pub warnings: Vec<String>,
}

impl OrgSnapshot {
    /// Join pages (each with the name it is known by in errors) into one checked snapshot.
    ///
    /// Rules:
    /// - a uuid may occur once only (across all pages);
    /// - an AKTIV unit's parent must be in the snapshot (AKTIV or INAKTIV);
    /// - an INAKTIV unit's parent may be missing: closed units can hang under units that were
    ///   removed from FK Organisation long ago. The parent uuid is kept and a warning is given;
    /// - following parents from any unit must end at a root (no cycle).
    pub fn from_pages(pages: Vec<(String, OrgPage)>) -> Result<Self, FkOrgError> {
        let page_count = pages.len();
        let mut warnings = Vec::new();
        let mut units = Vec::new();
        let mut source_of: HashMap<String, usize> = HashMap::new();
        let mut sources: Vec<String> = Vec::with_capacity(page_count);
        for (source, page) in pages {
            let source_index = sources.len();
            sources.push(source);
            warnings.extend(page.warnings);
            for unit in page.units {
                if let Some(first) = source_of.insert(unit.uuid.clone(), source_index) {
                    return Err(FkOrgError::DuplicateUuid {
                        uuid: unit.uuid,
                        first_source: sources[first].clone(),
                        second_source: sources[source_index].clone(),
                    });
                }
                units.push((unit, source_index));
            }
        }
        let index: HashMap<&str, usize> = units
            .iter()
            .enumerate()
            .map(|(i, (u, _))| (u.uuid.as_str(), i))
            .collect();
        let mut parent_of: Vec<Option<usize>> = Vec::with_capacity(units.len());
        for (unit, source_index) in &units {
            let parent = match &unit.parent_uuid {
                None => None,
                Some(p) => match index.get(p.as_str()) {
                    Some(&i) => Some(i),
                    None if unit.status == OrgStatus::Inaktiv => {
                        warnings.push(format!(
                            "{}: den nedlagte enhed {} ({}) peger på en overordnet enhed {p}, som ikke findes i data",
                            sources[*source_index], unit.uuid, unit.name
                        ));
                        None
                    }
                    None => {
                        return Err(FkOrgError::MissingParent {
                            source_name: sources[*source_index].clone(),
                            uuid: unit.uuid.clone(),
                            parent: p.clone(),
                        })
                    }
                },
            };
            parent_of.push(parent);
        }
        if let Some(cycle) = find_cycle(&parent_of) {
            return Err(FkOrgError::Cycle {
                path: cycle
                    .into_iter()
                    .map(|i| format!("{} ({})", units[i].0.uuid, units[i].0.name))
                    .collect(),
            });
        }
        Ok(OrgSnapshot {
            units: units.into_iter().map(|(u, _)| u).collect(),
            pages: page_count,
            warnings,
        })
    }
}

/// The units of the first cycle found, in parent order, the first repeated at the end.
fn find_cycle(parent_of: &[Option<usize>]) -> Option<Vec<usize>> {
    // 0 = not visited, 1 = on the current path, 2 = known to reach a root.
    let mut state = vec![0u8; parent_of.len()];
    for start in 0..parent_of.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                2 => break,
                1 => {
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    let mut cycle = path[from..].to_vec();
                    cycle.push(i);
                    return Some(cycle);
                }
                _ => {
                    state[i] = 1;
                    path.push(i);
                    at = parent_of[i];
                }
            }
        }
        for i in path {
            state[i] = 2;
        }
    }
    None
}

/// Read saved response pages (files, or folders whose `*.json` files are read in name order)
/// with the same parser as the live path, and check them as one snapshot.
pub fn load_saved(paths: &[PathBuf]) -> Result<OrgSnapshot, FkOrgError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| FkOrgError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut in_dir = json_files_in(path)?;
            if in_dir.is_empty() {
                return Err(FkOrgError::NothingToLoad(format!(
                    "mappen {} indeholder ingen .json-filer",
                    path.display()
                )));
            }
            files.append(&mut in_dir);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(FkOrgError::NothingToLoad(
            "ingen filer eller mapper angivet".into(),
        ));
    }
    let mut pages = Vec::with_capacity(files.len());
    for file in files {
        let source = file.display().to_string();
        let size = std::fs::metadata(&file)
            .map_err(|source| FkOrgError::Io {
                path: file.clone(),
                source,
            })?
            .len();
        if size > MAX_PAGE_BYTES {
            return Err(FkOrgError::TooLarge {
                source_name: source,
                bytes: size,
                limit: MAX_PAGE_BYTES,
            });
        }
        let bytes = std::fs::read(&file).map_err(|source| FkOrgError::Io {
            path: file.clone(),
            source,
        })?;
        let page = parse_page(&bytes, &source)?;
        pages.push((source, page));
    }
    OrgSnapshot::from_pages(pages)
}

fn json_files_in(dir: &Path) -> Result<Vec<PathBuf>, FkOrgError> {
    let io = |source| FkOrgError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
