//! What changed in FK Organisation between two snapshots, as change-log events.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use sorkomp_model::{OrgStatus, OrgUnit, SnapshotChange};

/// The changes from `old` to `new`, register "org", ordered by unit uuid, then kind.
///
/// `what` is one of: appeared, disappeared, closed (AKTIV → INAKTIV), reopened (INAKTIV →
/// AKTIV), renamed, moved (the postal address text changed, or appeared/vanished), kle_changed
/// (the set of KLE numbers+roles changed), reparented. A unit can have several changes at once.
pub fn diff_snapshots(old: &[OrgUnit], new: &[OrgUnit]) -> Vec<SnapshotChange> {
    let old_by: BTreeMap<&str, &OrgUnit> = old.iter().map(|u| (u.uuid.as_str(), u)).collect();
    let new_by: BTreeMap<&str, &OrgUnit> = new.iter().map(|u| (u.uuid.as_str(), u)).collect();
    let uuids: BTreeSet<&str> = old_by.keys().chain(new_by.keys()).copied().collect();
    let mut changes = Vec::new();
    for uuid in uuids {
        let change = |what: &str, before: Option<Value>, after: Option<Value>| SnapshotChange {
            register: "org".into(),
            entity_id: uuid.to_string(),
            what: what.into(),
            before,
            after,
        };
        match (old_by.get(uuid), new_by.get(uuid)) {
            (None, Some(n)) => changes.push(change("appeared", None, Some(summary(n)))),
            (Some(o), None) => changes.push(change("disappeared", Some(summary(o)), None)),
            (Some(o), Some(n)) => {
                match (o.status, n.status) {
                    (OrgStatus::Aktiv, OrgStatus::Inaktiv) => {
                        changes.push(change("closed", Some(state(o)), Some(state(n))))
                    }
                    (OrgStatus::Inaktiv, OrgStatus::Aktiv) => {
                        changes.push(change("reopened", Some(state(o)), Some(state(n))))
                    }
                    _ => {}
                }
                if o.name != n.name {
                    changes.push(change("renamed", Some(json!(o.name)), Some(json!(n.name))));
                }
                let (op, np) = (postal_text(o), postal_text(n));
                if op != np {
                    changes.push(change("moved", op.map(Value::from), np.map(Value::from)));
                }
                let (ok, nk) = (kle_set(o), kle_set(n));
                if ok != nk {
                    changes.push(change("kle_changed", Some(json!(ok)), Some(json!(nk))));
                }
                if o.parent_uuid != n.parent_uuid {
                    changes.push(change(
                        "reparented",
                        o.parent_uuid.clone().map(Value::from),
                        n.parent_uuid.clone().map(Value::from),
                    ));
                }
            }
            (None, None) => {}
        }
    }
    changes
}

fn summary(u: &OrgUnit) -> Value {
    json!({
        "name": u.name,
        "status": u.status.as_str(),
        "parent_uuid": u.parent_uuid,
        "postal_address": postal_text(u),
        "kle": kle_set(u),
    })
}

fn state(u: &OrgUnit) -> Value {
    json!({ "status": u.status.as_str(), "valid_from": u.valid_from, "valid_to": u.valid_to })
}

/// The postal address with spacing folded, so re-spacing alone is not a move.
fn postal_text(u: &OrgUnit) -> Option<String> {
    u.postal()
        .map(|a| a.text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// "29.18.00 (Ansvarlig)" per task, sorted.
fn kle_set(u: &OrgUnit) -> Vec<String> {
    let set: BTreeSet<String> = u
        .kle
        .iter()
        .map(|k| format!("{} ({})", k.number, k.role))
        .collect();
    set.into_iter().collect()
}
