//! "Klargør data i FK Organisation": the data-quality tasks the municipality must fix in
//! FK Organisation before SOR can follow it, listed in the window and exported for Excel.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sorkomp_model::{KleRule, OrgUnit};
use sorkomp_store::Store;
use ts_rs::TS;

use crate::{Api, ApiError, ApiResult};

/// One thing to fix in FK Organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QualityTask {
    pub org_uuid: String,
    pub unit_name: String,
    /// The unit's place in the tree: its parents' names from the root, joined by " / ".
    pub path: String,
    /// The field to fix, in Danish ("Postadresse", "KLE-opgaver", "SOR-kode", ...).
    pub field: String,
    /// What is wrong and what to do, in Danish.
    pub problem: String,
}

const CSV_HEADER: [&str; 5] = [
    "Enhed",
    "Placering i organisationen",
    "Felt",
    "Problem",
    "Enhedens UUID",
];

impl Api {
    /// The "Klargør data i FK Organisation" list for the cached snapshot, ordered by place in
    /// the tree, then unit name.
    pub fn quality_tasks(&self) -> ApiResult<Vec<QualityTask>> {
        let store = self.store();
        let units = store.org_units()?;
        let facts = QualityFacts::read(&store)?;
        drop(store);
        Ok(quality_tasks_of(&units, &facts))
    }

    /// Writes the list as CSV that Danish Excel opens correctly (UTF-8 with BOM, `;`), replacing
    /// `out` only when complete. Returns the number of tasks written.
    pub fn export_quality(&self, out: &Path) -> ApiResult<u32> {
        let tasks = self.quality_tasks()?;
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("klargoer.csv");
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = write_csv(&tmp, &tasks).and_then(|()| {
            std::fs::rename(&tmp, out)
                .map_err(|e| ApiError::new("io", format!("Kan ikke skrive {}: {e}", out.display())))
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written?;
        Ok(tasks.len() as u32)
    }
}

fn write_csv(path: &Path, tasks: &[QualityTask]) -> ApiResult<()> {
    let mut file = std::fs::File::create(path)
        .map_err(|e| ApiError::new("io", format!("Kan ikke skrive {}: {e}", path.display())))?;
    file.write_all("\u{feff}".as_bytes())?;
    let csv_error = |e: csv::Error| ApiError::new("export_csv", format!("CSV-fejl: {e}"));
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(&mut file);
    w.write_record(CSV_HEADER).map_err(csv_error)?;
    for t in tasks {
        let record = [&t.unit_name, &t.path, &t.field, &t.problem, &t.org_uuid]
            .map(|cell| crate::export::inert(cell));
        w.write_record(record.iter().map(|c| c.as_bytes()))
            .map_err(csv_error)?;
    }
    w.flush()?;
    drop(w);
    file.sync_all()?;
    Ok(())
}

/// What decides whether a unit is on its way to SOR: the KLE rules and the existing links.
pub(crate) struct QualityFacts {
    rules: Vec<KleRule>,
    linked: HashSet<String>,
}

impl QualityFacts {
    pub(crate) fn read(store: &Store) -> ApiResult<Self> {
        let mut rules = store.kle_rules()?;
        if rules.is_empty() {
            rules = sorkomp_matcher::default_kle_rules();
        }
        let linked = store.links()?.into_iter().map(|l| l.org_uuid).collect();
        Ok(QualityFacts { rules, linked })
    }

    /// A unit belongs in SOR when one of its KLE tasks is covered by a KLE rule, when it
    /// already carries a SOR code, or when it is linked to a SOR unit. The last two catch the
    /// units whose KLE marking is missing.
    fn is_health_relevant(&self, u: &OrgUnit) -> bool {
        u.sor_code().is_some()
            || self.linked.contains(&u.uuid)
            || u.kle.iter().any(|t| {
                self.rules
                    .iter()
                    .any(|r| sorkomp_matcher::covers(&r.kle_prefix, &t.number))
            })
    }
}

pub(crate) fn quality_tasks_of(units: &[OrgUnit], facts: &QualityFacts) -> Vec<QualityTask> {
    let tree = Tree::new(units);
    let mut tasks: Vec<QualityTask> =
        sorkomp_fkorg::quality_issues(units, |u| facts.is_health_relevant(u))
            .into_iter()
            .map(|i| QualityTask {
                path: tree.path(&i.org_uuid),
                org_uuid: i.org_uuid,
                unit_name: i.unit_name,
                field: i.field,
                problem: i.message_da,
            })
            .collect();
    tasks.sort_by(|a, b| {
        (&a.path, &a.unit_name, &a.org_uuid, &a.field, &a.problem).cmp(&(
            &b.path,
            &b.unit_name,
            &b.org_uuid,
            &b.field,
            &b.problem,
        ))
    });
    tasks
}

/// Names and parents by uuid, for paths in the tree.
pub(crate) struct Tree<'a> {
    by_uuid: HashMap<&'a str, &'a OrgUnit>,
}

impl<'a> Tree<'a> {
    pub(crate) fn new(units: &'a [OrgUnit]) -> Self {
        Tree {
            by_uuid: units.iter().map(|u| (u.uuid.as_str(), u)).collect(),
        }
    }

    pub(crate) fn name(&self, uuid: &str) -> Option<&'a str> {
        self.by_uuid.get(uuid).map(|u| u.name.as_str())
    }

    /// The parents' names from the root down, joined by " / " (empty for a root). A parent
    /// missing from the snapshot ends the path; a cycle cannot loop.
    pub(crate) fn path(&self, uuid: &str) -> String {
        let mut names = Vec::new();
        let mut seen = HashSet::new();
        let mut at = self
            .by_uuid
            .get(uuid)
            .and_then(|u| u.parent_uuid.as_deref());
        while let Some(p) = at {
            if !seen.insert(p) {
                break;
            }
            match self.by_uuid.get(p) {
                Some(parent) => {
                    names.push(parent.name.as_str());
                    at = parent.parent_uuid.as_deref();
                }
                None => break,
            }
        }
        names.reverse();
        names.join(" / ")
    }
}
