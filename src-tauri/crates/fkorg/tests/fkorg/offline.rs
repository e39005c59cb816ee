//! Saved pages, mapping, validation, data quality and diff: no network.

use std::path::PathBuf;

use serde_json::json;
use sorkomp_fkorg::{
    diff_snapshots, is_valid_ean, is_valid_sor_id, load_saved, parse_page, quality_issues,
    FkOrgError, OrgSnapshot, QualityCode,
};
use sorkomp_model::{AddressRole, KleTask, OrgAddress, OrgStatus, OrgUnit};

use crate::{edges_in_world, world_dir};

const ROOT: &str = "8b245dd5-8e1e-473c-8081-bee75b7d6f74";
const CHILD: &str = "62520761-2d34-4d8b-8c53-cc132c4ccead";
const GRANDCHILD: &str = "65246f75-70a1-40be-802f-7ef2764aad9e";

fn node(uuid: &str, parent: Option<&str>, status: &str) -> serde_json::Value {
    json!({
        "uuid": uuid,
        "enhedsnavn": format!("Enhed {}", &uuid[..4]),
        "brugervendtNoegle": "K1",
        "overordnetEnhed": parent.map(|p| json!({"uuid": p})),
        "tilstand": {"status": status, "fraTidspunkt": "2020-01-01T00:00:00+01:00", "tilTidspunkt": null},
        "adresser": [
            {"uuid": "1a25d080-6646-5f1c-97cf-7d9dd4122285", "adresseTekst": "Byvej 12, 1. th, 1234 Korsbæk",
             "brugervendtNoegle": null, "adresseRolleTitel": "Postadresse",
             "klassifikation": {"type": "9b33c0a0-a566-4ec0-8200-325cb1e5bb9a", "rolle": "80b610c6-314b-485a-a014-a9a1d7070bc4", "indeks": "x"}},
            {"uuid": "2a25d080-6646-5f1c-97cf-7d9dd4122285", "adresseTekst": "335171000016006",
             "adresseRolleTitel": "SOR",
             "klassifikation": {"type": "9b33c0a0-a566-4ec0-8200-325cb1e5bb9a", "rolle": "b44138cf-72df-45d1-8821-83db39b62093", "indeks": "y"}}
        ],
        "opgaver": [{"uuid": "e83e40e5-f6ae-530d-87c8-940a398ef237", "kleEmneNummer": "27.42.00",
                     "kleEmneTitel": "Plejeboliger", "opgaveRolleTitel": "Ansvarlig"}]
    })
}

fn page(nodes: Vec<serde_json::Value>) -> Vec<u8> {
    let edges: Vec<_> = nodes
        .into_iter()
        .map(|n| json!({"cursor": "c", "node": n}))
        .collect();
    serde_json::to_vec(&json!({"data": {"organisationEnhedListe": {
        "edges": edges,
        "pageInfo": {"startCursor": "a", "endCursor": "b", "hasNextPage": false, "hasPreviousPage": false}
    }}}))
    .unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn loads_the_whole_world_folder() {
    let snap = load_saved(&[world_dir()]).expect("the dev-odense pages are valid");
    assert_eq!(
        snap.units.len(),
        edges_in_world(),
        "every edge of every page becomes a unit"
    );
    assert_eq!(snap.pages, 6, "five AKTIV pages and one INAKTIV page");
    let roots: Vec<_> = snap
        .units
        .iter()
        .filter(|u| u.parent_uuid.is_none())
        .collect();
    assert_eq!(roots.len(), 1, "the municipality has one root unit");
    assert_eq!(roots[0].status, OrgStatus::Aktiv, "the root is active");
    let inaktiv = snap
        .units
        .iter()
        .filter(|u| u.status == OrgStatus::Inaktiv)
        .count();
    assert!(inaktiv > 0, "the INAKTIV page is read too");
    let postal = snap
        .units
        .iter()
        .flat_map(|u| &u.addresses)
        .filter(|a| {
            matches!(
                a.role,
                AddressRole::Postadresse | AddressRole::Henvendelsessted
            )
        })
        .collect::<Vec<_>>();
    let unparsed: Vec<&str> = postal
        .iter()
        .filter(|a| a.parsed.is_none())
        .map(|a| a.text.as_str())
        .collect();
    assert!(
        unparsed.is_empty(),
        "every postal address in the world parses: {unparsed:?}"
    );
    assert!(
        snap.units
            .iter()
            .flat_map(|u| &u.addresses)
            .all(|a| a.role != AddressRole::Other),
        "every role UUID in the world is known"
    );
}

#[test]
fn files_listed_one_by_one_read_like_their_folder() {
    let names = [
        "aktiv-0001.json",
        "aktiv-0002.json",
        "aktiv-0003.json",
        "aktiv-0004.json",
        "aktiv-0005.json",
        "inaktiv-0001.json",
    ];
    let files: Vec<PathBuf> = names.iter().map(|n| world_dir().join(n)).collect();
    let one_by_one = load_saved(&files).expect("all files listed one by one");
    let folder = load_saved(&[world_dir()]).unwrap();
    assert_eq!(one_by_one.units, folder.units, "same units, same order");
    // A middle page alone: its active units point at parents on other pages.
    let err = load_saved(&files[2..3]).expect_err("a lone page is not a whole tree");
    assert_eq!(err.code(), "fkorg.missing_parent", "{err}");
    assert!(
        err.to_string().contains("aktiv-0003.json"),
        "the error names the file: {err}"
    );
}

#[test]
fn maps_roles_addresses_and_kle() {
    let p = parse_page(&page(vec![node(ROOT, None, "AKTIV")]), "side.json").unwrap();
    let u = &p.units[0];
    assert_eq!(u.uuid, ROOT);
    assert_eq!(u.user_key.as_deref(), Some("K1"));
    let postal = u.postal().expect("Postadresse by role UUID");
    let parsed = postal.parsed.as_ref().expect("postal text is parsed");
    assert_eq!(
        (
            parsed.street.as_str(),
            parsed.number.as_deref(),
            parsed.floor.as_deref(),
            parsed.door.as_deref(),
            parsed.postcode.as_deref()
        ),
        ("Byvej", Some("12"), Some("1"), Some("th"), Some("1234")),
        "the parts of 'Byvej 12, 1. th, 1234 Korsbæk'"
    );
    assert_eq!(
        postal.text, "Byvej 12, 1. th, 1234 Korsbæk",
        "the original text is kept"
    );
    assert_eq!(
        u.sor_code(),
        Some("335171000016006"),
        "the SOR role is found by its UUID"
    );
    assert!(
        u.first_address(&AddressRole::Sor).unwrap().parsed.is_none(),
        "only postal roles are parsed"
    );
    assert_eq!(
        u.kle,
        vec![KleTask {
            number: "27.42.00".into(),
            title: "Plejeboliger".into(),
            role: "Ansvarlig".into()
        }]
    );
    assert_eq!(u.valid_from.as_deref(), Some("2020-01-01T00:00:00+01:00"));
    assert!(
        !p.has_next_page && p.end_cursor.as_deref() == Some("b"),
        "paging info is read"
    );
}

#[test]
fn ignores_unknown_fields_and_classifies_unknown_roles() {
    let mut n = node(ROOT, None, "AKTIV");
    n["nytFelt"] = json!({"noget": [1, 2, 3]});
    n["adresser"][0]["klassifikation"]["rolle"] = json!("00000000-0000-0000-0000-000000000000");
    n["adresser"][0]["adresseRolleTitel"] = json!("Fakturaadresse");
    let mut bytes = page(vec![n]);
    let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["extensions"] = json!({"cost": 12});
    bytes = serde_json::to_vec(&v).unwrap();
    let p = parse_page(&bytes, "side.json").expect("unknown extra fields are ignored");
    let a = &p.units[0].addresses[0];
    assert_eq!(
        (a.role.clone(), a.role_title.as_str()),
        (AddressRole::Other, "Fakturaadresse"),
        "an unknown role keeps its title"
    );
}

#[test]
fn graphql_warnings_with_data_are_kept_but_errors_are_not() {
    let mut v: serde_json::Value =
        serde_json::from_slice(&page(vec![node(ROOT, None, "AKTIV")])).unwrap();
    v["errors"] = json!([{"message": "Rolle-titel kunne ikke hentes fra Klassifikation", "extensions": {"severity": "WARNING"}}]);
    let p = parse_page(&serde_json::to_vec(&v).unwrap(), "side.json")
        .expect("warnings do not stop the import");
    assert_eq!(p.units.len(), 1);
    assert!(
        p.warnings.iter().any(|w| w.contains("Rolle-titel")),
        "the warning is passed on: {:?}",
        p.warnings
    );
    v["errors"][0]["extensions"] = json!({"classification": "DataFetchingException"});
    let err = parse_page(&serde_json::to_vec(&v).unwrap(), "side.json")
        .expect_err("a real error with data still fails");
    assert_eq!(err.code(), "fkorg.graphql", "{err}");
}

/// Each bad page must fail with an error naming the file, the unit and the field.
fn check_err(bytes: &[u8], expected_code: &str, must_mention: &[&str]) {
    let err = parse_page(bytes, "aktiv-0007.json").expect_err("bad page must be refused");
    assert_eq!(err.code(), expected_code, "error kind for: {err}");
    let msg = err.to_string();
    for m in must_mention.iter().chain(&["aktiv-0007.json"]) {
        assert!(msg.contains(m), "'{msg}' should mention '{m}'");
    }
}

#[test]
fn refuses_bad_pages_with_clear_errors() {
    check_err(
        b"{\"data\": {\"organisationEnhedListe\": {\"edges\": [\n{,]}}}",
        "fkorg.json",
        &["linje 2", "kolonne 2"],
    );
    check_err(b"", "fkorg.json", &["linje 1"]);
    check_err(
        br#"{"data": null, "errors": [{"message": "Ingen adgang til CVR 29189919", "path": ["organisationEnhedListe"]}]}"#,
        "fkorg.graphql",
        &["Ingen adgang til CVR 29189919", "organisationEnhedListe"],
    );
    let mut n = node(ROOT, None, "AKTIV");
    n.as_object_mut().unwrap().remove("enhedsnavn");
    check_err(&page(vec![n]), "fkorg.missing_field", &[ROOT, "enhedsnavn"]);
    let mut n = node(ROOT, None, "AKTIV");
    n["tilstand"].as_object_mut().unwrap().remove("status");
    check_err(
        &page(vec![n]),
        "fkorg.missing_field",
        &[ROOT, "tilstand.status"],
    );
    let mut n = node(ROOT, None, "AKTIV");
    n["tilstand"]["status"] = json!("SLETTET");
    check_err(
        &page(vec![n]),
        "fkorg.bad_value",
        &[ROOT, "tilstand.status", "SLETTET"],
    );
    let mut n = node(ROOT, None, "AKTIV");
    n["adresser"][1]
        .as_object_mut()
        .unwrap()
        .remove("adresseTekst");
    check_err(
        &page(vec![n]),
        "fkorg.missing_field",
        &[ROOT, "adresser[1].adresseTekst"],
    );
    let mut n = node(ROOT, None, "AKTIV");
    n["enhedsnavn"] = json!("x".repeat(1001));
    check_err(
        &page(vec![n]),
        "fkorg.field_too_long",
        &[ROOT, "enhedsnavn", "1001"],
    );
    let mut n = node(ROOT, None, "AKTIV");
    n["uuid"] = json!("ikke-et-uuid");
    check_err(
        &page(vec![n]),
        "fkorg.bad_value",
        &["edges[0].node.uuid", "ikke-et-uuid"],
    );
    let mut n = node(ROOT, None, "AKTIV");
    n["opgaver"][0]["kleEmneNummer"] = json!("2742");
    check_err(&page(vec![n]), "fkorg.bad_value", &[ROOT, "kleEmneNummer"]);
    let mut n = node(ROOT, None, "AKTIV");
    n["enhedsnavn"] = json!(42);
    check_err(&page(vec![n]), "fkorg.json", &["linje 1"]);
    check_err(
        br#"{"data": {"organisationEnhedListe": {"edges": []}}}"#,
        "fkorg.missing_field",
        &["pageInfo"],
    );
}

#[test]
fn refuses_bad_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    // The same unit on two pages.
    let a = write(&dir, "a.json", &page(vec![node(ROOT, None, "AKTIV")]));
    let b = write(&dir, "b.json", &page(vec![node(ROOT, None, "INAKTIV")]));
    let err = load_saved(&[a.clone(), b]).unwrap_err();
    assert_eq!(err.code(), "fkorg.duplicate_uuid", "{err}");
    assert!(
        err.to_string().contains(ROOT) && err.to_string().contains("b.json"),
        "names the unit and both files: {err}"
    );

    // An active unit whose parent is nowhere.
    let c = write(
        &dir,
        "c.json",
        &page(vec![node(CHILD, Some(GRANDCHILD), "AKTIV")]),
    );
    let err = load_saved(&[a.clone(), c]).unwrap_err();
    assert_eq!(err.code(), "fkorg.missing_parent", "{err}");
    assert!(
        err.to_string().contains(CHILD)
            && err.to_string().contains(GRANDCHILD)
            && err.to_string().contains("c.json"),
        "{err}"
    );

    // A closed unit whose parent is nowhere is kept, with a warning.
    let d = write(
        &dir,
        "d.json",
        &page(vec![node(CHILD, Some(GRANDCHILD), "INAKTIV")]),
    );
    let snap = load_saved(&[a.clone(), d]).expect("closed units may hang under long-gone units");
    assert_eq!(snap.units.len(), 2);
    assert!(
        snap.warnings.iter().any(|w| w.contains(CHILD)),
        "the orphan is mentioned: {:?}",
        snap.warnings
    );

    // A cycle: child -> grandchild -> child.
    let e = write(
        &dir,
        "e.json",
        &page(vec![
            node(CHILD, Some(GRANDCHILD), "AKTIV"),
            node(GRANDCHILD, Some(CHILD), "AKTIV"),
        ]),
    );
    let err = load_saved(&[a.clone(), e]).unwrap_err();
    assert_eq!(err.code(), "fkorg.cycle", "{err}");
    assert!(
        err.to_string().contains(CHILD) && err.to_string().contains(GRANDCHILD),
        "{err}"
    );

    // An absurdly large file is refused before it is read (a sparse file costs no disk).
    let big = dir.path().join("stor.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(sorkomp_fkorg::MAX_PAGE_BYTES + 1)
        .unwrap();
    let err = load_saved(&[big]).unwrap_err();
    assert_eq!(err.code(), "fkorg.too_large", "{err}");
    assert!(err.to_string().contains("stor.json"), "{err}");

    // A folder with no pages, and a path that does not exist.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        load_saved(&[empty.path().to_path_buf()])
            .unwrap_err()
            .code(),
        "fkorg.nothing_to_load"
    );
    let err = load_saved(&[dir.path().join("findes-ikke.json")]).unwrap_err();
    assert!(
        err.code() == "fkorg.io" && err.to_string().contains("findes-ikke.json"),
        "{err}"
    );

    // Malformed JSON in a file: the file name, line and column.
    let bad = write(
        &dir,
        "aktiv-0003.json",
        b"{\"data\":\n  {\"organisationEnhedListe\": tru}}",
    );
    let err = load_saved(&[bad]).unwrap_err();
    assert!(matches!(&err, FkOrgError::Json { line: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("aktiv-0003.json"), "{err}");
}

fn unit(uuid: &str, name: &str) -> OrgUnit {
    OrgUnit {
        uuid: uuid.into(),
        name: name.into(),
        user_key: None,
        parent_uuid: None,
        status: OrgStatus::Aktiv,
        valid_from: None,
        valid_to: None,
        addresses: vec![],
        kle: vec![],
    }
}

fn addr(role: AddressRole, title: &str, text: &str) -> OrgAddress {
    let parsed = match role {
        AddressRole::Postadresse | AddressRole::Henvendelsessted => {
            sorkomp_model::address::parse_address_text(text).ok()
        }
        _ => None,
    };
    OrgAddress {
        role,
        role_title: title.into(),
        text: text.into(),
        parsed,
    }
}

fn kle(n: &str) -> KleTask {
    KleTask {
        number: n.into(),
        title: "t".into(),
        role: "Ansvarlig".into(),
    }
}

fn check_quality(u: OrgUnit, health: bool, expected: &[QualityCode]) {
    let issues = quality_issues(std::slice::from_ref(&u), |_| health);
    let codes: Vec<QualityCode> = issues.iter().map(|i| i.code).collect();
    assert_eq!(
        codes, expected,
        "issues of '{}' (health-relevant: {health}): {issues:?}",
        u.name
    );
    assert!(issues
        .iter()
        .all(|i| i.org_uuid == u.uuid && !i.message_da.is_empty()));
}

#[test]
fn flags_what_the_municipality_must_fix() {
    use QualityCode::*;
    let good = || {
        let mut u = unit(ROOT, "Plejecenter Evigglad");
        u.addresses.push(addr(
            AddressRole::Postadresse,
            "Postadresse",
            "Byvej 12, 1234 Korsbæk",
        ));
        u.kle.push(kle("27.42.00"));
        u
    };
    check_quality(good(), true, &[]);
    check_quality(unit(ROOT, "Tom enhed"), true, &[NoPostalAddress, NoKle]);
    check_quality(unit(ROOT, "Ikke sundhed"), false, &[]);
    let mut u = unit(ROOT, "Henvendelse");
    u.addresses.push(addr(
        AddressRole::Henvendelsessted,
        "Henvendelsessted",
        "Byvej 12, 1234 Korsbæk",
    ));
    u.kle.push(kle("29.18"));
    check_quality(u, true, &[]);
    let mut u = good();
    u.addresses
        .push(addr(AddressRole::Postadresse, "Postadresse", "Rådhuset"));
    check_quality(u.clone(), true, &[AddressUnparsable]);
    check_quality(u, false, &[]);
    let mut u = good();
    u.addresses.push(addr(AddressRole::Sor, "SOR", "12345"));
    check_quality(u.clone(), false, &[InvalidSorCode]);
    let mut u = good();
    u.addresses
        .push(addr(AddressRole::Ean, "EAN", "5790001174126"));
    check_quality(u, false, &[InvalidEan]);
    let mut u = good();
    u.addresses
        .push(addr(AddressRole::Other, "Fakturaadresse", "x"));
    check_quality(u, false, &[UnknownAddressRole]);
    let mut closed = unit(ROOT, "Lukket");
    closed.status = OrgStatus::Inaktiv;
    check_quality(closed, true, &[]);

    let mut a = good();
    a.addresses
        .push(addr(AddressRole::Sor, "SOR", "335171000016006"));
    let mut b = a.clone();
    b.uuid = CHILD.into();
    b.name = "Plejecenter Evigglad, afsnit 2".into();
    let issues = quality_issues(&[a, b], |_| true);
    assert_eq!(
        issues.iter().map(|i| i.code).collect::<Vec<_>>(),
        vec![DuplicateSorCode, DuplicateSorCode],
        "both holders of one SOR code are flagged"
    );
    let exported = serde_json::to_value(&issues[0]).unwrap();
    assert_eq!(
        exported["code"], "duplicate_sor_code",
        "exported codes are snake_case"
    );
}

#[test]
fn quality_of_the_world_matches_its_raw_data() {
    let snap: OrgSnapshot = load_saved(&[world_dir()]).unwrap();
    let issues = quality_issues(&snap.units, |_| true);
    let no_postal = snap
        .units
        .iter()
        .filter(|u| u.status == OrgStatus::Aktiv && u.postal().is_none())
        .count();
    let flagged = issues
        .iter()
        .filter(|i| i.code == QualityCode::NoPostalAddress)
        .count();
    assert_eq!(
        flagged, no_postal,
        "every active unit without a postal address is flagged once"
    );
    assert!(
        issues.iter().all(|i| i.code != QualityCode::InvalidSorCode),
        "the world's SOR codes are all valid ids"
    );
}

#[test]
fn recognises_sor_ids_and_eans() {
    for (id, ok) in [
        ("335171000016006", true),
        ("8341000016002", true),
        ("12341000016001", true),
        ("11000016001", true),
        ("1000016001", false),
        ("12345678901234561000016001", false),
        ("335171000016106", false),
        ("33517100001600x", false),
        ("", false),
    ] {
        assert_eq!(is_valid_sor_id(id), ok, "SOR id '{id}'");
    }
    for (ean, ok) in [
        ("5790001174125", true),
        ("5790001174126", false),
        ("579000117412", false),
    ] {
        assert_eq!(is_valid_ean(ean), ok, "EAN '{ean}'");
    }
}

fn check_diff(old: &[OrgUnit], new: &[OrgUnit], expected: &[(&str, &str)]) {
    let changes = diff_snapshots(old, new);
    let got: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| (c.entity_id.as_str(), c.what.as_str()))
        .collect();
    assert_eq!(got, expected, "changes: {changes:?}");
    assert!(changes.iter().all(|c| c.register == "org"));
}

#[test]
fn finds_changes_between_snapshots() {
    let mut base = unit(ROOT, "Plejecenter Evigglad");
    base.addresses.push(addr(
        AddressRole::Postadresse,
        "Postadresse",
        "Byvej 12, 1234 Korsbæk",
    ));
    base.kle.push(kle("27.42.00"));
    let other = unit(CHILD, "Team 8");
    check_diff(&[base.clone()], &[base.clone()], &[]);
    check_diff(&[], &[base.clone()], &[(ROOT, "appeared")]);
    check_diff(&[base.clone()], &[], &[(ROOT, "disappeared")]);
    let mut closed = base.clone();
    closed.status = OrgStatus::Inaktiv;
    check_diff(&[base.clone()], &[closed.clone()], &[(ROOT, "closed")]);
    check_diff(&[closed], &[base.clone()], &[(ROOT, "reopened")]);
    let mut renamed = base.clone();
    renamed.name = "Plejecenter Glad".into();
    check_diff(&[base.clone()], &[renamed], &[(ROOT, "renamed")]);
    let mut moved = base.clone();
    moved.addresses[0] = addr(
        AddressRole::Postadresse,
        "Postadresse",
        "Landallé 5, 1234 Korsbæk",
    );
    check_diff(&[base.clone()], &[moved], &[(ROOT, "moved")]);
    let mut respaced = base.clone();
    respaced.addresses[0].text = "Byvej  12,  1234 Korsbæk".into();
    check_diff(&[base.clone()], &[respaced], &[]);
    let mut new_kle = base.clone();
    new_kle.kle.push(kle("29.18.00"));
    check_diff(&[base.clone()], &[new_kle], &[(ROOT, "kle_changed")]);
    let mut reparented = base.clone();
    reparented.parent_uuid = Some(CHILD.into());
    check_diff(
        &[base.clone(), other.clone()],
        &[reparented.clone(), other],
        &[(ROOT, "reparented")],
    );
    let mut many = reparented;
    many.name = "Nyt navn".into();
    many.status = OrgStatus::Inaktiv;
    check_diff(
        &[base.clone()],
        &[many],
        &[(ROOT, "closed"), (ROOT, "renamed"), (ROOT, "reparented")],
    );

    let mut renamed = base.clone();
    renamed.name = "Plejecenter Glad".into();
    let c = &diff_snapshots(&[base], &[renamed])[0];
    assert_eq!(
        (c.before.clone(), c.after.clone()),
        (
            Some(json!("Plejecenter Evigglad")),
            Some(json!("Plejecenter Glad"))
        ),
        "before/after carry the names"
    );
}
