//! The API as the window and the CLI use it, on the bundled demo municipality Korsbæk: the SOR
//! worklist from approval to confirmation by a later SOR import, and the export files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use sorkomp_api::{
    Api, ExportFormat, LogQuery, OutboxStatus, OutboxView, ProposalQuery, ProposalView,
    WorklistFormat,
};
use sorkomp_model::{Address, ProposalKind, ProposalStatus};
use sorkomp_store::Store;

const DEMO_SOR_XML: &str = include_str!("../../../../../assets/demo/sor/Sor.xml");
/// 26-11-2026 11:00 in Copenhagen.
const NOW: (i32, u32, u32, u32) = (2026, 11, 26, 10);

fn clock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(NOW.0, NOW.1, NOW.2, NOW.3, 0, 0)
        .unwrap()
}

fn demo() -> Api {
    let api = Api::with_store(Store::open_in_memory().unwrap(), Box::new(clock));
    api.set_who("AB").unwrap();
    api.load_demo().unwrap();
    api
}

fn first_new(api: &Api, kind: ProposalKind) -> ProposalView {
    api.proposals(&ProposalQuery {
        status: Some(ProposalStatus::New),
        kind: Some(kind),
        text: None,
    })
    .unwrap()
    .into_iter()
    .next()
    .unwrap_or_else(|| panic!("the demo has a new {kind:?} proposal"))
}

fn field<'a>(v: &'a OutboxView, label: &str) -> &'a str {
    v.fields
        .iter()
        .find(|f| f.label == label)
        .map(|f| f.value.as_str())
        .unwrap_or_else(|| panic!("item {} has a field «{label}»: {:#?}", v.id, v.fields))
}

fn item_of(api: &Api, proposal: i64) -> OutboxView {
    api.outbox(None)
        .unwrap()
        .into_iter()
        .find(|v| v.proposal_id == proposal)
        .unwrap_or_else(|| panic!("proposal {proposal} has a worklist item"))
}

/// The approved create, delete and update proposals of the demo.
struct Approved {
    create: ProposalView,
    delete: ProposalView,
    update: ProposalView,
}

/// The first new create proposal whose unit has an address (what SOR's form asks for).
fn create_with_address(api: &Api) -> ProposalView {
    api.proposals(&ProposalQuery {
        status: Some(ProposalStatus::New),
        kind: Some(ProposalKind::Create),
        text: None,
    })
    .unwrap()
    .into_iter()
    .find(|p| p.new_unit.as_ref().is_some_and(|u| u.address.is_some()))
    .expect("the demo proposes a unit with an address")
}

fn approve_one_of_each(api: &Api) -> Approved {
    let create = create_with_address(api);
    let delete = first_new(api, ProposalKind::Delete);
    let update = first_new(api, ProposalKind::Update);
    for p in [&create, &delete, &update] {
        api.approve(p.id).unwrap();
    }
    Approved {
        create,
        delete,
        update,
    }
}

// --- Editing the demo SOR export the way SOR would show the changes made -------------------

/// The byte range of the element `<tag>` that holds `<sor1:SorIdentifier>id<`.
fn element_of(xml: &str, id: &str, tag: &str) -> (usize, usize) {
    let at = xml
        .find(&format!("<sor1:SorIdentifier>{id}</sor1:SorIdentifier>"))
        .unwrap_or_else(|| panic!("SOR id {id} is in the demo XML"));
    let start = xml[..at].rfind(&format!("<{tag}>")).unwrap();
    let end = at + xml[at..].find(&format!("</{tag}>")).unwrap() + tag.len() + 3;
    (start, end)
}

fn unit_tag(xml: &str, id: &str) -> &'static str {
    let at = xml
        .find(&format!("<sor1:SorIdentifier>{id}</sor1:SorIdentifier>"))
        .unwrap();
    let before = &xml[..at];
    let unit = before.rfind("<OrganizationalUnit>").unwrap_or(0);
    let inst = before.rfind("<HealthInstitution>").unwrap_or(0);
    if unit > inst {
        "OrganizationalUnit"
    } else {
        "HealthInstitution"
    }
}

fn replace_in_element(xml: &mut String, id: &str, from: &str, to: &str) {
    let (s, e) = element_of(xml, id, unit_tag(xml, id));
    let element = xml[s..e].to_string();
    let value = element
        .find(from)
        .unwrap_or_else(|| panic!("{from} in {id}"))
        + from.len();
    let value_end = value + element[value..].find('<').unwrap();
    let edited = format!("{}{to}{}", &element[..value], &element[value_end..]);
    xml.replace_range(s..e, &edited);
}

fn close_in_xml(xml: &mut String, id: &str, to_date: &str) {
    let (s, e) = element_of(xml, id, unit_tag(xml, id));
    let element = xml[s..e].to_string();
    let at = element.rfind("</sor1:FromDate>").unwrap() + "</sor1:FromDate>".len();
    let edited = format!(
        "{}<sor1:ToDate>{to_date}</sor1:ToDate>{}",
        &element[..at],
        &element[at..]
    );
    xml.replace_range(s..e, &edited);
}

fn add_unit_to_xml(xml: &mut String, parent: &str, id: &str, name: &str, a: &Address) {
    let (_, end) = element_of(xml, parent, unit_tag(xml, parent));
    let unit = format!(
        "<OrganizationalUnitEntity><OrganizationalUnit>
        <sor1:SorIdentifier>{id}</sor1:SorIdentifier>
        <sor1:EntityName>{}</sor1:EntityName>
        <EntityTypeIdentifier>42665001</EntityTypeIdentifier>
        <EanLocationCodeOption><EntityInheritanceIndicator>true</EntityInheritanceIndicator></EanLocationCodeOption>
        <PostalAddressInformation><xkom:AddressPostal>
          <dkcc2005:StreetName>{}</dkcc2005:StreetName>
          <dkcc:StreetBuildingIdentifier>{}</dkcc:StreetBuildingIdentifier>{}{}
          <dkcc2005:PostCodeIdentifier>{}</dkcc2005:PostCodeIdentifier>
          <dkcc2005:DistrictName>{}</dkcc2005:DistrictName>
          <dkcc:CountryIdentificationCode scheme=\"iso3166-alpha2\">DK</dkcc:CountryIdentificationCode>
        </xkom:AddressPostal></PostalAddressInformation>
        <sor1:SorStatus><sor1:FromDate>2026-12-01</sor1:FromDate><sor1:UpdatedAt>2026-12-01</sor1:UpdatedAt><sor1:FirstFromDate>2026-12-01</sor1:FirstFromDate></sor1:SorStatus>
        </OrganizationalUnit></OrganizationalUnitEntity>",
        xml_text(name),
        xml_text(&a.street),
        a.number.as_deref().unwrap_or(""),
        a.floor
            .as_deref()
            .map(|f| format!("<dkcc:FloorIdentifier>{f}</dkcc:FloorIdentifier>"))
            .unwrap_or_default(),
        a.door
            .as_deref()
            .map(|d| format!("<dkcc:SuiteIdentifier>{d}</dkcc:SuiteIdentifier>"))
            .unwrap_or_default(),
        a.postcode.as_deref().unwrap_or(""),
        xml_text(a.city.as_deref().unwrap_or("")),
    );
    xml.insert_str(end, &unit);
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write_xml(dir: &Path, name: &str, xml: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, xml).unwrap();
    path
}

/// The demo XML with every approved change made in SOR.
fn sor_with_changes_made(approved: &Approved) -> String {
    let mut xml = DEMO_SOR_XML.to_string();
    let unit = approved
        .create
        .new_unit
        .as_ref()
        .expect("a create proposal carries the unit");
    let parent = unit
        .parent_sor_id
        .as_deref()
        .expect("the demo's new unit has a parent");
    let address = unit
        .address
        .as_ref()
        .expect("the demo's new unit has an address");
    add_unit_to_xml(&mut xml, parent, "91991000016009", &unit.name, address);
    close_in_xml(
        &mut xml,
        approved.delete.sor_id.as_deref().unwrap(),
        "2026-12-01",
    );
    let target = approved.update.sor_id.as_deref().unwrap();
    for c in &approved.update.changes {
        let want = c.org_value.as_deref().unwrap();
        match c.field.as_str() {
            "name" => replace_in_element(&mut xml, target, "<sor1:EntityName>", &xml_text(want)),
            "address" => {
                let a = sorkomp_matcher::normalize::parse_address_text(want).unwrap();
                replace_in_element(
                    &mut xml,
                    target,
                    "<dkcc2005:StreetName>",
                    &xml_text(&a.street),
                );
                replace_in_element(
                    &mut xml,
                    target,
                    "<dkcc:StreetBuildingIdentifier>",
                    a.number.as_deref().unwrap(),
                );
            }
            other => panic!("the demo's update changes {other}, which this test does not edit"),
        }
    }
    xml
}

/// The demo's FK Organisation pages with text replaced, written to `dir/fkorg`.
fn org_pages_with(dir: &Path, replacements: &[(&str, &str)]) -> PathBuf {
    let pages = dir.join("fkorg");
    std::fs::create_dir_all(&pages).unwrap();
    for name in ["aktiv-0001.json", "inaktiv-0001.json"] {
        let mut text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../assets/demo/fkorg")
                .join(name),
        )
        .unwrap();
        for (from, to) in replacements {
            text = text.replace(from, to);
        }
        std::fs::write(pages.join(name), text).unwrap();
    }
    pages
}

// --- The worklist ---------------------------------------------------------------------------

#[test]
fn approvals_become_worklist_items_with_the_fields_to_enter_in_sor() {
    let api = demo();
    let link = first_new(&api, ProposalKind::Link);
    api.approve(link.id).unwrap();
    let approved = approve_one_of_each(&api);
    let items = api.outbox(None).unwrap();
    assert_eq!(items.len(), 4, "one item per approval: {items:#?}");
    assert!(items.iter().all(|i| i.status == OutboxStatus::Pending));

    let create = item_of(&api, approved.create.id);
    let unit = approved.create.new_unit.clone().unwrap();
    assert_eq!(create.action, "create_unit");
    assert_eq!(field(&create, "Navn"), unit.name, "the name to register");
    assert_eq!(
        field(&create, "Postadresse"),
        unit.address.as_ref().unwrap().one_line(),
        "the address to register"
    );
    let parent = unit.parent_sor_id.clone().unwrap();
    assert!(
        field(&create, "Overordnet enhed").contains(&parent),
        "the parent to create it under"
    );
    assert!(
        create
            .title
            .starts_with(&format!("Opret enheden «{}» under «", unit.name))
            && create.title.contains(&parent),
        "one Danish sentence: {}",
        create.title
    );
    assert_eq!(create.org_uuid, approved.create.org_uuid);
    assert_eq!(
        create.sor_id, None,
        "the new unit has no SOR id until SOR shows it"
    );

    let close = item_of(&api, approved.delete.id);
    assert_eq!(close.action, "close_unit");
    assert_eq!(close.sor_id, approved.delete.sor_id);
    assert_eq!(
        field(&close, "Slutdato"),
        "26-11-2026",
        "closed from the approval day"
    );
    let sor_name = &approved.delete.sor.as_ref().unwrap().name;
    assert!(
        close.title.contains(sor_name.as_str()) && close.title.contains("26-11-2026"),
        "{}",
        close.title
    );

    let update = item_of(&api, approved.update.id);
    assert_eq!(update.action, "update_unit");
    assert!(!approved.update.changes.is_empty());
    for c in &approved.update.changes {
        let (label, now_label) = match c.field.as_str() {
            "name" => ("Nyt navn", "Nuværende navn"),
            "address" => ("Ny postadresse", "Nuværende postadresse"),
            other => panic!("unexpected field {other}"),
        };
        assert_eq!(Some(field(&update, label)), c.org_value.as_deref());
        assert_eq!(Some(field(&update, now_label)), c.sor_value.as_deref());
    }
    let labels: Vec<&str> = update.fields.iter().map(|f| f.label.as_str()).collect();
    if approved.update.changes.iter().all(|c| c.field != "name") {
        assert!(
            !labels.contains(&"Nyt navn"),
            "only the approved fields: {labels:?}"
        );
    }

    let reg = item_of(&api, link.id);
    assert_eq!(reg.action, "register_link");
    assert_eq!(field(&reg, "Værdi"), link.sor_id.clone().unwrap());

    let pending = api.outbox(Some(OutboxStatus::Pending)).unwrap();
    assert_eq!(pending.len(), 4, "the status filter keeps pending items");
    assert!(api
        .outbox(Some(OutboxStatus::Confirmed))
        .unwrap()
        .is_empty());
}

/// 00:30 on 27-11-2026 in Copenhagen, still the 26th in UTC.
fn just_after_danish_midnight() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 23, 30, 0).unwrap()
}

#[test]
fn a_unit_closed_just_after_midnight_ends_on_the_danish_day() {
    let api = Api::with_store(
        Store::open_in_memory().unwrap(),
        Box::new(just_after_danish_midnight),
    );
    api.load_demo().unwrap();
    let delete = first_new(&api, ProposalKind::Delete);
    api.approve(delete.id).unwrap();
    let close = item_of(&api, delete.id);
    assert_eq!(field(&close, "Slutdato"), "27-11-2026", "{close:#?}");
    assert!(
        close.title.contains("slutdato 27-11-2026"),
        "{}",
        close.title
    );
}

#[test]
fn marking_done_is_logged_with_who_and_can_be_undone() {
    let api = demo();
    let approved = approve_one_of_each(&api);
    let item = item_of(&api, approved.create.id);

    let done = api.mark_outbox_done(item.id, true).unwrap();
    assert_eq!(done.status, OutboxStatus::Done);
    assert_eq!(done.done_at.as_deref(), Some("2026-11-26T10:00:00Z"));
    let log = api.log(&LogQuery::default()).unwrap();
    assert_eq!(
        log[0].action, "outbox_done",
        "the newest log row is the marking"
    );
    assert_eq!(log[0].who, "AB");
    assert_eq!(log[0].source, "user");
    assert!(log[0].summary.contains(&item.title), "{}", log[0].summary);

    let again = api.mark_outbox_done(item.id, true).unwrap_err();
    assert_eq!(
        again.code, "conflict",
        "done twice is refused: {}",
        again.message
    );
    assert!(again.message.contains("allerede markeret som udført"));

    let undone = api.mark_outbox_done(item.id, false).unwrap();
    assert_eq!(undone.status, OutboxStatus::Pending);
    assert_eq!(undone.done_at, None);
    assert_eq!(
        api.log(&LogQuery::default()).unwrap()[0].action,
        "outbox_undone"
    );

    let missing = api.mark_outbox_done(9999, true).unwrap_err();
    assert_eq!(missing.code, "not_found");
}

#[test]
fn a_sor_import_that_shows_the_changes_confirms_the_items() {
    let api = demo();
    let approved = approve_one_of_each(&api);
    let create_item = item_of(&api, approved.create.id);
    api.mark_outbox_done(create_item.id, true).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // The same SOR data again: nothing is made yet, nothing is confirmed.
    let unchanged = write_xml(dir.path(), "Sor-uaendret.xml", DEMO_SOR_XML);
    api.import_sor_file(&unchanged).unwrap();
    assert!(
        api.outbox(Some(OutboxStatus::Confirmed))
            .unwrap()
            .is_empty(),
        "an import without the changes confirms nothing"
    );

    let made = write_xml(dir.path(), "Sor.xml", &sor_with_changes_made(&approved));
    let report = api.import_sor_file(&made).unwrap();
    assert!(
        report
            .summary
            .contains("3 opgaver på SOR-arbejdslisten er bekræftet"),
        "the import says what it confirmed: {}",
        report.summary
    );
    for proposal in [&approved.create, &approved.delete, &approved.update] {
        let item = item_of(&api, proposal.id);
        assert_eq!(item.status, OutboxStatus::Confirmed, "{}", item.title);
        assert_eq!(item.confirmed_at.as_deref(), Some("2026-11-26T10:00:00Z"));
    }
    let created = item_of(&api, approved.create.id);
    assert_eq!(
        created.sor_id.as_deref(),
        Some("91991000016009"),
        "the confirmed item knows the new unit's SOR id"
    );
    assert_eq!(
        created.done_at.as_deref(),
        Some("2026-11-26T10:00:00Z"),
        "done stays recorded"
    );

    let confirmations: Vec<_> = api
        .log(&LogQuery::default())
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "outbox_confirmed")
        .collect();
    assert_eq!(confirmations.len(), 3, "one log row per confirmed item");
    assert!(confirmations.iter().all(|e| e.source == "sync"));
    assert!(confirmations
        .iter()
        .any(|e| e.summary.contains("91991000016009")));
}

#[test]
fn an_approved_name_and_address_update_is_confirmed_only_when_both_are_made() {
    let api = demo();
    let dir = tempfile::tempdir().unwrap();
    // FK Organisation moves the linked dental care: the update now changes name and address.
    let pages = org_pages_with(
        dir.path(),
        &[(
            "Tandlægevej 1, st., 1234 Korsbæk",
            "Skolegade 14, st., 1234 Korsbæk",
        )],
    );
    api.import_org_paths(&[pages]).unwrap();
    api.run_match().unwrap();
    let update = first_new(&api, ProposalKind::Update);
    let fields: Vec<&str> = update.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["name", "address"], "{:#?}", update.changes);
    api.approve(update.id).unwrap();
    let item = item_of(&api, update.id);
    assert_eq!(
        field(&item, "Ny postadresse"),
        "Skolegade 14, st., 1234 Korsbæk"
    );
    assert!(
        item.title
            .starts_with("Ret navn og postadresse på SOR-enheden «Tandplejen Korsbæk»"),
        "{}",
        item.title
    );
    let target = update.sor_id.as_deref().unwrap();

    let mut only_name = DEMO_SOR_XML.to_string();
    replace_in_element(
        &mut only_name,
        target,
        "<sor1:EntityName>",
        "Den Kommunale Tandpleje",
    );
    api.import_sor_file(&write_xml(dir.path(), "navn.xml", &only_name))
        .unwrap();
    assert_eq!(
        item_of(&api, update.id).status,
        OutboxStatus::Pending,
        "half the change is not the approved change"
    );

    let mut both = only_name.clone();
    // SOR spells the street its own way; the address still agrees.
    replace_in_element(&mut both, target, "<dkcc2005:StreetName>", "SKOLEGADE");
    replace_in_element(&mut both, target, "<dkcc:StreetBuildingIdentifier>", "14");
    api.import_sor_file(&write_xml(dir.path(), "begge.xml", &both))
        .unwrap();
    assert_eq!(item_of(&api, update.id).status, OutboxStatus::Confirmed);
}

#[test]
fn a_new_unit_with_another_name_or_parent_does_not_confirm_the_creation() {
    let api = demo();
    let approved = approve_one_of_each(&api);
    let unit = approved.create.new_unit.clone().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let parent = unit.parent_sor_id.clone().unwrap();
    let address = unit.address.clone().unwrap();
    let elsewhere = Address {
        street: "Andenvej".into(),
        ..address.clone()
    };
    // (where in the tree, name, address): each differs from the approved unit in one way.
    let cases: [(&str, &str, &Address, &str); 3] = [
        (&parent, "Et helt andet sted", &address, "another name"),
        (&parent, &unit.name, &elsewhere, "another address"),
        ("91031000016003", &unit.name, &address, "another parent"),
    ];
    for (n, (under, name, at, why)) in cases.into_iter().enumerate() {
        let mut xml = DEMO_SOR_XML.to_string();
        add_unit_to_xml(&mut xml, under, "91991000016009", name, at);
        api.import_sor_file(&write_xml(dir.path(), &format!("{n}.xml"), &xml))
            .unwrap();
        assert_eq!(
            item_of(&api, approved.create.id).status,
            OutboxStatus::Pending,
            "{why} is not the approved unit"
        );
    }
}

#[test]
fn a_withdrawn_item_is_shown_as_withdrawn_and_cannot_be_marked_done() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let proposal = {
        let api = Api::with_store(Store::open(&db).unwrap(), Box::new(clock));
        api.load_demo().unwrap();
        let p = first_new(&api, ProposalKind::Delete);
        api.approve(p.id).unwrap();
        p.id
    };
    // Undoing an approval (another part of the program) stores the item as "cancelled".
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE outbox SET status = 'cancelled' WHERE proposal_id = ?1",
            [proposal],
        )
        .unwrap();
    }
    let api = Api::with_store(Store::open(&db).unwrap(), Box::new(clock));
    let item = item_of(&api, proposal);
    assert_eq!(item.status, OutboxStatus::Withdrawn);
    assert_eq!(api.outbox(Some(OutboxStatus::Withdrawn)).unwrap().len(), 1);
    let err = api.mark_outbox_done(item.id, true).unwrap_err();
    assert!(err.message.contains("trukket tilbage"), "{}", err.message);
}

// --- Worklist exports -----------------------------------------------------------------------

fn demo_with_worklist() -> (Api, Approved) {
    let api = demo();
    let approved = approve_one_of_each(&api);
    (api, approved)
}

#[test]
fn the_worklist_csv_is_for_danish_excel() {
    let (api, approved) = demo_with_worklist();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("arbejdsliste.csv");
    let report = api.export_outbox(WorklistFormat::Csv, None, &out).unwrap();
    assert_eq!(report.rows, 3);
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 BOM so Excel reads æøå"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "Nr;Status;Handling;Opgave;SOR-ID;ORG-UUID;Felter;Forslag;Godkendt;Udført;Bekræftet"
    );
    assert!(
        text.contains(";26-11-2026 11:00;"),
        "Danish local dates: {text}"
    );
    assert!(
        !text.contains("2026-11-26T"),
        "no ISO times in the Excel file"
    );
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let create = item_of(&api, approved.create.id);
    let row = rows
        .iter()
        .find(|r| r.get(0) == Some(create.id.to_string().as_str()))
        .unwrap();
    assert_eq!(row.get(1), Some("Afventer"));
    assert_eq!(row.get(3), Some(create.title.as_str()));
    assert!(row.get(6).unwrap().contains(&format!(
        "Navn: {}",
        approved.create.new_unit.as_ref().unwrap().name
    )));
}

#[test]
fn the_worklist_xlsx_opens_and_holds_the_rows() {
    use calamine::{Data, Reader, Xlsx};
    let (api, approved) = demo_with_worklist();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("arbejdsliste.xlsx");
    api.export_outbox(WorklistFormat::Xlsx, Some(OutboxStatus::Pending), &out)
        .unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook(&out).expect("a valid XLSX file");
    let sheet = book.worksheet_range("Arbejdsliste").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 4, "header and three items");
    assert_eq!(rows[0][3], Data::String("Opgave".into()));
    let create = item_of(&api, approved.create.id);
    let row = rows
        .iter()
        .find(|r| r[0] == Data::Float(create.id as f64))
        .expect("the create item is a row");
    assert_eq!(row[3], Data::String(create.title.clone()));
    match &row[8] {
        Data::DateTime(t) => {
            let days = chrono::NaiveDate::from_ymd_opt(2026, 11, 26)
                .unwrap()
                .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                .num_days() as f64;
            assert!(
                (t.as_f64() - (days + 11.0 / 24.0)).abs() < 1e-6,
                "a real Excel date, 26-11-2026 11:00 Danish time: {}",
                t.as_f64()
            );
        }
        other => panic!("the approval time is an Excel date, not {other:?}"),
    }
    let fields = book.worksheet_range("Felter").unwrap();
    assert_eq!(
        fields.rows().count() - 1,
        api.outbox(None)
            .unwrap()
            .iter()
            .map(|v| v.fields.len())
            .sum::<usize>(),
        "one row per field"
    );
}

#[test]
fn the_printable_html_escapes_names_from_outside() {
    let api = demo();
    let create = first_new(&api, ProposalKind::Create);
    let dir = tempfile::tempdir().unwrap();
    // FK Organisation renames the unit to markup before the next run.
    let hostile = "<img src=x onerror=alert(1)>";
    let org_name = format!("\"{}\"", create.org.as_ref().unwrap().name);
    let pages = org_pages_with(
        dir.path(),
        &[(&org_name, &serde_json::to_string(hostile).unwrap())],
    );
    api.import_org_paths(&[pages]).unwrap();
    api.run_match().unwrap();
    let create = api
        .proposals(&ProposalQuery {
            status: Some(ProposalStatus::New),
            kind: Some(ProposalKind::Create),
            text: Some("onerror".into()),
        })
        .unwrap()
        .pop()
        .expect("the renamed unit is still proposed for creation");
    api.approve(create.id).unwrap();

    let out = dir.path().join("arbejdsliste.html");
    api.export_outbox(WorklistFormat::Html, None, &out).unwrap();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"da\">"));
    assert!(
        !html.contains(hostile),
        "the markup must not reach the page as markup"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "the name shows as those characters"
    );
    assert!(!html.to_lowercase().contains("<script"), "no scripts");
    assert!(html.contains("@media print"), "print CSS");
    assert!(html.contains("SOR-arbejdsliste – Korsbæk Kommune"));
}

// --- Change-log exports ---------------------------------------------------------------------

#[test]
fn text_that_excel_would_run_is_inert_in_the_csv_log_and_still_verifies() {
    let api = demo();
    let formula = "=HYPERLINK(\"http://x\";\"klik\")";
    api.set_who(formula).unwrap();
    let id = api
        .proposals(&ProposalQuery::default())
        .unwrap()
        .first()
        .expect("the demo has proposals")
        .id;
    api.reject(id, Some("'citeret begrundelse".into())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("log.csv");
    let report = api.export_log(ExportFormat::Csv, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        !text.lines().any(|l| l
            .split(';')
            .any(|cell| cell.trim_matches('"').starts_with('='))),
        "no cell starts with '=': {text}"
    );
    assert!(
        text.contains("'=HYPERLINK"),
        "the value is kept, made inert"
    );
    assert_eq!(
        sorkomp_api::verify_export(&out).unwrap(),
        report.head_hash,
        "the hash chain verifies from the CSV"
    );
    let rows = sorkomp_api::read_export(&out).unwrap();
    assert!(
        rows.iter().any(|e| e.who == formula),
        "reading the CSV gives the value back exactly"
    );
}

#[test]
fn the_log_exports_as_xlsx_with_real_dates_and_verifies() {
    use calamine::{Data, Reader, Xlsx};
    let (api, _) = demo_with_worklist();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("log.xlsx");
    let report = api.export_log(ExportFormat::Xlsx, &out).unwrap();
    assert!(report.rows > 5);
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let log = book.worksheet_range("Ændringslog").unwrap();
    assert_eq!(
        log.rows().count(),
        report.rows as usize + 1,
        "header and every row"
    );
    let first = log.rows().nth(1).unwrap();
    assert!(
        matches!(first[1], Data::DateTime(_)),
        "the time is an Excel date: {:?}",
        first[1]
    );
    let check = book.worksheet_range("Kontrol").unwrap();
    assert_eq!(
        check.rows().nth(1).unwrap()[1],
        Data::String(report.head_hash.clone()),
        "the file states the head hash"
    );
    assert_eq!(
        sorkomp_api::verify_export(&out).unwrap(),
        report.head_hash,
        "log verify reads XLSX"
    );
}

#[test]
fn a_json_export_missing_its_last_rows_fails_verification() {
    let (api, _) = demo_with_worklist();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("log.json");
    api.export_log(ExportFormat::Json, &out).unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    doc["entries"].as_array_mut().unwrap().pop();
    std::fs::write(&out, doc.to_string()).unwrap();
    let err = sorkomp_api::verify_export(&out).unwrap_err();
    assert_eq!(err.code, "log_broken");
    assert!(err.message.contains("mangler rækker"), "{}", err.message);
}
