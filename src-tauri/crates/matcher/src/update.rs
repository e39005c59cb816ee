//! When a linked pair differs materially: SOR should follow ORG.
//!
//! Name: material unless equal after case folding, spelling out Sdr./Nr./Skt./Sct./Gl., `&` as
//! "og", æ/ø/å as ae/oe/aa, hyphens and commas as spaces, dropping a trailing
//! "<kommune> Kommune" and a leading "<SOR parent name>, ". Address (ORG Postadresse vs SOR
//! postal, inherited when absent): material unless street (abbreviations spelt out), house
//! number, floor/door and postcode (when ORG has one) agree; postcode names are ignored.

use crate::normalize::{address_key, fold, lone_number_swapped, parse_address_text, AddressKey};
use sorkomp_model::{Address, AddressRole, FieldChange, OrgUnit};

fn policy_tokens(name: &str) -> Vec<String> {
    fold(name)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(|t| match t {
            "sdr" | "soendre" | "soender" => "soender",
            "ndr" | "nordre" => "nordre",
            "nr" | "noerre" => "noerre",
            "skt" | "sct" => "sankt",
            "gl" => "gammel",
            other => other,
        })
        .map(str::to_string)
        .collect()
}

/// The name as the update policy compares it.
pub fn policy_name(
    name: &str,
    sor_parent_name: Option<&str>,
    municipality: &[String],
) -> Vec<String> {
    let mut name = name.trim();
    if let Some(parent) = sor_parent_name.map(fold).filter(|p| !p.is_empty()) {
        // The parent's own name may hold a comma ("Plejehjemmet X, Y Kommune, Afsnit 4").
        for (i, _) in name.match_indices(',') {
            let rest = name[i + 1..].trim();
            if fold(&name[..i]) == parent && !rest.is_empty() {
                name = rest;
                break;
            }
        }
    }
    let mut tokens = policy_tokens(name);
    // Trailing "<M> Kommune".
    if tokens.last().map(String::as_str) == Some("kommune") && !municipality.is_empty() {
        let n = municipality.len();
        if tokens.len() > n + 1
            && tokens[tokens.len() - 1 - n..tokens.len() - 1] == municipality[..]
        {
            tokens.truncate(tokens.len() - 1 - n);
        }
    }
    tokens
}

/// The municipality's own name words ("Odense Kommune" -> ["odense"]).
pub fn municipality_words(owner_name: &str) -> Vec<String> {
    let mut t = policy_tokens(owner_name);
    if t.last().map(String::as_str) == Some("kommune") {
        t.pop();
    }
    t
}

fn addresses_agree(org: &AddressKey, sor: &AddressKey) -> bool {
    org.street == sor.street
        && org.number == sor.number
        && (((org.floor.is_none() || org.floor == sor.floor)
            && (org.door.is_none() || org.door == sor.door))
            || lone_number_swapped(org, sor))
        && (org.postcode.is_none() || org.postcode == sor.postcode)
}

/// Field-by-field differences that matter, ORG as the source.
pub fn material_changes(
    org: &OrgUnit,
    sor_name: &str,
    sor_parent_name: Option<&str>,
    sor_postal: Option<&Address>,
    municipality: &[String],
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    if !org.name.trim().is_empty()
        && policy_name(&org.name, sor_parent_name, municipality)
            != policy_name(sor_name, sor_parent_name, municipality)
    {
        changes.push(FieldChange {
            field: "name".into(),
            sor_value: Some(sor_name.to_string()),
            org_value: Some(org.name.clone()),
        });
    }
    if let Some(postal) = org.first_address(&AddressRole::Postadresse) {
        if let Some(parsed) = postal
            .parsed
            .clone()
            .or_else(|| parse_address_text(&postal.text))
        {
            let ok = address_key(&parsed);
            let differs = match sor_postal {
                Some(s) => !addresses_agree(&ok, &address_key(s)),
                None => true,
            };
            if differs {
                changes.push(FieldChange {
                    field: "address".into(),
                    sor_value: sor_postal.map(Address::one_line),
                    org_value: Some(parsed.one_line()),
                });
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_differ_materially_only_beyond_formatting() {
        fn check(org: &str, sor: &str, agree: bool) {
            let key = |t: &str| address_key(&parse_address_text(t).expect("parses"));
            assert_eq!(
                addresses_agree(&key(org), &key(sor)),
                agree,
                "ORG {org:?} vs SOR {sor:?}"
            );
        }
        check(
            "Nørreg. 67B, 1, 5000 Odense C",
            "Nørregade 67B, 1., 5000 Odense C",
            true,
        );
        check("Vej 2, 2.th, 5000 X", "Vej 2, 2. th, 5000 X", true);
        check("Vej 2, 5000 X", "Vej 2, 3. tv, 5000 X", true);
        check("Vej 2, Odense C", "Vej 2, 5000 Odense C", true);
        check("Vej 2, 1, 5000 X", "Vej 2, 2., 5000 X", false);
        check("Vej 2, 1. th, 5000 X", "Vej 2, 1. tv, 5000 X", false);
        check("Vej 4, 5000 X", "Vej 2, 5000 X", false);
        check("Vej 2, 5000 X", "Vej 2, 5200 X", false);
    }

    #[test]
    fn names_differ_materially_only_beyond_the_policy_foldings() {
        let m = municipality_words("Odense Kommune");
        fn check(org: &str, sor: &str, parent: Option<&str>, m: &[String], material: bool) {
            let a = policy_name(org, parent, m);
            let b = policy_name(sor, parent, m);
            assert_eq!(a != b, material, "{org:?} vs {sor:?} (parent {parent:?})");
        }
        check("Afdeling Rosen", "AFDELING ROSEN", None, &m, false);
        check(
            "Hus Grøn",
            "Plejecenter Frydenlund, Hus Groen",
            Some("Plejecenter Frydenlund"),
            &m,
            false,
        );
        check("Neuroteam", "Neuroteam - Odense Kommune", None, &m, false);
        check(
            "Demensafsnit",
            "Demensafsnit, Odense Kommune",
            None,
            &m,
            false,
        );
        check("Sdr. Tarup", "Søndre Tarup", None, &m, false);
        check("Bo & Aktivitet", "Bo og Aktivitet", None, &m, false);
        check(
            "Dag- og Aktivitetscenter",
            "Dag og Aktivitetscenter",
            None,
            &m,
            false,
        );
        check("Team 9", "9 Team", None, &m, true);
        check(
            "Tandplejen Ravnebjerg",
            "Tandplejen rvnebjerg",
            None,
            &m,
            true,
        );
        check(
            "Aktivitetscenter Tusindfryd",
            "Aktivitetscentret Tusindfryd",
            None,
            &m,
            true,
        );
        check(
            "Hus Grøn",
            "Plejecenter Frydenlund, Hus Groen",
            Some("Plejecenter Lindved"),
            &m,
            true,
        );
        check(
            "Afsnit 4",
            "Plejehjemmet Bellinge, Odense Kommune, Afsnit 4",
            Some("Plejehjemmet Bellinge, Odense Kommune"),
            &m,
            false,
        );
        check(
            "Sønder Tarup Plejecenter",
            "Sdr. Tarup Plejecenter",
            None,
            &m,
            false,
        );
        check(
            "Nørre Holluf",
            "Nr. Holluf - Odense Kommune",
            None,
            &m,
            false,
        );
    }
}
