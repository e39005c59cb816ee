//! The SOR worklist (outbox): approved proposals as concrete changes to make in SOR (or, for a
//! link, in FK Organisation), with status pending -> done (the administrator made it) ->
//! confirmed (a later import shows it). An item whose approval was undone is `cancelled`.
//!
//! Items are written by `decide` (proposals.rs); this module reads them, marks them done and
//! confirms them. What an item means in words is the API's business.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sorkomp_model::SorEntity;

use crate::change_log::{append, NewLogEntry};
use crate::{Result, Store, StoreError};

/// A concrete change to make in SOR.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub proposal_id: i64,
    /// "create_unit", "close_unit", "update_unit" or "register_link".
    pub action: String,
    pub payload: serde_json::Value,
    /// "pending", "done", "confirmed" or "cancelled".
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
    pub confirmed_at: Option<String>,
    /// The SOR entity the confirming snapshot showed (for a created unit: its new SOR id).
    pub confirmed_sor_id: Option<String>,
}

/// One item a new snapshot shows as carried out.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxConfirmation {
    pub id: i64,
    pub sor_id: Option<String>,
    /// One Danish sentence for the change log: what was found.
    pub summary: String,
}

const OUTBOX_COLUMNS: &str = "id, proposal_id, action, payload, status, created_at, updated_at, done_at, done_by, confirmed_at, confirmed_sor_id";

fn row_to_item(r: &rusqlite::Row) -> rusqlite::Result<OutboxItem> {
    let payload: String = r.get(3)?;
    Ok(OutboxItem {
        id: r.get(0)?,
        proposal_id: r.get(1)?,
        action: r.get(2)?,
        payload: serde_json::from_str(&payload).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
        })?,
        status: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
        done_at: r.get(7)?,
        done_by: r.get(8)?,
        confirmed_at: r.get(9)?,
        confirmed_sor_id: r.get(10)?,
    })
}

impl Store {
    /// The worklist, oldest first; `status` is one of the stored words or None for all.
    pub fn outbox(&self, status: Option<&str>) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE (?1 IS NULL OR status = ?1) ORDER BY id"
        ))?;
        let rows = stmt.query_map([status], row_to_item)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn outbox_item(&self, id: i64) -> Result<OutboxItem> {
        self.conn
            .query_row(
                &format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ?1"),
                [id],
                row_to_item,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "Opgaven på SOR-arbejdslisten",
                id: id.to_string(),
            })
    }

    /// Marks a pending item done (`done`) or a done item pending again, logged with `summary`
    /// (the API's sentence for the item) and source `user`.
    pub fn set_outbox_done(
        &mut self,
        id: i64,
        done: bool,
        summary: &str,
        who: &str,
        now: &str,
    ) -> Result<OutboxItem> {
        let item = self.outbox_item(id)?;
        let (from, to) = if done {
            ("pending", "done")
        } else {
            ("done", "pending")
        };
        if item.status != from {
            let why = match (item.status.as_str(), done) {
                ("done", true) => "er allerede markeret som udført".to_string(),
                ("pending", false) => "er ikke markeret som udført".to_string(),
                ("confirmed", _) => {
                    "er allerede bekræftet af en SOR-import og kan ikke ændres".to_string()
                }
                ("cancelled", _) => "er trukket tilbage (godkendelsen er fortrudt)".to_string(),
                (other, _) => format!("har status «{other}»"),
            };
            return Err(StoreError::Conflict(format!(
                "Opgave {id} på SOR-arbejdslisten {why}."
            )));
        }
        let tx = self.conn.transaction()?;
        if done {
            tx.execute(
                "UPDATE outbox SET status = 'done', done_at = ?2, done_by = ?3, updated_at = ?2 WHERE id = ?1",
                params![id, now, who],
            )?;
        } else {
            tx.execute(
                "UPDATE outbox SET status = 'pending', done_at = NULL, done_by = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
        }
        let before = serde_json::json!({ "status": from }).to_string();
        let after = serde_json::json!({ "status": to }).to_string();
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "user",
                who,
                action: if done { "outbox_done" } else { "outbox_undone" },
                entity_kind: "outbox",
                entity_id: &id.to_string(),
                summary,
                before: Some(&before),
                after: Some(&after),
            },
        )?;
        tx.commit()?;
        self.outbox_item(id)
    }

    /// Marks items confirmed by a new snapshot, in one transaction, each logged with source
    /// `sync`. Items no longer pending or done are left alone. Returns how many changed.
    pub fn confirm_outbox(
        &mut self,
        confirmations: &[OutboxConfirmation],
        who: &str,
        now: &str,
    ) -> Result<u64> {
        if confirmations.is_empty() {
            return Ok(0);
        }
        let tx = self.conn.transaction()?;
        let mut changed = 0;
        for c in confirmations {
            let from: Option<String> = tx
                .query_row(
                    "SELECT status FROM outbox WHERE id = ?1 AND status IN ('pending', 'done')",
                    [c.id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(from) = from else { continue };
            tx.execute(
                "UPDATE outbox SET status = 'confirmed', confirmed_at = ?2, confirmed_sor_id = ?3, updated_at = ?2 WHERE id = ?1",
                params![c.id, now, c.sor_id],
            )?;
            let before = serde_json::json!({ "status": from }).to_string();
            let after =
                serde_json::json!({ "status": "confirmed", "sor_id": c.sor_id }).to_string();
            append(
                &tx,
                &NewLogEntry {
                    at: now,
                    source: "sync",
                    who,
                    action: "outbox_confirmed",
                    entity_kind: "outbox",
                    entity_id: &c.id.to_string(),
                    summary: &c.summary,
                    before: Some(&before),
                    after: Some(&after),
                },
            )?;
            changed += 1;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// The SOR entities directly under `parent_id` in the current snapshot.
    pub fn sor_children(&self, parent_id: &str) -> Result<Vec<SorEntity>> {
        self.select_sor("WHERE parent_id = ?1 ORDER BY name", [parent_id])
    }
}
