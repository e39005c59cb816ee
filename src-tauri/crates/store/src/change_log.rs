//! The append-only change log. Each row's hash covers its fields and the previous row's hash, so
//! an edited or deleted row breaks the chain (`verify_chain`). Triggers forbid UPDATE and DELETE.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::{Result, Store, StoreError};

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewLogEntry<'a> {
    pub at: &'a str,
    /// "sync", "matcher", "user" or "rule".
    pub source: &'a str,
    pub who: &'a str,
    /// What happened, e.g. "approve", "reject", "link", "sor_import", "renamed".
    pub action: &'a str,
    /// "proposal", "link", "sor", "org", "snapshot", "setting".
    pub entity_kind: &'a str,
    pub entity_id: &'a str,
    /// One Danish sentence.
    pub summary: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// A row of the change log (also what the window and the exports carry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LogEntry {
    #[ts(type = "number")]
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    pub source: String,
    pub who: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl LogEntry {
    /// The hash this row must carry given its fields and `prev_hash`.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            &NewLogEntry {
                at: &self.at,
                source: &self.source,
                who: &self.who,
                action: &self.action,
                entity_kind: &self.entity_kind,
                entity_id: &self.entity_id,
                summary: &self.summary,
                before: self.before.as_deref(),
                after: self.after.as_deref(),
            },
        )
    }
}

/// Filter for reading the log; newest first.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub source: Option<String>,
    /// A unit's ORG uuid or SOR id: the rows about that unit (its own rows, the rows of the
    /// proposals and links that involve it).
    pub entity_id: Option<String>,
    /// Exact action, e.g. "approve", "undo", "sor_import".
    pub action: Option<String>,
    /// Case-insensitive substring of summary, action or entity id.
    pub text: Option<String>,
    /// Inclusive lower bound of `at` (RFC 3339, UTC, as stored).
    pub from: Option<String>,
    /// Exclusive upper bound of `at` (RFC 3339, UTC, as stored).
    pub to: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

impl LogQuery {
    /// The WHERE clause and its arguments.
    fn filter(&self) -> (String, Vec<String>) {
        let mut sql = String::from(" WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        if let Some(s) = &self.source {
            args.push(s.clone());
            sql.push_str(&format!(" AND source = ?{}", args.len()));
        }
        if let Some(s) = &self.entity_id {
            args.push(s.clone());
            let n = args.len();
            sql.push_str(&format!(
                " AND (entity_id = ?{n}
                   OR (entity_kind = 'proposal' AND entity_id IN
                       (SELECT CAST(id AS TEXT) FROM proposal WHERE org_uuid = ?{n} OR sor_id = ?{n}))
                   OR (entity_kind = 'link' AND (instr(coalesce(before, ''), ?{n}) > 0
                       OR instr(coalesce(after, ''), ?{n}) > 0)))"
            ));
        }
        if let Some(s) = &self.action {
            args.push(s.clone());
            sql.push_str(&format!(" AND action = ?{}", args.len()));
        }
        if let Some(s) = &self.text {
            args.push(format!("%{}%", s.to_lowercase()));
            let n = args.len();
            sql.push_str(&format!(
                " AND (lower(summary) LIKE ?{n} OR lower(action) LIKE ?{n} OR lower(entity_id) LIKE ?{n} OR lower(who) LIKE ?{n})"
            ));
        }
        if let Some(s) = &self.from {
            args.push(s.clone());
            sql.push_str(&format!(" AND at >= ?{}", args.len()));
        }
        if let Some(s) = &self.to {
            args.push(s.clone());
            sql.push_str(&format!(" AND at < ?{}", args.len()));
        }
        (sql, args)
    }
}

fn entry_hash(prev_hash: &str, e: &NewLogEntry) -> String {
    let mut h = Sha256::new();
    for field in [
        prev_hash,
        e.at,
        e.source,
        e.who,
        e.action,
        e.entity_kind,
        e.entity_id,
        e.summary,
        e.before.unwrap_or("\u{0}"),
        e.after.unwrap_or("\u{0}"),
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one event on `conn` (normally inside the caller's transaction).
pub(crate) fn append(conn: &Connection, e: &NewLogEntry) -> Result<i64> {
    let prev: String = conn
        .query_row(
            "SELECT hash FROM change_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_owned());
    let hash = entry_hash(&prev, e);
    conn.prepare_cached(
        "INSERT INTO change_log(at, source, who, action, entity_kind, entity_id, summary, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![e.at, e.source, e.who, e.action, e.entity_kind, e.entity_id, e.summary, e.before, e.after, prev, hash])?;
    Ok(conn.last_insert_rowid())
}

/// Checks that every row's hash matches its fields and chains to the previous row.
/// Returns the head hash (of the last row), or the genesis hash for an empty log.
pub fn verify_chain<'a>(entries: impl IntoIterator<Item = &'a LogEntry>) -> Result<String> {
    let mut prev = GENESIS_HASH.to_owned();
    for e in entries {
        if e.prev_hash != prev || e.expected_hash() != e.hash {
            return Err(StoreError::BrokenChain { id: e.id });
        }
        prev = e.hash.clone();
    }
    Ok(prev)
}

fn row_to_entry(r: &rusqlite::Row) -> rusqlite::Result<LogEntry> {
    Ok(LogEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        source: r.get(2)?,
        who: r.get(3)?,
        action: r.get(4)?,
        entity_kind: r.get(5)?,
        entity_id: r.get(6)?,
        summary: r.get(7)?,
        before: r.get(8)?,
        after: r.get(9)?,
        prev_hash: r.get(10)?,
        hash: r.get(11)?,
    })
}

/// One event by its id, on `conn` (normally inside the caller's transaction).
pub(crate) fn entry_on(conn: &Connection, id: i64) -> Result<Option<LogEntry>> {
    Ok(conn
        .query_row(
            &format!("SELECT {LOG_COLUMNS} FROM change_log WHERE id = ?1"),
            [id],
            row_to_entry,
        )
        .optional()?)
}

const LOG_COLUMNS: &str =
    "id, at, source, who, action, entity_kind, entity_id, summary, before, after, prev_hash, hash";

impl Store {
    /// Appends one event outside any other change (e.g. a setting changed).
    pub fn append_log(&self, e: &NewLogEntry) -> Result<i64> {
        append(&self.conn, e)
    }

    /// Events matching `q`, newest first.
    pub fn log(&self, q: &LogQuery) -> Result<Vec<LogEntry>> {
        let (filter, args) = q.filter();
        let sql = format!(
            "SELECT {LOG_COLUMNS} FROM change_log{filter} ORDER BY id DESC LIMIT {} OFFSET {}",
            q.limit.map(i64::from).unwrap_or(-1),
            q.offset.unwrap_or(0)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), row_to_entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many events match `q` (ignoring its limit and offset).
    pub fn log_count(&self, q: &LogQuery) -> Result<u64> {
        let (filter, args) = q.filter();
        let n: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM change_log{filter}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// One event by its id.
    pub fn log_entry(&self, id: i64) -> Result<LogEntry> {
        entry_on(&self.conn, id)?.ok_or(StoreError::NotFound {
            what: "Logrække",
            id: id.to_string(),
        })
    }

    /// The whole log, oldest first (for export and verification).
    pub fn log_all(&self) -> Result<Vec<LogEntry>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {LOG_COLUMNS} FROM change_log ORDER BY id"))?;
        let rows = stmt.query_map([], row_to_entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(summary: &'a str) -> NewLogEntry<'a> {
        NewLogEntry {
            at: "2026-11-26T10:00:00Z",
            source: "user",
            who: "AB",
            action: "approve",
            entity_kind: "proposal",
            entity_id: "1",
            summary,
            before: Some("{\"status\":\"new\"}"),
            after: Some("{\"status\":\"approved\"}"),
        }
    }

    #[test]
    fn rows_chain_and_verify() {
        let store = Store::open_in_memory().unwrap();
        store.append_log(&event("Forslag 1 godkendt")).unwrap();
        store.append_log(&event("Forslag 2 godkendt")).unwrap();
        let all = store.log_all().unwrap();
        assert_eq!(
            all[0].prev_hash, GENESIS_HASH,
            "the first row chains to the genesis hash"
        );
        assert_eq!(
            all[1].prev_hash, all[0].hash,
            "each row carries the previous row's hash"
        );
        assert_eq!(
            verify_chain(&all).unwrap(),
            all[1].hash,
            "the head hash is the last row's"
        );
    }

    #[test]
    fn an_edited_row_breaks_the_chain() {
        let store = Store::open_in_memory().unwrap();
        store.append_log(&event("Forslag 1 godkendt")).unwrap();
        store.append_log(&event("Forslag 2 godkendt")).unwrap();
        let mut all = store.log_all().unwrap();
        all[0].who = "XY".into();
        let err = verify_chain(&all).unwrap_err();
        assert!(
            matches!(err, StoreError::BrokenChain { id } if id == all[0].id),
            "tampering is found at the edited row"
        );
    }

    #[test]
    fn the_database_refuses_to_update_or_delete_log_rows() {
        let store = Store::open_in_memory().unwrap();
        store.append_log(&event("Forslag 1 godkendt")).unwrap();
        assert!(
            store
                .conn
                .execute("UPDATE change_log SET who = 'X'", [])
                .is_err(),
            "UPDATE must be refused"
        );
        assert!(
            store.conn.execute("DELETE FROM change_log", []).is_err(),
            "DELETE must be refused"
        );
        assert_eq!(store.log_all().unwrap().len(), 1);
    }

    #[test]
    fn log_filters_by_source_and_text() {
        let store = Store::open_in_memory().unwrap();
        store.append_log(&event("Forslag 1 godkendt")).unwrap();
        store
            .append_log(&NewLogEntry {
                source: "sync",
                summary: "SOR-import: 12 enheder",
                ..event("")
            })
            .unwrap();
        let sync = store
            .log(&LogQuery {
                source: Some("sync".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(sync.len(), 1);
        assert_eq!(sync[0].summary, "SOR-import: 12 enheder");
        let text = store
            .log(&LogQuery {
                text: Some("GODKENDT".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(text.len(), 1, "text search is case-insensitive");
    }
}
