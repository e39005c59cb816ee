//! Importing a SOR snapshot: the next snapshot is built in `sor_entity_next` inside one
//! transaction, compared with the current one, and swapped in. Until `finish` commits, readers
//! see the previous snapshot; a failed or abandoned import leaves it untouched.

use std::collections::HashMap;

use rusqlite::{params, Transaction};
use serde::Serialize;
use sorkomp_model::{SnapshotChange, SorEntity};

use crate::change_log::{append, NewLogEntry};
use crate::{Result, Store, StoreError};

const NEXT_TABLE_DDL: &str = "
    DROP TABLE IF EXISTS sor_entity_next;
    CREATE TABLE sor_entity_next (
        sor_id TEXT NOT NULL, level TEXT NOT NULL, parent_id TEXT, owner_id TEXT NOT NULL,
        name TEXT NOT NULL, type_code TEXT, cvr TEXT, postcode TEXT, to_date TEXT, data TEXT NOT NULL
    );";

/// The same indexes as migration 0001 creates on `sor_entity`.
const SOR_ENTITY_INDEXES: &str = "
    CREATE UNIQUE INDEX sor_entity_id ON sor_entity(sor_id);
    CREATE INDEX sor_entity_owner ON sor_entity(owner_id);
    CREATE INDEX sor_entity_parent ON sor_entity(parent_id);";

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SorImportSummary {
    pub entities: u64,
    pub owners: u64,
    pub institutions: u64,
    pub units: u64,
    pub appeared: u64,
    pub disappeared: u64,
    pub changed: u64,
    /// True when the new snapshot equals the previous one (nothing was written but a log row).
    pub unchanged: bool,
    /// Changes inside the municipality's subtree (each also written to the change log).
    pub municipality_changes: Vec<SnapshotChange>,
}

/// An import in progress. Dropping it without `finish` rolls everything back.
pub struct SorImport<'a> {
    tx: Transaction<'a>,
    summary: SorImportSummary,
}

impl Store {
    pub fn begin_sor_import(&mut self) -> Result<SorImport<'_>> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(NEXT_TABLE_DDL)?;
        Ok(SorImport {
            tx,
            summary: SorImportSummary::default(),
        })
    }
}

impl SorImport<'_> {
    pub fn add(&mut self, e: &SorEntity) -> Result<()> {
        let level = e.level.map(|l| l.as_str()).unwrap_or("unit");
        match level {
            "owner" => self.summary.owners += 1,
            "institution" => self.summary.institutions += 1,
            _ => self.summary.units += 1,
        }
        self.summary.entities += 1;
        let postcode = e
            .postal_address
            .as_ref()
            .and_then(|a| a.postcode.as_deref());
        let data = serde_json::to_string(e)?;
        self.tx
            .prepare_cached(
                "INSERT INTO sor_entity_next(sor_id, level, parent_id, owner_id, name, type_code, cvr, postcode, to_date, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![e.sor_id, level, e.parent_id, e.owner_id, e.name, e.type_code, e.cvr, postcode, e.to_date, data])?;
        Ok(())
    }

    /// Compares with the current snapshot, logs the changes (source `sync`), swaps the new
    /// snapshot in and commits. `municipality_owner` selects whose changes are logged one by one;
    /// changes elsewhere in the country are counted in the summary row.
    pub fn finish(
        mut self,
        now: &str,
        who: &str,
        source_label: &str,
        municipality_owner: Option<&str>,
    ) -> Result<SorImportSummary> {
        let tx = &self.tx;
        let duplicates: Option<String> = tx
            .query_row(
                "SELECT sor_id FROM sor_entity_next GROUP BY sor_id HAVING count(*) > 1 LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        if let Some(id) = duplicates {
            return Err(StoreError::Conflict(format!("SOR-id {id} forekommer flere gange i filen; importen er afbrudt og de tidligere data er bevaret.")));
        }
        tx.execute_batch("CREATE UNIQUE INDEX sor_entity_next_id ON sor_entity_next(sor_id);")?;
        let previous: i64 = tx.query_row("SELECT count(*) FROM sor_entity", [], |r| r.get(0))?;

        let (appeared, disappeared, changed) = diff(tx, municipality_owner)?;
        self.summary.appeared = appeared.total;
        self.summary.disappeared = disappeared.total;
        self.summary.changed = changed.total;
        self.summary.unchanged =
            previous > 0 && appeared.total + disappeared.total + changed.total == 0;

        let mut changes = appeared.local;
        changes.extend(disappeared.local);
        changes.extend(changed.local);
        if previous > 0 {
            for c in &changes {
                let before = c.before.as_ref().map(|v| v.to_string());
                let after = c.after.as_ref().map(|v| v.to_string());
                let summary = describe_sor_change(c);
                append(
                    tx,
                    &NewLogEntry {
                        at: now,
                        source: "sync",
                        who,
                        action: &c.what,
                        entity_kind: "sor",
                        entity_id: &c.entity_id,
                        summary: &summary,
                        before: before.as_deref(),
                        after: after.as_deref(),
                    },
                )?;
            }
        }
        self.summary.municipality_changes = changes;

        if self.summary.unchanged {
            tx.execute_batch("DROP TABLE sor_entity_next;")?;
        } else {
            tx.execute_batch("DROP TABLE sor_entity; ALTER TABLE sor_entity_next RENAME TO sor_entity; DROP INDEX sor_entity_next_id;")?;
            tx.execute_batch(SOR_ENTITY_INDEXES)?;
        }
        let s = &self.summary;
        let summary = if s.unchanged {
            format!(
                "SOR-import fra {source_label}: uændret ({} enheder)",
                s.entities
            )
        } else {
            format!(
                "SOR-import fra {source_label}: {} enheder ({} ejere, {} institutioner, {} organisatoriske enheder); {} nye, {} forsvundne, {} ændrede",
                s.entities, s.owners, s.institutions, s.units, s.appeared, s.disappeared, s.changed
            )
        };
        append(
            tx,
            &NewLogEntry {
                at: now,
                source: "sync",
                who,
                action: "sor_import",
                entity_kind: "snapshot",
                entity_id: "sor",
                summary: &summary,
                before: None,
                after: None,
            },
        )?;
        self.tx.commit()?;
        Ok(self.summary)
    }
}

#[derive(Default)]
struct DiffPart {
    total: u64,
    local: Vec<SnapshotChange>,
}

fn diff(
    tx: &Transaction,
    municipality_owner: Option<&str>,
) -> Result<(DiffPart, DiffPart, DiffPart)> {
    let owner = municipality_owner.unwrap_or("");
    let mut appeared = DiffPart::default();
    let mut stmt = tx.prepare(
        "SELECT n.sor_id, n.owner_id = ?1, n.data FROM sor_entity_next n
         WHERE NOT EXISTS (SELECT 1 FROM sor_entity o WHERE o.sor_id = n.sor_id)",
    )?;
    let mut rows = stmt.query([owner])?;
    while let Some(r) = rows.next()? {
        appeared.total += 1;
        if r.get::<_, bool>(1)? {
            let data: String = r.get(2)?;
            appeared.local.push(SnapshotChange {
                register: "sor".into(),
                entity_id: r.get(0)?,
                what: "appeared".into(),
                before: None,
                after: Some(serde_json::from_str(&data)?),
            });
        }
    }
    let mut disappeared = DiffPart::default();
    let mut stmt = tx.prepare(
        "SELECT o.sor_id, o.owner_id = ?1, o.data FROM sor_entity o
         WHERE NOT EXISTS (SELECT 1 FROM sor_entity_next n WHERE n.sor_id = o.sor_id)",
    )?;
    let mut rows = stmt.query([owner])?;
    while let Some(r) = rows.next()? {
        disappeared.total += 1;
        if r.get::<_, bool>(1)? {
            let data: String = r.get(2)?;
            disappeared.local.push(SnapshotChange {
                register: "sor".into(),
                entity_id: r.get(0)?,
                what: "disappeared".into(),
                before: Some(serde_json::from_str(&data)?),
                after: None,
            });
        }
    }
    let mut changed = DiffPart::default();
    let mut stmt = tx.prepare(
        "SELECT n.sor_id, n.owner_id = ?1 OR o.owner_id = ?1, o.data, n.data FROM sor_entity_next n
         JOIN sor_entity o ON o.sor_id = n.sor_id WHERE o.data <> n.data",
    )?;
    let mut rows = stmt.query([owner])?;
    while let Some(r) = rows.next()? {
        changed.total += 1;
        if r.get::<_, bool>(1)? {
            let old: SorEntity = serde_json::from_str(&r.get::<_, String>(2)?)?;
            let new: SorEntity = serde_json::from_str(&r.get::<_, String>(3)?)?;
            changed.local.extend(classify_change(&old, &new)?);
        }
    }
    Ok((appeared, disappeared, changed))
}

/// One change event per aspect that changed: closed/reopened, renamed, moved, type_changed,
/// or "changed" when only other fields differ.
fn classify_change(old: &SorEntity, new: &SorEntity) -> Result<Vec<SnapshotChange>> {
    let mut out = Vec::new();
    let mut push = |what: &str, before: serde_json::Value, after: serde_json::Value| {
        out.push(SnapshotChange {
            register: "sor".into(),
            entity_id: new.sor_id.clone(),
            what: what.into(),
            before: Some(before),
            after: Some(after),
        })
    };
    if old.to_date.is_none() && new.to_date.is_some() {
        push(
            "closed",
            old.to_date.clone().into(),
            new.to_date.clone().into(),
        );
    } else if old.to_date.is_some() && new.to_date.is_none() {
        push(
            "reopened",
            old.to_date.clone().into(),
            new.to_date.clone().into(),
        );
    }
    if old.name != new.name {
        push("renamed", old.name.clone().into(), new.name.clone().into());
    }
    if old.postal_address != new.postal_address {
        let (before, after) = (
            serde_json::to_value(&old.postal_address)?,
            serde_json::to_value(&new.postal_address)?,
        );
        push("moved", before, after);
    }
    if old.type_code != new.type_code {
        push(
            "type_changed",
            old.type_code.clone().into(),
            new.type_code.clone().into(),
        );
    }
    if out.is_empty() {
        out.push(SnapshotChange {
            register: "sor".into(),
            entity_id: new.sor_id.clone(),
            what: "changed".into(),
            before: Some(serde_json::to_value(old)?),
            after: Some(serde_json::to_value(new)?),
        });
    }
    Ok(out)
}

fn describe_sor_change(c: &SnapshotChange) -> String {
    let name = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| v.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let text = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "(intet)".into(),
        Some(other) => serde_json::from_value::<sorkomp_model::Address>(other.clone())
            .map(|a| a.one_line())
            .unwrap_or_else(|_| other.to_string()),
    };
    match c.what.as_str() {
        "appeared" => format!(
            "SOR-enhed {} oprettet i SOR: {}",
            c.entity_id,
            name(&c.after)
        ),
        "disappeared" => format!(
            "SOR-enhed {} findes ikke længere i SOR-eksporten: {}",
            c.entity_id,
            name(&c.before)
        ),
        "closed" => format!("SOR-enhed {} lukket pr. {}", c.entity_id, text(&c.after)),
        "reopened" => format!("SOR-enhed {} genåbnet", c.entity_id),
        "renamed" => format!(
            "SOR-enhed {} omdøbt fra «{}» til «{}»",
            c.entity_id,
            text(&c.before),
            text(&c.after)
        ),
        "moved" => format!(
            "SOR-enhed {} flyttet fra {} til {}",
            c.entity_id,
            text(&c.before),
            text(&c.after)
        ),
        "type_changed" => format!(
            "SOR-enhed {} skiftede enhedstype fra {} til {}",
            c.entity_id,
            text(&c.before),
            text(&c.after)
        ),
        _ => format!("SOR-enhed {} ændret", c.entity_id),
    }
}

impl Store {
    /// Every SOR entity of the current snapshot.
    pub fn sor_entities(&self) -> Result<Vec<SorEntity>> {
        let mut stmt = self.conn.prepare("SELECT data FROM sor_entity")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for data in rows {
            out.push(serde_json::from_str(&data?)?);
        }
        Ok(out)
    }

    pub fn sor_entity(&self, sor_id: &str) -> Result<Option<SorEntity>> {
        use rusqlite::OptionalExtension;
        let data: Option<String> = self
            .conn
            .query_row(
                "SELECT data FROM sor_entity WHERE sor_id = ?1",
                [sor_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(match data {
            Some(d) => Some(serde_json::from_str(&d)?),
            None => None,
        })
    }

    /// SOR entities whose name, id or postcode contains `text` (case-insensitive), optionally
    /// only under `owner_id`; sorted by owner, then name.
    pub fn search_sor(
        &self,
        text: Option<&str>,
        owner_id: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<SorEntity>> {
        let pattern = format!("%{}%", text.unwrap_or("").to_lowercase());
        let mut stmt = self.conn.prepare(
            "SELECT data FROM sor_entity
             WHERE (?1 = '%%' OR lower(name) LIKE ?1 OR sor_id LIKE ?1 OR postcode LIKE ?1)
               AND (?2 IS NULL OR owner_id = ?2)
             ORDER BY owner_id, level, name LIMIT ?3 OFFSET ?4",
        )?;
        let rows = stmt.query_map(params![pattern, owner_id, limit, offset], |r| {
            r.get::<_, String>(0)
        })?;
        let mut out = Vec::new();
        for data in rows {
            out.push(serde_json::from_str(&data?)?);
        }
        Ok(out)
    }

    /// The owner whose CVR is `cvr` (SOR v2 carries it), if any.
    pub fn sor_owner_by_cvr(&self, cvr: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT sor_id FROM sor_entity WHERE level = 'owner' AND cvr = ?1 LIMIT 1",
                [cvr],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Number of entities by level, for statistics.
    pub fn sor_counts(&self) -> Result<HashMap<String, i64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT level, count(*) FROM sor_entity GROUP BY level")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
