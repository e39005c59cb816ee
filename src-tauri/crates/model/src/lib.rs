//! The domain model of SOR-komponent.
//!
//! Plain data: every other crate (store, sor, fkorg, matcher, api) speaks these types.
//! Nothing here does I/O. Types that cross into the window derive `TS` and are exported to
//! `ui/src/generated/` by `cargo test -p sorkomp-model export_bindings`.

pub mod address;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use address::Address;

/// A SOR identifier, kept as its decimal text (11-16 digits, ends in `100001600d`).
pub type SorId = String;
/// An FK Organisation unit UUID (lower-case, hyphenated).
pub type OrgUuid = String;

/// The three levels of the SOR hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SorLevel {
    /// InstitutionOwner (Institutionsejer), e.g. the municipality itself.
    Owner,
    /// HealthInstitution (Sundhedsinstitution).
    Institution,
    /// OrganizationalUnit (Organisatorisk enhed), nests to any depth.
    Unit,
}

impl SorLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            SorLevel::Owner => "owner",
            SorLevel::Institution => "institution",
            SorLevel::Unit => "unit",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(SorLevel::Owner),
            "institution" => Some(SorLevel::Institution),
            "unit" => Some(SorLevel::Unit),
            _ => None,
        }
    }
}

/// One SOR entity (owner, institution or unit) as read from the SOR export, with SOR's
/// inheritance rules already applied. `*_inherited` says whether a value came from the parent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SorEntity {
    pub sor_id: SorId,
    pub level: Option<SorLevel>,
    /// The parent in the SOR tree (None for owners).
    pub parent_id: Option<SorId>,
    /// The InstitutionOwner at the top of this entity's subtree (itself for owners).
    pub owner_id: SorId,
    pub name: String,
    /// SNOMED CT type code (`EntityTypeIdentifier` in v2, `OwnerType`/`InstitutionType`/`UnitType` in v1).
    pub type_code: Option<String>,
    pub ean: Option<String>,
    pub ean_inherited: bool,
    pub shak: Option<String>,
    pub local_code: Option<String>,
    /// CVR number of an owner (v2 only).
    pub cvr: Option<String>,
    pub postal_address: Option<Address>,
    pub postal_inherited: bool,
    pub visiting_address: Option<Address>,
    /// True when the visiting address was absent and equals the postal address by SOR's rule.
    pub visiting_inherited: bool,
    pub activity_address: Option<Address>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub telecom_inherited: bool,
    /// ISO dates (`YYYY-MM-DD`) from `SorStatus`.
    pub from_date: Option<String>,
    /// Set when the entity is closed.
    pub to_date: Option<String>,
    pub updated_at: Option<String>,
    pub first_from_date: Option<String>,
    pub replaces: Vec<SorId>,
    pub replaced_by: Vec<SorId>,
}

impl SorEntity {
    /// Active on `today` (ISO date): no ToDate, or a ToDate after today.
    pub fn is_active_on(&self, today: &str) -> bool {
        match &self.to_date {
            None => true,
            Some(to) => to.as_str() > today,
        }
    }
}

/// Gyldighed of an FK Organisation unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum OrgStatus {
    Aktiv,
    Inaktiv,
}

impl OrgStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Aktiv => "AKTIV",
            OrgStatus::Inaktiv => "INAKTIV",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "AKTIV" => Some(OrgStatus::Aktiv),
            "INAKTIV" => Some(OrgStatus::Inaktiv),
            _ => None,
        }
    }
}

/// The role of an address on an FK Organisation unit, from its `klassifikation.rolle` UUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AddressRole {
    Postadresse,
    Henvendelsessted,
    Email,
    Telefon,
    Ean,
    /// The unit's SOR code: the strongest link evidence there is.
    Sor,
    /// A role this version does not know; the title is kept.
    Other,
}

impl AddressRole {
    pub const POSTADRESSE: &'static str = "80b610c6-314b-485a-a014-a9a1d7070bc4";
    pub const HENVENDELSESSTED: &'static str = "639a3ed9-86b0-4968-825b-434666cf6220";
    pub const EMAIL: &'static str = "2b670843-ce42-411a-8fb5-311dfdd5caf0";
    pub const TELEFON: &'static str = "8dcfa714-5ed3-4000-b551-2ba520e7d8ad";
    pub const EAN: &'static str = "9ccaafe4-c4b2-4d25-942a-2ec5730d4ed8";
    pub const SOR: &'static str = "b44138cf-72df-45d1-8821-83db39b62093";

    /// Classify by role UUID first, then by the role title.
    pub fn classify(role_uuid: Option<&str>, title: Option<&str>) -> Self {
        match role_uuid.map(str::to_ascii_lowercase).as_deref() {
            Some(Self::POSTADRESSE) => return AddressRole::Postadresse,
            Some(Self::HENVENDELSESSTED) => return AddressRole::Henvendelsessted,
            Some(Self::EMAIL) => return AddressRole::Email,
            Some(Self::TELEFON) => return AddressRole::Telefon,
            Some(Self::EAN) => return AddressRole::Ean,
            Some(Self::SOR) => return AddressRole::Sor,
            _ => {}
        }
        match title.map(|t| t.trim().to_lowercase()).as_deref() {
            Some("postadresse") => AddressRole::Postadresse,
            Some("henvendelsessted") => AddressRole::Henvendelsessted,
            Some("e-mail") | Some("email") => AddressRole::Email,
            Some("telefon") => AddressRole::Telefon,
            Some("ean") | Some("ean-nummer") => AddressRole::Ean,
            Some("sor") | Some("sor-id") => AddressRole::Sor,
            _ => AddressRole::Other,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            AddressRole::Postadresse => "postadresse",
            AddressRole::Henvendelsessted => "henvendelsessted",
            AddressRole::Email => "email",
            AddressRole::Telefon => "telefon",
            AddressRole::Ean => "ean",
            AddressRole::Sor => "sor",
            AddressRole::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "postadresse" => AddressRole::Postadresse,
            "henvendelsessted" => AddressRole::Henvendelsessted,
            "email" => AddressRole::Email,
            "telefon" => AddressRole::Telefon,
            "ean" => AddressRole::Ean,
            "sor" => AddressRole::Sor,
            _ => AddressRole::Other,
        }
    }
}

/// One address (in FK Organisation's wide sense: also e-mail, phone, EAN, SOR code) of a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrgAddress {
    pub role: AddressRole,
    /// `adresseRolleTitel` as given.
    pub role_title: String,
    /// `adresseTekst` as given.
    pub text: String,
    /// For postal roles: the text parsed into parts, when it parses.
    pub parsed: Option<Address>,
}

/// A KLE task on a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KleTask {
    /// `NN`, `NN.NN` or `NN.NN.NN`.
    pub number: String,
    pub title: String,
    /// `opgaveRolleTitel`, e.g. "Ansvarlig" or "Udførende".
    pub role: String,
}

/// One FK Organisation unit (OrganisationEnhed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrgUnit {
    pub uuid: OrgUuid,
    pub name: String,
    /// brugervendtNoegle.
    pub user_key: Option<String>,
    pub parent_uuid: Option<OrgUuid>,
    pub status: OrgStatus,
    /// RFC 3339 timestamps from `tilstand`.
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub addresses: Vec<OrgAddress>,
    pub kle: Vec<KleTask>,
}

impl OrgUnit {
    pub fn first_address(&self, role: &AddressRole) -> Option<&OrgAddress> {
        self.addresses.iter().find(|a| &a.role == role)
    }
    /// The postal address (Postadresse), falling back to Henvendelsessted.
    pub fn postal(&self) -> Option<&OrgAddress> {
        self.first_address(&AddressRole::Postadresse)
            .or_else(|| self.first_address(&AddressRole::Henvendelsessted))
    }
    /// The SOR code the unit carries in FK Organisation, if any.
    pub fn sor_code(&self) -> Option<&str> {
        self.first_address(&AddressRole::Sor).map(|a| a.text.trim())
    }
    pub fn ean(&self) -> Option<&str> {
        self.first_address(&AddressRole::Ean).map(|a| a.text.trim())
    }
}

/// What a proposal asks the administrator to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProposalKind {
    /// Link an ORG unit to an existing SOR unit.
    Link,
    /// Create a SOR unit for an ORG unit.
    Create,
    /// Close (delete) a SOR unit whose ORG unit is gone; the alternative is keep.
    Delete,
    /// Update a linked SOR unit from ORG (name, address, type).
    Update,
}

impl ProposalKind {
    pub const ALL: [ProposalKind; 4] = [
        ProposalKind::Link,
        ProposalKind::Create,
        ProposalKind::Delete,
        ProposalKind::Update,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalKind::Link => "link",
            ProposalKind::Create => "create",
            ProposalKind::Delete => "delete",
            ProposalKind::Update => "update",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ProposalStatus {
    New,
    Approved,
    Rejected,
    /// Replaced by a newer proposal or no longer supported by the data after a re-run.
    Withdrawn,
}

impl ProposalStatus {
    pub const ALL: [ProposalStatus; 4] = [
        ProposalStatus::New,
        ProposalStatus::Approved,
        ProposalStatus::Rejected,
        ProposalStatus::Withdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::New => "new",
            ProposalStatus::Approved => "approved",
            ProposalStatus::Rejected => "rejected",
            ProposalStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One field's contribution to a match score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Contribution {
    /// "sor_code", "ean", "name", "address", "kle_type", "parent", ...
    pub field: String,
    /// Log-odds weight added to the score (negative = evidence against).
    pub weight: f64,
    /// Human-readable detail in Danish, e.g. "Navn: 'evigglad' = 'evigglad' (sjældent ord)".
    pub detail: String,
}

/// The runner-up candidate of a link decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RunnerUp {
    pub sor_id: SorId,
    pub name: String,
    pub score: f64,
}

/// Why a proposal was made: shown one click away in the window.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Explanation {
    /// One sentence in Danish.
    pub summary: String,
    pub contributions: Vec<Contribution>,
    pub runner_up: Option<RunnerUp>,
    /// Score of the best candidate minus the runner-up's.
    pub gap: Option<f64>,
}

/// One field an update proposal would change in SOR (ORG is the source).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// "name", "address", "type_code".
    pub field: String,
    pub sor_value: Option<String>,
    pub org_value: Option<String>,
}

/// The SOR fields a create proposal would register.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewSorUnit {
    pub name: String,
    pub type_code: Option<String>,
    pub address: Option<Address>,
    /// The SOR entity to create the unit under.
    pub parent_sor_id: Option<SorId>,
}

/// A proposal as the matcher produces it, before the store gives it an id and a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProposalDraft {
    pub kind: ProposalKind,
    pub org_uuid: Option<OrgUuid>,
    pub sor_id: Option<SorId>,
    /// Log-odds score for links; 0-1 confidence style numbers are not used.
    pub score: f64,
    pub explanation: Explanation,
    /// For `update`: the fields that differ.
    pub changes: Vec<FieldChange>,
    /// For `create`: what to register in SOR.
    pub new_unit: Option<NewSorUnit>,
}

/// Who caused a change-log event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeSource {
    Sync,
    Matcher,
    User,
    Rule,
}

impl ChangeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSource::Sync => "sync",
            ChangeSource::Matcher => "matcher",
            ChangeSource::User => "user",
            ChangeSource::Rule => "rule",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            ChangeSource::Sync,
            ChangeSource::Matcher,
            ChangeSource::User,
            ChangeSource::Rule,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A change found by comparing two snapshots of a register (SOR or FK Organisation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SnapshotChange {
    /// "sor" or "org".
    pub register: String,
    /// SOR id or ORG uuid.
    pub entity_id: String,
    /// "appeared", "closed", "reopened", "renamed", "moved", "type_changed", "kle_changed",
    /// "reparented", "disappeared", "changed".
    pub what: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// An editable rule: units with this KLE number (or a number under this prefix) belong in SOR
/// as this SOR unit type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KleRule {
    /// "27.42" covers 27.42 and every 27.42.xx.
    pub kle_prefix: String,
    pub sor_type_code: String,
    /// Danish label of the SOR type, e.g. "Plejehjem".
    pub label: String,
}
