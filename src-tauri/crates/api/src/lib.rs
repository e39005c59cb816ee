//! The one boundary of SOR-komponent: the window's commands, the `sorkomp` CLI and the tests all
//! call [`Api`]. It owns the store, reads the clock (nothing below it does), and glues the SOR
//! parser, the FK Organisation parser and the matcher to the store.

mod decisions;
mod demo;
mod error;
mod export;
mod kle;
mod learning;
mod manual;
mod org_detail;
mod org_sync;
mod outbox;
mod progress;
mod quality;
mod sor_sync;
mod types;
mod worklist;
mod xlsx;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, SecondsFormat, Utc};
/// Domain types that appear in this API's signatures, so that callers need no other crate.
pub use sorkomp_model::{KleRule, NewSorUnit, ProposalKind, ProposalStatus};
use sorkomp_model::{OrgUnit, SorEntity, SorLevel};
use sorkomp_store::Store;

pub use decisions::{ApprovalEdit, BulkItem, BulkReport, LogPage, LogRow, Rule};
pub use error::{ApiError, ApiResult};
pub use export::{read_export, verify_export};
pub use learning::{WeightRow, WeightsView};
pub use org_detail::{LinkedSor, OrgAddressView, OrgUnitDetail};
pub use org_sync::{FkSettings, SyncStatus};
pub use outbox::{OutboxField, OutboxStatus, OutboxView, WorklistFormat};
pub use progress::{Progress, ProgressSink};
pub use quality::QualityTask;
pub use sor_sync::{SorSyncStatus, EXTRA_CA_ENV};
pub use types::*;

/// Environment variable that overrides the database location.
pub const DB_ENV: &str = "SORKOMP_DB";

type Clock = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// SOR-komponent's operations on one database.
pub struct Api {
    store: Mutex<Store>,
    clock: Clock,
    /// The certificate password and FK Organisation client of this session (never stored).
    org_session: org_sync::OrgSession,
}

/// Where the database lives by default: `$SORKOMP_DB`, else the platform's app-data directory.
pub fn default_db_path() -> ApiResult<PathBuf> {
    if let Some(p) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("dk", "sorkomponent", "SOR-komponent").ok_or_else(|| {
        ApiError::new("no_data_dir", "Kan ikke finde en mappe til programdata (HOME er ikke sat). Angiv databasen med --db eller SORKOMP_DB.")
    })?;
    Ok(dirs.data_dir().join("sorkomp.db"))
}

fn kind_da(kind: ProposalKind) -> &'static str {
    match kind {
        ProposalKind::Link => "kobling",
        ProposalKind::Create => "oprettelse",
        ProposalKind::Delete => "sletning",
        ProposalKind::Update => "opdatering",
    }
}

impl Api {
    pub fn open(db_path: &Path) -> ApiResult<Api> {
        Ok(Api::with_store(Store::open(db_path)?, Box::new(Utc::now)))
    }

    pub fn open_default() -> ApiResult<Api> {
        Api::open(&default_db_path()?)
    }

    pub fn open_in_memory() -> ApiResult<Api> {
        Ok(Api::with_store(
            Store::open_in_memory()?,
            Box::new(Utc::now),
        ))
    }

    /// An API with an injected clock (tests).
    pub fn with_store(store: Store, clock: Clock) -> Api {
        Api {
            store: Mutex::new(store),
            clock,
            org_session: Default::default(),
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the database half-written (every change
        // is one transaction), so a poisoned lock is safe to reuse.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> String {
        (self.clock)().to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    fn today(&self) -> String {
        (self.clock)()
            .with_timezone(&chrono_tz::Europe::Copenhagen)
            .format("%Y-%m-%d")
            .to_string()
    }

    /// The administrator's name or initials, recorded on every decision.
    pub fn who(&self) -> ApiResult<String> {
        let stored = self.store().setting("who")?;
        Ok(stored.unwrap_or_else(|| {
            std::env::var("USER")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "ukendt".into())
        }))
    }

    pub fn set_who(&self, who: &str) -> ApiResult<()> {
        let who = who.trim();
        if who.is_empty() || who.chars().count() > 60 {
            return Err(ApiError::new(
                "invalid_who",
                "Angiv dit navn eller dine initialer (1-60 tegn).",
            ));
        }
        self.store().set_setting("who", who)?;
        Ok(())
    }

    /// Sets the municipality (its CVR number) this database serves.
    pub fn init(&self, cvr: &str) -> ApiResult<()> {
        let cvr = cvr.trim();
        if cvr.len() != 8 || !cvr.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::new(
                "invalid_cvr",
                format!("«{cvr}» er ikke et CVR-nummer (8 cifre)."),
            ));
        }
        let now = self.now();
        let who = self.who()?;
        let mut store = self.store();
        let before = store.setting("municipality_cvr")?;
        store.set_setting("municipality_cvr", cvr)?;
        if store.kle_rules()?.is_empty() {
            store.set_kle_rules(&sorkomp_matcher::default_kle_rules(), &who, &now)?;
        }
        store.append_log(&sorkomp_store::NewLogEntry {
            at: &now,
            source: "user",
            who: &who,
            action: "init",
            entity_kind: "setting",
            entity_id: "municipality_cvr",
            summary: &format!("Kommunen er sat til CVR {cvr}"),
            before: before.as_deref(),
            after: Some(cvr),
        })?;
        Ok(())
    }

    fn municipality_cvr(&self, store: &Store) -> ApiResult<String> {
        store.setting("municipality_cvr")?.ok_or_else(|| {
            ApiError::new("not_initialised", "Databasen kender ikke kommunen endnu. Kør først `sorkomp init --cvr CVR` (eller indlæs demo-kommunen).")
        })
    }

    /// Imports a saved SOR export (XML or zip).
    pub fn import_sor_file(&self, path: &Path) -> ApiResult<ImportReport> {
        let label = path.display().to_string();
        self.import_sor_with(&label, |sink| sorkomp_sor::read_file(path, sink))
    }

    /// Imports a SOR export from any reader (the bundled demo, a download in memory).
    pub fn import_sor_reader(
        &self,
        reader: impl std::io::Read + Send,
        label: &str,
    ) -> ApiResult<ImportReport> {
        self.import_sor_with(label, |sink| {
            sorkomp_sor::read_entities(reader, label, sink)
        })
    }

    /// Parses on its own thread (`read`) while this thread writes the next snapshot file. The
    /// store is locked only to start and to finish, so the window's other work (decisions,
    /// views) goes on while a national file is read.
    fn import_sor_with(
        &self,
        label: &str,
        read: impl FnOnce(
                &mut dyn FnMut(SorEntity) -> Result<(), sorkomp_sor::SorError>,
            ) -> Result<sorkomp_sor::SorHeader, sorkomp_sor::SorError>
            + Send,
    ) -> ApiResult<ImportReport> {
        let now = self.now();
        let who = self.who()?;
        let (cvr, mut import) = {
            let store = self.store();
            (
                store.setting("municipality_cvr")?,
                store.begin_sor_import()?,
            )
        };
        let mut store_error: Option<sorkomp_store::StoreError> = None;
        let mut owner_of_cvr: Option<String> = None;
        let result = sorkomp_sor::parse_beside(read, |batch: &[SorEntity]| {
            for entity in batch {
                if entity.level == Some(SorLevel::Owner) && cvr.is_some() && entity.cvr == cvr {
                    owner_of_cvr = Some(entity.sor_id.clone());
                }
            }
            import.add_all(batch).map_err(|e| {
                let message = e.to_string();
                store_error = Some(e);
                sorkomp_sor::SorError::Aborted(message)
            })
        });
        if let Some(e) = store_error {
            return Err(e.into());
        }
        result?;
        let mut store = self.store();
        let summary = import.finish(&mut store, &now, &who, label, owner_of_cvr.as_deref())?;
        store.set_setting("last_sor_import", &now)?;
        if let Some(owner) = &owner_of_cvr {
            store.set_setting("municipality_sor_owner", owner)?;
        }
        let confirmed = outbox::confirm_from_snapshots(&mut store, &who, &now)?;
        Ok(ImportReport {
            register: "sor".into(),
            summary: if summary.unchanged {
                format!("SOR-data er uændrede ({} enheder)", summary.entities)
            } else {
                format!(
                    "SOR-data indlæst: {} enheder; {} nye, {} forsvundne, {} ændrede",
                    summary.entities, summary.appeared, summary.disappeared, summary.changed
                )
            } + &outbox::confirmed_note(confirmed),
            entities: summary.entities as u32,
            changes: (summary.appeared + summary.disappeared + summary.changed) as u32,
            unchanged: summary.unchanged,
        })
    }

    /// Imports saved FK Organisation response pages (files or folders).
    pub fn import_org_paths(&self, paths: &[PathBuf]) -> ApiResult<ImportReport> {
        let snapshot = sorkomp_fkorg::load_saved(paths)?;
        let label = paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        self.store_org_snapshot(snapshot.units, &label)
    }

    fn store_org_snapshot(&self, units: Vec<OrgUnit>, label: &str) -> ApiResult<ImportReport> {
        let now = self.now();
        let who = self.who()?;
        let mut store = self.store();
        let old = store.org_units()?;
        let changes = sorkomp_fkorg::diff_snapshots(&old, &units);
        let summary = store.replace_org_snapshot(&units, &changes, &now, &who, label)?;
        store.set_setting("last_org_import", &now)?;
        let confirmed = outbox::confirm_from_snapshots(&mut store, &who, &now)?;
        Ok(ImportReport {
            register: "org".into(),
            summary: format!(
                "FK Organisation indlæst: {} enheder ({} aktive, {} inaktive); {} ændringer",
                summary.units, summary.active, summary.inactive, summary.changes
            ) + &outbox::confirmed_note(confirmed),
            entities: summary.units as u32,
            changes: summary.changes as u32,
            unchanged: !summary.first_import && summary.changes == 0,
        })
    }

    /// Runs the matcher on the cached data and stores its proposals.
    pub fn run_match(&self) -> ApiResult<MatchReport> {
        let started = std::time::Instant::now();
        let now = self.now();
        let today = self.today();
        let who = self.who()?;
        let mut store = self.store();
        let cvr = self.municipality_cvr(&store)?;
        let org_units = store.org_units()?;
        let sor = store.sor_entities()?;
        let links: Vec<sorkomp_matcher::ExistingLink> = store
            .links()?
            .into_iter()
            .map(|l| sorkomp_matcher::ExistingLink {
                org_uuid: l.org_uuid,
                sor_id: l.sor_id,
                manual: l.manual,
            })
            .collect();
        let rejected_pairs = store.rejected_link_pairs()?;
        let rejected_creates = store.rejected_creates()?;
        let kept_sor = store.kept_sor()?;
        let mut kle_rules = store.kle_rules()?;
        if kle_rules.is_empty() {
            kle_rules = sorkomp_matcher::default_kle_rules();
        }
        let weights = learning::weights_for_run(&mut store, &now, &who)?;
        let input = sorkomp_matcher::MatchInput {
            municipality_cvr: &cvr,
            today: &today,
            org_units: &org_units,
            sor: &sor,
            links: &links,
            rejected_pairs: &rejected_pairs,
            rejected_creates: &rejected_creates,
            kept_sor: &kept_sor,
            kle_rules: &kle_rules,
            weights: &weights,
        };
        let output = sorkomp_matcher::run(&input);
        let summary = store.reconcile_proposals(&output.proposals, &now, &who)?;
        let features = output
            .link_features
            .iter()
            .map(|l| {
                Ok((
                    l.org_uuid.clone(),
                    l.sor_id.clone(),
                    serde_json::to_string(&l.features)?,
                ))
            })
            .collect::<ApiResult<Vec<_>>>()?;
        store.record_link_features(&features)?;
        let (auto_approved, rule_notes) = decisions::apply_rules(&mut store, &now)?;
        let mut notes = output.notes;
        notes.extend(rule_notes);
        Ok(MatchReport {
            auto_approved,
            added: summary.added as u32,
            updated: summary.updated as u32,
            unchanged: summary.unchanged as u32,
            withdrawn: summary.withdrawn as u32,
            already_decided: summary.already_decided as u32,
            notes,
            millis: started.elapsed().as_millis() as u32,
        })
    }

    pub fn proposals(&self, q: &ProposalQuery) -> ApiResult<Vec<ProposalView>> {
        let store = self.store();
        let rows = store.proposals(&sorkomp_store::ProposalQuery {
            status: q.status,
            kind: q.kind,
        })?;
        let org: HashMap<String, OrgUnit> = store
            .org_units()?
            .into_iter()
            .map(|u| (u.uuid.clone(), u))
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let sor = match &row.sor_id {
                Some(id) => store.sor_entity(id)?,
                None => None,
            };
            let view = proposal_view(row, &org, sor.as_ref());
            if let Some(text) = q
                .text
                .as_deref()
                .map(str::to_lowercase)
                .filter(|t| !t.is_empty())
            {
                if !view_matches(&view, &text) {
                    continue;
                }
            }
            out.push(view);
        }
        Ok(out)
    }

    fn proposal(&self, id: i64) -> ApiResult<ProposalView> {
        let store = self.store();
        let row = store.proposal(id)?;
        let org: HashMap<String, OrgUnit> = match &row.org_uuid {
            Some(uuid) => store
                .org_units()?
                .into_iter()
                .filter(|u| &u.uuid == uuid)
                .map(|u| (u.uuid.clone(), u))
                .collect(),
            None => HashMap::new(),
        };
        let sor = match &row.sor_id {
            Some(id) => store.sor_entity(id)?,
            None => None,
        };
        Ok(proposal_view(row, &org, sor.as_ref()))
    }

    pub fn approve(&self, id: i64) -> ApiResult<ProposalView> {
        self.decide(id, true, None)
    }

    pub fn reject(&self, id: i64, reason: Option<String>) -> ApiResult<ProposalView> {
        self.decide(id, false, reason)
    }

    fn decide(&self, id: i64, approve: bool, reason: Option<String>) -> ApiResult<ProposalView> {
        let now = self.now();
        let who = self.who()?;
        self.store()
            .decide(id, approve, reason.as_deref(), &who, "user", &now)?;
        self.proposal(id)
    }

    /// Links an ORG unit to a SOR entity by hand (wins over the matcher).
    pub fn link(&self, org_uuid: &str, sor_id: &str) -> ApiResult<()> {
        let now = self.now();
        let who = self.who()?;
        self.store()
            .link_manual(org_uuid.trim(), sor_id.trim(), &who, &now)?;
        Ok(())
    }

    pub fn log(&self, q: &LogQuery) -> ApiResult<Vec<LogEntry>> {
        Ok(self.store().log(&decisions::store_log_query(q)?)?)
    }

    /// Writes the whole change log to `out` (atomically: a temp file renamed into place).
    pub fn export_log(&self, format: ExportFormat, out: &Path) -> ApiResult<ExportReport> {
        let entries = self.store().log_all()?;
        let head_hash = sorkomp_store::verify_chain(&entries)?;
        export::write_log(format, &entries, &head_hash, out)?;
        Ok(ExportReport {
            path: out.display().to_string(),
            rows: entries.len() as u32,
            head_hash,
        })
    }

    pub fn stats(&self) -> ApiResult<Stats> {
        let store = self.store();
        let sor = store.sor_counts()?;
        let (active, inactive) = store.org_counts()?;
        let mut proposals: std::collections::BTreeMap<
            String,
            std::collections::BTreeMap<String, u32>,
        > = Default::default();
        for kind in ProposalKind::ALL {
            let per = proposals.entry(kind.as_str().to_owned()).or_default();
            for status in ProposalStatus::ALL {
                per.insert(status.as_str().to_owned(), 0);
            }
        }
        for (kind, status, n) in store.proposal_counts()? {
            proposals.entry(kind).or_default().insert(status, n as u32);
        }
        Ok(Stats {
            sor_owners: *sor.get("owner").unwrap_or(&0) as u32,
            sor_institutions: *sor.get("institution").unwrap_or(&0) as u32,
            sor_units: *sor.get("unit").unwrap_or(&0) as u32,
            org_active: active as u32,
            org_inactive: inactive as u32,
            links: store.links()?.len() as u32,
            proposals,
            log_rows: store.count("change_log")? as u32,
        })
    }

    pub fn overview(&self) -> ApiResult<Overview> {
        let stats = self.stats()?;
        let who = self.who()?;
        let store = self.store();
        let cvr = store.setting("municipality_cvr")?;
        let name = match store.setting("municipality_sor_owner")? {
            Some(owner) => store.sor_entity(&owner)?.map(|e| e.name),
            None => None,
        };
        Ok(Overview {
            municipality_cvr: cvr,
            municipality_name: name,
            who,
            last_sor_import: store.setting("last_sor_import")?,
            last_org_import: store.setting("last_org_import")?,
            stats,
        })
    }

    pub fn sor_entities(&self, q: &DataQuery) -> ApiResult<Vec<SorRow>> {
        let store = self.store();
        let owner = if q.only_municipality {
            store.setting("municipality_sor_owner")?
        } else {
            None
        };
        if q.only_municipality && owner.is_none() {
            return Ok(Vec::new());
        }
        let linked: HashMap<String, String> = store
            .links()?
            .into_iter()
            .map(|l| (l.sor_id, l.org_uuid))
            .collect();
        let rows = store.search_sor(
            q.text.as_deref(),
            owner.as_deref(),
            q.limit.unwrap_or(500),
            q.offset.unwrap_or(0),
        )?;
        Ok(rows
            .into_iter()
            .map(|e| {
                let org = linked.get(&e.sor_id).cloned();
                sor_row(e, org)
            })
            .collect())
    }

    pub fn org_units(&self, q: &DataQuery) -> ApiResult<Vec<OrgRow>> {
        let store = self.store();
        let linked: HashMap<String, String> = store
            .links()?
            .into_iter()
            .map(|l| (l.org_uuid, l.sor_id))
            .collect();
        let units = store.org_units()?;
        let facts = quality::QualityFacts::read(&store)?;
        drop(store);
        // The same tasks as the "Klargør data" list and the detail pane.
        let mut quality: HashMap<String, Vec<String>> = HashMap::new();
        for task in quality::quality_tasks_of(&units, &facts) {
            quality.entry(task.org_uuid).or_default().push(task.problem);
        }
        let text = q
            .text
            .as_deref()
            .map(str::to_lowercase)
            .filter(|t| !t.is_empty());
        Ok(units
            .into_iter()
            .filter(|u| match &text {
                Some(t) => u.name.to_lowercase().contains(t) || u.uuid.contains(t.as_str()),
                None => true,
            })
            .skip(q.offset.unwrap_or(0) as usize)
            .take(q.limit.unwrap_or(u32::MAX) as usize)
            .map(|u| OrgRow {
                address: u.postal().map(|a| a.text.clone()),
                kle: u
                    .kle
                    .iter()
                    .map(|k| format!("{} {}", k.number, k.title))
                    .collect(),
                sor_code: u.sor_code().map(str::to_owned),
                linked_sor: linked.get(&u.uuid).cloned(),
                quality: quality.remove(&u.uuid).unwrap_or_default(),
                uuid: u.uuid,
                name: u.name,
                parent_uuid: u.parent_uuid,
                status: u.status,
            })
            .collect())
    }

    /// Loads the bundled demo municipality (Korsbæk) and runs the matcher.
    pub fn load_demo(&self) -> ApiResult<MatchReport> {
        demo::load(self)
    }

    /// True when the database holds no municipality yet (the window then loads the demo).
    pub fn is_empty(&self) -> ApiResult<bool> {
        Ok(self.store().setting("municipality_cvr")?.is_none())
    }
}

fn sor_row(e: SorEntity, linked_org: Option<String>) -> SorRow {
    SorRow {
        linked_org,
        address: e.postal_address.as_ref().map(|a| a.one_line()),
        address_inherited: e.postal_inherited,
        sor_id: e.sor_id,
        level: e.level,
        parent_id: e.parent_id,
        name: e.name,
        type_code: e.type_code,
        ean: e.ean,
        from_date: e.from_date,
        to_date: e.to_date,
    }
}

fn org_side(u: &OrgUnit) -> OrgSide {
    OrgSide {
        uuid: u.uuid.clone(),
        name: u.name.clone(),
        address: u.postal().map(|a| a.text.clone()),
        kle: u
            .kle
            .iter()
            .map(|k| format!("{} {}", k.number, k.title))
            .collect(),
        status: u.status,
    }
}

fn sor_side(e: &SorEntity) -> SorSide {
    SorSide {
        sor_id: e.sor_id.clone(),
        name: e.name.clone(),
        address: e.postal_address.as_ref().map(|a| a.one_line()),
        type_code: e.type_code.clone(),
        to_date: e.to_date.clone(),
    }
}

fn proposal_view(
    row: sorkomp_store::ProposalRow,
    org: &HashMap<String, OrgUnit>,
    sor: Option<&SorEntity>,
) -> ProposalView {
    ProposalView {
        org: row.org_uuid.as_ref().and_then(|u| org.get(u)).map(org_side),
        sor: sor.map(sor_side),
        id: row.id,
        kind: row.kind,
        status: row.status,
        org_uuid: row.org_uuid,
        sor_id: row.sor_id,
        score: row.score,
        explanation: row.explanation,
        changes: row.changes,
        new_unit: row.new_unit,
        created_at: row.created_at,
        decided_at: row.decided_at,
        decided_by: row.decided_by,
        reason: row.reason,
    }
}

fn view_matches(v: &ProposalView, text: &str) -> bool {
    let mut hay: Vec<&str> = vec![kind_da(v.kind)];
    if let Some(o) = &v.org {
        hay.push(&o.name);
        hay.push(&o.uuid);
        if let Some(a) = &o.address {
            hay.push(a);
        }
    }
    if let Some(s) = &v.sor {
        hay.push(&s.name);
        hay.push(&s.sor_id);
        if let Some(a) = &s.address {
            hay.push(a);
        }
    }
    hay.iter().any(|h| h.to_lowercase().contains(text))
}
