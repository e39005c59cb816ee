//! Real SOR files (one v2, three v1) and a generated world: values read off the files.

use std::io::Write;

use sorkomp_model::{Address, SorLevel};
use sorkomp_sor::{read_file, SorFormat};

use crate::common::*;

fn addr(street: &str, number: &str, postcode: &str, city: &str, muni: Option<&str>) -> Address {
    Address {
        street: street.into(),
        number: Some(number.into()),
        floor: None,
        door: None,
        postcode: Some(postcode.into()),
        city: Some(city.into()),
        municipality_code: muni.map(Into::into),
    }
}

#[test]
fn v2_sample_reads_every_field_and_applies_inheritance() {
    let (header, all) = parse_bytes(&sample(V2_SAMPLE)).expect("the real v2 sample must parse");
    assert_eq!(
        header.format,
        SorFormat::V2,
        "default namespace urn:oio:nsi:2.0.0 means v2"
    );
    assert_eq!(header.snapshot_date.as_deref(), Some("2019-04-12"));
    assert_eq!(
        header.created_at.as_deref(),
        Some("2019-04-12T01:00:29.6269718+02:00")
    );
    let ids: Vec<&str> = all.iter().map(|e| e.sor_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "698471000016005",
            "698481000016007",
            "698491000016009",
            "6984910000160091"
        ],
        "entities come in document order, parents first"
    );
    let bronderslev = addr("Østergade", "70", "9700", "Brønderslev", Some("0810"));

    let owner = by_id(&all, "698471000016005");
    assert_eq!(owner.level, Some(SorLevel::Owner));
    assert_eq!(owner.name, "Baadsgaard Fodterapi");
    assert_eq!(owner.type_code.as_deref(), Some("550891000005100"));
    assert_eq!(owner.ean.as_deref(), Some("5790002401473"));
    assert!(
        !owner.ean_inherited,
        "the owner has its own EanLocationCodeEntity"
    );
    assert_eq!(owner.cvr.as_deref(), Some("35095748"));
    assert_eq!(owner.owner_id, owner.sor_id, "an owner is its own owner");
    assert_eq!(owner.parent_id, None);
    assert_eq!(owner.postal_address.as_ref(), Some(&bronderslev));
    assert!(!owner.postal_inherited);
    assert_eq!(owner.visiting_address.as_ref(), Some(&bronderslev));
    assert!(
        owner.visiting_inherited,
        "no VisitingAddressInformation: equals postal"
    );
    assert_eq!(owner.phone.as_deref(), Some("29439846"));
    assert_eq!(
        (
            owner.from_date.as_deref(),
            owner.updated_at.as_deref(),
            owner.first_from_date.as_deref(),
            owner.to_date.as_deref()
        ),
        (
            Some("2018-07-25"),
            Some("2018-07-24"),
            Some("2018-04-18"),
            None
        ),
        "dates come from the entity's own SorStatus, not the EAN entity's"
    );

    let inst = by_id(&all, "698481000016007");
    assert_eq!(inst.level, Some(SorLevel::Institution));
    assert_eq!(inst.name, "Brønderslev fodterapi");
    assert_eq!(inst.type_code.as_deref(), Some("554061000005105"));
    assert_eq!(inst.ean.as_deref(), Some("5790002401473"));
    assert!(
        inst.ean_inherited,
        "EntityInheritanceIndicator true: EAN from the owner"
    );
    assert!(
        !inst.postal_inherited && !inst.visiting_inherited,
        "own addresses"
    );
    assert_eq!(inst.email.as_deref(), Some("baadsgaardfodterapi@gmail.com"));
    assert_eq!(inst.website.as_deref(), Some("www.baadsgaardfodterapi.dk"));
    assert!(!inst.telecom_inherited);
    assert_eq!(inst.from_date.as_deref(), Some("2018-12-21"));
    assert_eq!(inst.parent_id.as_deref(), Some("698471000016005"));

    let unit = by_id(&all, "698491000016009");
    assert_eq!(unit.level, Some(SorLevel::Unit));
    assert_eq!(unit.name, "Trine Baadsgaard");
    assert_eq!(unit.type_code.as_deref(), Some("255203001"));
    assert_eq!(unit.parent_id.as_deref(), Some("698481000016007"));
    assert_eq!(unit.owner_id, "698471000016005");
    assert_eq!(unit.postal_address.as_ref(), Some(&bronderslev));
    assert!(
        unit.postal_inherited,
        "no PostalAddressInformation: from the institution"
    );
    assert!(unit.visiting_inherited);
    assert_eq!(unit.ean.as_deref(), Some("5790002401473"));
    assert!(unit.ean_inherited);
    assert_eq!(unit.email.as_deref(), Some("baadsgaardfodterapi@gmail.com"));
    assert!(
        unit.telecom_inherited,
        "no VirtualAddressInformation: from the institution"
    );

    let nested = by_id(&all, "6984910000160091");
    assert_eq!(
        nested.parent_id.as_deref(),
        Some("698491000016009"),
        "units nest"
    );
    assert_eq!(nested.owner_id, "698471000016005");
    assert_eq!(nested.type_code.as_deref(), Some("2552030012"));
    assert_eq!(nested.from_date, None, "this unit has no SorStatus");
    assert!(
        nested.postal_inherited,
        "inheritance goes through two levels"
    );
}

#[test]
fn v1_sygehus_reads_v1_type_codes_shak_and_no_ean() {
    let (header, all) = parse_bytes(&sample(V1_SYGEHUS)).expect("the real v1 sample must parse");
    assert_eq!(header.format, SorFormat::V1);
    assert_eq!(header.snapshot_date.as_deref(), Some("2010-01-26"));
    assert_eq!(all.len(), 4);
    let owner = by_id(&all, "347801000016001");
    assert_eq!(owner.name, "Roskilde Øjenklinik");
    assert_eq!(
        owner.type_code.as_deref(),
        Some("550891000005100"),
        "v1 OwnerType"
    );
    assert_eq!(owner.ean, None);
    assert_eq!(
        owner.email.as_deref(),
        Some("J.Thulesen@dadlnet.dk"),
        "prefix xkom is the 2005 schema in this file (the 2006 one in v2 files)"
    );
    assert_eq!(owner.website.as_deref(), Some("www.roskildeojenklinik.dk"));
    assert_eq!(
        owner.postal_address.as_ref(),
        Some(&addr("Hestetorvet", "8", "4000", "Roskilde", None))
    );
    let inst = by_id(&all, "347811000016004");
    assert_eq!(
        inst.type_code.as_deref(),
        Some("22232009"),
        "v1 InstitutionType"
    );
    assert_eq!(inst.shak.as_deref(), Some("2529"));
    assert_eq!(inst.ean, None);
    assert!(
        !inst.ean_inherited,
        "EntityInheritedIndicator false and no EAN anywhere"
    );
    assert!(inst.postal_inherited, "the institution has no own address");
    assert!(inst.telecom_inherited);
    let unit = by_id(&all, "347821000016008");
    assert_eq!(
        unit.type_code.as_deref(),
        Some("550811000005108"),
        "v1 UnitType"
    );
    assert_eq!(unit.shak.as_deref(), Some("252901"));
    let sub = by_id(&all, "347831000016005");
    assert_eq!(sub.type_code.as_deref(), Some("550851000005109"));
    assert_eq!(sub.shak.as_deref(), Some("2529010"));
    assert_eq!(sub.parent_id.as_deref(), Some("347821000016008"));
    assert_eq!(sub.from_date.as_deref(), Some("2009-10-08"));
}

#[test]
fn v1_apotek_and_praksis_inherit_ean_and_unescape_names() {
    let (_, apotek) = parse_bytes(&sample(V1_APOTEK)).expect("v1 apotek sample must parse");
    let unit = by_id(&apotek, "306031000016009");
    assert_eq!(
        unit.type_code, None,
        "the pharmacy unit carries no UnitType"
    );
    assert_eq!(unit.ean.as_deref(), Some("5790000173624"));
    assert!(
        unit.ean_inherited,
        "EAN inherited through the institution from the owner"
    );
    let inst = by_id(&apotek, "306021000016007");
    assert_eq!(inst.type_code.as_deref(), Some("264372000"));
    assert_eq!(inst.phone.as_deref(), Some("42482209"));

    let (_, praksis) = parse_bytes(&sample(V1_PRAKSIS)).expect("v1 praksis sample must parse");
    let inst = by_id(&praksis, "8331000016009");
    assert_eq!(inst.name, "Michael Filtenborg & co", "&amp; is unescaped");
    assert_eq!(inst.type_code.as_deref(), Some("394761003"));
    let owner = by_id(&praksis, "8321000016007");
    assert_eq!(owner.ean.as_deref(), Some("5790000141227"));
    assert_eq!(
        praksis
            .iter()
            .filter(|e| e.level == Some(SorLevel::Unit))
            .count(),
        1
    );
}

#[test]
fn prefixes_do_not_matter_only_namespace_uris_do() {
    let original = String::from_utf8(sample(V2_SAMPLE)).unwrap();
    // Same URIs, other prefixes; the v2 default namespace becomes a prefix too.
    let renamed = original
        .replace("xmlns:sor1=", "xmlns:s=")
        .replace("sor1:", "s:")
        .replace(
            "xmlns=\"urn:oio:nsi:2.0.0\"",
            "xmlns:n=\"urn:oio:nsi:2.0.0\"",
        )
        .replace("<Sor", "<n:Sor")
        .replace("</Sor", "</n:Sor")
        .replace("<Institution", "<n:Institution")
        .replace("</Institution", "</n:Institution")
        .replace("<Health", "<n:Health")
        .replace("</Health", "</n:Health")
        .replace("<Organizational", "<n:Organizational")
        .replace("</Organizational", "</n:Organizational")
        .replace("<EntityType", "<n:EntityType")
        .replace("</EntityType", "</n:EntityType")
        .replace("<EanLocationCodeOption", "<n:EanLocationCodeOption")
        .replace("</EanLocationCodeOption", "</n:EanLocationCodeOption")
        .replace("<EntityInheritance", "<n:EntityInheritance")
        .replace("</EntityInheritance", "</n:EntityInheritance")
        .replace("<EanLocationCodeEntity", "<n:EanLocationCodeEntity")
        .replace("</EanLocationCodeEntity", "</n:EanLocationCodeEntity")
        .replace("<PostalAddress", "<n:PostalAddress")
        .replace("</PostalAddress", "</n:PostalAddress")
        .replace("<VisitingAddress", "<n:VisitingAddress")
        .replace("</VisitingAddress", "</n:VisitingAddress");
    let (_, a) = parse_bytes(original.as_bytes()).unwrap();
    let (_, b) = parse_bytes(renamed.as_bytes()).expect("renamed prefixes must still parse");
    assert_eq!(
        a, b,
        "the same URIs under other prefixes give the same entities"
    );

    // A known local name in a foreign namespace is not a SOR field.
    let foreign = original.replacen(
        "<sor1:EntityName>Trine Baadsgaard</sor1:EntityName>",
        "<sor1:EntityName>Trine Baadsgaard</sor1:EntityName>\
         <f:EntityName xmlns:f=\"urn:example:other\">Forkert</f:EntityName>\
         <sor1:FutureElement><sor1:EntityName>Også forkert</sor1:EntityName></sor1:FutureElement>",
        1,
    );
    let (_, c) = parse_bytes(foreign.as_bytes()).expect("unknown elements are skipped");
    assert_eq!(
        by_id(&c, "698491000016009").name,
        "Trine Baadsgaard",
        "foreign-namespace and unknown elements must not overwrite the name"
    );
}

#[test]
fn a_zipped_export_reads_like_the_plain_one() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("Sor.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("Sor.xml", opts).unwrap();
    zip.write_all(&sample(V2_SAMPLE)).unwrap();
    zip.finish().unwrap();

    let mut zipped = Vec::new();
    let header = read_file(&zip_path, |e| {
        zipped.push(e);
        Ok(())
    })
    .expect("a deflated zip with Sor.xml inside must read");
    assert_eq!(header.format, SorFormat::V2);
    let (_, plain) = parse_bytes(&sample(V2_SAMPLE)).unwrap();
    assert_eq!(zipped, plain, "zip or not, the entities are the same");

    let xml_path = dir.path().join("Sor.xml");
    std::fs::write(&xml_path, sample(V1_SYGEHUS)).unwrap();
    let mut n = 0;
    let header = read_file(&xml_path, |_| {
        n += 1;
        Ok(())
    })
    .expect("a plain XML path must read");
    assert_eq!((header.format, n), (SorFormat::V1, 4));
}

#[test]
fn the_callback_can_stop_the_read() {
    let mut seen = 0;
    let err = sorkomp_sor::read_entities(&sample(V2_SAMPLE)[..], "Sor.xml", |_| {
        seen += 1;
        Err(sorkomp_sor::SorError::Aborted("lageret er fuldt".into()))
    })
    .expect_err("an Err from the callback must end the read");
    assert_eq!(seen, 1, "nothing is read after the callback says stop");
    assert!(err.to_string().contains("lageret er fuldt"), "{err}");
}

#[test]
fn the_odense_world_has_as_many_entities_per_level_as_grep_counts() {
    let path = data_dir().join("worlds/dev-odense/sor/Sor.xml");
    let text = std::fs::read_to_string(&path).expect("the dev-odense world must exist");
    // What `grep -c` sees: one opening tag per line in this file.
    let grep = |tag: &str| {
        text.lines()
            .filter(|l| l.trim_start().starts_with(tag))
            .count()
    };
    let expected = (
        grep("<InstitutionOwner>"),
        grep("<HealthInstitution>"),
        grep("<OrganizationalUnit>"),
    );
    let mut got = (0, 0, 0);
    let mut closed = 0;
    let header = read_file(&path, |e| {
        match e.level {
            Some(SorLevel::Owner) => got.0 += 1,
            Some(SorLevel::Institution) => got.1 += 1,
            _ => got.2 += 1,
        }
        closed += usize::from(e.to_date.is_some());
        Ok(())
    })
    .expect("the generated world must parse");
    assert_eq!(header.format, SorFormat::V2);
    assert_eq!(
        got, expected,
        "owners, institutions, units as counted by grep"
    );
    assert!(got.2 > 1000, "the world is municipality-sized, got {got:?}");
    // ToDate lines outside EanLocationCodeEntity (an EAN number has its own status).
    let mut in_ean = false;
    let mut entity_to_dates = 0;
    for line in text.lines() {
        let l = line.trim_start();
        in_ean = (in_ean || l.starts_with("<EanLocationCodeEntity>"))
            && !l.starts_with("</EanLocationCodeEntity>");
        entity_to_dates += usize::from(!in_ean && l.starts_with("<sor1:ToDate>"));
    }
    assert_eq!(
        closed, entity_to_dates,
        "every entity's own ToDate is read, not its EAN's"
    );
}

#[test]
fn the_generator_writes_exactly_the_requested_entities() {
    let mut buf = Vec::new();
    let counts = sorkomp_sor::synth::write_national(&mut buf, 5_000, 7).unwrap();
    assert_eq!(counts.total(), 5_000);
    let (header, all) = parse_bytes(&buf).expect("generated files must parse");
    assert_eq!(header.format, SorFormat::V2);
    assert_eq!(all.len(), 5_000);
    let units = all
        .iter()
        .filter(|e| e.level == Some(SorLevel::Unit))
        .count();
    assert_eq!(units, counts.units);
    assert!(
        all.iter().any(|e| e.postal_inherited) && all.iter().any(|e| !e.postal_inherited),
        "the shape mixes own and inherited addresses"
    );
    let mut again = Vec::new();
    sorkomp_sor::synth::write_national(&mut again, 5_000, 7).unwrap();
    assert!(again == buf, "same seed, same file");
}

/// The parser reads the file in pieces; wherever a piece ends, even inside markup that holds a
/// `<` or `>` of its own, the result is the same.
#[test]
fn a_file_that_arrives_a_few_bytes_at_a_time_reads_the_same() {
    let original = String::from_utf8(sample(V2_SAMPLE)).unwrap();
    let tricky = original.replacen(
        "<sor1:EntityName>Trine Baadsgaard</sor1:EntityName>",
        "<!-- <sor1:EntityName>Ikke dette</sor1:EntityName> --><?note a<b?>\
         <sor1:EntityName>Trine <![CDATA[<Baads>]]> &amp; &lt;gaard&gt; a > b</sor1:EntityName>",
        1,
    );
    let (_, whole) = parse_bytes(tricky.as_bytes()).expect("the changed sample must parse");
    assert_eq!(
        by_id(&whole, "698491000016009").name,
        "Trine <Baads> & <gaard> a > b"
    );
    let samples = [
        tricky.into_bytes(),
        sample(V1_SYGEHUS),
        sample(V1_APOTEK),
        sample(V1_PRAKSIS),
    ];
    for (i, bytes) in samples.iter().enumerate() {
        let expected = parse_bytes(bytes).expect("every sample must parse");
        for step in [1, 2, 3, 5, 8, 13, 64, 1000] {
            let got = read_trickled(bytes, step)
                .unwrap_or_else(|e| panic!("sample {i} read {step} bytes at a time: {e}"));
            assert_eq!(got, expected, "sample {i} read {step} bytes at a time");
        }
    }

    // An error is found, and located, the same way.
    let broken = String::from_utf8(sample(V2_SAMPLE)).unwrap().replacen(
        "</sor1:EntityName>",
        "</sor1:EntityNavn>",
        1,
    );
    let expected = parse_bytes(broken.as_bytes())
        .expect_err("a mismatched end tag must be refused")
        .to_string();
    assert!(expected.contains("</sor1:EntityNavn>"), "{expected}");
    for step in [1, 3, 13, 1000] {
        let got = read_trickled(broken.as_bytes(), step).expect_err("still refused");
        assert_eq!(got.to_string(), expected, "read {step} bytes at a time");
    }
}

/// A prefix bound anew on an inner element means something else inside it, and its old meaning
/// again after it. (The parser remembers what element names mean only while the namespaces in
/// scope stay the same.)
#[test]
fn a_prefix_bound_anew_on_an_inner_element_holds_only_inside_it() {
    const OWNER: &str = "698471000016005";
    const INSTITUTION: &str = "698481000016007";
    let original = String::from_utf8(sample(V2_SAMPLE)).unwrap();
    let plain = "<PostalAddressInformation>";
    let rebound = "<PostalAddressInformation xmlns:dkcc2005=\"urn:example:other\">";
    let postal = |text: &str, id: &str| {
        let (_, all) = parse_bytes(text.as_bytes()).expect("the changed sample must parse");
        let a = by_id(&all, id)
            .postal_address
            .clone()
            .expect("the house number (dkcc) is still read");
        (a.street, a.number, a.postcode)
    };
    let own = || (String::new(), Some("70".to_string()), None);
    let whole = || {
        (
            "Østergade".to_string(),
            Some("70".to_string()),
            Some("9700".to_string()),
        )
    };

    // The owner's address is the first: the institution's, read after it, is whole again.
    let first = original.replacen(plain, rebound, 1);
    assert_eq!(postal(&first, OWNER), own());
    assert_eq!(postal(&first, INSTITUTION), whole());

    // The institution's is the second: read after the owner's, it still changes.
    let at = original.rfind(plain).unwrap();
    let second = format!(
        "{}{rebound}{}",
        &original[..at],
        &original[at + plain.len()..]
    );
    assert_eq!(postal(&second, OWNER), whole());
    assert_eq!(postal(&second, INSTITUTION), own());
}
