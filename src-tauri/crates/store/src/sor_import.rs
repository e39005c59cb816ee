//! Importing a SOR snapshot: the next snapshot is written to a file of its own
//! ([`crate::sor_snapshot`]), compared with the current one, and named the current one in the
//! transaction that logs the changes. Until then, readers see the previous snapshot; a failed or
//! abandoned import deletes its file and leaves the previous snapshot untouched.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{params, Transaction};
use serde::Serialize;
use sorkomp_model::{SnapshotChange, SorEntity};

use crate::change_log::{append, NewLogEntry};
use crate::sor_snapshot::{SnapshotWriter, NEXT_CACHE_KIB};
use crate::{Result, Store, StoreError};

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
    /// Changes inside the municipality's subtree (each also written to the change log); empty
    /// on the first import into an empty cache, where everything is new.
    pub municipality_changes: Vec<SnapshotChange>,
}

/// An import in progress. It writes a file of its own and needs the store only at `finish`, so
/// the store stays free for other work (the administrator's decisions) while a file is read.
/// Dropping it without `finish` deletes the file it was writing.
pub struct SorImport {
    next: SnapshotWriter,
    summary: SorImportSummary,
    /// The encoded entity, reused between rows.
    data: Vec<u8>,
}

impl Store {
    pub fn begin_sor_import(&self) -> Result<SorImport> {
        Ok(SorImport {
            next: self.start_snapshot_file()?,
            summary: SorImportSummary::default(),
            data: Vec::with_capacity(1024),
        })
    }
}

impl SorImport {
    pub fn add(&mut self, e: &SorEntity) -> Result<()> {
        self.add_all(std::slice::from_ref(e))
    }

    /// Adds entities in file order, with one prepared statement for all of them.
    pub fn add_all(&mut self, entities: &[SorEntity]) -> Result<()> {
        let mut insert = self.next.conn().prepare_cached(
            "INSERT INTO sor_entity(sor_id, level, parent_id, owner_id, name, cvr, postcode, data)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for e in entities {
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
            codec::encode(e, &mut self.data);
            let inserted = insert.execute(params![
                e.sor_id,
                level,
                e.parent_id,
                e.owner_id,
                e.name,
                e.cvr,
                postcode,
                self.data
            ]);
            match inserted {
                Err(err)
                    if err.sqlite_error_code()
                        == Some(rusqlite::ErrorCode::ConstraintViolation) =>
                {
                    return Err(StoreError::Conflict(format!(
                        "SOR-id {} forekommer flere gange i filen; importen er afbrudt og de tidligere data er bevaret.",
                        e.sor_id
                    )));
                }
                other => other?,
            };
        }
        Ok(())
    }

    /// Writes the new snapshot to disk, compares it with the current one, logs the changes
    /// (source `sync`), makes it the current one and deletes the previous one.
    /// `municipality_owner` selects whose changes are logged one by one; changes elsewhere in
    /// the country are counted in the summary row.
    pub fn finish(
        self,
        store: &mut Store,
        now: &str,
        who: &str,
        source_label: &str,
        municipality_owner: Option<&str>,
    ) -> Result<SorImportSummary> {
        let SorImport {
            next, mut summary, ..
        } = self;
        let next = next.complete()?;
        store.attach_as(next.path(), "sor_next", NEXT_CACHE_KIB)?;
        // The previous file is deleted once the new one is named, so the naming must survive
        // a power cut: this one commit waits for the disk (`synchronous=NORMAL` in WAL mode
        // would let the last commits roll back then).
        let committed = store
            .conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::from)
            .and_then(|()| {
                compare_and_log(
                    store,
                    &mut summary,
                    next.path(),
                    now,
                    who,
                    source_label,
                    municipality_owner,
                )
            });
        let restored = store.conn.pragma_update(None, "synchronous", "NORMAL");
        store.conn.flush_prepared_statement_cache();
        let detached = store.conn.execute_batch("DETACH DATABASE sor_next");
        committed?;
        restored?;
        detached?;
        if !summary.unchanged {
            store.switch_sor_snapshot(next)?;
        }
        Ok(summary)
    }
}

/// The part of [`SorImport::finish`] in one transaction of the main database, with the next
/// snapshot attached as `sor_next`.
fn compare_and_log(
    store: &mut Store,
    summary: &mut SorImportSummary,
    next: &std::path::Path,
    now: &str,
    who: &str,
    source_label: &str,
    municipality_owner: Option<&str>,
) -> Result<()> {
    let tx = store.conn.transaction()?;
    let had_snapshot: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM sor.sor_entity)", [], |r| {
            r.get(0)
        })?;

    // Into an empty cache (the first import) everything appeared and nothing is logged.
    let (appeared, disappeared, changed) = if !had_snapshot {
        let all = DiffPart {
            total: summary.entities,
            local: Vec::new(),
        };
        (all, DiffPart::default(), DiffPart::default())
    } else {
        diff(&tx, municipality_owner)?
    };
    summary.appeared = appeared.total;
    summary.disappeared = disappeared.total;
    summary.changed = changed.total;
    summary.unchanged = had_snapshot && appeared.total + disappeared.total + changed.total == 0;

    let mut changes = appeared.local;
    changes.extend(disappeared.local);
    changes.extend(changed.local);
    for c in &changes {
        let before = c.before.as_ref().map(|v| v.to_string());
        let after = c.after.as_ref().map(|v| v.to_string());
        let what = describe_sor_change(c);
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "sync",
                who,
                action: &c.what,
                entity_kind: "sor",
                entity_id: &c.entity_id,
                summary: &what,
                before: before.as_deref(),
                after: after.as_deref(),
            },
        )?;
    }
    summary.municipality_changes = changes;

    if !summary.unchanged {
        Store::record_sor_snapshot(&tx, next)?;
    }
    let s = &*summary;
    let line = if s.unchanged {
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
        &tx,
        &NewLogEntry {
            at: now,
            source: "sync",
            who,
            action: "sor_import",
            entity_kind: "snapshot",
            entity_id: "sor",
            summary: &line,
            before: None,
            after: None,
        },
    )?;
    tx.commit()?;
    Ok(())
}

/// The `data` column: a compact binary encoding of the whole `SorEntity` (written by every
/// import since schema 1 stored JSON text; rows still holding JSON text are read as JSON).
///
/// Layout, version byte first: strings as a varint length then UTF-8 bytes; an optional
/// string as 0 (absent) or length + 1; an optional address as 0 or 1 followed by its parts;
/// the five `*_inherited` flags in one byte; id lists as a count then strings. Every field is
/// named below, so a new field in `SorEntity` fails to compile until it is encoded.
/// Version 2 adds one thing: a visiting address inherited from the unit's own postal address
/// (SOR's rule for a missing one, most units) is the single byte 2 instead of a copy. Version 3
/// leaves out the SOR id, parent, owner and name, which the row holds as columns anyway
/// ([`Columns`]); decoding takes them from there.
mod codec {
    use sorkomp_model::{Address, SorEntity, SorLevel};

    pub const VERSION: u8 = 3;
    /// An address byte: the visiting address is the postal address (version 2).
    const SAME_AS_POSTAL: u8 = 2;

    pub fn encode(e: &SorEntity, out: &mut Vec<u8>) {
        encode_version(e, out, VERSION)
    }

    pub fn encode_version(e: &SorEntity, out: &mut Vec<u8>, version: u8) {
        let SorEntity {
            sor_id,
            level,
            parent_id,
            owner_id,
            name,
            type_code,
            ean,
            ean_inherited,
            shak,
            local_code,
            cvr,
            postal_address,
            postal_inherited,
            visiting_address,
            visiting_inherited,
            activity_address,
            phone,
            email,
            website,
            telecom_inherited,
            from_date,
            to_date,
            updated_at,
            first_from_date,
            replaces,
            replaced_by,
        } = e;
        out.clear();
        out.push(version);
        out.push(match level {
            None => 0,
            Some(SorLevel::Owner) => 1,
            Some(SorLevel::Institution) => 2,
            Some(SorLevel::Unit) => 3,
        });
        out.push(
            u8::from(*ean_inherited)
                | u8::from(*postal_inherited) << 1
                | u8::from(*visiting_inherited) << 2
                | u8::from(*telecom_inherited) << 3,
        );
        if version < 3 {
            put_str(out, sor_id);
            put_opt(out, parent_id);
            put_str(out, owner_id);
            put_str(out, name);
        }
        for s in [type_code, ean, shak, local_code, cvr] {
            put_opt(out, s);
        }
        put_address(out, postal_address);
        if version >= 2 && *visiting_inherited && visiting_address == postal_address {
            out.push(SAME_AS_POSTAL);
        } else {
            put_address(out, visiting_address);
        }
        put_address(out, activity_address);
        for s in [
            phone,
            email,
            website,
            from_date,
            to_date,
            updated_at,
            first_from_date,
        ] {
            put_opt(out, s);
        }
        for list in [replaces, replaced_by] {
            put_len(out, list.len());
            for s in list {
                put_str(out, s);
            }
        }
    }

    /// The row's own columns, which version 3 does not repeat in the encoding.
    pub struct Columns {
        pub sor_id: String,
        pub parent_id: Option<String>,
        pub owner_id: String,
        pub name: String,
    }

    pub fn decode(bytes: &[u8], columns: Columns) -> Option<SorEntity> {
        let mut r = Reader { bytes };
        let version = r.byte()?;
        if !(1..=VERSION).contains(&version) {
            return None;
        }
        let level = match r.byte()? {
            0 => None,
            1 => Some(SorLevel::Owner),
            2 => Some(SorLevel::Institution),
            3 => Some(SorLevel::Unit),
            _ => return None,
        };
        let flags = r.byte()?;
        let (sor_id, parent_id, owner_id, name) = if version < 3 {
            (r.string()?, r.opt()?, r.string()?, r.string()?)
        } else {
            let Columns {
                sor_id,
                parent_id,
                owner_id,
                name,
            } = columns;
            (sor_id, parent_id, owner_id, name)
        };
        let type_code = r.opt()?;
        let ean = r.opt()?;
        let shak = r.opt()?;
        let local_code = r.opt()?;
        let cvr = r.opt()?;
        let postal_address = r.address()?;
        let visiting_address = if r.bytes.first() == Some(&SAME_AS_POSTAL) {
            r.byte()?;
            postal_address.clone()
        } else {
            r.address()?
        };
        let e = SorEntity {
            sor_id,
            level,
            parent_id,
            owner_id,
            name,
            type_code,
            ean,
            ean_inherited: flags & 1 != 0,
            shak,
            local_code,
            cvr,
            postal_address,
            postal_inherited: flags & 2 != 0,
            visiting_address,
            visiting_inherited: flags & 4 != 0,
            activity_address: r.address()?,
            phone: r.opt()?,
            email: r.opt()?,
            website: r.opt()?,
            telecom_inherited: flags & 8 != 0,
            from_date: r.opt()?,
            to_date: r.opt()?,
            updated_at: r.opt()?,
            first_from_date: r.opt()?,
            replaces: r.list()?,
            replaced_by: r.list()?,
        };
        r.bytes.is_empty().then_some(e)
    }

    fn put_len(out: &mut Vec<u8>, mut n: usize) {
        while n >= 0x80 {
            out.push((n as u8) | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }

    fn put_str(out: &mut Vec<u8>, s: &str) {
        put_len(out, s.len());
        out.extend_from_slice(s.as_bytes());
    }

    fn put_opt(out: &mut Vec<u8>, s: &Option<String>) {
        match s {
            None => out.push(0),
            Some(s) => {
                put_len(out, s.len() + 1);
                out.extend_from_slice(s.as_bytes());
            }
        }
    }

    fn put_address(out: &mut Vec<u8>, a: &Option<Address>) {
        let Some(Address {
            street,
            number,
            floor,
            door,
            postcode,
            city,
            municipality_code,
        }) = a
        else {
            out.push(0);
            return;
        };
        out.push(1);
        put_str(out, street);
        for s in [number, floor, door, postcode, city, municipality_code] {
            put_opt(out, s);
        }
    }

    struct Reader<'a> {
        bytes: &'a [u8],
    }

    impl Reader<'_> {
        fn byte(&mut self) -> Option<u8> {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            Some(b)
        }

        fn len(&mut self) -> Option<usize> {
            let mut n = 0usize;
            for shift in (0..64).step_by(7) {
                let b = self.byte()?;
                n |= usize::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return Some(n);
                }
            }
            None
        }

        fn take(&mut self, n: usize) -> Option<String> {
            if n > self.bytes.len() {
                return None;
            }
            let (s, rest) = self.bytes.split_at(n);
            self.bytes = rest;
            String::from_utf8(s.to_vec()).ok()
        }

        fn string(&mut self) -> Option<String> {
            let n = self.len()?;
            self.take(n)
        }

        fn opt(&mut self) -> Option<Option<String>> {
            match self.len()? {
                0 => Some(None),
                n => self.take(n - 1).map(Some),
            }
        }

        fn address(&mut self) -> Option<Option<Address>> {
            match self.byte()? {
                0 => Some(None),
                1 => Some(Some(Address {
                    street: self.string()?,
                    number: self.opt()?,
                    floor: self.opt()?,
                    door: self.opt()?,
                    postcode: self.opt()?,
                    city: self.opt()?,
                    municipality_code: self.opt()?,
                })),
                _ => None,
            }
        }

        fn list(&mut self) -> Option<Vec<String>> {
            let n = self.len()?;
            (0..n).map(|_| self.string()).collect()
        }
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
    // `data` is read only for the municipality's rows: the rest of the country is counted.
    let mut appeared = DiffPart::default();
    let mut stmt = tx.prepare(
        "SELECT n.sor_id, n.parent_id, n.owner_id, n.name, CASE WHEN n.owner_id = ?1 THEN n.data END
         FROM sor_next.sor_entity n
         WHERE NOT EXISTS (SELECT 1 FROM sor.sor_entity o WHERE o.sor_id = n.sor_id)",
    )?;
    let mut rows = stmt.query([owner])?;
    while let Some(r) = rows.next()? {
        appeared.total += 1;
        if let Some(entity) = entity_at_opt(r, 0)? {
            appeared.local.push(SnapshotChange {
                register: "sor".into(),
                entity_id: r.get(0)?,
                what: "appeared".into(),
                before: None,
                after: Some(serde_json::to_value(entity)?),
            });
        }
    }
    let mut disappeared = DiffPart::default();
    let mut stmt = tx.prepare(
        "SELECT o.sor_id, o.parent_id, o.owner_id, o.name, CASE WHEN o.owner_id = ?1 THEN o.data END
         FROM sor.sor_entity o
         WHERE NOT EXISTS (SELECT 1 FROM sor_next.sor_entity n WHERE n.sor_id = o.sor_id)",
    )?;
    let mut rows = stmt.query([owner])?;
    while let Some(r) = rows.next()? {
        disappeared.total += 1;
        if let Some(entity) = entity_at_opt(r, 0)? {
            disappeared.local.push(SnapshotChange {
                register: "sor".into(),
                entity_id: r.get(0)?,
                what: "disappeared".into(),
                before: Some(serde_json::to_value(entity)?),
                after: None,
            });
        }
    }
    // A row written as JSON (before the binary encoding) or in an earlier binary version never
    // equals its successor byte for byte, so those pairs are compared as entities.
    let mut changed = DiffPart::default();
    let mut stmt = tx.prepare(&format!(
        "SELECT n.owner_id = ?1 OR o.owner_id = ?1,
                typeof(o.data) = 'text' OR substr(o.data, 1, 1) <> substr(n.data, 1, 1),
                {}, {}
         FROM sor_next.sor_entity n JOIN sor.sor_entity o ON o.sor_id = n.sor_id
         WHERE o.data <> n.data OR o.name <> n.name OR o.owner_id <> n.owner_id
            OR o.parent_id IS NOT n.parent_id",
        entity_columns("o"),
        entity_columns("n")
    ))?;
    let mut rows = stmt.query([owner])?;
    while let Some(r) = rows.next()? {
        let local: bool = r.get(0)?;
        let legacy: bool = r.get(1)?;
        if !local && !legacy {
            changed.total += 1;
            continue;
        }
        let old = entity_at(r, 2)?;
        let new = entity_at(r, 7)?;
        if legacy && old == new {
            continue;
        }
        changed.total += 1;
        if local {
            changed.local.extend(classify_change(&old, &new)?);
        }
    }
    Ok((appeared, disappeared, changed))
}

/// The columns an entity is read from, in this order (for [`entity_at`]); `alias` is a table
/// alias or "".
fn entity_columns(alias: &str) -> String {
    let p = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    format!("{p}sor_id, {p}parent_id, {p}owner_id, {p}name, {p}data")
}

/// The entity in the [`entity_columns`] starting at column `first`: the binary encoding, or
/// JSON text from before it.
fn entity_at(row: &rusqlite::Row<'_>, first: usize) -> Result<SorEntity> {
    entity_at_opt(row, first)?
        .ok_or_else(|| StoreError::Json(serde::de::Error::custom("en SOR-enhed mangler sine data")))
}

/// As [`entity_at`], but `None` when the `data` column is NULL.
fn entity_at_opt(row: &rusqlite::Row<'_>, first: usize) -> Result<Option<SorEntity>> {
    let columns = || -> rusqlite::Result<codec::Columns> {
        Ok(codec::Columns {
            sor_id: row.get(first)?,
            parent_id: row.get(first + 1)?,
            owner_id: row.get(first + 2)?,
            name: row.get(first + 3)?,
        })
    };
    match row.get_ref(first + 4)? {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(b) => codec::decode(b, columns()?).map(Some).ok_or_else(|| {
            StoreError::Json(serde::de::Error::custom(
                "en SOR-enhed er gemt i et ukendt format",
            ))
        }),
        ValueRef::Text(t) => Ok(Some(serde_json::from_slice(t)?)),
        _ => Err(StoreError::Json(serde::de::Error::custom(
            "en SOR-enhed er gemt i et ukendt format",
        ))),
    }
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
    /// Removes a setting (e.g. the last SOR download error once a download succeeds).
    pub fn remove_setting(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM setting WHERE key = ?1", [key])?;
        Ok(())
    }

    /// The entities of the current snapshot that `rest` (a WHERE and ORDER BY clause, or "")
    /// selects, with `params` bound.
    pub(crate) fn select_sor(
        &self,
        rest: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<SorEntity>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM sor_entity {rest}",
            entity_columns("")
        ))?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(entity_at(r, 0)?);
        }
        Ok(out)
    }

    /// Every SOR entity of the current snapshot.
    pub fn sor_entities(&self) -> Result<Vec<SorEntity>> {
        self.select_sor("", [])
    }

    pub fn sor_entity(&self, sor_id: &str) -> Result<Option<SorEntity>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM sor_entity WHERE sor_id = ?1",
            entity_columns("")
        ))?;
        let mut rows = stmt.query([sor_id])?;
        match rows.next()? {
            Some(r) => Ok(Some(entity_at(r, 0)?)),
            None => Ok(None),
        }
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
        // With an owner the index is searched for its subtree (a municipality's few thousand
        // rows) instead of walked for the whole country's.
        let owner_filter = if owner_id.is_some() {
            "owner_id = ?2"
        } else {
            "?2 IS NULL"
        };
        self.select_sor(
            &format!(
                "WHERE (?1 = '%%' OR lower(name) LIKE ?1 OR sor_id LIKE ?1 OR postcode LIKE ?1)
                   AND {owner_filter}
                 ORDER BY owner_id, level, name LIMIT ?3 OFFSET ?4"
            ),
            params![pattern, owner_id, limit, offset],
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use sorkomp_model::{Address, SorLevel};

    /// Imports `entities` as one snapshot, logging changes under `owner`.
    fn import(store: &mut Store, entities: &[SorEntity], owner: Option<&str>) -> SorImportSummary {
        let mut import = store.begin_sor_import().unwrap();
        import.add_all(entities).unwrap();
        import
            .finish(store, "2025-06-02T03:00:00Z", "test", "test", owner)
            .unwrap()
    }

    fn full() -> SorEntity {
        SorEntity {
            sor_id: "698471000016005".into(),
            level: Some(SorLevel::Unit),
            parent_id: Some("11000016002".into()),
            owner_id: "11000016002".into(),
            name: "Plejecenter Æblehaven – «Nord»".into(),
            type_code: Some("42665001".into()),
            ean: Some("5798000000001".into()),
            ean_inherited: true,
            shak: Some("1234ABC".into()),
            local_code: Some("L1".into()),
            cvr: Some("29189498".into()),
            postal_address: Some(Address {
                street: "Byvej".into(),
                number: Some("12".into()),
                floor: Some("st".into()),
                door: Some("tv".into()),
                postcode: Some("1234".into()),
                city: Some("Korsbæk".into()),
                municipality_code: Some("0101".into()),
            }),
            postal_inherited: false,
            visiting_address: Some(Address {
                street: "Landallé".into(),
                ..Address::default()
            }),
            visiting_inherited: true,
            activity_address: None,
            phone: Some("32123456".into()),
            email: Some("a@b.dk".into()),
            website: None,
            telecom_inherited: true,
            from_date: Some("2019-04-12".into()),
            to_date: None,
            updated_at: Some("2020-01-01".into()),
            first_from_date: Some("2001-01-01".into()),
            replaces: vec!["1".into(), "2".repeat(200)],
            replaced_by: vec![],
        }
    }

    #[test]
    fn the_binary_encoding_gives_back_every_field() {
        let long_name = SorEntity {
            name: "x".repeat(70_000),
            level: None,
            ..full()
        };
        for e in [
            full(),
            SorEntity::default(),
            long_name,
            visiting_is_postal(),
        ] {
            for version in 1..=codec::VERSION {
                let mut bytes = Vec::new();
                codec::encode_version(&e, &mut bytes, version);
                assert_eq!(
                    codec::decode(&bytes, columns_of(&e)).as_ref(),
                    Some(&e),
                    "an entity must survive the store unchanged (encoding version {version})"
                );
            }
        }
    }

    /// What the row's columns hold for `e`.
    fn columns_of(e: &SorEntity) -> codec::Columns {
        codec::Columns {
            sor_id: e.sor_id.clone(),
            parent_id: e.parent_id.clone(),
            owner_id: e.owner_id.clone(),
            name: e.name.clone(),
        }
    }

    /// SOR's rule for a missing visiting address: it is the postal one.
    fn visiting_is_postal() -> SorEntity {
        let e = full();
        SorEntity {
            visiting_address: e.postal_address.clone(),
            visiting_inherited: true,
            ..e
        }
    }

    #[test]
    fn an_inherited_visiting_address_is_not_stored_twice() {
        let (mut v1, mut v2) = (Vec::new(), Vec::new());
        codec::encode_version(&visiting_is_postal(), &mut v1, 1);
        codec::encode_version(&visiting_is_postal(), &mut v2, 2);
        assert!(
            v2.len() + 30 < v1.len(),
            "version 2 should drop the copied address: {} vs {} bytes",
            v2.len(),
            v1.len()
        );
    }

    #[test]
    fn a_snapshot_in_an_earlier_binary_encoding_reimports_unchanged() {
        for version in 1..codec::VERSION {
            let mut store = Store::open_in_memory().unwrap();
            let e = visiting_is_postal();
            let mut old = Vec::new();
            codec::encode_version(&e, &mut old, version);
            store
                .conn
                .execute(
                    "INSERT INTO sor_entity(sor_id, level, parent_id, owner_id, name, data)
                     VALUES (?1, 'unit', ?2, ?3, ?4, ?5)",
                    params![e.sor_id, e.parent_id, e.owner_id, e.name, old],
                )
                .unwrap();
            assert_eq!(store.sor_entity(&e.sor_id).unwrap().as_ref(), Some(&e));
            let summary = import(&mut store, std::slice::from_ref(&e), Some(&e.owner_id));
            assert!(
                summary.changed == 0 && summary.municipality_changes.is_empty(),
                "a new encoding (from version {version}) of the same entity is no change: {summary:?}"
            );
        }
    }

    #[test]
    fn a_rename_alone_is_a_change() {
        let mut store = Store::open_in_memory().unwrap();
        let e = full();
        for name in [e.name.clone(), "Plejecentret Æblehaven".to_string()] {
            let summary = import(
                &mut store,
                &[SorEntity { name, ..e.clone() }],
                Some(&e.owner_id),
            );
            if summary.appeared == 0 {
                let whats: Vec<_> = summary
                    .municipality_changes
                    .iter()
                    .map(|c| c.what.as_str())
                    .collect();
                assert_eq!(whats, ["renamed"], "{summary:?}");
            }
        }
        assert_eq!(
            store.sor_entity(&e.sor_id).unwrap().unwrap().name,
            "Plejecentret Æblehaven"
        );
    }

    #[test]
    fn search_finds_by_text_within_an_owner_or_the_whole_country() {
        let mut store = Store::open_in_memory().unwrap();
        let entities: Vec<SorEntity> = [
            ("1", "1", "Korsbæk Kommune"),
            ("2", "1", "Plejecenter Evigglad"),
            ("3", "3", "Anden Kommune"),
            ("4", "3", "Plejecenter Solsiden"),
        ]
        .into_iter()
        .map(|(id, owner, name)| SorEntity {
            sor_id: id.into(),
            owner_id: owner.into(),
            parent_id: (id != owner).then(|| owner.to_string()),
            name: name.into(),
            ..full()
        })
        .collect();
        import(&mut store, &entities, None);
        let ids = |text: Option<&str>, owner: Option<&str>| -> Vec<String> {
            let mut ids: Vec<String> = store
                .search_sor(text, owner, 100, 0)
                .unwrap()
                .into_iter()
                .map(|e| e.sor_id)
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(None, Some("1")), ["1", "2"], "the owner's subtree");
        assert_eq!(ids(None, None), ["1", "2", "3", "4"], "the whole country");
        assert_eq!(ids(Some("plejecenter"), None), ["2", "4"]);
        assert_eq!(ids(Some("Plejecenter"), Some("3")), ["4"]);
    }

    fn indexes_of_sor_entity(store: &Store) -> Vec<(String, bool)> {
        let mut stmt = store
            .conn
            .prepare("SELECT name, \"unique\" FROM pragma_index_list('sor_entity') ORDER BY name")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn every_snapshot_keeps_one_unique_id_index_and_refuses_duplicates() {
        let mut store = Store::open_in_memory().unwrap();
        for round in 0..3 {
            let entities: Vec<SorEntity> = (0..=round)
                .map(|n| SorEntity {
                    sor_id: format!("{}", 100 + n),
                    name: format!("Enhed {n} i runde {round}"),
                    ..full()
                })
                .collect();
            import(&mut store, &entities, None);
            let indexes = indexes_of_sor_entity(&store);
            assert_eq!(
                indexes.iter().filter(|(_, unique)| *unique).count(),
                1,
                "one unique index on sor_id after import {round}: {indexes:?}"
            );
            assert_eq!(indexes.len(), 3, "{indexes:?}");
        }
        let mut import = store.begin_sor_import().unwrap();
        import.add(&full()).unwrap();
        let err = import.add(&full()).unwrap_err();
        assert!(err.to_string().contains(&full().sor_id), "{err}");
        drop(import);
        assert_eq!(
            store.sor_entity("102").unwrap().unwrap().name,
            "Enhed 2 i runde 2",
            "the previous snapshot survives a refused import"
        );
    }

    #[test]
    fn damaged_data_is_an_error_not_a_panic() {
        let mut bytes = Vec::new();
        codec::encode(&full(), &mut bytes);
        for cut in 0..bytes.len() {
            assert!(
                codec::decode(&bytes[..cut], columns_of(&full())).is_none(),
                "a value cut after {cut} bytes must be refused"
            );
        }
        let mut store = Store::open_in_memory().unwrap();
        import(&mut store, &[full()], None);
        store
            .conn
            .execute("UPDATE sor_entity SET data = substr(data, 1, 5)", [])
            .unwrap();
        assert!(
            store.sor_entity(&full().sor_id).is_err(),
            "the store reports unreadable data"
        );
    }

    #[test]
    fn a_snapshot_stored_as_json_reads_and_reimports_unchanged() {
        let mut store = Store::open_in_memory().unwrap();
        let e = full();
        store
            .conn
            .execute(
                "INSERT INTO sor_entity(sor_id, level, parent_id, owner_id, name, data)
                 VALUES (?1, 'unit', ?2, ?3, ?4, ?5)",
                params![
                    e.sor_id,
                    e.parent_id,
                    e.owner_id,
                    e.name,
                    serde_json::to_string(&e).unwrap()
                ],
            )
            .unwrap();
        assert_eq!(
            store.sor_entity(&e.sor_id).unwrap().as_ref(),
            Some(&e),
            "rows written before the binary encoding still read"
        );
        let summary = import(&mut store, std::slice::from_ref(&e), Some(&e.owner_id));
        assert!(
            summary.unchanged && summary.changed == 0,
            "the same entity re-imported is no change, whatever the stored encoding: {summary:?}"
        );
    }
}
