//! A Danish address in parts, as SOR stores it and as parsed from FK Organisation's free text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `{street} {number}[, {floor}.][ {door}], {postcode} {city}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Address {
    pub street: String,
    /// House number with optional letter, e.g. "12" or "12B".
    pub number: Option<String>,
    /// "st", "kl", "1".."99", "k2".."k9".
    pub floor: Option<String>,
    /// "th", "tv", "mf" or a number/letters.
    pub door: Option<String>,
    pub postcode: Option<String>,
    /// Postcode name (postnrnavn) or SOR's DistrictName.
    pub city: Option<String>,
    /// Kommunekode (4 digits), when known.
    pub municipality_code: Option<String>,
}

impl Address {
    /// The address in the usual Danish one-line form.
    pub fn one_line(&self) -> String {
        let mut s = self.street.clone();
        if let Some(n) = &self.number {
            s.push(' ');
            s.push_str(n);
        }
        match (&self.floor, &self.door) {
            (Some(f), Some(d)) => s.push_str(&format!(", {f}. {d}")),
            (Some(f), None) => s.push_str(&format!(", {f}.")),
            (None, Some(d)) => s.push_str(&format!(", {d}")),
            (None, None) => {}
        }
        match (&self.postcode, &self.city) {
            (Some(p), Some(c)) => s.push_str(&format!(", {p} {c}")),
            (Some(p), None) => s.push_str(&format!(", {p}")),
            (None, Some(c)) => s.push_str(&format!(", {c}")),
            (None, None) => {}
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_follows_the_danish_format() {
        let a = Address {
            street: "Halfdansgade".into(),
            number: Some("10".into()),
            floor: Some("2".into()),
            door: Some("th".into()),
            postcode: Some("2300".into()),
            city: Some("København S".into()),
            municipality_code: None,
        };
        assert_eq!(a.one_line(), "Halfdansgade 10, 2. th, 2300 København S");
    }
}
