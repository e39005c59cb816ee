//! Decisions beyond a plain approve/reject: approval of chosen fields or edited SOR fields, undo
//! from the change log, unlinking, SOR units kept only in SOR, automatic decision rules and bulk
//! approval with a preview of exactly what will happen.

use std::collections::HashSet;

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sorkomp_model::{Address, NewSorUnit, ProposalKind, ProposalStatus};
use sorkomp_store::{ApprovalChoice, ProposalRow, Store, StoreError};
use ts_rs::TS;

use crate::{
    sor_row, Api, ApiError, ApiResult, LogEntry, LogQuery, ProposalQuery, ProposalView, SorRow,
};

/// How the administrator approves a proposal when it is not exactly as proposed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApprovalEdit {
    /// Update proposals: the fields to take (`FieldChange::field`, e.g. "name", "address");
    /// the others are recorded as not taken. `None` takes them all.
    pub fields: Option<Vec<String>>,
    /// Create proposals: the SOR fields to create instead of the proposed ones.
    pub new_unit: Option<NewSorUnit>,
}

/// A change-log row and whether it can be undone now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LogRow {
    pub entry: LogEntry,
    pub undoable: bool,
}

/// One page of the change log (newest first) and how many rows match the filter in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LogPage {
    pub rows: Vec<LogRow>,
    #[ts(type = "number")]
    pub total: u32,
}

/// A decision rule: proposals it covers are approved automatically after each match, or left
/// for the administrator (manual, the default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rule {
    pub key: String,
    pub label: String,
    pub description: String,
    pub automatic: bool,
}

/// One proposal a bulk approval will approve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkItem {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: ProposalKind,
    pub score: f64,
    /// Danish: exactly what approving it does.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BulkReport {
    pub approved: u32,
    /// Proposals not approved, each with the reason (Danish).
    pub skipped: Vec<String>,
}

struct RuleDef {
    key: &'static str,
    label: &'static str,
    description: &'static str,
    covers: fn(&ProposalRow) -> bool,
}

fn carried_by_code(p: &ProposalRow) -> bool {
    p.kind == ProposalKind::Link
        && p.explanation
            .contributions
            .iter()
            .any(|c| c.field == "sor_code" || c.field == "ean")
}

fn name_address_update(p: &ProposalRow) -> bool {
    p.kind == ProposalKind::Update
        && !p.changes.is_empty()
        && p.changes
            .iter()
            .all(|c| c.field == "name" || c.field == "address")
}

fn creation(p: &ProposalRow) -> bool {
    p.kind == ProposalKind::Create
}

fn deletion(p: &ProposalRow) -> bool {
    p.kind == ProposalKind::Delete
}

const RULES: &[RuleDef] = &[
    RuleDef {
        key: "link_by_sor_code",
        label: "Koblinger med SOR-kode eller EAN",
        description: "Kobl en ORG-enhed til den SOR-enhed, hvis SOR-kode enheden bærer i FK Organisation, eller som har samme EAN-lokationsnummer.",
        covers: carried_by_code,
    },
    RuleDef {
        key: "update_name_address",
        label: "Navne- og adresseopdateringer",
        description: "Ret navn og postadresse i SOR for et koblet par, når FK Organisation har ændret dem.",
        covers: name_address_update,
    },
    RuleDef {
        key: "create",
        label: "Oprettelser",
        description: "Sæt en ny SOR-enhed på arbejdslisten for en relevant ORG-enhed uden modpart i SOR, med de foreslåede SOR-felter.",
        covers: creation,
    },
    RuleDef {
        key: "delete",
        label: "Sletninger",
        description: "Sæt lukning af en SOR-enhed på arbejdslisten, når dens ORG-enhed er inaktiv eller forsvundet. Enheder markeret «kun i SOR» foreslås aldrig slettet.",
        covers: deletion,
    },
];

/// After a match: approves the open proposals that an automatic rule covers, with source
/// "rule". Returns how many were approved and notes on the ones a rule could not approve.
pub(crate) fn apply_rules(store: &mut Store, now: &str) -> ApiResult<(u32, Vec<String>)> {
    let settings = store.rule_settings()?;
    let active: Vec<&RuleDef> = RULES
        .iter()
        .filter(|r| settings.get(r.key) == Some(&true))
        .collect();
    if active.is_empty() {
        return Ok((0, Vec::new()));
    }
    let items: Vec<(i64, String)> = store
        .rule_candidates()?
        .iter()
        .filter_map(|p| {
            active
                .iter()
                .find(|r| (r.covers)(p))
                .map(|r| (p.id, format!("regel: {}", r.label)))
        })
        .collect();
    let outcome = store.approve_many(&items, "rule", now, false)?;
    let notes = outcome
        .skipped
        .iter()
        .filter(|(_, e)| !matches!(e, StoreError::AlreadyDecided { .. }))
        .map(|(id, e)| format!("En regel kunne ikke godkende forslag {id}: {e}"))
        .collect();
    Ok((outcome.approved.len() as u32, notes))
}

/// The store's filter for an API log query: dates are Danish local days (Europe/Copenhagen),
/// both ends inclusive.
pub(crate) fn store_log_query(q: &LogQuery) -> ApiResult<sorkomp_store::LogQuery> {
    Ok(sorkomp_store::LogQuery {
        source: q.source.map(|s| s.as_str().to_owned()),
        entity_id: q
            .entity_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        action: q
            .action
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        text: q.text.clone().filter(|t| !t.trim().is_empty()),
        from: q
            .from
            .as_deref()
            .map(|v| log_bound(v, "fra", false))
            .transpose()?,
        to: q
            .to
            .as_deref()
            .map(|v| log_bound(v, "til", true))
            .transpose()?,
        limit: q.limit,
        offset: q.offset,
    })
}

/// `value` (an ISO date or an RFC 3339 time) as a bound on the stored UTC times: the start of
/// the day, or for an upper bound the start of the next day (one second after a time).
fn log_bound(value: &str, field: &str, upper: bool) -> ApiResult<String> {
    let value = value.trim();
    let utc: Option<DateTime<Utc>> = if let Ok(day) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let day = if upper {
            day.checked_add_days(Days::new(1))
        } else {
            Some(day)
        };
        day.and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| {
                chrono_tz::Europe::Copenhagen
                    .from_local_datetime(&t)
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
    } else if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        let t = t.with_timezone(&Utc);
        Some(if upper {
            t + chrono::Duration::seconds(1)
        } else {
            t
        })
    } else {
        None
    };
    utc.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .ok_or_else(|| {
            ApiError::new(
                "invalid_date",
                format!("«{value}» i feltet «{field}» er hverken en dato (ÅÅÅÅ-MM-DD) eller et tidspunkt (fx 2026-11-26T10:00:00+01:00)."),
            )
        })
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// House number 1-999 with at most one capital letter.
fn valid_house_number(n: &str) -> bool {
    let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
    let rest = &n[digits.len()..];
    let number_ok = matches!(digits.parse::<u32>(), Ok(1..=999)) && !digits.starts_with('0');
    number_ok
        && (rest.is_empty()
            || (rest.chars().count() == 1 && rest.chars().all(|c| c.is_uppercase())))
}

fn valid_floor(f: &str) -> bool {
    let f = f.to_lowercase();
    matches!(f.as_str(), "st" | "kl")
        || matches!(f.parse::<u32>(), Ok(1..=99))
        || (f.len() == 2 && f.starts_with('k') && matches!(f.as_bytes()[1], b'2'..=b'9'))
}

fn valid_door(d: &str) -> bool {
    let d = d.to_lowercase();
    matches!(d.as_str(), "th" | "tv" | "mf")
        || matches!(d.parse::<u32>(), Ok(1..=9999))
        || (d.chars().count() <= 4 && d.chars().all(char::is_alphanumeric))
}

/// Checks and tidies the SOR fields of a creation; every problem is named by its field.
pub(crate) fn validate_unit(u: &NewSorUnit, store: &Store) -> ApiResult<NewSorUnit> {
    let mut problems: Vec<String> = Vec::new();
    let name = u.name.trim().to_owned();
    let chars = name.chars().count();
    if name.is_empty() {
        problems.push("feltet «navn» må ikke være tomt".into());
    } else if chars > 60 {
        problems.push(format!(
            "feltet «navn» er {chars} tegn; SOR tillader højst 60"
        ));
    }
    let type_code = trimmed(&u.type_code);
    match &type_code {
        None => problems.push(
            "feltet «enhedstype» skal udfyldes med en SOR-enhedstype (SNOMED CT-kode, fx 42665001)"
                .into(),
        ),
        Some(t) if !(all_digits(t) && (6..=18).contains(&t.len())) => problems.push(format!(
            "feltet «enhedstype» skal være en SNOMED CT-kode (6-18 cifre), ikke «{t}»"
        )),
        Some(_) => {}
    }
    let address = u.address.as_ref().map(|a| Address {
        street: a.street.trim().to_owned(),
        number: trimmed(&a.number),
        floor: trimmed(&a.floor),
        door: trimmed(&a.door),
        postcode: trimmed(&a.postcode),
        city: trimmed(&a.city),
        municipality_code: trimmed(&a.municipality_code),
    });
    if let Some(a) = &address {
        if a.street.is_empty() {
            problems.push("feltet «vejnavn» må ikke være tomt".into());
        }
        match &a.number {
            None => problems.push("feltet «husnummer» skal udfyldes".into()),
            Some(n) if !valid_house_number(n) => problems.push(format!(
                "feltet «husnummer» skal være 1-999 med højst ét stort bogstav (fx 12B), ikke «{n}»"
            )),
            Some(_) => {}
        }
        if let Some(f) = a.floor.as_deref().filter(|f| !valid_floor(f)) {
            problems.push(format!(
                "feltet «etage» skal være st, kl, 1-99 eller k2-k9, ikke «{f}»"
            ));
        }
        if let Some(d) = a.door.as_deref().filter(|d| !valid_door(d)) {
            problems.push(format!(
                "feltet «dør» skal være th, tv, mf, 1-9999 eller højst 4 bogstaver/cifre, ikke «{d}»"
            ));
        }
        match &a.postcode {
            None => problems.push("feltet «postnummer» skal udfyldes".into()),
            Some(p) if !(all_digits(p) && p.len() == 4) => {
                problems.push(format!("feltet «postnummer» skal være 4 cifre, ikke «{p}»"))
            }
            Some(_) => {}
        }
        if let Some(m) = a
            .municipality_code
            .as_deref()
            .filter(|m| !(all_digits(m) && (3..=4).contains(&m.len())))
        {
            problems.push(format!(
                "feltet «kommunekode» skal være 3-4 cifre, ikke «{m}»"
            ));
        }
    }
    let parent = trimmed(&u.parent_sor_id);
    if let Some(p) = &parent {
        if !all_digits(p) {
            problems.push(format!(
                "feltet «overordnet SOR-enhed» skal være et SOR-id (cifre), ikke «{p}»"
            ));
        } else if store.sor_entity(p)?.is_none() {
            problems.push(format!(
                "feltet «overordnet SOR-enhed»: SOR-id {p} findes ikke i SOR-data"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::new(
            "invalid_unit",
            format!("SOR-felterne kan ikke godkendes: {}.", problems.join("; ")),
        ));
    }
    Ok(NewSorUnit {
        name,
        type_code,
        address,
        parent_sor_id: parent,
    })
}

fn field_da(field: &str) -> &str {
    match field {
        "name" => "navn",
        "address" => "adresse",
        other => other,
    }
}

fn quoted(v: &Option<String>) -> String {
    match v {
        Some(v) => format!("«{v}»"),
        None => "(intet)".into(),
    }
}

/// Danish: exactly what approving `v` does.
fn describe_approval(v: &ProposalView, today: &str) -> String {
    let org = match &v.org {
        Some(o) => format!("ORG-enheden «{}»", o.name),
        None => format!("ORG-enheden {}", v.org_uuid.as_deref().unwrap_or("?")),
    };
    let sor = match &v.sor {
        Some(s) => format!("SOR-enheden «{}» ({})", s.name, s.sor_id),
        None => format!("SOR-enheden {}", v.sor_id.as_deref().unwrap_or("?")),
    };
    match v.kind {
        ProposalKind::Link => format!("Kobl {org} til {sor}."),
        ProposalKind::Create => match &v.new_unit {
            Some(u) => format!(
                "Sæt på arbejdslisten: opret SOR-enheden «{}» (enhedstype {}, adresse {}) under {} for {org}.",
                u.name,
                u.type_code.as_deref().unwrap_or("ikke angivet"),
                u.address
                    .as_ref()
                    .map(Address::one_line)
                    .unwrap_or_else(|| "ikke angivet".into()),
                u.parent_sor_id
                    .as_deref()
                    .map(|p| format!("SOR {p}"))
                    .unwrap_or_else(|| "ingen overordnet enhed".into()),
            ),
            None => format!("Sæt på arbejdslisten: opret en SOR-enhed for {org}."),
        },
        ProposalKind::Delete => {
            format!("Sæt på arbejdslisten: luk {sor} fra {today}.")
        }
        ProposalKind::Update => {
            let parts: Vec<String> = v
                .changes
                .iter()
                .map(|c| {
                    format!(
                        "{} {} → {}",
                        field_da(&c.field),
                        quoted(&c.sor_value),
                        quoted(&c.org_value)
                    )
                })
                .collect();
            format!("Sæt på arbejdslisten: ret {sor}: {}.", parts.join("; "))
        }
    }
}

impl Api {
    /// Approves an update for the chosen fields only, or a creation with edited SOR fields.
    pub fn approve_edited(&self, id: i64, edit: &ApprovalEdit) -> ApiResult<ProposalView> {
        let now = self.now();
        let who = self.who()?;
        {
            let mut store = self.store();
            let p = store.proposal(id)?;
            if p.status != ProposalStatus::New {
                return Err(StoreError::AlreadyDecided {
                    id,
                    status: match p.status {
                        ProposalStatus::Approved => "godkendt",
                        ProposalStatus::Rejected => "afvist",
                        _ => "trukket tilbage",
                    }
                    .into(),
                }
                .into());
            }
            if let Some(fields) = &edit.fields {
                let known: Vec<&str> = p.changes.iter().map(|c| c.field.as_str()).collect();
                if p.kind != ProposalKind::Update {
                    return Err(ApiError::new(
                        "invalid_edit",
                        format!("Forslag {id} er ikke en opdatering; kun opdateringer kan godkendes felt for felt."),
                    ));
                }
                if fields.is_empty() {
                    return Err(ApiError::new(
                        "invalid_edit",
                        format!("Vælg mindst ét felt at godkende i forslag {id} (felterne er: {}), eller afvis forslaget.", known.join(", ")),
                    ));
                }
                if let Some(bad) = fields.iter().find(|f| !known.contains(&f.as_str())) {
                    return Err(ApiError::new(
                        "invalid_edit",
                        format!(
                            "Feltet «{bad}» indgår ikke i forslag {id} (felterne er: {}).",
                            known.join(", ")
                        ),
                    ));
                }
            }
            let new_unit = match &edit.new_unit {
                Some(u) if p.kind != ProposalKind::Create => {
                    return Err(ApiError::new(
                        "invalid_edit",
                        format!("Forslag {id} er ikke en oprettelse; kun oprettelser har SOR-felter, der kan rettes (enhed: «{}»).", u.name),
                    ))
                }
                Some(u) => Some(validate_unit(u, &store)?),
                None => None,
            };
            let choice = ApprovalChoice {
                fields: edit.fields.clone(),
                new_unit,
            };
            store.approve_chosen(id, &choice, &who, "user", &now)?;
        }
        self.proposal(id)
    }

    /// Undoes the decision recorded in change-log row `log_id` (approve, reject, manual link,
    /// unlink, a "kun i SOR" mark, a rule's approval) and logs the undo.
    pub fn undo(&self, log_id: i64, reason: Option<String>) -> ApiResult<LogEntry> {
        let now = self.now();
        let who = self.who()?;
        let mut store = self.store();
        let entry = store.log_entry(log_id)?;
        if let Some(why) = store.undo_blocker(&entry)? {
            return Err(ApiError::new("not_undoable", why));
        }
        Ok(store.undo(log_id, reason.as_deref(), &who, &now)?)
    }

    /// One page of the change log with the number of matching rows and, per row, whether it
    /// can be undone.
    pub fn log_page(&self, q: &LogQuery) -> ApiResult<LogPage> {
        let sq = store_log_query(q)?;
        let store = self.store();
        let total = store.log_count(&sq)?;
        let mut rows = Vec::new();
        for entry in store.log(&sq)? {
            let undoable = store.undo_blocker(&entry)?.is_none();
            rows.push(LogRow { entry, undoable });
        }
        Ok(LogPage {
            rows,
            total: total.min(u32::MAX as u64) as u32,
        })
    }

    /// Ends the link between an ORG unit and a SOR unit (kept in history; logged with who and
    /// why). The next match may propose the pair again.
    pub fn unlink(&self, org_uuid: &str, sor_id: &str, reason: Option<String>) -> ApiResult<()> {
        let now = self.now();
        let who = self.who()?;
        self.store().unlink(
            org_uuid.trim(),
            sor_id.trim(),
            reason.as_deref(),
            &who,
            &now,
        )?;
        Ok(())
    }

    /// Marks (or with `only = false` unmarks) a SOR unit as existing only in SOR: it is kept and
    /// never proposed for deletion.
    pub fn set_only_in_sor(
        &self,
        sor_id: &str,
        only: bool,
        reason: Option<String>,
    ) -> ApiResult<()> {
        let now = self.now();
        let who = self.who()?;
        self.store()
            .set_only_in_sor(sor_id.trim(), only, reason.as_deref(), &who, &now)?;
        Ok(())
    }

    /// The SOR units marked as existing only in SOR.
    pub fn only_in_sor(&self) -> ApiResult<Vec<SorRow>> {
        let store = self.store();
        let linked: std::collections::HashMap<String, String> = store
            .links()?
            .into_iter()
            .map(|l| (l.sor_id, l.org_uuid))
            .collect();
        let mut out = Vec::new();
        for id in store.only_in_sor_ids()? {
            out.push(match store.sor_entity(&id)? {
                Some(e) => {
                    let org = linked.get(&e.sor_id).cloned();
                    sor_row(e, org)
                }
                None => SorRow {
                    sor_id: id,
                    level: None,
                    parent_id: None,
                    name: "(findes ikke i seneste SOR-import)".into(),
                    type_code: None,
                    address: None,
                    address_inherited: false,
                    ean: None,
                    from_date: None,
                    to_date: None,
                    linked_org: None,
                },
            });
        }
        Ok(out)
    }

    /// The decision rules and whether each is automatic.
    pub fn rules(&self) -> ApiResult<Vec<Rule>> {
        let settings = self.store().rule_settings()?;
        Ok(RULES
            .iter()
            .map(|r| Rule {
                key: r.key.into(),
                label: r.label.into(),
                description: r.description.into(),
                automatic: settings.get(r.key).copied().unwrap_or(false),
            })
            .collect())
    }

    /// Sets a rule to automatic or manual approval (logged); returns all rules.
    pub fn set_rule(&self, key: &str, automatic: bool) -> ApiResult<Vec<Rule>> {
        let key = key.trim();
        let Some(def) = RULES.iter().find(|r| r.key == key) else {
            let known: Vec<&str> = RULES.iter().map(|r| r.key).collect();
            return Err(ApiError::new(
                "unknown_rule",
                format!(
                    "Reglen «{key}» findes ikke. Reglerne er: {}.",
                    known.join(", ")
                ),
            ));
        };
        let now = self.now();
        let who = self.who()?;
        self.store()
            .set_rule(def.key, def.label, automatic, &who, &now)?;
        self.rules()
    }

    /// The open proposals with score >= `min_score` (and of `kind`) that a bulk approval would
    /// approve, each with what approving it does. Computed by approving them in a transaction
    /// that is rolled back, so proposals that an earlier one in the batch makes moot are left out.
    pub fn bulk_preview(
        &self,
        min_score: f64,
        kind: Option<ProposalKind>,
    ) -> ApiResult<Vec<BulkItem>> {
        if !min_score.is_finite() {
            return Err(ApiError::new(
                "invalid_score",
                "Mindste score skal være et tal.",
            ));
        }
        let now = self.now();
        let who = self.who()?;
        let views: Vec<ProposalView> = self
            .proposals(&ProposalQuery {
                status: Some(ProposalStatus::New),
                kind,
                text: None,
            })?
            .into_iter()
            .filter(|v| v.score >= min_score)
            .collect();
        let items: Vec<(i64, String)> = views.iter().map(|v| (v.id, who.clone())).collect();
        let outcome = self.store().approve_many(&items, "user", &now, true)?;
        let approved: HashSet<i64> = outcome.approved.into_iter().collect();
        let today = &now[..10];
        Ok(views
            .iter()
            .filter(|v| approved.contains(&v.id))
            .map(|v| BulkItem {
                id: v.id,
                kind: v.kind,
                score: v.score,
                description: describe_approval(v, today),
            })
            .collect())
    }

    /// Approves `ids` in order, in one transaction; proposals no longer open are skipped with
    /// the reason.
    pub fn bulk_approve(&self, ids: &[i64]) -> ApiResult<BulkReport> {
        let now = self.now();
        let who = self.who()?;
        let items: Vec<(i64, String)> = ids.iter().map(|id| (*id, who.clone())).collect();
        let outcome = self.store().approve_many(&items, "user", &now, false)?;
        Ok(BulkReport {
            approved: outcome.approved.len() as u32,
            skipped: outcome
                .skipped
                .into_iter()
                .map(|(_, e)| e.to_string())
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_bounds_are_danish_local_days() {
        fn check(value: &str, upper: bool, expected: &str) {
            assert_eq!(
                log_bound(value, "fra", upper).unwrap(),
                expected,
                "{value} (upper: {upper})"
            );
        }
        // Winter: UTC+1; summer: UTC+2. A day starts at local midnight.
        check("2026-11-26", false, "2026-11-25T23:00:00Z");
        check("2026-11-26", true, "2026-11-26T23:00:00Z");
        check("2026-07-01", false, "2026-06-30T22:00:00Z");
        // The day the clocks go forward has 23 hours.
        check("2026-03-29", true, "2026-03-29T22:00:00Z");
        check("2026-11-26T10:00:00+01:00", false, "2026-11-26T09:00:00Z");
        check("2026-11-26T10:00:00Z", true, "2026-11-26T10:00:01Z");
        let err = log_bound("26/11/2026", "til", false).unwrap_err();
        assert_eq!(err.code, "invalid_date");
        assert!(err.message.contains("«til»"), "{}", err.message);
    }

    #[test]
    fn edited_sor_fields_are_checked_field_by_field() {
        let store = Store::open_in_memory().unwrap();
        let good = NewSorUnit {
            name: " Genoptræning Nord ".into(),
            type_code: Some("546811000005109".into()),
            address: Some(Address {
                street: "Nordskrænt".into(),
                number: Some("11".into()),
                postcode: Some("1234".into()),
                city: Some("Korsbæk".into()),
                ..Default::default()
            }),
            parent_sor_id: None,
        };
        assert_eq!(
            validate_unit(&good, &store).unwrap().name,
            "Genoptræning Nord",
            "a valid unit passes, trimmed"
        );
        let check = |edit: &dyn Fn(&mut NewSorUnit), field: &str| {
            let mut u = good.clone();
            edit(&mut u);
            let err = validate_unit(&u, &store).unwrap_err();
            assert_eq!(err.code, "invalid_unit");
            assert!(err.message.contains(field), "{field}: {}", err.message);
        };
        check(&|u| u.name = "  ".into(), "«navn»");
        check(&|u| u.name = "x".repeat(61), "«navn»");
        check(&|u| u.type_code = None, "«enhedstype»");
        check(&|u| u.type_code = Some("plejehjem".into()), "«enhedstype»");
        check(
            &|u| u.address.as_mut().unwrap().postcode = Some("123".into()),
            "«postnummer»",
        );
        check(
            &|u| u.address.as_mut().unwrap().street = "".into(),
            "«vejnavn»",
        );
        check(
            &|u| u.address.as_mut().unwrap().number = Some("0".into()),
            "«husnummer»",
        );
        check(
            &|u| u.parent_sor_id = Some("91011000016001".into()),
            "findes ikke",
        );
    }

    #[test]
    fn house_numbers_floors_and_doors() {
        for (n, ok) in [
            ("12", true),
            ("12B", true),
            ("999", true),
            ("0", false),
            ("1000", false),
            ("12b", false),
            ("12AB", false),
            ("", false),
        ] {
            assert_eq!(valid_house_number(n), ok, "house number {n:?}");
        }
        for (f, ok) in [
            ("st", true),
            ("kl", true),
            ("1", true),
            ("99", true),
            ("k2", true),
            ("100", false),
            ("k1", false),
            ("x", false),
        ] {
            assert_eq!(valid_floor(f), ok, "floor {f:?}");
        }
        for (d, ok) in [
            ("th", true),
            ("tv", true),
            ("mf", true),
            ("12", true),
            ("a3", true),
            ("12345", false),
            ("t-v", false),
        ] {
            assert_eq!(valid_door(d), ok, "door {d:?}");
        }
    }
}
