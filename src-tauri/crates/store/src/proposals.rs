//! Proposals, decisions, links and the SOR worklist (outbox).

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sorkomp_model::{
    Explanation, FieldChange, KleRule, NewSorUnit, ProposalDraft, ProposalKind, ProposalStatus,
};

use crate::change_log::{append, entry_on, LogEntry, NewLogEntry};
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

/// How an approval departs from the proposal as made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApprovalChoice {
    /// Update proposals: the field names (`FieldChange::field`) to take; the rest are recorded
    /// as not taken. `None` takes them all.
    pub fields: Option<Vec<String>>,
    /// Create proposals: the SOR fields to create instead of the proposed ones.
    pub new_unit: Option<NewSorUnit>,
}

/// What [`Store::approve_many`] did.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub approved: Vec<i64>,
    pub skipped: Vec<(i64, StoreError)>,
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
        proposal_on(&self.conn, id)
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
            // An approved link that has since ended (unlinked) no longer counts as decided, so
            // the matcher may propose the pair again.
            let mut stmt = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM proposal WHERE status IN ('new', 'rejected')
                 OR (status = 'approved' AND (kind <> 'link'
                     OR EXISTS (SELECT 1 FROM link WHERE link.proposal_id = proposal.id AND link.ended_at IS NULL)))"
            ))?;
            let rows = stmt.query_map([], row_to_proposal)?;
            for row in rows {
                let row = row?;
                let key = key_of(row.kind, &row.org_uuid, &row.sor_id);
                if row.status == ProposalStatus::New {
                    open.insert(key, row);
                } else {
                    for fingerprint in decision_fingerprints(row.kind, &row.changes)? {
                        decided.insert((key.clone(), fingerprint));
                    }
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
            let fingerprints = decision_fingerprints(d.kind, &d.changes)?;
            if !fingerprints.is_empty()
                && fingerprints
                    .into_iter()
                    .all(|f| decided.contains(&(key.clone(), f)))
            {
                summary.already_decided += 1;
                if let Some(row) = open.remove(&key) {
                    withdraw(
                        &tx,
                        &row,
                        now,
                        who,
                        "matcher",
                        "det samme er allerede besluttet",
                    )?;
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
            withdraw(
                &tx,
                row,
                now,
                who,
                "matcher",
                "matcheren foreslår det ikke længere",
            )?;
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
        let tx = self.conn.transaction()?;
        decide_on(
            &tx,
            &Decision {
                id,
                approve,
                reason,
                choice: &ApprovalChoice::default(),
                who,
                source,
                now,
            },
        )?;
        tx.commit()?;
        self.proposal(id)
    }

    /// Approves an open proposal as the administrator edited it: only the chosen fields of an
    /// update, or edited SOR fields for a creation. The log row holds both versions.
    pub fn approve_chosen(
        &mut self,
        id: i64,
        choice: &ApprovalChoice,
        who: &str,
        source: &str,
        now: &str,
    ) -> Result<ProposalRow> {
        let tx = self.conn.transaction()?;
        decide_on(
            &tx,
            &Decision {
                id,
                approve: true,
                reason: None,
                choice,
                who,
                source,
                now,
            },
        )?;
        tx.commit()?;
        self.proposal(id)
    }

    /// Approves `(proposal id, who)` in order, in one transaction. A proposal that cannot be
    /// approved any more (decided, withdrawn by an earlier approval in the batch, conflicting)
    /// is skipped with the reason. `dry_run` rolls everything back: the outcome is then exactly
    /// what the same call without `dry_run` would do.
    pub fn approve_many(
        &mut self,
        items: &[(i64, String)],
        source: &str,
        now: &str,
        dry_run: bool,
    ) -> Result<BatchOutcome> {
        let mut tx = self.conn.transaction()?;
        let mut outcome = BatchOutcome::default();
        let plain = ApprovalChoice::default();
        for (id, who) in items {
            let sp = tx.savepoint()?;
            let decided = decide_on(
                &sp,
                &Decision {
                    id: *id,
                    approve: true,
                    reason: None,
                    choice: &plain,
                    who,
                    source,
                    now,
                },
            );
            match decided {
                Ok(()) => {
                    sp.commit()?;
                    outcome.approved.push(*id);
                }
                Err(e @ (StoreError::Sqlite(_) | StoreError::Json(_))) => return Err(e),
                Err(e) => {
                    drop(sp);
                    outcome.skipped.push((*id, e));
                }
            }
        }
        if !dry_run {
            tx.commit()?;
        }
        Ok(outcome)
    }

    /// A creation the administrator asks for by hand: a create proposal for the ORG unit with
    /// these SOR fields, approved at once (so the worklist gets its item). One transaction.
    pub fn create_manual(
        &mut self,
        org_uuid: &str,
        unit: &NewSorUnit,
        who: &str,
        now: &str,
    ) -> Result<ProposalRow> {
        let org_name: String = self
            .conn
            .query_row(
                "SELECT name FROM org_unit WHERE uuid = ?1",
                [org_uuid],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "ORG-enheden",
                id: org_uuid.into(),
            })?;
        let explanation = Explanation {
            summary: format!("Oprettelse bestilt manuelt af {who} for ORG-enheden '{org_name}'."),
            contributions: Vec::new(),
            runner_up: None,
            gap: None,
        };
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO proposal(kind, status, org_uuid, sor_id, score, explanation, changes, new_unit, created_at, updated_at)
             VALUES ('create', 'new', ?1, NULL, 0, ?2, '[]', ?3, ?4, ?4)",
            params![org_uuid, serde_json::to_string(&explanation)?, serde_json::to_string(unit)?, now],
        )?;
        let id = tx.last_insert_rowid();
        decide_on(
            &tx,
            &Decision {
                id,
                approve: true,
                reason: None,
                choice: &ApprovalChoice::default(),
                who,
                source: "user",
                now,
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
        let withdrawn = withdraw_competing(&tx, -1, org_uuid, sor_id, now, who, "user")?;
        let text = format!("Manuel kobling: {org_name} ({org_uuid}) ↔ {sor_name} ({sor_id})");
        let after = serde_json::json!({
            "org_uuid": org_uuid, "sor_id": sor_id, "manual": true, "withdrawn": withdrawn
        })
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

    /// SOR entities the administrator chose to keep (a rejected delete proposal, or marked as
    /// existing only in SOR).
    pub fn kept_sor(&self) -> Result<Vec<String>> {
        self.column(
            "SELECT sor_id FROM proposal WHERE kind = 'delete' AND status = 'rejected' AND sor_id IS NOT NULL
             UNION SELECT sor_id FROM only_in_sor",
        )
    }

    fn column(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
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

/// The change-log actions that record a decision (and so can be undone).
const DECISIONS: [&str; 6] = [
    "approve",
    "reject",
    "link",
    "unlink",
    "only_in_sor",
    "only_in_sor_remove",
];

/// What undoing one decision takes.
enum UndoPlan {
    /// Back to `new`; the link it made ends, its pending worklist items are cancelled and an
    /// edited creation gets its proposed SOR fields back.
    Proposal {
        id: i64,
        restore_unit: Option<serde_json::Value>,
        end_link: Option<i64>,
        cancel_outbox: Vec<i64>,
        /// Proposals the approval withdrew.
        restore: Vec<i64>,
    },
    EndLink {
        link_id: i64,
        /// Proposals the manual link withdrew.
        restore: Vec<i64>,
    },
    RestoreLink {
        link_id: i64,
    },
    Unmark {
        sor_id: String,
        restore: Vec<i64>,
    },
    Remark {
        sor_id: String,
        reason: Option<String>,
    },
}

impl Store {
    /// Ends the active link between `org_uuid` and `sor_id`. The link row stays (ended_at,
    /// ended_by, end_reason) and the log says who and why; the next match may propose the pair
    /// again.
    pub fn unlink(
        &mut self,
        org_uuid: &str,
        sor_id: &str,
        reason: Option<&str>,
        who: &str,
        now: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let link: Option<(i64, bool, Option<i64>)> = tx
            .query_row(
                "SELECT id, manual, proposal_id FROM link WHERE org_uuid = ?1 AND sor_id = ?2 AND ended_at IS NULL",
                [org_uuid, sor_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((link_id, manual, proposal_id)) = link else {
            return Err(StoreError::NotFound {
                what: "Koblingen",
                id: format!("ORG {org_uuid} ↔ SOR {sor_id}"),
            });
        };
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        tx.execute(
            "UPDATE link SET ended_at = ?2, ended_by = ?3, end_reason = ?4 WHERE id = ?1",
            params![link_id, now, who, reason],
        )?;
        let mut text = format!(
            "Kobling fjernet: {} ↔ {}",
            org_label(&tx, org_uuid)?,
            sor_label(&tx, sor_id)?
        );
        if let Some(r) = reason {
            text.push_str(&format!(" (begrundelse: {r})"));
        }
        let before = serde_json::json!({
            "link_id": link_id, "org_uuid": org_uuid, "sor_id": sor_id,
            "manual": manual, "proposal_id": proposal_id,
        });
        let after = serde_json::json!({ "ended_at": now, "ended_by": who, "reason": reason });
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "user",
                who,
                action: "unlink",
                entity_kind: "link",
                entity_id: org_uuid,
                summary: &text,
                before: Some(&before.to_string()),
                after: Some(&after.to_string()),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Marks (or unmarks) a SOR unit as existing only in SOR. A marked unit is kept: its open
    /// delete proposal is withdrawn and the matcher never proposes deleting it again.
    pub fn set_only_in_sor(
        &mut self,
        sor_id: &str,
        only: bool,
        reason: Option<&str>,
        who: &str,
        now: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let marked: Option<(String, String, Option<String>)> = tx
            .query_row(
                "SELECT marked_at, marked_by, reason FROM only_in_sor WHERE sor_id = ?1",
                [sor_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let label = sor_label(&tx, sor_id)?;
        let (action, text, before, after) = if only {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM sor_entity WHERE sor_id = ?1)",
                [sor_id],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(StoreError::NotFound {
                    what: "SOR-enheden",
                    id: sor_id.into(),
                });
            }
            if marked.is_some() {
                return Err(StoreError::Conflict(format!(
                    "SOR-enheden {label} er allerede markeret som kun i SOR."
                )));
            }
            let linked: Option<String> = tx
                .query_row(
                    "SELECT org_uuid FROM link WHERE sor_id = ?1 AND ended_at IS NULL",
                    [sor_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(org) = linked {
                return Err(StoreError::Conflict(format!(
                    "SOR-enheden {label} er koblet til ORG-enheden {}; fjern koblingen, før enheden markeres som kun i SOR.",
                    org_label(&tx, &org)?
                )));
            }
            let withdrawn = mark_only_in_sor(&tx, sor_id, reason, who, now)?;
            let mut text = format!(
                "SOR-enheden {label} er markeret som kun i SOR: den beholdes og foreslås ikke slettet"
            );
            if let Some(r) = reason {
                text.push_str(&format!(" (begrundelse: {r})"));
            }
            (
                "only_in_sor",
                text,
                serde_json::json!({ "only_in_sor": false }),
                serde_json::json!({ "only_in_sor": true, "reason": reason, "withdrawn": withdrawn }),
            )
        } else {
            let Some((marked_at, marked_by, old_reason)) = marked else {
                return Err(StoreError::Conflict(format!(
                    "SOR-enheden {label} er ikke markeret som kun i SOR."
                )));
            };
            tx.execute("DELETE FROM only_in_sor WHERE sor_id = ?1", [sor_id])?;
            let mut text = format!("Markeringen «kun i SOR» er fjernet fra SOR-enheden {label}");
            if let Some(r) = reason {
                text.push_str(&format!(" (begrundelse: {r})"));
            }
            (
                "only_in_sor_remove",
                text,
                serde_json::json!({ "only_in_sor": true, "marked_at": marked_at, "marked_by": marked_by, "reason": old_reason }),
                serde_json::json!({ "only_in_sor": false, "reason": reason }),
            )
        };
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "user",
                who,
                action,
                entity_kind: "sor",
                entity_id: sor_id,
                summary: &text,
                before: Some(&before.to_string()),
                after: Some(&after.to_string()),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// SOR ids marked as existing only in SOR, oldest mark first.
    pub fn only_in_sor_ids(&self) -> Result<Vec<String>> {
        self.column("SELECT sor_id FROM only_in_sor ORDER BY marked_at, sor_id")
    }

    /// Which decision rules are automatic, by key. Rules never set are absent (manual).
    pub fn rule_settings(&self) -> Result<HashMap<String, bool>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, automatic FROM decision_rule")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets a decision rule to automatic or manual approval (logged when it changes).
    pub fn set_rule(
        &mut self,
        key: &str,
        label: &str,
        automatic: bool,
        who: &str,
        now: &str,
    ) -> Result<()> {
        let was = self.rule_settings()?.get(key).copied().unwrap_or(false);
        if was == automatic {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO decision_rule(key, automatic, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key) DO UPDATE SET automatic = excluded.automatic, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![key, automatic, now, who],
        )?;
        let text = format!(
            "Reglen «{label}» er sat til {}",
            if automatic {
                "automatisk godkendelse"
            } else {
                "manuel godkendelse"
            }
        );
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "user",
                who,
                action: "rule",
                entity_kind: "setting",
                entity_id: &format!("rule:{key}"),
                summary: &text,
                before: Some(&serde_json::json!({ "automatic": was }).to_string()),
                after: Some(&serde_json::json!({ "automatic": automatic }).to_string()),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Open proposals a rule may approve: never undone (the administrator has taken those in
    /// hand) and, for links, a pair that was never unlinked. In queue order.
    pub fn rule_candidates(&self) -> Result<Vec<ProposalRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM proposal p WHERE p.status = 'new'
             AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.entity_kind = 'proposal'
                             AND c.entity_id = CAST(p.id AS TEXT) AND c.action = 'undo')
             AND NOT (p.kind = 'link' AND EXISTS (SELECT 1 FROM link l WHERE l.org_uuid = p.org_uuid
                             AND l.sor_id = p.sor_id AND l.ended_at IS NOT NULL))
             ORDER BY CASE kind WHEN 'link' THEN 0 WHEN 'update' THEN 1 WHEN 'create' THEN 2 ELSE 3 END, score DESC, id"
        ))?;
        let rows = stmt.query_map([], row_to_proposal)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Why the decision in `entry` cannot be undone, or `None` when it can.
    pub fn undo_blocker(&self, entry: &LogEntry) -> Result<Option<String>> {
        Ok(plan_undo(&self.conn, entry)?.err())
    }

    /// Undoes the decision recorded in log row `log_id` and appends an "undo" row that
    /// references it. The log itself is never changed.
    pub fn undo(
        &mut self,
        log_id: i64,
        reason: Option<&str>,
        who: &str,
        now: &str,
    ) -> Result<LogEntry> {
        let tx = self.conn.transaction()?;
        let entry = entry_on(&tx, log_id)?.ok_or(StoreError::NotFound {
            what: "Logrække",
            id: log_id.to_string(),
        })?;
        let plan = plan_undo(&tx, &entry)?.map_err(StoreError::Conflict)?;
        let state = apply_undo(&tx, plan, who, now)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut text = format!("Fortrudt (logrække {}): {}", entry.id, entry.summary);
        if let Some(r) = reason {
            text.push_str(&format!(" (begrundelse: {r})"));
        }
        let after = serde_json::json!({
            "undoes": entry.id, "undone_source": entry.source, "reason": reason, "state": state,
        });
        let id = append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "user",
                who,
                action: "undo",
                entity_kind: &entry.entity_kind,
                entity_id: &entry.entity_id,
                summary: &text,
                before: entry.after.as_deref(),
                after: Some(&after.to_string()),
            },
        )?;
        let row = entry_on(&tx, id)?.ok_or(StoreError::NotFound {
            what: "Logrække",
            id: id.to_string(),
        })?;
        tx.commit()?;
        Ok(row)
    }
}

fn org_label(conn: &Connection, uuid: &str) -> Result<String> {
    let name: Option<String> = conn
        .query_row("SELECT name FROM org_unit WHERE uuid = ?1", [uuid], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(match name {
        Some(n) => format!("«{n}» ({uuid})"),
        None => uuid.to_owned(),
    })
}

fn sor_label(conn: &Connection, sor_id: &str) -> Result<String> {
    let name: Option<String> = conn
        .query_row(
            "SELECT name FROM sor_entity WHERE sor_id = ?1",
            [sor_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match name {
        Some(n) => format!("«{n}» ({sor_id})"),
        None => sor_id.to_owned(),
    })
}

/// Marks `sor_id` and withdraws its open delete proposals; returns their ids.
fn mark_only_in_sor(
    conn: &Connection,
    sor_id: &str,
    reason: Option<&str>,
    who: &str,
    now: &str,
) -> Result<Vec<i64>> {
    conn.execute(
        "INSERT INTO only_in_sor(sor_id, marked_at, marked_by, reason) VALUES (?1, ?2, ?3, ?4)",
        params![sor_id, now, who, reason],
    )?;
    let open: Vec<ProposalRow> = {
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM proposal WHERE kind = 'delete' AND status = 'new' AND sor_id = ?1"
        ))?;
        let rows = stmt.query_map([sor_id], row_to_proposal)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for row in &open {
        withdraw(
            conn,
            row,
            now,
            who,
            "user",
            "SOR-enheden er markeret som kun i SOR",
        )?;
    }
    Ok(open.iter().map(|r| r.id).collect())
}

fn json_str<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(serde_json::Value::as_str)
}

/// What undoing `e` takes, or why it cannot be undone (Danish).
fn plan_undo(conn: &Connection, e: &LogEntry) -> Result<std::result::Result<UndoPlan, String>> {
    if !DECISIONS.contains(&e.action.as_str()) {
        return Ok(Err(format!(
            "Logrække {} («{}») er ikke en beslutning og kan ikke fortrydes.",
            e.id, e.summary
        )));
    }
    let undone: Option<i64> = conn
        .query_row(
            "SELECT id FROM change_log WHERE action = 'undo' AND entity_kind = ?1 AND entity_id = ?2
             AND json_extract(after, '$.undoes') = ?3 LIMIT 1",
            params![e.entity_kind, e.entity_id, e.id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(u) = undone {
        return Ok(Err(format!(
            "Logrække {} er allerede fortrudt (logrække {u}).",
            e.id
        )));
    }
    let later: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, summary FROM change_log WHERE id > ?1 AND entity_kind = ?2 AND entity_id = ?3
             AND action IN ('approve', 'reject', 'link', 'unlink', 'only_in_sor', 'only_in_sor_remove', 'undo')
             ORDER BY id LIMIT 1",
            params![e.id, e.entity_kind, e.entity_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((n, summary)) = later {
        return Ok(Err(format!(
            "Logrække {} er afløst af en senere beslutning (logrække {n}: «{summary}»). Fortryd den først.",
            e.id
        )));
    }
    let parse = |s: &Option<String>| -> serde_json::Value {
        s.as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let (before, after) = (parse(&e.before), parse(&e.after));
    let missing = || {
        Err(format!(
            "Logrække {} mangler oplysningerne, der skal til for at fortryde den.",
            e.id
        ))
    };
    Ok(Ok(match e.action.as_str() {
        "approve" | "reject" => {
            let Ok(id) = e.entity_id.parse::<i64>() else {
                return Ok(missing());
            };
            let Some(p) = proposal_on(conn, id).map(Some).or_else(|err| match err {
                StoreError::NotFound { .. } => Ok(None),
                other => Err(other),
            })?
            else {
                return Ok(Err(format!("Forslag {id} findes ikke længere.")));
            };
            let expected = if e.action == "approve" {
                ProposalStatus::Approved
            } else {
                ProposalStatus::Rejected
            };
            if p.status != expected {
                return Ok(Err(format!(
                    "Forslag {id} er ikke længere {} (det er {}); der er intet at fortryde.",
                    status_da(expected),
                    status_da(p.status)
                )));
            }
            let mut end_link = None;
            if expected == ProposalStatus::Approved && p.kind == ProposalKind::Link {
                let link: Option<(i64, Option<String>)> = conn
                    .query_row(
                        "SELECT id, ended_at FROM link WHERE proposal_id = ?1 ORDER BY id DESC LIMIT 1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                match link {
                    Some((link_id, None)) => end_link = Some(link_id),
                    Some((_, Some(_))) => {
                        return Ok(Err(format!(
                            "Koblingen fra forslag {id} er siden fjernet; fortryd fjernelsen først, hvis koblingen skal tilbage."
                        )))
                    }
                    None => {}
                }
            }
            let items: Vec<(i64, String)> = {
                let mut stmt =
                    conn.prepare("SELECT id, status FROM outbox WHERE proposal_id = ?1")?;
                let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if let Some((item, status)) =
                items.iter().find(|(_, s)| s == "done" || s == "confirmed")
            {
                let st = if status == "done" {
                    "udført"
                } else {
                    "bekræftet"
                };
                return Ok(Err(format!(
                    "Ændringen fra forslag {id} er allerede {st} i SOR (arbejdslistepunkt {item}); den kan ikke fortrydes her."
                )));
            }
            UndoPlan::Proposal {
                id,
                restore_unit: before.get("new_unit").cloned(),
                end_link,
                cancel_outbox: items
                    .into_iter()
                    .filter(|(_, s)| s == "pending")
                    .map(|(i, _)| i)
                    .collect(),
                restore: withdrawn_by(&after),
            }
        }
        "link" => {
            let (Some(org), Some(sor)) = (json_str(&after, "org_uuid"), json_str(&after, "sor_id"))
            else {
                return Ok(missing());
            };
            let link: Option<i64> = conn
                .query_row(
                    "SELECT id FROM link WHERE org_uuid = ?1 AND sor_id = ?2 AND manual = 1 AND ended_at IS NULL",
                    [org, sor],
                    |r| r.get(0),
                )
                .optional()?;
            match link {
                Some(link_id) => UndoPlan::EndLink {
                    link_id,
                    restore: withdrawn_by(&after),
                },
                None => {
                    return Ok(Err(format!(
                        "Koblingen ORG {org} ↔ SOR {sor} er ikke længere aktiv; der er intet at fortryde."
                    )))
                }
            }
        }
        "unlink" => {
            let Some(link_id) = before.get("link_id").and_then(serde_json::Value::as_i64) else {
                return Ok(missing());
            };
            let (org, sor): (String, String) = conn.query_row(
                "SELECT org_uuid, sor_id FROM link WHERE id = ?1",
                [link_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let active: Option<(String, String)> = conn
                .query_row(
                    "SELECT org_uuid, sor_id FROM link WHERE ended_at IS NULL AND (org_uuid = ?1 OR sor_id = ?2) LIMIT 1",
                    [&org, &sor],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((o, s)) = active {
                return Ok(Err(format!(
                    "Koblingen ORG {org} ↔ SOR {sor} kan ikke genskabes: ORG {o} er nu koblet til SOR {s}. Fjern den kobling først."
                )));
            }
            UndoPlan::RestoreLink { link_id }
        }
        "only_in_sor" | "only_in_sor_remove" => {
            let marked: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM only_in_sor WHERE sor_id = ?1)",
                [&e.entity_id],
                |r| r.get(0),
            )?;
            let mark = e.action == "only_in_sor";
            if marked != mark {
                return Ok(Err(format!(
                    "SOR-enheden {} er {} markeret som kun i SOR; der er intet at fortryde.",
                    e.entity_id,
                    if marked { "igen" } else { "ikke længere" }
                )));
            }
            if mark {
                UndoPlan::Unmark {
                    sor_id: e.entity_id.clone(),
                    restore: withdrawn_by(&after),
                }
            } else {
                UndoPlan::Remark {
                    sor_id: e.entity_id.clone(),
                    reason: json_str(&before, "reason").map(str::to_owned),
                }
            }
        }
        _ => return Ok(missing()),
    }))
}

/// Carries out `plan`; returns the state it leaves (for the undo row's `after`).
fn apply_undo(
    conn: &Connection,
    plan: UndoPlan,
    who: &str,
    now: &str,
) -> Result<serde_json::Value> {
    let end_link = |link_id: i64| {
        conn.execute(
            "UPDATE link SET ended_at = ?2, ended_by = ?3, end_reason = 'beslutningen er fortrudt' WHERE id = ?1",
            params![link_id, now, who],
        )
    };
    Ok(match plan {
        UndoPlan::Proposal {
            id,
            restore_unit,
            end_link: link,
            cancel_outbox,
            restore,
        } => {
            conn.execute(
                "UPDATE proposal SET status = 'new', decided_at = NULL, decided_by = NULL, reason = NULL, updated_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            if let Some(unit) = restore_unit {
                let text = (!unit.is_null()).then(|| unit.to_string());
                conn.execute(
                    "UPDATE proposal SET new_unit = ?2 WHERE id = ?1",
                    params![id, text],
                )?;
            }
            if let Some(link_id) = link {
                end_link(link_id)?;
            }
            for item in &cancel_outbox {
                conn.execute(
                    "UPDATE outbox SET status = 'cancelled', updated_at = ?2 WHERE id = ?1",
                    params![item, now],
                )?;
            }
            let restored = restore_withdrawn(conn, &restore, now)?;
            serde_json::json!({ "status": "new", "link_ended": link, "outbox_cancelled": cancel_outbox, "proposals_restored": restored })
        }
        UndoPlan::EndLink { link_id, restore } => {
            end_link(link_id)?;
            let restored = restore_withdrawn(conn, &restore, now)?;
            serde_json::json!({ "link_ended": link_id, "proposals_restored": restored })
        }
        UndoPlan::RestoreLink { link_id } => {
            conn.execute(
                "INSERT INTO link(org_uuid, sor_id, manual, proposal_id, created_at, created_by)
                 SELECT org_uuid, sor_id, manual, proposal_id, ?2, ?3 FROM link WHERE id = ?1",
                params![link_id, now, who],
            )?;
            serde_json::json!({ "link_restored": conn.last_insert_rowid(), "replaces": link_id })
        }
        UndoPlan::Unmark { sor_id, restore } => {
            conn.execute("DELETE FROM only_in_sor WHERE sor_id = ?1", [&sor_id])?;
            let restored = restore_withdrawn(conn, &restore, now)?;
            serde_json::json!({ "only_in_sor": false, "proposals_restored": restored })
        }
        UndoPlan::Remark { sor_id, reason } => {
            let withdrawn = mark_only_in_sor(conn, &sor_id, reason.as_deref(), who, now)?;
            serde_json::json!({ "only_in_sor": true, "withdrawn": withdrawn })
        }
    })
}

/// Link, create and delete decisions are about the pair; an update decision is about each
/// field change (taken, not taken or rejected), so a new drift after a decided update is
/// proposed again while the same drift is not.
fn decision_fingerprints(kind: ProposalKind, changes: &[FieldChange]) -> Result<Vec<String>> {
    Ok(match kind {
        ProposalKind::Update => changes
            .iter()
            .map(serde_json::to_string)
            .collect::<serde_json::Result<_>>()?,
        _ => vec![String::new()],
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// One decision on one proposal.
struct Decision<'a> {
    id: i64,
    approve: bool,
    reason: Option<&'a str>,
    choice: &'a ApprovalChoice,
    who: &'a str,
    source: &'a str,
    now: &'a str,
}

fn proposal_on(conn: &Connection, id: i64) -> Result<ProposalRow> {
    conn.query_row(
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

fn field_da(field: &str) -> &str {
    match field {
        "name" => "navn",
        "address" => "adresse",
        other => other,
    }
}

fn fields_da(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| field_da(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Approves or rejects `d.id` on `conn` (the caller's transaction or savepoint).
fn decide_on(conn: &Connection, d: &Decision) -> Result<()> {
    let before = proposal_on(conn, d.id)?;
    if before.status != ProposalStatus::New {
        return Err(StoreError::AlreadyDecided {
            id: d.id,
            status: status_da(before.status).into(),
        });
    }
    let (taken, not_taken): (Vec<FieldChange>, Vec<FieldChange>) = match &d.choice.fields {
        None => (before.changes.clone(), Vec::new()),
        Some(fields) => {
            if before.kind != ProposalKind::Update {
                return Err(StoreError::Conflict(format!(
                    "Forslag {} er en {}; kun opdateringer kan godkendes felt for felt.",
                    d.id,
                    kind_da(before.kind)
                )));
            }
            if let Some(unknown) = fields
                .iter()
                .find(|f| !before.changes.iter().any(|c| &c.field == *f))
            {
                let known: Vec<&str> = before.changes.iter().map(|c| c.field.as_str()).collect();
                return Err(StoreError::Conflict(format!(
                    "Feltet «{unknown}» indgår ikke i forslag {} (felterne er: {}).",
                    d.id,
                    known.join(", ")
                )));
            }
            if fields.is_empty() {
                return Err(StoreError::Conflict(format!(
                    "Vælg mindst ét felt at godkende i forslag {}, eller afvis forslaget.",
                    d.id
                )));
            }
            before
                .changes
                .iter()
                .cloned()
                .partition(|c| fields.contains(&c.field))
        }
    };
    if d.choice.new_unit.is_some() && before.kind != ProposalKind::Create {
        return Err(StoreError::Conflict(format!(
            "Forslag {} er en {}; kun oprettelser har SOR-felter, der kan rettes.",
            d.id,
            kind_da(before.kind)
        )));
    }
    let edited_unit = d
        .choice
        .new_unit
        .as_ref()
        .filter(|u| before.new_unit.as_ref() != Some(*u));
    let status = if d.approve {
        ProposalStatus::Approved
    } else {
        ProposalStatus::Rejected
    };
    conn.execute(
        "UPDATE proposal SET status = ?2, decided_at = ?3, decided_by = ?4, reason = ?5, updated_at = ?3 WHERE id = ?1",
        params![d.id, status.as_str(), d.now, d.who, d.reason],
    )?;
    if let Some(unit) = edited_unit {
        conn.execute(
            "UPDATE proposal SET new_unit = ?2 WHERE id = ?1",
            params![d.id, serde_json::to_string(unit)?],
        )?;
    }
    let mut withdrawn = Vec::new();
    if d.approve {
        match before.kind {
            ProposalKind::Link => {
                let (org, sor) = (
                    before.org_uuid.as_deref().unwrap_or(""),
                    before.sor_id.as_deref().unwrap_or(""),
                );
                insert_link(conn, org, sor, false, Some(d.id), d.who, d.now)?;
                withdrawn = withdraw_competing(conn, d.id, org, sor, d.now, d.who, d.source)?;
                let payload = serde_json::json!({ "org_uuid": org, "sor_id": sor });
                insert_outbox(conn, d.id, "register_link", &payload, d.now)?;
            }
            ProposalKind::Create => {
                let unit = edited_unit.or(before.new_unit.as_ref());
                let payload = serde_json::json!({ "org_uuid": before.org_uuid, "unit": unit });
                insert_outbox(conn, d.id, "create_unit", &payload, d.now)?;
            }
            ProposalKind::Delete => {
                // The end date is the Danish day of the item's time; the API derives it.
                let payload = serde_json::json!({ "sor_id": before.sor_id });
                insert_outbox(conn, d.id, "close_unit", &payload, d.now)?;
            }
            ProposalKind::Update => {
                let payload = serde_json::json!({ "sor_id": before.sor_id, "org_uuid": before.org_uuid, "changes": taken });
                insert_outbox(conn, d.id, "update_unit", &payload, d.now)?;
            }
        }
    }
    let verb = match (before.kind, d.approve) {
        (ProposalKind::Create, true) if edited_unit.is_some() => {
            "godkendt til oprettelse med rettede SOR-felter"
        }
        (ProposalKind::Create, true) => "godkendt til oprettelse",
        (ProposalKind::Delete, true) => "godkendt: SOR-data slettes",
        (ProposalKind::Delete, false) => "afvist: SOR-enheden beholdes",
        (_, true) => "godkendt",
        (_, false) => "afvist",
    };
    let mut text = format!("{} {verb}", capitalise(&describe(&before)));
    if !not_taken.is_empty() {
        let t: Vec<&str> = taken.iter().map(|c| c.field.as_str()).collect();
        let n: Vec<&str> = not_taken.iter().map(|c| c.field.as_str()).collect();
        text.push_str(&format!(
            " for {} (ikke taget: {})",
            fields_da(&t),
            fields_da(&n)
        ));
    }
    if let Some(r) = d.reason.filter(|r| !r.trim().is_empty()) {
        text.push_str(&format!(" (begrundelse: {r})"));
    }
    let mut before_json = serde_json::json!({ "status": before.status.as_str() });
    let mut after_json = serde_json::json!({ "status": status.as_str(), "reason": d.reason });
    if !withdrawn.is_empty() {
        after_json["withdrawn"] = serde_json::to_value(&withdrawn)?;
    }
    if let Some(unit) = edited_unit {
        before_json["new_unit"] = serde_json::to_value(&before.new_unit)?;
        after_json["new_unit"] = serde_json::to_value(unit)?;
    }
    if !not_taken.is_empty() {
        before_json["changes"] = serde_json::to_value(&before.changes)?;
        after_json["changes"] = serde_json::to_value(&taken)?;
        after_json["not_taken"] = serde_json::to_value(&not_taken)?;
    }
    append(
        conn,
        &NewLogEntry {
            at: d.now,
            source: d.source,
            who: d.who,
            action: if d.approve { "approve" } else { "reject" },
            entity_kind: "proposal",
            entity_id: &d.id.to_string(),
            summary: &text,
            before: Some(&before_json.to_string()),
            after: Some(&after_json.to_string()),
        },
    )?;
    Ok(())
}

fn insert_link(
    tx: &Connection,
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
    tx: &Connection,
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

fn withdraw(
    tx: &Connection,
    row: &ProposalRow,
    now: &str,
    who: &str,
    source: &str,
    why: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE proposal SET status = 'withdrawn', updated_at = ?2 WHERE id = ?1",
        params![row.id, now],
    )?;
    let text = format!("{} trukket tilbage: {why}", capitalise(&describe(row)));
    append(
        tx,
        &NewLogEntry {
            at: now,
            source,
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

/// After a link, open link/create/delete proposals that involve either side are moot. Returns
/// their ids, which the link's log row keeps so that an undo can bring them back.
fn withdraw_competing(
    tx: &Connection,
    except: i64,
    org: &str,
    sor: &str,
    now: &str,
    who: &str,
    source: &str,
) -> Result<Vec<i64>> {
    let rows: Vec<ProposalRow> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT {COLUMNS} FROM proposal WHERE status = 'new' AND id <> ?1 AND kind IN ('link', 'create', 'delete')
             AND (org_uuid = ?2 OR sor_id = ?3)"
        ))?;
        let rows = stmt.query_map(params![except, org, sor], row_to_proposal)?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for row in &rows {
        withdraw(tx, row, now, who, source, "en af enhederne er nu koblet")?;
    }
    Ok(rows.iter().map(|r| r.id).collect())
}

/// Puts proposals an undone decision had withdrawn back to `new`, unless one of their units has
/// been linked since; returns those restored.
fn restore_withdrawn(conn: &Connection, ids: &[i64], now: &str) -> Result<Vec<i64>> {
    let mut restored = Vec::new();
    for &id in ids {
        let n = conn.execute(
            "UPDATE proposal SET status = 'new', updated_at = ?2
             WHERE id = ?1 AND status = 'withdrawn'
               AND NOT EXISTS (SELECT 1 FROM link WHERE ended_at IS NULL
                               AND (link.org_uuid = proposal.org_uuid OR link.sor_id = proposal.sor_id))",
            params![id, now],
        )?;
        if n > 0 {
            restored.push(id);
        }
    }
    Ok(restored)
}

/// The proposal ids a log row's `after` says its decision withdrew.
fn withdrawn_by(after: &serde_json::Value) -> Vec<i64> {
    after
        .get("withdrawn")
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(serde_json::Value::as_i64).collect())
        .unwrap_or_default()
}
