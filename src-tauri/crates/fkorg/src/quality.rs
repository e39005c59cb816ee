//! "Klargør data i FK Organisation": what the municipality must fix in FK Organisation before
//! SOR can follow it.

use std::collections::HashMap;

use serde::Serialize;
use sorkomp_model::{AddressRole, OrgStatus, OrgUnit};

/// What is wrong with a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QualityCode {
    /// A health-relevant unit with neither Postadresse nor Henvendelsessted.
    NoPostalAddress,
    /// A health-relevant unit with no KLE task.
    NoKle,
    /// A health-relevant unit's Postadresse/Henvendelsessted text is not a Danish address.
    AddressUnparsable,
    /// The SOR address is not a SOR identifier.
    InvalidSorCode,
    /// Two active units carry the same SOR code.
    DuplicateSorCode,
    /// The EAN address is not a 13-digit location number with a correct check digit.
    InvalidEan,
    /// An address role this version does not know.
    UnknownAddressRole,
}

impl QualityCode {
    pub fn as_str(self) -> &'static str {
        match self {
            QualityCode::NoPostalAddress => "no_postal_address",
            QualityCode::NoKle => "no_kle",
            QualityCode::AddressUnparsable => "address_unparsable",
            QualityCode::InvalidSorCode => "invalid_sor_code",
            QualityCode::DuplicateSorCode => "duplicate_sor_code",
            QualityCode::InvalidEan => "invalid_ean",
            QualityCode::UnknownAddressRole => "unknown_address_role",
        }
    }
}

/// One task for the municipality, listed in the window and exportable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualityIssue {
    pub org_uuid: String,
    pub unit_name: String,
    pub code: QualityCode,
    /// The field in FK Organisation to fix, in Danish ("Postadresse", "KLE-opgaver", ...).
    pub field: String,
    /// What is wrong and what to do, in Danish.
    pub message_da: String,
}

/// A SOR identifier: 11-16 digits ending in namespace `1000016`, partition `00` and a check
/// digit (`^\d+100001600\d$`).
pub fn is_valid_sor_id(s: &str) -> bool {
    (11..=16).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_digit())
        && s[..s.len() - 1].ends_with("100001600")
        && !s.starts_with('0')
}

/// An EAN location number: 13 digits with a correct GS1 check digit.
pub fn is_valid_ean(s: &str) -> bool {
    if s.len() != 13 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    let sum: u32 = digits[..12]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == digits[12]
}

/// The data-quality problems of the active units. Postal address, KLE and address parsing are
/// checked for health-relevant units only (the others never go to SOR); SOR codes, EANs and
/// address roles on every active unit. Sorted by unit name, then code.
pub fn quality_issues(
    units: &[OrgUnit],
    is_health_relevant: impl Fn(&OrgUnit) -> bool,
) -> Vec<QualityIssue> {
    let mut issues = Vec::new();
    let active = || units.iter().filter(|u| u.status == OrgStatus::Aktiv);
    let mut sor_holders: HashMap<&str, Vec<&OrgUnit>> = HashMap::new();
    for unit in active() {
        let mut push = |code: QualityCode, field: &str, message_da: String| {
            issues.push(QualityIssue {
                org_uuid: unit.uuid.clone(),
                unit_name: unit.name.clone(),
                code,
                field: field.to_owned(),
                message_da,
            })
        };
        if is_health_relevant(unit) {
            if unit.postal().is_none() {
                push(
                    QualityCode::NoPostalAddress,
                    "Postadresse",
                    "Enheden har ingen postadresse (eller henvendelsessted). Tilføj en postadresse i FK Organisation".into(),
                );
            }
            if unit.kle.is_empty() {
                push(
                    QualityCode::NoKle,
                    "KLE-opgaver",
                    "Enheden har ingen KLE-opgaver. Opmærk den med de KLE-numre, den udfører"
                        .into(),
                );
            }
            for a in &unit.addresses {
                let postal = matches!(
                    a.role,
                    AddressRole::Postadresse | AddressRole::Henvendelsessted
                );
                if postal && a.parsed.is_none() {
                    let why = sorkomp_model::address::parse_address_text(&a.text)
                        .err()
                        .map(|e| e.to_string())
                        .unwrap_or_default();
                    push(
                        QualityCode::AddressUnparsable,
                        &a.role_title,
                        format!(
                            "{} '{}' kan ikke læses som en dansk adresse ({why}). Ret den til formen 'Vejnavn 12, 1. th, 1234 By'",
                            a.role_title, a.text
                        ),
                    );
                }
            }
        }
        for a in &unit.addresses {
            let text = a.text.trim();
            match a.role {
                AddressRole::Sor if !is_valid_sor_id(text) => push(
                    QualityCode::InvalidSorCode,
                    "SOR-kode",
                    format!("SOR-koden '{text}' er ikke et gyldigt SOR-id (11-16 cifre, der ender på 100001600 og et kontrolciffer). Ret eller fjern den"),
                ),
                AddressRole::Sor => sor_holders.entry(text).or_default().push(unit),
                AddressRole::Ean if !is_valid_ean(text) => push(
                    QualityCode::InvalidEan,
                    "EAN-nummer",
                    format!("EAN-nummeret '{text}' er ikke et gyldigt lokationsnummer (13 cifre med korrekt kontrolciffer)"),
                ),
                AddressRole::Other => push(
                    QualityCode::UnknownAddressRole,
                    &a.role_title,
                    format!("Adressen '{text}' har en ukendt rolle ('{}'); den bruges ikke", a.role_title),
                ),
                _ => {}
            }
        }
    }
    for (code, holders) in sor_holders {
        if holders.len() < 2 {
            continue;
        }
        let names: Vec<&str> = holders.iter().map(|u| u.name.as_str()).collect();
        for unit in &holders {
            issues.push(QualityIssue {
                org_uuid: unit.uuid.clone(),
                unit_name: unit.name.clone(),
                code: QualityCode::DuplicateSorCode,
                field: "SOR-kode".into(),
                message_da: format!(
                    "SOR-koden {code} står på {} aktive enheder ({}). Hver SOR-enhed hører til én enhed",
                    holders.len(),
                    names.join(", ")
                ),
            });
        }
    }
    issues.sort_by(|a, b| {
        (
            a.unit_name.as_str(),
            a.code,
            a.org_uuid.as_str(),
            a.message_da.as_str(),
        )
            .cmp(&(
                b.unit_name.as_str(),
                b.code,
                b.org_uuid.as_str(),
                b.message_da.as_str(),
            ))
    });
    issues
}
