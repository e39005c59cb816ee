//! Proposals, decisions, links and the SOR worklist (outbox).

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use sorkomp_model::{
    Explanation, FieldChange, KleRule, NewSorUnit, ProposalDraft, ProposalKind, ProposalStatus,
};

use crate::change_log::{append, NewLogEntry};
use crate::{Result, Store, StoreError};

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProposalRow {
    pub id: i64,
    pub kind: ProposalKind,
    pub status: ProposalStatus,
    pub org_uuid: Option<String>,
    pub sor_id: Option<String>,
    pub score: f64,
    pub explanation: Explanation,
    pub changes: Vec<FieldChange>,
    pub new_unit: Option<NewSorUnit>,
    pub created_at: String,
    pub updated_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ProposalQuery {
    pub status: Option<ProposalStatus>,
    pub kind: Option<ProposalKind>,
}

/// An active ORG <-> SOR link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub org_uuid: String,
    pub sor_id: String,
    pub manual: bool,
    pub created_at: String,
    pub created_by: String,
}

/// A concrete change to make in SOR.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxItem {
    pub id: i64,
    pub proposal_id: i64,
    pub action: String,
    pub payload: serde_json::Value,
    pub status: String,
    pub created_at: String,
}

/// What a matcher run did to the stored proposals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReconcileSummary {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub withdrawn: u64,
    /// Drafts not stored because the administrator already decided the same thing.
    pub already_decided: u64,
}

const COLUMNS: &str = "id, kind, status, org_uuid, sor_id, score, explanation, changes, new_unit, created_at, updated_at, decided_at, decided_by, reason";

fn row_to_proposal(r: &rusqlite::Row) -> rusqlite::Result<ProposalRow> {
    let json_err = |e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    };
    let kind: String = r.get(1)?;
    let status: String = r.get(2)?;
    let explanation: String = r.get(6)?;
    let changes: String = r.get(7)?;
    let new_unit: Option<String> = r.get(8)?;
    Ok(ProposalRow {
        id: r.get(0)?,
        kind: ProposalKind::parse(&kind).unwrap_or(ProposalKind::Link),
        status: ProposalStatus::parse(&status).unwrap_or(ProposalStatus::New),
        org_uuid: r.get(3)?,
        sor_id: r.get(4)?,
        score: r.get(5)?,
        explanation: serde_json::from_str(&explanation).map_err(json_err)?,
        changes: serde_json::from_str(&changes).map_err(json_err)?,
        new_unit: new_unit
            .map(|n| serde_json::from_str(&n))
            .transpose()
            .map_err(json_err)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        decided_at: r.get(11)?,
        decided_by: r.get(12)?,
        reason: r.get(13)?,
    })
}

type Key = (ProposalKind, Option<String>, Option<String>);

fn key_of(kind: ProposalKind, org: &Option<String>, sor: &Option<String>) -> Key {
    (kind, org.clone(), sor.clone())
}

fn kind_da(kind: ProposalKind) -> &'static str {
    match kind {
        ProposalKind::Link => "kobling",
        ProposalKind::Create => "oprettelse",
        ProposalKind::Delete => "sletning",
        ProposalKind::Update => "opdatering",
    }
}

fn status_da(status: ProposalStatus) -> &'static str {
    match status {
        ProposalStatus::New => "nyt",
        ProposalStatus::Approved => "godkendt",
        ProposalStatus::Rejected => "afvist",
        ProposalStatus::Withdrawn => "trukket tilbage",
    }
}

fn describe(p: &ProposalRow) -> String {
    let mut parts = Vec::new();
    if let Some(o) = &p.org_uuid {
        parts.push(format!("ORG {o}"));
    }
    if let Some(s) = &p.sor_id {
        parts.push(format!("SOR {s}"));
    }
    format!(
        "forslag {} ({}: {})",
        p.id,
        kind_da(p.kind),
        parts.join(" ↔ ")
    )
}

impl Store {
    pub fn proposals(&self, q: &ProposalQuery) -> Result<Vec<ProposalRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM proposal WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR kind = ?2)
             ORDER BY CASE kind WHEN 'link' THEN 0 WHEN 'update' THEN 1 WHEN 'create' THEN 2 ELSE 3 END, score DESC, id"
        ))?;
        let rows = stmt.query_map(
            params![q.status.map(|s| s.as_str()), q.kind.map(|k| k.as_str())],
            row_to_proposal,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn proposal(&self, id: i64) -> Result<ProposalRow> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM proposal WHERE id = ?1"),
                [id],
                row_to_proposal,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "Forslag",
                id: id.to_string(),
            })
    }

    /// Stores a matcher run: new drafts are added, open proposals that the run confirms are
    /// refreshed, open proposals it no longer makes are withdrawn, and drafts the administrator
    /// already decided are dropped. Logged with source `matcher`.
    pub fn reconcile_proposals(
        &mut self,
        drafts: &[ProposalDraft],
        now: &str,
        who: &str,
    ) -> Result<ReconcileSummary> {
        let tx = self.conn.transaction()?;
        let mut open: HashMap<Key, ProposalRow> = HashMap::new();
        let mut decided: HashSet<(Key, String)> = HashSet::new();
        {
            let mut stmt = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM proposal WHERE status IN ('new', 'approved', 'rejected')"
            ))?;
            let rows = stmt.query_map([], row_to_proposal)?;
            for row in rows {
                let row = row?;
                let key = key_of(row.kind, &row.org_uuid, &row.sor_id);
                if row.status == ProposalStatus::New {
                    open.insert(key, row);
                } else {
                    decided.insert((key, decision_fingerprint(row.kind, &row.changes)?));
                }
            }
        }
        let mut summary = ReconcileSummary::default();
        let mut seen: HashSet<Key> = HashSet::new();
        for d in drafts {
            let key = key_of(d.kind, &d.org_uuid, &d.sor_id);
            if !seen.insert(key.clone()) {
                continue;
            }
            if decided.contains(&(key.clone(), decision_fingerprint(d.kind, &d.changes)?)) {
                summary.already_decided += 1;
                if let Some(row) = open.remove(&key) {
                    withdraw(&tx, &row, now, who, "det samme er allerede besluttet")?;
                    summary.withdrawn += 1;
                }
                continue;
            }
            let explanation = serde_json::to_string(&d.explanation)?;
            let changes = serde_json::to_string(&d.changes)?;
            let new_unit = d.new_unit.as_ref().map(serde_json::to_string).transpose()?;
            match open.remove(&key) {
                Some(row) => {
                    let same = row.explanation == d.explanation
                        && row.changes == d.changes
                        && row.new_unit == d.new_unit
                        && (row.score - d.score).abs() < 1e-9;
                    if same {
                        summary.unchanged += 1;
                    } else {
                        tx.execute(
                            "UPDATE proposal SET score = ?2, explanation = ?3, changes = ?4, new_unit = ?5, updated_at = ?6 WHERE id = ?1",
                            params![row.id, d.score, explanation, changes, new_unit, now],
                        )?;
                        summary.updated += 1;
                    }
                }
                None => {
                    tx.execute(
                        "INSERT INTO proposal(kind, status, org_uuid, sor_id, score, explanation, changes, new_unit, created_at, updated_at)
                         VALUES (?1, 'new', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                        params![d.kind.as_str(), d.org_uuid, d.sor_id, d.score, explanation, changes, new_unit, now],
                    )?;
                    summary.added += 1;
                }
            }
        }
        for row in open.values() {
            withdraw(&tx, row, now, who, "matcheren foreslår det ikke længere")?;
            summary.withdrawn += 1;
        }
        let text = format!(
            "Matchkørsel: {} nye forslag, {} opdaterede, {} uændrede, {} trukket tilbage",
            summary.added, summary.updated, summary.unchanged, summary.withdrawn
        );
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "matcher",
                who,
                action: "match_run",
                entity_kind: "snapshot",
                entity_id: "proposals",
                summary: &text,
                before: None,
                after: None,
            },
        )?;
        tx.commit()?;
        Ok(summary)
    }

    /// Approves or rejects an open proposal and carries out what approval means: a link is
    /// registered, a SOR change goes to the worklist. `source` is "user" or "rule".
    pub fn decide(
        &mut self,
        id: i64,
        approve: bool,
        reason: Option<&str>,
        who: &str,
        source: &str,
        now: &str,
    ) -> Result<ProposalRow> {
        let before = self.proposal(id)?;
        if before.status != ProposalStatus::New {
            return Err(StoreError::AlreadyDecided {
                id,
                status: status_da(before.status).into(),
            });
        }
        let tx = self.conn.transaction()?;
        let status = if approve {
            ProposalStatus::Approved
        } else {
            ProposalStatus::Rejected
        };
        tx.execute(
            "UPDATE proposal SET status = ?2, decided_at = ?3, decided_by = ?4, reason = ?5, updated_at = ?3 WHERE id = ?1",
            params![id, status.as_str(), now, who, reason],
        )?;
        if approve {
            match before.kind {
                ProposalKind::Link => {
                    let (org, sor) = (
                        before.org_uuid.as_deref().unwrap_or(""),
                        before.sor_id.as_deref().unwrap_or(""),
                    );
                    insert_link(&tx, org, sor, false, Some(id), who, now)?;
                    withdraw_competing(&tx, id, org, sor, now, who)?;
                }
                ProposalKind::Create => {
                    let payload =
                        serde_json::json!({ "org_uuid": before.org_uuid, "unit": before.new_unit });
                    insert_outbox(&tx, id, "create_unit", &payload, now)?;
                }
                ProposalKind::Delete => {
                    let payload = serde_json::json!({ "sor_id": before.sor_id, "close_from": &now[..10.min(now.len())] });
                    insert_outbox(&tx, id, "close_unit", &payload, now)?;
                }
                ProposalKind::Update => {
                    let payload = serde_json::json!({ "sor_id": before.sor_id, "org_uuid": before.org_uuid, "changes": before.changes });
                    insert_outbox(&tx, id, "update_unit", &payload, now)?;
                }
            }
        }
        let verb = match (before.kind, approve) {
            (ProposalKind::Create, true) => "godkendt til oprettelse",
            (ProposalKind::Delete, true) => "godkendt: SOR-data slettes",
            (ProposalKind::Delete, false) => "afvist: SOR-enheden beholdes",
            (_, true) => "godkendt",
            (_, false) => "afvist",
        };
        let mut text = format!("{} {verb}", capitalise(&describe(&before)));
        if let Some(r) = reason.filter(|r| !r.trim().is_empty()) {
            text.push_str(&format!(" (begrundelse: {r})"));
        }
        let before_json = serde_json::json!({ "status": before.status.as_str() }).to_string();
        let after_json =
            serde_json::json!({ "status": status.as_str(), "reason": reason }).to_string();
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source,
                who,
                action: if approve { "approve" } else { "reject" },
                entity_kind: "proposal",
                entity_id: &id.to_string(),
                summary: &text,
                before: Some(&before_json),
                after: Some(&after_json),
            },
        )?;
        tx.commit()?;
        self.proposal(id)
    }

    /// Links an ORG unit to a SOR entity by hand. A manual link wins over the matcher: open
    /// proposals involving either side are withdrawn.
    pub fn link_manual(
        &mut self,
        org_uuid: &str,
        sor_id: &str,
        who: &str,
        now: &str,
    ) -> Result<()> {
        let org_name: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM org_unit WHERE uuid = ?1",
                [org_uuid],
                |r| r.get(0),
            )
            .optional()?;
        let org_name = org_name.ok_or(StoreError::NotFound {
            what: "ORG-enheden",
            id: org_uuid.into(),
        })?;
        let sor_name: Option<String> = self
            .conn
            .query_row(
                "SELECT name FROM sor_entity WHERE sor_id = ?1",
                [sor_id],
                |r| r.get(0),
            )
            .optional()?;
        let sor_name = sor_name.ok_or(StoreError::NotFound {
            what: "SOR-enheden",
            id: sor_id.into(),
        })?;
        let tx = self.conn.transaction()?;
        insert_link(&tx, org_uuid, sor_id, true, None, who, now)?;
        withdraw_competing(&tx, -1, org_uuid, sor_id, now, who)?;
        let text = format!("Manuel kobling: {org_name} ({org_uuid}) ↔ {sor_name} ({sor_id})");
        let after = serde_json::json!({ "org_uuid": org_uuid, "sor_id": sor_id, "manual": true })
            .to_string();
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "user",
                who,
                action: "link",
                entity_kind: "link",
                entity_id: org_uuid,
                summary: &text,
                before: None,
                after: Some(&after),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn links(&self) -> Result<Vec<Link>> {
        let mut stmt = self
            .conn
            .prepare("SELECT org_uuid, sor_id, manual, created_at, created_by FROM link WHERE ended_at IS NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(Link {
                org_uuid: r.get(0)?,
                sor_id: r.get(1)?,
                manual: r.get(2)?,
                created_at: r.get(3)?,
                created_by: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// (org_uuid, sor_id) of rejected link proposals.
    pub fn rejected_link_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT org_uuid, sor_id FROM proposal WHERE kind = 'link' AND status = 'rejected' AND org_uuid IS NOT NULL AND sor_id IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// ORG units whose create proposal was rejected.
    pub fn rejected_creates(&self) -> Result<Vec<String>> {
        self.column("SELECT org_uuid FROM proposal WHERE kind = 'create' AND status = 'rejected' AND org_uuid IS NOT NULL")
    }

    /// SOR entities the administrator chose to keep (a rejected delete proposal).
    pub fn kept_sor(&self) -> Result<Vec<String>> {
        self.column("SELECT sor_id FROM proposal WHERE kind = 'delete' AND status = 'rejected' AND sor_id IS NOT NULL")
    }

    fn column(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, proposal_id, action, payload, status, created_at FROM outbox ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let payload: String = r.get(3)?;
            Ok(OutboxItem {
                id: r.get(0)?,
                proposal_id: r.get(1)?,
                action: r.get(2)?,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                status: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Counts of proposals by (kind, status).
    pub fn proposal_counts(&self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self.conn.prepare("SELECT kind, status, count(*) FROM proposal GROUP BY kind, status ORDER BY kind, status")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps the field levels (JSON) of open link proposals, keyed by (org_uuid, sor_id). A
    /// decided proposal's levels are never changed: they are what its decision taught.
    pub fn record_link_features(&mut self, rows: &[(String, String, String)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO proposal_features(proposal_id, features)
                 SELECT id, ?3 FROM proposal WHERE kind = 'link' AND status = 'new' AND org_uuid = ?1 AND sor_id = ?2
                 ON CONFLICT(proposal_id) DO UPDATE SET features = excluded.features",
            )?;
            for (org, sor, features) in rows {
                stmt.execute(params![org, sor, features])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// (approved, field levels as JSON) of every decided link proposal whose levels were kept.
    pub fn link_decisions(&self) -> Result<Vec<(bool, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.status = 'approved', f.features FROM proposal p JOIN proposal_features f ON f.proposal_id = p.id
             WHERE p.kind = 'link' AND p.status IN ('approved', 'rejected') ORDER BY p.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stores the weights learnt from the decisions (setting `weights`) and logs the change
    /// (source `matcher`) in one transaction.
    pub fn set_learnt_weights(
        &mut self,
        weights_json: &str,
        summary: &str,
        before: Option<&str>,
        after: &str,
        now: &str,
        who: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO setting(key, value) VALUES ('weights', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [weights_json],
        )?;
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "matcher",
                who,
                action: "learn_weights",
                entity_kind: "setting",
                entity_id: "weights",
                summary,
                before,
                after: Some(after),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn kle_rules(&self) -> Result<Vec<KleRule>> {
        let mut stmt = self.conn.prepare(
            "SELECT kle_prefix, sor_type_code, label FROM kle_rule ORDER BY position, kle_prefix",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(KleRule {
                kle_prefix: r.get(0)?,
                sor_type_code: r.get(1)?,
                label: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces the KLE -> SOR type table (logged).
    pub fn set_kle_rules(&mut self, rules: &[KleRule], who: &str, now: &str) -> Result<()> {
        let before = serde_json::to_string(&self.kle_rules()?)?;
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM kle_rule", [])?;
        for (position, r) in rules.iter().enumerate() {
            tx.execute(
                "INSERT INTO kle_rule(kle_prefix, sor_type_code, label, position) VALUES (?1, ?2, ?3, ?4)",
                params![r.kle_prefix, r.sor_type_code, r.label, position as i64],
            )?;
        }
        let after = serde_json::to_string(rules)?;
        let text = format!("KLE-tabellen er ændret ({} regler)", rules.len());
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "user",
                who,
                action: "kle_rules",
                entity_kind: "setting",
                entity_id: "kle_rules",
                summary: &text,
                before: Some(&before),
                after: Some(&after),
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Link, create and delete decisions are about the pair; an update decision is about the exact
/// change set, so a new drift after a rejected update is proposed again.
fn decision_fingerprint(kind: ProposalKind, changes: &[FieldChange]) -> Result<String> {
    Ok(match kind {
        ProposalKind::Update => serde_json::to_string(changes)?,
        _ => String::new(),
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn insert_link(
    tx: &Transaction,
    org: &str,
    sor: &str,
    manual: bool,
    proposal: Option<i64>,
    who: &str,
    now: &str,
) -> Result<()> {
    let existing: Option<(String, String)> = tx
        .query_row(
            "SELECT org_uuid, sor_id FROM link WHERE ended_at IS NULL AND (org_uuid = ?1 OR sor_id = ?2) LIMIT 1",
            [org, sor],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((o, s)) = existing {
        return Err(StoreError::Conflict(format!(
            "Kan ikke koble ORG {org} til SOR {sor}: ORG {o} er allerede koblet til SOR {s}. Fjern den kobling først."
        )));
    }
    tx.execute(
        "INSERT INTO link(org_uuid, sor_id, manual, proposal_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![org, sor, manual, proposal, now, who],
    )?;
    Ok(())
}

fn insert_outbox(
    tx: &Transaction,
    proposal: i64,
    action: &str,
    payload: &serde_json::Value,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox(proposal_id, action, payload, status, created_at, updated_at) VALUES (?1, ?2, ?3, 'pending', ?4, ?4)",
        params![proposal, action, payload.to_string(), now],
    )?;
    Ok(())
}

fn withdraw(tx: &Transaction, row: &ProposalRow, now: &str, who: &str, why: &str) -> Result<()> {
    tx.execute(
        "UPDATE proposal SET status = 'withdrawn', updated_at = ?2 WHERE id = ?1",
        params![row.id, now],
    )?;
    let text = format!("{} trukket tilbage: {why}", capitalise(&describe(row)));
    append(
        tx,
        &NewLogEntry {
            at: now,
            source: "matcher",
            who,
            action: "withdraw",
            entity_kind: "proposal",
            entity_id: &row.id.to_string(),
            summary: &text,
            before: Some(r#"{"status":"new"}"#),
            after: Some(r#"{"status":"withdrawn"}"#),
        },
    )?;
    Ok(())
}

/// After a link, open link/create/delete proposals that involve either side are moot.
fn withdraw_competing(
    tx: &Transaction,
    except: i64,
    org: &str,
    sor: &str,
    now: &str,
    who: &str,
) -> Result<()> {
    let rows: Vec<ProposalRow> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {COLUMNS} FROM proposal WHERE status = 'new' AND id <> ?1 AND kind IN ('link', 'create', 'delete')
             AND (org_uuid = ?2 OR sor_id = ?3)"
        ))?;
        let rows = stmt.query_map(params![except, org, sor], row_to_proposal)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for row in &rows {
        withdraw(tx, row, now, who, "en af enhederne er nu koblet")?;
    }
    Ok(())
}
