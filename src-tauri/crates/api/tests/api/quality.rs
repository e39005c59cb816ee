//! "Klargør data i FK Organisation" (the list and its CSV) and the unit detail pane, on a small
//! municipality written here in the real response format.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sorkomp_api::Api;
use sorkomp_model::AddressRole;

use crate::api_in;

const POSTADRESSE: &str = "80b610c6-314b-485a-a014-a9a1d7070bc4";
const SOR: &str = "b44138cf-72df-45d1-8821-83db39b62093";
const EAN: &str = "9ccaafe4-c4b2-4d25-942a-2ec5730d4ed8";
const TELEFON: &str = "8dcfa714-5ed3-4000-b551-2ba520e7d8ad";

const ROOT: &str = "00000000-0000-4000-8000-000000000001";
const AREA: &str = "00000000-0000-4000-8000-000000000002";
const CARE_HOME: &str = "00000000-0000-4000-8000-000000000003";
const HOME_CARE: &str = "00000000-0000-4000-8000-000000000004";
const DENTAL: &str = "00000000-0000-4000-8000-000000000005";
const HEALTH_VISITORS: &str = "00000000-0000-4000-8000-000000000006";
const IT: &str = "00000000-0000-4000-8000-000000000007";

fn address(role: &str, title: &str, text: &str) -> Value {
    json!({"adresseTekst": text, "adresseRolleTitel": title,
           "klassifikation": {"type": "9b33c0a0-a566-4ec0-8200-325cb1e5bb9a", "rolle": role}})
}

fn kle(number: &str, title: &str) -> Value {
    json!({"kleEmneNummer": number, "kleEmneTitel": title, "opgaveRolleTitel": "Udførende"})
}

fn unit(
    uuid: &str,
    name: &str,
    parent: Option<&str>,
    adresser: Vec<Value>,
    opgaver: Vec<Value>,
) -> Value {
    json!({"cursor": uuid, "node": {
        "uuid": uuid, "enhedsnavn": name, "brugervendtNoegle": name,
        "overordnetEnhed": parent.map(|p| json!({"uuid": p})),
        "tilstand": {"status": "AKTIV", "fraTidspunkt": "2020-01-01T00:00:00+01:00", "tilTidspunkt": null},
        "adresser": adresser, "opgaver": opgaver}})
}

/// Testby: a care home that is fine, and units with one problem each; the IT department has no
/// KLE and no SOR code, so it is not on its way to SOR and has no tasks.
fn municipality(dir: &Path) -> std::path::PathBuf {
    let edges = vec![
        unit(ROOT, "Testby Kommune", None, vec![], vec![]),
        unit(AREA, "Ældre og Sundhed", Some(ROOT), vec![], vec![]),
        unit(
            CARE_HOME,
            "Plejecenter Solbakken",
            Some(AREA),
            vec![
                address(TELEFON, "Telefon", "66112233"),
                address(POSTADRESSE, "Postadresse", "Solvej 3, 1. th, 5000 Odense C"),
                address(EAN, "EAN", "5798000000001"),
            ],
            vec![kle("27.42.00", "Plejeboliger og plejehjem")],
        ),
        unit(
            HOME_CARE,
            "Hjemmeplejen Nord",
            Some(AREA),
            vec![],
            vec![kle("27.36.04", "Hjemmehjælp")],
        ),
        unit(
            DENTAL,
            "Tandplejen",
            Some(AREA),
            vec![address(POSTADRESSE, "Postadresse", "Bag skolen")],
            vec![kle("29.15.00", "Kommunal tandpleje")],
        ),
        unit(
            HEALTH_VISITORS,
            "Sundhedsplejen",
            Some(AREA),
            vec![
                address(POSTADRESSE, "Postadresse", "Vestergade 10, 5000 Odense C"),
                address(SOR, "SOR", "12345"),
            ],
            vec![],
        ),
        unit(IT, "IT-afdelingen", Some(ROOT), vec![], vec![]),
    ];
    let page = json!({"data": {"organisationEnhedListe": {
        "edges": edges, "pageInfo": {"endCursor": IT, "hasNextPage": false}}}});
    let path = dir.join("aktiv-0001.json");
    std::fs::write(&path, serde_json::to_vec(&page).unwrap()).unwrap();
    path
}

fn loaded() -> (tempfile::TempDir, Api) {
    let dir = tempfile::tempdir().unwrap();
    let api = api_in(dir.path());
    let page = municipality(dir.path());
    api.import_org_paths(&[page]).expect("import");
    (dir, api)
}

#[test]
fn the_list_names_unit_place_field_and_problem() {
    let (_dir, api) = loaded();
    let tasks = api.quality_tasks().unwrap();
    let got: Vec<(&str, &str, &str)> = tasks
        .iter()
        .map(|t| (t.unit_name.as_str(), t.path.as_str(), t.field.as_str()))
        .collect();
    let area = "Testby Kommune / Ældre og Sundhed";
    assert_eq!(
        got,
        vec![
            ("Hjemmeplejen Nord", area, "Postadresse"),
            ("Sundhedsplejen", area, "KLE-opgaver"),
            ("Sundhedsplejen", area, "SOR-kode"),
            ("Tandplejen", area, "Postadresse"),
        ],
        "one task per problem, ordered by place in the tree; the care home, the IT department and the EAN are fine"
    );
    let problem = |unit: &str, field: &str| {
        tasks
            .iter()
            .find(|t| t.unit_name == unit && t.field == field)
            .map(|t| t.problem.clone())
            .unwrap()
    };
    for (unit, field, expected) in [
        ("Hjemmeplejen Nord", "Postadresse", "ingen postadresse"),
        ("Sundhedsplejen", "KLE-opgaver", "ingen KLE-opgaver"),
        (
            "Sundhedsplejen",
            "SOR-kode",
            "'12345' er ikke et gyldigt SOR-id",
        ),
        (
            "Tandplejen",
            "Postadresse",
            "'Bag skolen' kan ikke læses som en dansk adresse",
        ),
    ] {
        let p = problem(unit, field);
        assert!(p.contains(expected), "{unit}/{field}: {p}");
    }
    assert_eq!(
        tasks
            .iter()
            .find(|t| t.unit_name == "Tandplejen")
            .unwrap()
            .org_uuid,
        DENTAL
    );
}

#[test]
fn the_csv_opens_in_danish_excel() {
    let (dir, api) = loaded();
    let out = dir.path().join("klargør.csv");
    let n = api.export_quality(&out).expect("export");
    assert_eq!(n, 4, "every task is written");
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "UTF-8 BOM, so Excel reads æøå"
    );
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0], "Enhed;Placering i organisationen;Felt;Problem;Enhedens UUID",
        "semicolons and Danish headings"
    );
    assert_eq!(lines.len(), 5, "heading + 4 tasks");
    assert!(
        lines[1].starts_with("Hjemmeplejen Nord;Testby Kommune / Ældre og Sundhed;Postadresse;"),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with(HOME_CARE), "{}", lines[1]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");

    let err = api
        .export_quality(&dir.path().join("findes-ikke/klargør.csv"))
        .expect_err("missing folder");
    assert_eq!(err.code, "io");
    assert!(err.message.contains("findes-ikke"), "{}", err.message);
}

#[test]
fn the_detail_pane_shows_addresses_kle_place_link_and_tasks() {
    let (_dir, api) = loaded();
    let d = api.org_unit(CARE_HOME).unwrap().expect("the care home");
    assert_eq!(d.name, "Plejecenter Solbakken");
    assert_eq!(d.parent_name.as_deref(), Some("Ældre og Sundhed"));
    assert_eq!(d.path, "Testby Kommune / Ældre og Sundhed");
    assert_eq!(d.valid_from.as_deref(), Some("2020-01-01T00:00:00+01:00"));
    assert_eq!(d.valid_to, None);
    assert_eq!(
        d.addresses
            .iter()
            .map(|a| a.role.clone())
            .collect::<Vec<_>>(),
        vec![
            AddressRole::Postadresse,
            AddressRole::Ean,
            AddressRole::Telefon
        ],
        "postal address first, whatever FK Organisation's order"
    );
    let postal = &d.addresses[0];
    assert_eq!(
        postal.text, "Solvej 3, 1. th, 5000 Odense C",
        "original text kept"
    );
    let parsed = postal.parsed.as_ref().expect("parsed");
    assert_eq!(
        (
            parsed.street.as_str(),
            parsed.number.as_deref(),
            parsed.floor.as_deref(),
            parsed.door.as_deref(),
            parsed.postcode.as_deref(),
            parsed.city.as_deref()
        ),
        (
            "Solvej",
            Some("3"),
            Some("1"),
            Some("th"),
            Some("5000"),
            Some("Odense C")
        )
    );
    assert_eq!(postal.parse_error, None);
    assert_eq!(d.kle.len(), 1);
    assert_eq!(
        (
            d.kle[0].number.as_str(),
            d.kle[0].title.as_str(),
            d.kle[0].role.as_str()
        ),
        ("27.42.00", "Plejeboliger og plejehjem", "Udførende")
    );
    assert!(d.quality.is_empty(), "nothing to fix: {:?}", d.quality);
    assert_eq!(d.linked_sor, None);

    let dental = api.org_unit(DENTAL).unwrap().unwrap();
    assert!(
        dental.addresses[0].parse_error.is_some(),
        "says why the address does not parse"
    );
    assert_eq!(dental.quality.len(), 1);
    assert_eq!(dental.quality[0].field, "Postadresse");

    let area = api.org_unit(AREA).unwrap().unwrap();
    assert_eq!(area.children, 4);
    assert_eq!(area.path, "Testby Kommune");
    let root = api.org_unit(ROOT).unwrap().unwrap();
    assert_eq!((root.parent_name, root.path.as_str()), (None, ""));

    // A manual link shows in the pane, with the SOR unit's name; and a linked unit without
    // KLE is on its way to SOR, so its missing KLE becomes a task.
    let sor = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../assets/demo/sor/Sor.xml");
    api.import_sor_file(&sor).expect("demo SOR data");
    api.link(IT, "92011000016001").expect("manual link");
    let it = api.org_unit(IT).unwrap().unwrap();
    let link = it.linked_sor.expect("linked");
    assert_eq!(link.sor_id, "92011000016001");
    assert_eq!(link.name.as_deref(), Some("Lægehuset Byvej"));
    assert!(link.manual);
    assert_eq!(
        it.quality
            .iter()
            .map(|t| t.field.as_str())
            .collect::<Vec<_>>(),
        vec!["KLE-opgaver", "Postadresse"],
        "{:?}",
        it.quality
    );

    assert_eq!(
        api.org_unit("11111111-1111-4111-8111-111111111111")
            .unwrap(),
        None,
        "an unknown uuid is no unit, not an error"
    );
}
