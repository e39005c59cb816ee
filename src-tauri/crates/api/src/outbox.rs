//! The SOR worklist (outbox) as the administrator reads it: each approved change as one Danish
//! sentence plus the fields to type into SOR's own application; marking items done; and the
//! automatic confirmation when a later import shows the change carried out.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sorkomp_matcher::normalize::{address_key, fold, parse_address_text};
use sorkomp_model::{Address, FieldChange, NewSorUnit, OrgUnit, SorEntity};
use sorkomp_store::{OutboxConfirmation, OutboxItem, Store};
use ts_rs::TS;

use crate::{Api, ApiResult, ExportReport};

/// Where an item of the worklist stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OutboxStatus {
    /// Approved; not yet made in SOR.
    Pending,
    /// The administrator says it is made in SOR.
    Done,
    /// A later import shows it.
    Confirmed,
    /// The approval was undone before the change was confirmed.
    Withdrawn,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 4] = [
        OutboxStatus::Pending,
        OutboxStatus::Done,
        OutboxStatus::Confirmed,
        OutboxStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Done => "done",
            OutboxStatus::Confirmed => "confirmed",
            OutboxStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        OutboxStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// The Danish word shown to the administrator.
    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "Afventer",
            OutboxStatus::Done => "Udført",
            OutboxStatus::Confirmed => "Bekræftet",
            OutboxStatus::Withdrawn => "Trukket tilbage",
        }
    }

    /// The word the store keeps (a withdrawn item is stored as "cancelled").
    fn stored(self) -> &'static str {
        match self {
            OutboxStatus::Withdrawn => "cancelled",
            other => other.as_str(),
        }
    }

    fn from_stored(s: &str) -> OutboxStatus {
        match s {
            "done" => OutboxStatus::Done,
            "confirmed" => OutboxStatus::Confirmed,
            "cancelled" => OutboxStatus::Withdrawn,
            _ => OutboxStatus::Pending,
        }
    }
}

/// One value to enter in SOR, with its Danish label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxField {
    pub label: String,
    pub value: String,
}

/// An item of the SOR worklist, resolved for display and export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxView {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub proposal_id: i64,
    /// "create_unit", "close_unit", "update_unit" or "register_link".
    pub action: String,
    /// One Danish sentence: what to do in SOR.
    pub title: String,
    pub org_uuid: Option<String>,
    /// The SOR entity the change is about (for a created unit: its id once confirmed).
    pub sor_id: Option<String>,
    /// Danish labels, in the order SOR's application asks for them.
    pub fields: Vec<OutboxField>,
    pub status: OutboxStatus,
    pub created_at: String,
    pub done_at: Option<String>,
    pub confirmed_at: Option<String>,
}

/// The file formats of the worklist export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum WorklistFormat {
    /// Semicolon-separated, UTF-8 with BOM, Danish dates: opens correctly in Danish Excel.
    Csv,
    Xlsx,
    /// A standalone page to print and tick off.
    Html,
}

impl WorklistFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(WorklistFormat::Csv),
            "xlsx" => Some(WorklistFormat::Xlsx),
            "html" => Some(WorklistFormat::Html),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct CreatePayload {
    org_uuid: Option<String>,
    unit: Option<NewSorUnit>,
}

#[derive(Deserialize)]
struct ClosePayload {
    sor_id: Option<String>,
    close_from: Option<String>,
}

#[derive(Deserialize)]
struct UpdatePayload {
    sor_id: Option<String>,
    org_uuid: Option<String>,
    #[serde(default)]
    changes: Vec<FieldChange>,
}

#[derive(Deserialize)]
struct LinkPayload {
    org_uuid: Option<String>,
    sor_id: Option<String>,
}

/// An item's payload, read by its action.
enum Change {
    Create(CreatePayload),
    Close(ClosePayload),
    Update(UpdatePayload),
    Link(LinkPayload),
    Unknown,
}

fn parse_change(item: &OutboxItem) -> Change {
    let p = item.payload.clone();
    let parsed = match item.action.as_str() {
        "create_unit" => serde_json::from_value(p).map(Change::Create),
        "close_unit" => serde_json::from_value(p).map(Change::Close),
        "update_unit" => serde_json::from_value(p).map(Change::Update),
        "register_link" => serde_json::from_value(p).map(Change::Link),
        _ => Ok(Change::Unknown),
    };
    parsed.unwrap_or(Change::Unknown)
}

/// What the views need besides the store: the ORG snapshot and the SOR type names.
struct Context<'a> {
    store: &'a Store,
    org: HashMap<String, OrgUnit>,
    type_names: HashMap<String, String>,
}

impl<'a> Context<'a> {
    fn new(store: &'a Store) -> ApiResult<Context<'a>> {
        let org = store
            .org_units()?
            .into_iter()
            .map(|u| (u.uuid.clone(), u))
            .collect();
        let mut type_names = HashMap::new();
        for rule in store.kle_rules()? {
            type_names.entry(rule.sor_type_code).or_insert(rule.label);
        }
        Ok(Context {
            store,
            org,
            type_names,
        })
    }

    fn sor(&self, id: Option<&str>) -> ApiResult<Option<SorEntity>> {
        Ok(match id {
            Some(id) => self.store.sor_entity(id)?,
            None => None,
        })
    }

    fn org_name(&self, uuid: &str) -> String {
        self.org
            .get(uuid)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("ORG-enhed {uuid}"))
    }

    fn type_name(&self, code: &str) -> String {
        match self.type_names.get(code) {
            Some(name) => format!("{name} ({code})"),
            None => code.to_owned(),
        }
    }
}

fn field(label: &str, value: impl Into<String>) -> OutboxField {
    OutboxField {
        label: label.into(),
        value: value.into(),
    }
}

/// `2026-11-26` -> `26-11-2026`; anything else unchanged.
/// `dd-mm-yyyy` of the day in Denmark at the RFC 3339 time `time`.
fn danish_day(time: &str) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(time).ok()?;
    Some(
        t.with_timezone(&chrono_tz::Europe::Copenhagen)
            .format("%d-%m-%Y")
            .to_string(),
    )
}

fn danish_date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso.get(..10).unwrap_or(iso), "%Y-%m-%d")
        .map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

fn sor_label(e: Option<&SorEntity>, id: &str) -> String {
    match e {
        Some(e) => format!("{} (SOR-ID {id})", e.name),
        None => format!("SOR-ID {id} (findes ikke i de indlæste SOR-data)"),
    }
}

/// Danish nouns of the fields an update changes: (definite-less noun, "new" label).
fn update_words(field_name: &str) -> (String, String) {
    match field_name {
        "name" => ("navn".into(), "Nyt navn".into()),
        "address" => ("postadresse".into(), "Ny postadresse".into()),
        "type_code" => ("enhedstype".into(), "Ny enhedstype".into()),
        other => (other.into(), format!("Ny værdi ({other})")),
    }
}

/// SOR's limit on `EntityName`.
const SOR_NAME_MAX: usize = 60;

/// A note when a name is longer than SOR accepts.
fn name_note(name: &str) -> Option<OutboxField> {
    let n = name.chars().count();
    (n > SOR_NAME_MAX).then(|| {
        field(
            "Bemærk",
            format!("Navnet er {n} tegn; SOR tillader højst {SOR_NAME_MAX}. Forkort det i SOR, og ret det gerne også i FK Organisation."),
        )
    })
}

fn join_da(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} og {last}", rest.join(", ")),
    }
}

fn view(item: &OutboxItem, ctx: &Context) -> ApiResult<OutboxView> {
    let proposal = ctx.store.proposal(item.proposal_id).ok();
    let mut org_uuid = proposal.as_ref().and_then(|p| p.org_uuid.clone());
    let mut sor_id = proposal.as_ref().and_then(|p| p.sor_id.clone());
    let mut fields = Vec::new();
    let title = match parse_change(item) {
        Change::Create(p) => {
            org_uuid = p.org_uuid.or(org_uuid);
            sor_id = item.confirmed_sor_id.clone();
            let org = org_uuid.as_deref().and_then(|u| ctx.org.get(u));
            let unit = p.unit.unwrap_or_else(|| NewSorUnit {
                name: org.map(|o| o.name.clone()).unwrap_or_default(),
                ..Default::default()
            });
            let parent = ctx.sor(unit.parent_sor_id.as_deref())?;
            fields.push(field("Navn", unit.name.clone()));
            fields.extend(name_note(&unit.name));
            if let Some(code) = &unit.type_code {
                fields.push(field("Enhedstype", ctx.type_name(code)));
            }
            if let Some(pid) = &unit.parent_sor_id {
                fields.push(field("Overordnet enhed", sor_label(parent.as_ref(), pid)));
            }
            if let Some(a) = &unit.address {
                fields.push(field("Postadresse", a.one_line()));
                if let Some(code) = &a.municipality_code {
                    fields.push(field("Kommunekode", code.clone()));
                }
            }
            if let Some(o) = org {
                for (label, role) in [
                    ("Telefon", sorkomp_model::AddressRole::Telefon),
                    ("E-mail", sorkomp_model::AddressRole::Email),
                    ("EAN-lokationsnummer", sorkomp_model::AddressRole::Ean),
                ] {
                    if let Some(a) = o.first_address(&role) {
                        fields.push(field(label, a.text.trim()));
                    }
                }
                fields.push(field("ORG-enhed", format!("{} ({})", o.name, o.uuid)));
            }
            if let Some(id) = &item.confirmed_sor_id {
                fields.push(field("Nyt SOR-ID", id.clone()));
            }
            match (&unit.parent_sor_id, &parent) {
                (_, Some(parent)) => format!(
                    "Opret enheden «{}» under «{}» (SOR-ID {}) i SOR.",
                    unit.name, parent.name, parent.sor_id
                ),
                (Some(pid), None) => {
                    format!("Opret enheden «{}» under SOR-ID {pid} i SOR.", unit.name)
                }
                (None, None) => format!("Opret enheden «{}» i SOR.", unit.name),
            }
        }
        Change::Close(p) => {
            sor_id = p.sor_id.or(sor_id);
            let id = sor_id.clone().unwrap_or_default();
            let e = ctx.sor(Some(&id))?;
            let name = e.as_ref().map(|e| e.name.clone()).unwrap_or_default();
            fields.push(field("SOR-enhed", sor_label(e.as_ref(), &id)));
            if let Some(a) = e.as_ref().and_then(|e| e.postal_address.as_ref()) {
                fields.push(field("Postadresse", a.one_line()));
            }
            // The Danish day of the approval (the item's time is UTC). Items stored before
            // 2026-11-27 also carry the UTC day in `close_from`; it is only a fallback.
            let date =
                danish_day(&item.created_at).or_else(|| p.close_from.as_deref().map(danish_date));
            if let Some(d) = &date {
                fields.push(field("Slutdato", d.clone()));
            }
            if let Some(o) = org_uuid.as_deref() {
                fields.push(field("ORG-enhed", format!("{} ({o})", ctx.org_name(o))));
            }
            match date {
                Some(d) => format!("Luk SOR-enheden «{name}» (SOR-ID {id}) med slutdato {d}."),
                None => format!("Luk SOR-enheden «{name}» (SOR-ID {id})."),
            }
        }
        Change::Update(p) => {
            sor_id = p.sor_id.or(sor_id);
            org_uuid = p.org_uuid.or(org_uuid);
            let id = sor_id.clone().unwrap_or_default();
            let e = ctx.sor(Some(&id))?;
            let name = e.as_ref().map(|e| e.name.clone()).unwrap_or_default();
            fields.push(field("SOR-enhed", sor_label(e.as_ref(), &id)));
            let mut nouns = Vec::new();
            for c in &p.changes {
                let (noun, new_label) = update_words(&c.field);
                let show = |v: &Option<String>| match (c.field.as_str(), v) {
                    ("type_code", Some(code)) => ctx.type_name(code),
                    (_, Some(v)) => v.clone(),
                    (_, None) => "(tom)".into(),
                };
                fields.push(field(&format!("Nuværende {noun}"), show(&c.sor_value)));
                fields.push(field(&new_label, show(&c.org_value)));
                if c.field == "name" {
                    fields.extend(c.org_value.as_deref().and_then(name_note));
                }
                nouns.push(noun);
            }
            if let Some(o) = org_uuid.as_deref() {
                fields.push(field("ORG-enhed", format!("{} ({o})", ctx.org_name(o))));
            }
            format!(
                "Ret {} på SOR-enheden «{name}» (SOR-ID {id}).",
                join_da(&nouns)
            )
        }
        Change::Link(p) => {
            org_uuid = p.org_uuid.or(org_uuid);
            sor_id = p.sor_id.or(sor_id);
            let (org, id) = (
                org_uuid.clone().unwrap_or_default(),
                sor_id.clone().unwrap_or_default(),
            );
            let e = ctx.sor(Some(&id))?;
            let org_name = ctx.org_name(&org);
            fields.push(field("ORG-enhed", org_name.clone()));
            fields.push(field("ORG-UUID", org.clone()));
            fields.push(field("SOR-enhed", sor_label(e.as_ref(), &id)));
            fields.push(field("Adresserolle", "SOR"));
            fields.push(field("Værdi", id.clone()));
            format!(
                "Registrér koblingen: giv ORG-enheden «{org_name}» adressen SOR-ID {id} (rollen SOR) i FK Organisation."
            )
        }
        Change::Unknown => {
            fields.push(field("Data", item.payload.to_string()));
            format!("Ukendt ændring «{}» (opgave {}).", item.action, item.id)
        }
    };
    Ok(OutboxView {
        id: item.id,
        proposal_id: item.proposal_id,
        action: item.action.clone(),
        title,
        org_uuid,
        sor_id,
        fields,
        status: OutboxStatus::from_stored(&item.status),
        created_at: item.created_at.clone(),
        done_at: item.done_at.clone(),
        confirmed_at: item.confirmed_at.clone(),
    })
}

/// Street, house number and (when wanted) floor, door and postcode agree, spelling aside.
fn address_agrees(wanted: &Address, found: Option<&Address>) -> bool {
    let Some(found) = found else { return false };
    let (w, f) = (address_key(wanted), address_key(found));
    w.street == f.street
        && w.number == f.number
        && (w.floor.is_none() || w.floor == f.floor)
        && (w.door.is_none() || w.door == f.door)
        && (w.postcode.is_none() || w.postcode == f.postcode)
}

fn same_name(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

/// Does the current snapshot show `item` carried out? Returns the log sentence if so.
fn confirmation(item: &OutboxItem, ctx: &Context) -> ApiResult<Option<OutboxConfirmation>> {
    let confirmed = |sor_id: Option<String>, what: String| {
        Some(OutboxConfirmation {
            id: item.id,
            sor_id,
            summary: format!(
                "Opgave {} på SOR-arbejdslisten er bekræftet: {what}",
                item.id
            ),
        })
    };
    Ok(match parse_change(item) {
        Change::Create(p) => {
            let Some(unit) = p.unit else { return Ok(None) };
            let candidates = match &unit.parent_sor_id {
                Some(parent) => ctx.store.sor_children(parent)?,
                None => match ctx.store.setting("municipality_sor_owner")? {
                    Some(owner) => ctx.store.search_sor(None, Some(&owner), u32::MAX, 0)?,
                    None => Vec::new(),
                },
            };
            let found = candidates.into_iter().find(|e| {
                e.to_date.is_none()
                    && same_name(&e.name, &unit.name)
                    && unit
                        .address
                        .as_ref()
                        .is_none_or(|a| address_agrees(a, e.postal_address.as_ref()))
            });
            match found {
                Some(e) => confirmed(
                    Some(e.sor_id.clone()),
                    format!(
                        "SOR viser nu enheden «{}» med SOR-ID {}{}.",
                        e.name,
                        e.sor_id,
                        e.parent_id
                            .as_deref()
                            .map(|p| format!(" under SOR-ID {p}"))
                            .unwrap_or_default()
                    ),
                ),
                None => None,
            }
        }
        Change::Close(p) => {
            let e = ctx.sor(p.sor_id.as_deref())?;
            match e {
                Some(e) if e.to_date.is_some() => confirmed(
                    Some(e.sor_id.clone()),
                    format!(
                        "SOR-enheden «{}» (SOR-ID {}) har nu slutdato {}.",
                        e.name,
                        e.sor_id,
                        danish_date(e.to_date.as_deref().unwrap_or_default())
                    ),
                ),
                _ => None,
            }
        }
        Change::Update(p) => {
            let Some(e) = ctx.sor(p.sor_id.as_deref())? else {
                return Ok(None);
            };
            let all_made = !p.changes.is_empty()
                && p.changes.iter().all(|c| {
                    let Some(want) = c.org_value.as_deref() else {
                        return false;
                    };
                    match c.field.as_str() {
                        "name" => same_name(&e.name, want),
                        "address" => parse_address_text(want)
                            .is_some_and(|a| address_agrees(&a, e.postal_address.as_ref())),
                        "type_code" => e.type_code.as_deref() == Some(want),
                        _ => false,
                    }
                });
            if all_made {
                let nouns: Vec<String> =
                    p.changes.iter().map(|c| update_words(&c.field).0).collect();
                confirmed(
                    Some(e.sor_id.clone()),
                    format!(
                        "SOR-enheden «{}» (SOR-ID {}) har nu den godkendte {}.",
                        e.name,
                        e.sor_id,
                        join_da(&nouns)
                    ),
                )
            } else {
                None
            }
        }
        Change::Link(p) => {
            let (Some(org), Some(sor)) = (p.org_uuid, p.sor_id) else {
                return Ok(None);
            };
            match ctx.org.get(&org) {
                Some(u) if u.sor_code() == Some(sor.as_str()) => confirmed(
                    Some(sor.clone()),
                    format!(
                        "ORG-enheden «{}» har nu SOR-ID {sor} i FK Organisation.",
                        u.name
                    ),
                ),
                _ => None,
            }
        }
        Change::Unknown => None,
    })
}

/// Confirms the pending and done items that the current snapshots show carried out (called
/// after every SOR or ORG import, with the import's lock still held). Returns how many.
pub(crate) fn confirm_from_snapshots(store: &mut Store, who: &str, now: &str) -> ApiResult<u64> {
    let open: Vec<OutboxItem> = store
        .outbox(None)?
        .into_iter()
        .filter(|i| i.status == "pending" || i.status == "done")
        .collect();
    if open.is_empty() {
        return Ok(0);
    }
    let found = {
        let ctx = Context::new(store)?;
        let mut found = Vec::new();
        for item in &open {
            if let Some(c) = confirmation(item, &ctx)? {
                found.push(c);
            }
        }
        found
    };
    Ok(store.confirm_outbox(&found, who, now)?)
}

/// "; 2 opgaver på SOR-arbejdslisten er bekræftet" for an import's summary line.
pub(crate) fn confirmed_note(n: u64) -> String {
    match n {
        0 => String::new(),
        1 => "; 1 opgave på SOR-arbejdslisten er bekræftet".into(),
        n => format!("; {n} opgaver på SOR-arbejdslisten er bekræftet"),
    }
}

impl Api {
    /// The SOR worklist, oldest first; `status` filters.
    pub fn outbox(&self, status: Option<OutboxStatus>) -> ApiResult<Vec<OutboxView>> {
        let store = self.store();
        let items = store.outbox(status.map(OutboxStatus::stored))?;
        let ctx = Context::new(&store)?;
        items.iter().map(|i| view(i, &ctx)).collect()
    }

    /// Marks an item done (made in SOR) or, with `done = false`, pending again. Logged with who.
    pub fn mark_outbox_done(&self, id: i64, done: bool) -> ApiResult<OutboxView> {
        let now = self.now();
        let who = self.who()?;
        let mut store = self.store();
        let item = store.outbox_item(id)?;
        let title = view(&item, &Context::new(&store)?)?.title;
        let summary = if done {
            format!("Opgave {id} på SOR-arbejdslisten er markeret som udført: {title}")
        } else {
            format!("Opgave {id} på SOR-arbejdslisten er ikke længere markeret som udført: {title}")
        };
        let item = store.set_outbox_done(id, done, &summary, &who, &now)?;
        let ctx = Context::new(&store)?;
        view(&item, &ctx)
    }

    /// Writes the worklist (all items, or those with `status`) as CSV, XLSX or printable HTML.
    /// `head_hash` in the report is the change log's head when the list was written.
    pub fn export_outbox(
        &self,
        format: WorklistFormat,
        status: Option<OutboxStatus>,
        out: &Path,
    ) -> ApiResult<ExportReport> {
        let items = self.outbox(status)?;
        let (head_hash, municipality) = {
            let store = self.store();
            let head = store
                .log(&sorkomp_store::LogQuery {
                    limit: Some(1),
                    ..Default::default()
                })?
                .pop()
                .map(|e| e.hash)
                .unwrap_or_else(|| sorkomp_store::GENESIS_HASH.to_owned());
            let name = match store.setting("municipality_sor_owner")? {
                Some(owner) => store.sor_entity(&owner)?.map(|e| e.name),
                None => None,
            };
            (head, name)
        };
        let heading = crate::worklist::Heading {
            municipality: municipality.as_deref(),
            status,
            written_at: &self.now(),
            who: &self.who()?,
            head_hash: &head_hash,
        };
        crate::worklist::write(format, &items, &heading, out)?;
        Ok(ExportReport {
            path: out.display().to_string(),
            rows: items.len() as u32,
            head_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_name(name: &str, noted: bool) {
        assert_eq!(
            name_note(name).is_some(),
            noted,
            "{name:?} ({} tegn)",
            name.chars().count()
        );
    }

    #[test]
    fn names_longer_than_sor_accepts_get_a_note() {
        check_name("Plejecenter Evigglad", false);
        check_name(&"æ".repeat(60), false);
        check_name(&"æ".repeat(61), true);
    }

    fn check_address(wanted: &str, found: &str, agrees: bool) {
        let w = parse_address_text(wanted).unwrap();
        let f = parse_address_text(found).unwrap();
        assert_eq!(address_agrees(&w, Some(&f)), agrees, "{wanted} vs {found}");
    }

    #[test]
    fn an_address_agrees_when_street_number_floor_door_and_postcode_do() {
        check_address("Byvej 12, 1234 Korsbæk", "Byvej 12, 1234 Korsbæk", true);
        check_address("Byvej 12, 1234 Korsbæk", "BYVEJ 12, 1234 KORSBÆK", true);
        check_address(
            "Skovnæsvej 118, 5240 Odense NØ",
            "Skovnæsv. 118, 5240 Odense NØ",
            true,
        );
        check_address(
            "Byvej 12, st., 1234 Korsbæk",
            "Byvej 12, stuen, 1234 Korsbæk",
            true,
        );
        check_address("Byvej 12, 1234 Korsbæk", "Byvej 14, 1234 Korsbæk", false);
        check_address(
            "Byvej 12, 1. th, 1234 Korsbæk",
            "Byvej 12, 1. tv, 1234 Korsbæk",
            false,
        );
        check_address("Byvej 12, 1234 Korsbæk", "Byvej 12, 4321 Korsbæk", false);
        check_address("Byvej 12, 1234 Korsbæk", "Bygade 12, 1234 Korsbæk", false);
    }
}
