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

/// A free-text address split into parts, plus the one part [`Address`] has no field for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedAddressText {
    pub address: Address,
    /// Supplerende bynavn (e.g. "Bolbro" in "Holstedvej 5, Bolbro, 5200 Odense V").
    pub supplementary_town: Option<String>,
}

/// Why a free-text address did not parse. `Display` is Danish: it is shown to the administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressParseError {
    /// Nothing but blanks and commas.
    Empty,
    /// Longer than any real Danish address.
    TooLong { chars: usize },
    /// The first part has no house number at its end (or nothing before it).
    NoHouseNumber { part: String },
    /// A house number outside 1-999 or with more than one letter.
    BadHouseNumber { number: String },
    /// A part that is neither floor/door, supplementary town name nor postcode + town.
    UnknownPart { part: String },
}

impl std::fmt::Display for AddressParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AddressParseError::Empty => write!(f, "adressen er tom"),
            AddressParseError::TooLong { chars } => {
                write!(
                    f,
                    "adressen er {chars} tegn lang (højst {MAX_ADDRESS_CHARS} tegn)"
                )
            }
            AddressParseError::NoHouseNumber { part } => write!(
                f,
                "'{part}' skal være vejnavn efterfulgt af husnummer (fx 'Byvej 12')"
            ),
            AddressParseError::BadHouseNumber { number } => write!(
                f,
                "husnummeret '{number}' er ugyldigt (1-999, evt. med ét bogstav, fx '12B')"
            ),
            AddressParseError::UnknownPart { part } => write!(
                f,
                "'{part}' er hverken etage/dør, supplerende bynavn eller postnummer og by"
            ),
        }
    }
}

impl std::error::Error for AddressParseError {}

/// No real Danish address comes near this; longer text is not an address.
pub const MAX_ADDRESS_CHARS: usize = 300;

/// Parse a free-text Danish postal address as FK Organisation holds it:
/// `{vejnavn} {husnr}[, {etage}.][ {dør}], [{supplerende bynavn}, ]{postnr} {postnrnavn}`.
///
/// Tolerates the variants seen in practice: `2. th`, `2.th`, `2 th`, `1. sal tv`, `st.`, `st`,
/// `stuen`, `kld`, a house letter after a space (`86 d`), a missing postcode (`Vej 1, Odense V`),
/// no postcode or town at all (`Vej 1`), and a missing comma before the postcode. Floors are
/// normalised to `st`, `kl`, `k2`..`k9` or `1`..`99`, doors to lower case, house letters to upper
/// case. The supplementary town name is dropped here; use [`parse_address_text_parts`] to keep it.
pub fn parse_address_text(text: &str) -> Result<Address, AddressParseError> {
    parse_address_text_parts(text).map(|p| p.address)
}

/// [`parse_address_text`], keeping the supplementary town name (supplerende bynavn).
pub fn parse_address_text_parts(text: &str) -> Result<ParsedAddressText, AddressParseError> {
    let chars = text.chars().count();
    if chars > MAX_ADDRESS_CHARS {
        return Err(AddressParseError::TooLong { chars });
    }
    let mut segments: Vec<String> = text
        .split(',')
        .map(collapse_spaces)
        .filter(|s| !s.is_empty())
        .collect();
    if segments.is_empty() {
        return Err(AddressParseError::Empty);
    }
    // "Byvej 12 1234 Korsbæk": the comma before the postcode is missing.
    if let Some((street_part, post_part)) = split_inline_postcode(&segments[0]) {
        segments[0] = street_part;
        segments.insert(1, post_part);
    }
    let (street, number) = parse_street_and_number(&segments[0])?;
    let mut out = ParsedAddressText {
        address: Address {
            street,
            number: Some(number),
            ..Address::default()
        },
        supplementary_town: None,
    };
    let mut rest: Vec<&str> = segments[1..].iter().map(String::as_str).collect();
    let mut found_postcode = false;
    if let Some(last) = rest.last() {
        if let Some((postcode, city)) = parse_postcode_and_city(last) {
            out.address.postcode = Some(postcode);
            out.address.city = city;
            found_postcode = true;
            rest.pop();
        }
    }
    if let Some(first) = rest.first() {
        if let Some((floor, door)) = parse_floor_and_door(first) {
            out.address.floor = floor;
            out.address.door = door;
            rest.remove(0);
        }
    }
    if !found_postcode {
        // No postcode: the last remaining part is the town name.
        if let Some(last) = rest.pop() {
            check_town(last)?;
            out.address.city = Some(last.to_string());
        }
    }
    match rest.as_slice() {
        [] => {}
        [town] => {
            check_town(town)?;
            out.supplementary_town = Some(town.to_string());
        }
        [_, extra, ..] => {
            return Err(AddressParseError::UnknownPart {
                part: extra.to_string(),
            })
        }
    }
    Ok(out)
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A town name has a letter and no digits ("Bolbro", "Odense V", "Sønder Højrup").
fn check_town(part: &str) -> Result<(), AddressParseError> {
    if part.chars().any(char::is_alphabetic) && !part.chars().any(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(AddressParseError::UnknownPart {
            part: part.to_string(),
        })
    }
}

fn is_house_number_digits(t: &str) -> bool {
    !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Splits "Byvej 12 1234 Korsbæk" into "Byvej 12" and "1234 Korsbæk".
fn split_inline_postcode(segment: &str) -> Option<(String, String)> {
    let tokens: Vec<&str> = segment.split(' ').collect();
    let i = tokens.iter().rposition(|t| is_postcode(t))?;
    let before = &tokens[..i];
    let after = &tokens[i + 1..];
    let number_ends_before = match before {
        [.., n] if is_house_number_token(n) => before.len() >= 2,
        [.., n, l] if is_house_number_digits(n) && is_house_letter(l) => before.len() >= 3,
        _ => false,
    };
    let city_ok = after.iter().all(|t| !t.chars().any(|c| c.is_ascii_digit()));
    (number_ends_before && city_ok).then(|| (before.join(" "), tokens[i..].join(" ")))
}

fn is_postcode(t: &str) -> bool {
    t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())
}

fn is_house_letter(t: &str) -> bool {
    let mut cs = t.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if c.is_alphabetic())
}

/// "12", "12B", "12b" (not yet range-checked).
fn is_house_number_token(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && {
        let tail = &t[digits..];
        tail.is_empty() || is_house_letter(tail)
    }
}

fn parse_street_and_number(segment: &str) -> Result<(String, String), AddressParseError> {
    let tokens: Vec<&str> = segment.split(' ').collect();
    let no_number = || AddressParseError::NoHouseNumber {
        part: segment.to_string(),
    };
    let (street_tokens, raw_number) = match tokens.as_slice() {
        [street @ .., n, l]
            if !street.is_empty() && is_house_number_digits(n) && is_house_letter(l) =>
        {
            (street, format!("{n}{l}"))
        }
        [street @ .., n] if !street.is_empty() && is_house_number_token(n) => {
            (street, n.to_string())
        }
        _ => return Err(no_number()),
    };
    let street = street_tokens.join(" ");
    if !street.chars().any(char::is_alphabetic) {
        return Err(no_number());
    }
    Ok((street, normalise_house_number(&raw_number)?))
}

/// Folds leading zeros and upper-cases the letter; 1-999 only.
fn normalise_house_number(raw: &str) -> Result<String, AddressParseError> {
    let bad = || AddressParseError::BadHouseNumber {
        number: raw.to_string(),
    };
    let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
    let value: u32 = raw[..digits].parse().map_err(|_| bad())?;
    if !(1..=999).contains(&value) {
        return Err(bad());
    }
    Ok(format!("{value}{}", raw[digits..].to_uppercase()))
}

/// "5000 Odense C", "5000", "DK-5000 Odense C".
fn parse_postcode_and_city(segment: &str) -> Option<(String, Option<String>)> {
    let s = segment
        .strip_prefix("DK-")
        .or_else(|| segment.strip_prefix("DK "))
        .unwrap_or(segment);
    let (code, city) = match s.split_once(' ') {
        Some((code, city)) => (code, Some(city.trim())),
        None => (s, None),
    };
    if !is_postcode(code) {
        return None;
    }
    match city {
        Some(c) if c.chars().any(|ch| ch.is_ascii_digit()) => None,
        Some(c) => Some((code.to_string(), Some(c.to_string()))),
        None => Some((code.to_string(), None)),
    }
}

type FloorDoor = (Option<String>, Option<String>);

/// "2.", "2. th", "2.th", "2 th", "1. sal tv", "st.", "st", "stuen", "kld", "k2", "st. 2",
/// "1. 11", or a door alone ("th", "tv", "mf", "13").
fn parse_floor_and_door(segment: &str) -> Option<FloorDoor> {
    let s = segment.to_lowercase();
    let (floor, rest) = match split_floor(&s) {
        Some(found) => found,
        None => return door_alone(&s).map(|d| (None, Some(d))),
    };
    let rest = rest.trim_start_matches('.').trim();
    let rest = strip_word(rest, "sal").unwrap_or(rest);
    let rest = rest
        .trim_start_matches('.')
        .trim()
        .trim_end_matches('.')
        .trim();
    if rest.is_empty() {
        return Some((Some(floor), None));
    }
    is_door(rest).then(|| (Some(floor), Some(rest.to_string())))
}

/// `Some(rest)` when `s` starts with the whole word `word`.
fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let rest = s.strip_prefix(word)?;
    (rest.is_empty() || rest.starts_with(['.', ' '])).then_some(rest)
}

/// The floor at the start of `s` (lower case), normalised, and what follows it.
fn split_floor(s: &str) -> Option<(String, &str)> {
    for (word, floor) in [
        ("stueplan", "st"),
        ("stuen", "st"),
        ("st", "st"),
        ("kælder", "kl"),
        ("kld", "kl"),
        ("kl", "kl"),
    ] {
        if let Some(rest) = s.strip_prefix(word) {
            if rest.is_empty() || rest.starts_with(['.', ' ']) || starts_with_door(rest) {
                return Some((floor.to_string(), rest));
            }
        }
    }
    let bytes = s.as_bytes();
    if bytes.len() >= 2 && bytes[0] == b'k' && (b'2'..=b'9').contains(&bytes[1]) {
        let rest = &s[2..];
        if rest.is_empty() || rest.starts_with(['.', ' ']) {
            return Some((s[..2].to_string(), rest));
        }
    }
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = &s[digits..];
    let value: u32 = s[..digits].parse().ok()?;
    // "2.", "2 th" and "2. th" have a floor; a bare "2" or "2b" is a door (DAWA writes a floor
    // with its dot, so "Vej 20, 13" is door 13).
    let floor_like = rest.starts_with(['.', ' ']);
    ((1..=99).contains(&value) && floor_like).then(|| (value.to_string(), rest))
}

/// "st.th" has no separator between floor and door; "sttv" is accepted the same way.
fn starts_with_door(rest: &str) -> bool {
    ["th", "tv", "mf"].contains(&rest.trim_end_matches('.'))
}

/// "th", "tv", "mf", or a number 1-9999 possibly with a letter ("13", "2b").
fn door_alone(s: &str) -> Option<String> {
    let d = s.trim_end_matches('.');
    let digits = d.bytes().take_while(u8::is_ascii_digit).count();
    let numbered = (1..=4).contains(&digits)
        && d[digits..].chars().count() <= 1
        && d[digits..].chars().all(char::is_alphabetic);
    (["th", "tv", "mf"].contains(&d) || numbered).then(|| d.to_string())
}

/// th, tv, mf, 1-9999, or a few letters/digits such as "1b" or "a".
fn is_door(d: &str) -> bool {
    let n = d.chars().count();
    (1..=4).contains(&n)
        && d.chars().all(|c| c.is_alphanumeric() || c == '-')
        && d.chars().any(|c| c.is_alphanumeric())
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

    /// `expected` is (street, number, floor, door, postcode, city, supplementary town).
    type Parts<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );

    fn check(text: &str, expected: Parts) {
        let got = parse_address_text_parts(text)
            .unwrap_or_else(|e| panic!("'{text}' is a valid address but failed: {e}"));
        let a = &got.address;
        let actual = (
            a.street.as_str(),
            a.number.as_deref().unwrap_or(""),
            a.floor.as_deref(),
            a.door.as_deref(),
            a.postcode.as_deref(),
            a.city.as_deref(),
            got.supplementary_town.as_deref(),
        );
        assert_eq!(actual, expected, "parts of '{text}'");
    }

    fn check_err(text: &str, expected: AddressParseError) {
        assert_eq!(
            parse_address_text(text),
            Err(expected),
            "'{text}' is not a Danish address and must say why"
        );
    }

    #[test]
    fn parses_the_usual_forms() {
        let c = Some("5000");
        let oc = Some("Odense C");
        check(
            "Flakhaven 2, 5000 Odense C",
            ("Flakhaven", "2", None, None, c, oc, None),
        );
        check(
            "Halfdansgade 10, 2., 2300 København S",
            (
                "Halfdansgade",
                "10",
                Some("2"),
                None,
                Some("2300"),
                Some("København S"),
                None,
            ),
        );
        check(
            "Ridehusgade 49, 2. th, 5000 Odense C",
            ("Ridehusgade", "49", Some("2"), Some("th"), c, oc, None),
        );
        check(
            "Ridehusgade 49, 2.th, 5000 Odense C",
            ("Ridehusgade", "49", Some("2"), Some("th"), c, oc, None),
        );
        check(
            "Ridehusgade 49, 2 th, 5000 Odense C",
            ("Ridehusgade", "49", Some("2"), Some("th"), c, oc, None),
        );
        check(
            "Ridehusgade 49, 2. TH, 5000 Odense C",
            ("Ridehusgade", "49", Some("2"), Some("th"), c, oc, None),
        );
        check(
            "Ridehusgade 49, 12. mf, 5000 Odense C",
            ("Ridehusgade", "49", Some("12"), Some("mf"), c, oc, None),
        );
        check(
            "Fyrreparken 108, 1. sal tv, 5240 Odense NØ",
            (
                "Fyrreparken",
                "108",
                Some("1"),
                Some("tv"),
                Some("5240"),
                Some("Odense NØ"),
                None,
            ),
        );
        check(
            "Fyrreparken 108, 1.sal, 5240 Odense NØ",
            (
                "Fyrreparken",
                "108",
                Some("1"),
                None,
                Some("5240"),
                Some("Odense NØ"),
                None,
            ),
        );
        check(
            "Fyrreparken 112, st.th, 5240 Odense NØ",
            (
                "Fyrreparken",
                "112",
                Some("st"),
                Some("th"),
                Some("5240"),
                Some("Odense NØ"),
                None,
            ),
        );
        check(
            "Granparken 74, st th, 5240 Odense NØ",
            (
                "Granparken",
                "74",
                Some("st"),
                Some("th"),
                Some("5240"),
                Some("Odense NØ"),
                None,
            ),
        );
        check(
            "Granparken 74, st., 5240 Odense NØ",
            (
                "Granparken",
                "74",
                Some("st"),
                None,
                Some("5240"),
                Some("Odense NØ"),
                None,
            ),
        );
        check(
            "Granparken 74, st, 5240 Odense NØ",
            (
                "Granparken",
                "74",
                Some("st"),
                None,
                Some("5240"),
                Some("Odense NØ"),
                None,
            ),
        );
        check(
            "Granparken 74, stuen, 5240 Odense NØ",
            (
                "Granparken",
                "74",
                Some("st"),
                None,
                Some("5240"),
                Some("Odense NØ"),
                None,
            ),
        );
        check(
            "Østre Stationsvej 41N, st. 2, 5000 Odense C",
            (
                "Østre Stationsvej",
                "41N",
                Some("st"),
                Some("2"),
                c,
                oc,
                None,
            ),
        );
        check(
            "Vestergade 3, kld, 5000 Odense C",
            ("Vestergade", "3", Some("kl"), None, c, oc, None),
        );
        check(
            "Vestergade 3, kl. tv, 5000 Odense C",
            ("Vestergade", "3", Some("kl"), Some("tv"), c, oc, None),
        );
        check(
            "Vestergade 3, k2, 5000 Odense C",
            ("Vestergade", "3", Some("k2"), None, c, oc, None),
        );
        check(
            "Hans Tausens Gade 18, 1. 11, 5000 Odense C",
            (
                "Hans Tausens Gade",
                "18",
                Some("1"),
                Some("11"),
                c,
                oc,
                None,
            ),
        );
        check(
            "Vestergade 3, 4. 1b, 5000 Odense C",
            ("Vestergade", "3", Some("4"), Some("1b"), c, oc, None),
        );
        check(
            "Vestergade 3, th, 5000 Odense C",
            ("Vestergade", "3", None, Some("th"), c, oc, None),
        );
        // DAWA writes a floor with its dot: a bare number is a door.
        check(
            "Tofthøjvej 20, 13, 4130 Viby Sjælland",
            (
                "Tofthøjvej",
                "20",
                None,
                Some("13"),
                Some("4130"),
                Some("Viby Sjælland"),
                None,
            ),
        );
        check(
            "Tofthøjvej 20, 13., 4130 Viby Sjælland",
            (
                "Tofthøjvej",
                "20",
                Some("13"),
                None,
                Some("4130"),
                Some("Viby Sjælland"),
                None,
            ),
        );
    }

    #[test]
    fn parses_house_letters_and_odd_spacing() {
        let c = Some("5220");
        let so = Some("Odense SØ");
        check(
            "Hæsset 86 d, 5220 Odense SØ",
            ("Hæsset", "86D", None, None, c, so, None),
        );
        check(
            "Hæsset 86d, 5220 Odense SØ",
            ("Hæsset", "86D", None, None, c, so, None),
        );
        check(
            "  Hæsset   86D ,  5220   Odense SØ ",
            ("Hæsset", "86D", None, None, c, so, None),
        );
        check(
            "Hæsset 086, 5220 Odense SØ",
            ("Hæsset", "86", None, None, c, so, None),
        );
        check(
            "Højemarksv. 17, 5200 Odense V",
            (
                "Højemarksv.",
                "17",
                None,
                None,
                Some("5200"),
                Some("Odense V"),
                None,
            ),
        );
        check(
            "Hæsset 86,, 5220 Odense SØ",
            ("Hæsset", "86", None, None, c, so, None),
        );
    }

    #[test]
    fn parses_supplementary_town_names() {
        let v = Some("5200");
        let ov = Some("Odense V");
        check(
            "Holstedvej 5, Bolbro, 5200 Odense V",
            ("Holstedvej", "5", None, None, v, ov, Some("Bolbro")),
        );
        check(
            "Brammingevej 16, st. tv, Bolbro, 5200 Odense V",
            (
                "Brammingevej",
                "16",
                Some("st"),
                Some("tv"),
                v,
                ov,
                Some("Bolbro"),
            ),
        );
        check(
            "Brammingevej 24, 1. 4, Bolbro, 5200 Odense V",
            (
                "Brammingevej",
                "24",
                Some("1"),
                Some("4"),
                v,
                ov,
                Some("Bolbro"),
            ),
        );
        check(
            "Kirkevej 2, St. Heddinge, 4660 Store Heddinge",
            (
                "Kirkevej",
                "2",
                None,
                None,
                Some("4660"),
                Some("Store Heddinge"),
                Some("St. Heddinge"),
            ),
        );
        check(
            "Kirkevej 2, Stige, 5270 Odense N",
            (
                "Kirkevej",
                "2",
                None,
                None,
                Some("5270"),
                Some("Odense N"),
                Some("Stige"),
            ),
        );
    }

    #[test]
    fn parses_addresses_without_postcode() {
        check(
            "Engvejen 21, Odense V",
            ("Engvejen", "21", None, None, None, Some("Odense V"), None),
        );
        check(
            "Højemarksvej 16, Bolbro, Odense V",
            (
                "Højemarksvej",
                "16",
                None,
                None,
                None,
                Some("Odense V"),
                Some("Bolbro"),
            ),
        );
        check(
            "Fyrreparken 96, 1. sal tv, Odense",
            (
                "Fyrreparken",
                "96",
                Some("1"),
                Some("tv"),
                None,
                Some("Odense"),
                None,
            ),
        );
        check("Byvej 12", ("Byvej", "12", None, None, None, None, None));
        check(
            "Byvej 12, 2. th",
            ("Byvej", "12", Some("2"), Some("th"), None, None, None),
        );
        check(
            "Byvej 12, 1234",
            ("Byvej", "12", None, None, Some("1234"), None, None),
        );
    }

    #[test]
    fn parses_streets_with_digits_and_missing_commas() {
        let k = Some("1234");
        let kb = Some("Korsbæk");
        // The house number is the last number of the first part; earlier digits belong to the street.
        check(
            "Vej 12 3, 1234 Korsbæk",
            ("Vej 12", "3", None, None, k, kb, None),
        );
        check(
            "Frederik 7.s Vej 3, 1234 Korsbæk",
            ("Frederik 7.s Vej", "3", None, None, k, kb, None),
        );
        check(
            "Vej 12, 1234 Korsbæk",
            ("Vej", "12", None, None, k, kb, None),
        );
        check(
            "Byvej 12 1234 Korsbæk",
            ("Byvej", "12", None, None, k, kb, None),
        );
        check(
            "Byvej 12 B 1234 Korsbæk",
            ("Byvej", "12B", None, None, k, kb, None),
        );
        check(
            "Byvej 12, DK-1234 Korsbæk",
            ("Byvej", "12", None, None, k, kb, None),
        );
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        check_err("", AddressParseError::Empty);
        check_err(" , ,", AddressParseError::Empty);
        check_err(
            "team.8@odense.dk",
            AddressParseError::NoHouseNumber {
                part: "team.8@odense.dk".into(),
            },
        );
        check_err(
            "Byvej, 1234 Korsbæk",
            AddressParseError::NoHouseNumber {
                part: "Byvej".into(),
            },
        );
        check_err(
            "12, 1234 Korsbæk",
            AddressParseError::NoHouseNumber { part: "12".into() },
        );
        check_err(
            "Byvej 0, 1234 Korsbæk",
            AddressParseError::BadHouseNumber { number: "0".into() },
        );
        check_err(
            "Byvej 1000, 1234 Korsbæk",
            AddressParseError::BadHouseNumber {
                number: "1000".into(),
            },
        );
        check_err(
            "Byvej 12-14, 1234 Korsbæk",
            AddressParseError::NoHouseNumber {
                part: "Byvej 12-14".into(),
            },
        );
        check_err(
            "Byvej 12, Nord, Syd, 1234 Korsbæk",
            AddressParseError::UnknownPart { part: "Syd".into() },
        );
        check_err(
            "Byvej 12, 2. th, 123 Korsbæk",
            AddressParseError::UnknownPart {
                part: "123 Korsbæk".into(),
            },
        );
        let long = format!("Byvej {}", "1".repeat(400));
        check_err(&long, AddressParseError::TooLong { chars: 406 });
    }

    #[test]
    fn errors_read_as_danish_sentences() {
        let e = parse_address_text("Byvej 0, 1234 Korsbæk").unwrap_err();
        assert_eq!(
            e.to_string(),
            "husnummeret '0' er ugyldigt (1-999, evt. med ét bogstav, fx '12B')",
            "the administrator must see which number is wrong"
        );
    }

    #[test]
    fn parses_every_real_dawa_address() {
        // 2,901 real addresses (DAWA, MIT) with their floor and door as DAR registered them.
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../../shared/data/reference/dawa/dar10_Adresse.ndjson");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("the DAWA sample {} must be readable: {e}", path.display()));
        let mut failures = Vec::new();
        let mut seen = 0;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let row: serde_json::Value = serde_json::from_str(line).expect("DAWA rows are JSON");
            let betegnelse = row["adressebetegnelse"]
                .as_str()
                .expect("adressebetegnelse");
            let field = |k: &str| {
                row[k]
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            seen += 1;
            match parse_address_text_parts(betegnelse) {
                Ok(p) => {
                    let a = &p.address;
                    let round_trip = match &p.supplementary_town {
                        None => a.one_line(),
                        Some(t) => {
                            let line = a.one_line();
                            let (head, tail) = line.rsplit_once(", ").expect("has postcode");
                            format!("{head}, {t}, {tail}")
                        }
                    };
                    if a.floor != field("etagebetegnelse")
                        || a.door != field("dørbetegnelse")
                        || round_trip != betegnelse
                    {
                        failures.push(format!("{betegnelse}: got {a:?} -> '{round_trip}'"));
                    }
                }
                Err(e) => failures.push(format!("{betegnelse}: {e}")),
            }
        }
        assert!(
            seen >= 2900,
            "the sample holds 2,901 addresses, read {seen}"
        );
        assert!(
            failures.is_empty(),
            "{} of {seen} real addresses parsed wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
