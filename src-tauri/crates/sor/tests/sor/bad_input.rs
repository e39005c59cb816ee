//! Bad input: every case gives an error that names the file and the place (line/column or
//! SOR id) and says what was expected, in Danish. The bad files are made from the good samples.

use std::io::Write;

use sorkomp_sor::{read_file, SorError};

use crate::common::*;

/// Parses `bytes`; the read must fail with a message containing every `expected` part, located
/// at `line` when given.
fn check(name: &str, bytes: &[u8], expected: &[&str], line: Option<u64>) -> SorError {
    let err = match parse_bytes(bytes) {
        Ok((_, all)) => panic!(
            "{name}: must be rejected, but {} entities were read",
            all.len()
        ),
        Err(e) => e,
    };
    let text = err.to_string();
    assert!(
        text.starts_with("Sor.xml"),
        "{name}: the message names the file: {text}"
    );
    let at = err
        .location()
        .unwrap_or_else(|| panic!("{name}: the error must point into the file: {text}"));
    if let Some(line) = line {
        assert_eq!(at.line, line, "{name}: wrong line in {text}");
    }
    assert!(
        text.contains(&format!("linje {}, kolonne {}", at.line, at.column)),
        "{name}: the message shows line and column: {text}"
    );
    for part in expected {
        assert!(
            text.contains(part),
            "{name}: message should contain {part:?}: {text}"
        );
    }
    err
}

fn v2() -> String {
    String::from_utf8(sample(V2_SAMPLE)).unwrap()
}

#[test]
fn truncated_files_say_they_end_too_early() {
    let text = v2();
    let cut = text.find("<sor1:EntityName>Brønderslev").unwrap() + 8;
    check(
        "cut inside a tag",
        &text.as_bytes()[..cut],
        &["afkortet fil"],
        Some(line_of(&text, "<sor1:EntityName>Brønderslev")),
    );
    let cut = text.find("<HealthInstitutionEntity>").unwrap();
    check(
        "cut between elements",
        &text.as_bytes()[..cut],
        &[
            "filen slutter midt i InstitutionOwnerEntity",
            "afkortet fil",
        ],
        None,
    );
}

#[test]
fn invalid_xml_points_at_the_broken_tag() {
    let text = v2().replacen("</sor1:EntityName>", "</sor1:EntityNavn>", 1);
    check(
        "mismatched end tag",
        text.as_bytes(),
        &["sor1:EntityNavn", "forventede </sor1:EntityName>"],
        Some(line_of(&text, "</sor1:EntityNavn>")),
    );
    let text = v2().replacen("</sor1:SnapshotDate>", "<!sor1:SnapshotDate>", 1);
    check("broken markup", text.as_bytes(), &["ugyldig XML"], Some(4));
    let text = v2().replacen("Baadsgaard Fodterapi", "Baadsgaard & Fodterapi", 1);
    check("a bare ampersand", text.as_bytes(), &["&amp;"], Some(8));
    let text = format!("{}\n</Slut>\n", v2().trim_end());
    check(
        "an end tag after the root",
        text.as_bytes(),
        &["slut-tagget </Slut> har intet start-tag"],
        Some(line_of(&text, "</Slut>")),
    );
}

#[test]
fn non_sor_xml_and_wrong_namespaces_are_refused() {
    check(
        "html",
        b"<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>",
        &[
            "ikke en SOR-fil",
            "<html>",
            "http://www.w3.org/1999/xhtml",
            "SorTree",
        ],
        Some(1),
    );
    check(
        "another register",
        b"<?xml version=\"1.0\"?>\n<catalog><book id=\"1\"/></catalog>",
        &["ikke en SOR-fil", "<catalog>", "uden navnerum"],
        Some(2),
    );
    let text = v2().replacen(
        "xmlns=\"urn:oio:nsi:2.0.0\"",
        "xmlns=\"urn:oio:nsi:9.0.0\"",
        1,
    );
    check(
        "unknown SOR version",
        text.as_bytes(),
        &["ikke en SOR-fil", "urn:oio:nsi:9.0.0", "urn:oio:nsi:2.0.0"],
        Some(2),
    );
    check(
        "undeclared prefix",
        b"<x:SorTree><a/></x:SorTree>",
        &["'x'", "ikke erklæret"],
        Some(1),
    );
    check(
        "only a declaration",
        b"<?xml version=\"1.0\"?>\n",
        &["intet XML-element"],
        None,
    );
    check(
        "a second root",
        format!("{}<SorTree xmlns=\"urn:oio:nsi:2.0.0\"/>", v2()).as_bytes(),
        &["ét rodelement"],
        None,
    );
}

#[test]
fn an_empty_file_is_named_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Sor.xml");
    std::fs::write(&path, b"").unwrap();
    let err = read_file(&path, |_| Ok(())).expect_err("a 0-byte file must be rejected");
    assert!(
        matches!(err, SorError::Empty { .. }),
        "0 bytes is its own error: {err:?}"
    );
    assert_eq!(
        err.to_string(),
        "Sor.xml: filen er tom (0 byte); forventede SOR's XML-eksport (Sor.xml)"
    );
}

#[test]
fn an_xml_bomb_is_rejected_before_any_expansion() {
    let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE SorTree [\n <!ENTITY lol \"lol\">\n \
                <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n \
                <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n]>\n\
                <SorTree xmlns=\"urn:oio:nsi:2.0.0\">&lol3;</SorTree>";
    check(
        "billion laughs",
        bomb.as_bytes(),
        &["DOCTYPE", "XML-bombe"],
        Some(2),
    );
    // Without a DOCTYPE, an undefined entity is refused, not expanded or ignored.
    let text = v2().replacen("Baadsgaard Fodterapi", "&lol9;", 1);
    check(
        "undefined entity",
        text.as_bytes(),
        &["ukendt entitet '&lol9;'"],
        Some(8),
    );
}

#[test]
fn invalid_utf8_names_its_line() {
    let text = v2();
    let at = text.find("Brønderslev fodterapi").unwrap() + "Brønderslev".find('ø').unwrap();
    let mut bytes = text.into_bytes();
    bytes[at] = 0xFF;
    let text = v2();
    check(
        "0xFF inside a name",
        &bytes,
        &["ugyldig UTF-8"],
        Some(line_of(&text, "Brønderslev fodterapi")),
    );
    let mut latin1 = v2().replacen("encoding=\"utf-8\"", "encoding=\"iso-8859-1\"", 1);
    latin1.push('\n');
    check(
        "declared latin-1",
        latin1.as_bytes(),
        &["iso-8859-1", "UTF-8"],
        Some(1),
    );
}

#[test]
fn a_zip_without_xml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Sor.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("LÆSMIG.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"ingen SOR-data her").unwrap();
    zip.finish().unwrap();
    let err = read_file(&path, |_| Ok(())).expect_err("a zip without XML must be rejected");
    assert_eq!(
        err.to_string(),
        "Sor.zip: zip-filen indeholder ingen XML-fil; forventede Sor.xml"
    );

    let broken = dir.path().join("halv.zip");
    let whole = std::fs::read(&path).unwrap();
    std::fs::write(&broken, &whole[..whole.len() / 2]).unwrap();
    let err = read_file(&broken, |_| Ok(())).expect_err("half a zip must be rejected");
    assert!(
        err.to_string()
            .starts_with("halv.zip: zip-filen er beskadiget"),
        "{err}"
    );
}

#[test]
fn duplicate_ids_name_the_entity_and_the_first_line() {
    let text = v2().replacen("698481000016007", "698471000016005", 1);
    let err = check(
        "duplicate id",
        text.as_bytes(),
        &[
            "SOR-enhed 698471000016005",
            "to gange",
            "første gang i linje 6",
        ],
        Some(line_of(&text, "<HealthInstitution>")),
    );
    assert!(matches!(err, SorError::Entity { ref sor_id, .. } if sor_id == "698471000016005"));
}

#[test]
fn missing_and_unparsable_ids_are_located() {
    let text = v2().replacen(
        "<sor1:SorIdentifier>698491000016009</sor1:SorIdentifier>",
        "",
        1,
    );
    check(
        "missing SorIdentifier",
        text.as_bytes(),
        &["OrganizationalUnit ('Trine Baadsgaard') mangler sit SorIdentifier"],
        Some(line_of(&text, "<OrganizationalUnit>")),
    );
    let text = v2().replacen("698491000016009", "69849X000016009", 1);
    check(
        "letters in the id",
        text.as_bytes(),
        &["'69849X000016009'", "ikke er et SOR-id"],
        Some(line_of(&text, "<OrganizationalUnit>")),
    );
    let text = v2().replacen("<sor1:FromDate>2018-12-21", "<sor1:FromDate>21-12-2018", 1);
    check(
        "a Danish-order date",
        text.as_bytes(),
        &["SOR-enhed 698481000016007", "'21-12-2018'", "ÅÅÅÅ-MM-DD"],
        Some(line_of(&text, "21-12-2018")),
    );
}

#[test]
fn a_unit_without_parent_is_refused() {
    let unit = "<OrganizationalUnitEntity><OrganizationalUnit>\
                <sor1:SorIdentifier>11000016002</sor1:SorIdentifier>\
                <sor1:EntityName>Forældreløs</sor1:EntityName></OrganizationalUnit>\
                </OrganizationalUnitEntity>";
    let text = v2().replacen(
        "\t<InstitutionOwnerEntity>",
        &format!("{unit}\n\t<InstitutionOwnerEntity>"),
        1,
    );
    check(
        "unit directly under SorTree",
        text.as_bytes(),
        &[
            "OrganizationalUnitEntity står direkte under SorTree",
            "overordnede mangler",
        ],
        Some(5),
    );
    // An institution wrapper whose HealthInstitution element is missing, but has units.
    let start = v2().find("<HealthInstitution>").unwrap();
    let end = v2().find("</HealthInstitution>").unwrap() + "</HealthInstitution>".len();
    let mut text = v2();
    text.replace_range(start..end, "");
    check(
        "institution element missing",
        text.as_bytes(),
        &[
            "OrganizationalUnitEntity står før sin overordnede HealthInstitution",
            "overordnede mangler",
        ],
        None,
    );
    // v1: a GeographicalParentSorIdentifier that points nowhere.
    let v1 = String::from_utf8(sample(V1_SYGEHUS)).unwrap().replacen(
        "<GeographicalParentRelation>2</GeographicalParentRelation>",
        "<GeographicalParentRelation>3</GeographicalParentRelation>\
         <GeographicalParentSorIdentifier>999991000016001</GeographicalParentSorIdentifier>",
        1,
    );
    check(
        "dangling geographical parent",
        v1.as_bytes(),
        &[
            "SOR-enhed 347821000016008",
            "999991000016001",
            "ikke findes i filen",
        ],
        Some(line_of(&v1, "<OrganizationalUnit>")),
    );
    // ...while one that points to an entity in the file is fine.
    let ok = String::from_utf8(sample(V1_SYGEHUS)).unwrap().replacen(
        "<GeographicalParentRelation>2</GeographicalParentRelation>",
        "<GeographicalParentRelation>3</GeographicalParentRelation>\
         <GeographicalParentSorIdentifier>347831000016005</GeographicalParentSorIdentifier>",
        1,
    );
    parse_bytes(ok.as_bytes()).expect("a geographical parent later in the file is valid");
}

#[test]
fn entities_nested_inside_an_entity_element_are_refused() {
    let text = v2().replacen(
        "</OrganizationalUnit>",
        "<OrganizationalUnitEntity/></OrganizationalUnit>",
        1,
    );
    check(
        "unit wrapper inside a unit element",
        text.as_bytes(),
        &["står inde i OrganizationalUnit"],
        None,
    );
}

#[test]
fn every_corpus_file_gives_a_located_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/corpus must exist") {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        check(&path.display().to_string(), &bytes, &[], None);
        n += 1;
    }
    assert!(n >= 5, "the corpus holds the known nasty inputs, found {n}");
}

/// Hands out `ok` bytes, then fails, as a damaged zip entry or a network drive that drops does.
struct Breaks<'a> {
    data: &'a [u8],
    ok: usize,
}

impl std::io::Read for Breaks<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.ok == 0 {
            return Err(std::io::Error::other("drevet svarer ikke"));
        }
        let n = out.len().min(self.ok).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        self.ok -= n;
        Ok(n)
    }
}

#[test]
fn a_read_that_fails_midway_says_so_and_where() {
    let text = v2();
    let ok = text.find("<HealthInstitutionEntity>").unwrap();
    let err = sorkomp_sor::read_entities(
        Breaks {
            data: text.as_bytes(),
            ok,
        },
        "Sor.xml",
        |_| Ok(()),
    )
    .expect_err("a failing read must fail the import");
    let message = err.to_string();
    assert!(
        message.contains("filen kunne ikke læses: drevet svarer ikke"),
        "{message}"
    );
    let at = err.location().expect("the place where reading stopped");
    assert_eq!(
        (at.file.as_str(), at.line),
        ("Sor.xml", line_of(&text, "<HealthInstitutionEntity>")),
        "{message}"
    );
}
