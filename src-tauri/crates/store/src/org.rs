//! The FK Organisation snapshot: replaced as a whole, in one transaction, with its change events.

use std::collections::HashMap;

use rusqlite::params;
use serde::Serialize;
use sorkomp_model::{
    Address, AddressRole, KleTask, OrgAddress, OrgStatus, OrgUnit, SnapshotChange,
};

use crate::change_log::{append, NewLogEntry};
use crate::{Result, Store};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrgImportSummary {
    pub units: u64,
    pub active: u64,
    pub inactive: u64,
    pub changes: u64,
    pub first_import: bool,
}

impl Store {
    /// Replaces the FK Organisation snapshot with `units` and logs `changes` (source `sync`).
    /// On the first import only a summary row is logged.
    pub fn replace_org_snapshot(
        &mut self,
        units: &[OrgUnit],
        changes: &[SnapshotChange],
        now: &str,
        who: &str,
        source_label: &str,
    ) -> Result<OrgImportSummary> {
        let tx = self.conn.transaction()?;
        let previous: i64 = tx.query_row("SELECT count(*) FROM org_unit", [], |r| r.get(0))?;
        tx.execute_batch("DELETE FROM org_address; DELETE FROM org_kle; DELETE FROM org_unit;")?;
        let mut summary = OrgImportSummary {
            first_import: previous == 0,
            ..Default::default()
        };
        {
            let mut unit_stmt = tx.prepare(
                "INSERT INTO org_unit(uuid, name, user_key, parent_uuid, status, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut addr_stmt = tx.prepare(
                "INSERT INTO org_address(org_uuid, position, role, role_title, text, parsed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut kle_stmt =
                tx.prepare("INSERT INTO org_kle(org_uuid, position, number, title, role) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for u in units {
                unit_stmt.execute(params![
                    u.uuid,
                    u.name,
                    u.user_key,
                    u.parent_uuid,
                    u.status.as_str(),
                    u.valid_from,
                    u.valid_to
                ])?;
                for (i, a) in u.addresses.iter().enumerate() {
                    let parsed = a.parsed.as_ref().map(serde_json::to_string).transpose()?;
                    addr_stmt.execute(params![
                        u.uuid,
                        i as i64,
                        a.role.as_str(),
                        a.role_title,
                        a.text,
                        parsed
                    ])?;
                }
                for (i, k) in u.kle.iter().enumerate() {
                    kle_stmt.execute(params![u.uuid, i as i64, k.number, k.title, k.role])?;
                }
                summary.units += 1;
                match u.status {
                    OrgStatus::Aktiv => summary.active += 1,
                    OrgStatus::Inaktiv => summary.inactive += 1,
                }
            }
        }
        if !summary.first_import {
            let names: HashMap<&str, &str> = units
                .iter()
                .map(|u| (u.uuid.as_str(), u.name.as_str()))
                .collect();
            for c in changes {
                let before = c.before.as_ref().map(|v| v.to_string());
                let after = c.after.as_ref().map(|v| v.to_string());
                let name = names.get(c.entity_id.as_str()).copied().unwrap_or("");
                let text = describe_org_change(c, name);
                append(
                    &tx,
                    &NewLogEntry {
                        at: now,
                        source: "sync",
                        who,
                        action: &c.what,
                        entity_kind: "org",
                        entity_id: &c.entity_id,
                        summary: &text,
                        before: before.as_deref(),
                        after: after.as_deref(),
                    },
                )?;
            }
            summary.changes = changes.len() as u64;
        }
        let text = format!(
            "FK Organisation-import fra {source_label}: {} enheder ({} aktive, {} inaktive); {} ændringer",
            summary.units, summary.active, summary.inactive, summary.changes
        );
        append(
            &tx,
            &NewLogEntry {
                at: now,
                source: "sync",
                who,
                action: "org_import",
                entity_kind: "snapshot",
                entity_id: "org",
                summary: &text,
                before: None,
                after: None,
            },
        )?;
        tx.commit()?;
        Ok(summary)
    }

    /// Every unit of the current FK Organisation snapshot, with addresses and KLE tasks.
    pub fn org_units(&self) -> Result<Vec<OrgUnit>> {
        let mut addresses: HashMap<String, Vec<OrgAddress>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT org_uuid, role, role_title, text, parsed FROM org_address ORDER BY org_uuid, position")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let parsed: Option<String> = r.get(4)?;
            let parsed: Option<Address> = parsed.map(|p| serde_json::from_str(&p)).transpose()?;
            addresses.entry(r.get(0)?).or_default().push(OrgAddress {
                role: AddressRole::parse(&r.get::<_, String>(1)?),
                role_title: r.get(2)?,
                text: r.get(3)?,
                parsed,
            });
        }
        let mut kle: HashMap<String, Vec<KleTask>> = HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT org_uuid, number, title, role FROM org_kle ORDER BY org_uuid, position",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            kle.entry(r.get(0)?).or_default().push(KleTask {
                number: r.get(1)?,
                title: r.get(2)?,
                role: r.get(3)?,
            });
        }
        let mut stmt = self
            .conn
            .prepare("SELECT uuid, name, user_key, parent_uuid, status, valid_from, valid_to FROM org_unit ORDER BY name")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let uuid: String = r.get(0)?;
            out.push(OrgUnit {
                addresses: addresses.remove(&uuid).unwrap_or_default(),
                kle: kle.remove(&uuid).unwrap_or_default(),
                name: r.get(1)?,
                user_key: r.get(2)?,
                parent_uuid: r.get(3)?,
                status: OrgStatus::parse(&r.get::<_, String>(4)?).unwrap_or(OrgStatus::Inaktiv),
                valid_from: r.get(5)?,
                valid_to: r.get(6)?,
                uuid,
            });
        }
        Ok(out)
    }

    /// Records a FK Organisation sync's outcome: `Ok(at)` sets `at_key` to the time and removes
    /// `error_key`; `Err(message)` sets `error_key` and keeps the time of the last success.
    pub fn record_org_sync(
        &mut self,
        at_key: &str,
        error_key: &str,
        outcome: std::result::Result<&str, &str>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let upsert = "INSERT INTO setting(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        match outcome {
            Ok(at) => {
                tx.execute(upsert, [at_key, at])?;
                tx.execute("DELETE FROM setting WHERE key = ?1", [error_key])?;
            }
            Err(message) => {
                tx.execute(upsert, [error_key, message])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn org_counts(&self) -> Result<(i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(status = 'AKTIV'), 0), coalesce(sum(status = 'INAKTIV'), 0) FROM org_unit",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
}

fn describe_org_change(c: &SnapshotChange, name: &str) -> String {
    let v = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "(intet)".into(),
        Some(other) => other.to_string(),
    };
    let id = &c.entity_id;
    match c.what.as_str() {
        "appeared" => format!("Ny enhed i FK Organisation: {name} ({id})"),
        "disappeared" => format!("Enhed {id} findes ikke længere i FK Organisation"),
        "closed" => format!("Enhed {name} ({id}) er gjort inaktiv i FK Organisation"),
        "reopened" => format!("Enhed {name} ({id}) er aktiv igen i FK Organisation"),
        "renamed" => format!(
            "Enhed {id} omdøbt fra «{}» til «{}»",
            v(&c.before),
            v(&c.after)
        ),
        "moved" => format!(
            "Enhed {name} ({id}) har fået ny postadresse: {}",
            v(&c.after)
        ),
        "kle_changed" => format!("Enhed {name} ({id}) har fået ændrede KLE-opgaver"),
        "reparented" => format!("Enhed {name} ({id}) er flyttet i organisationstræet"),
        other => format!("Enhed {name} ({id}) ændret ({other})"),
    }
}
