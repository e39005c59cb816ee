//! A generator of national-size SOR exports (format 2) for benchmarks and memory tests.
//!
//! The shape follows the real export: owners with an EAN entity, CVR, postal address and phone;
//! institutions and units that mostly inherit EAN, address and telecom; units nested up to five
//! levels; a share of closed entities (`ToDate`). Deterministic for a given seed.

use std::io::{self, Write};

/// Counts of what was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynthCounts {
    pub owners: usize,
    pub institutions: usize,
    pub units: usize,
}

impl SynthCounts {
    pub fn total(&self) -> usize {
        self.owners + self.institutions + self.units
    }
}

/// splitmix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const STREETS: &[&str] = &[
    "Østergade",
    "Vestergade",
    "Nørregade",
    "Søndergade",
    "Lille Strandvej",
    "Byvej",
    "Landallé",
    "Nordskrænt",
    "Kongevejen",
    "Skolegade",
    "Præstøvej",
    "Åboulevarden",
    "Sankt Knuds Gade",
    "Gl. Kongevej",
    "Ærøvej",
    "Møllebakken",
    "Engtoften",
    "Kirkestræde",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("5000", "Odense C", "0461"),
    ("9700", "Brønderslev", "0810"),
    ("3400", "Hillerød", "0219"),
    ("4000", "Roskilde", "0265"),
    ("8000", "Aarhus C", "0751"),
    ("2300", "København S", "0101"),
    ("6700", "Esbjerg", "0561"),
    ("7100", "Vejle", "0630"),
];
const FIRST: &[&str] = &[
    "Anne", "Lars", "Mette", "Søren", "Jørgen", "Camilla", "Trine", "Ole", "Åse", "Niels",
];
const LAST: &[&str] = &[
    "Jensen",
    "Nielsen",
    "Hansen",
    "Lauridsen",
    "Christiansen",
    "Baadsgaard",
    "Møller",
    "Bæk",
];
const UNIT_WORDS: &[&str] = &[
    "Plejecenter",
    "Hjemmepleje",
    "Sundhedspleje",
    "Tandpleje",
    "Genoptræning",
    "Bosted",
    "Behandlingshus",
    "Aktivitetscenter",
    "Hjemmesygepleje",
    "Klinik",
];
const UNIT_TYPES: &[&str] = &[
    "42665001",
    "554821000005109",
    "550621000005101",
    "546811000005109",
    "20078004",
    "554021000005101",
    "550691000005104",
    "255203001",
    "554221000005108",
    "550811000005108",
];
const OWNER_TYPES: &[&str] = &["550891000005100", "547211000005108", "550881000005103"];

const HEADER: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<SorTree xmlns:osak="http://rep.oio.dk/osak.dk/xml/schemas/2006/04/25/" xmlns:cpr="http://rep.oio.dk/cpr.dk/xml/schemas/core/2005/03/18/" xmlns:cvr="http://rep.oio.dk/cvr.dk/xml/schemas/2005/03/22/" xmlns:xkom="http://rep.oio.dk/xkom.dk/xml/schemas/2006/01/06/" xmlns:sor1="urn:oio:sundhedsstyrelsen:organisation:1.0.0" xmlns:dkcc="http://rep.oio.dk/ebxml/xml/schemas/dkcc/2003/02/13/" xmlns:dkcc2005="http://rep.oio.dk/ebxml/xml/schemas/dkcc/2005/03/15/" xmlns:kms="http://rep.oio.dk/kms.dk/xml/schemas/2007/05/23/" xmlns:xkom1="http://rep.oio.dk/xkom.dk/xml/schemas/2005/03/15/" xmlns:dkcc2005-2="http://rep.oio.dk/ebxml/xml/schemas/dkcc/2005/05/13/" xmlns="urn:oio:nsi:2.0.0">
	<sor1:CreatedAtTime>2025-06-02T01:00:29.6269718+02:00</sor1:CreatedAtTime>
	<sor1:SnapshotDate>2025-06-02</sor1:SnapshotDate>
"#;

struct Writer<W: Write> {
    out: W,
    rng: Rng,
    next_seq: u64,
    counts: SynthCounts,
}

/// Writes a format-2 export with exactly `entities` entities (at least one owner).
pub fn write_national<W: Write>(out: W, entities: usize, seed: u64) -> io::Result<SynthCounts> {
    let mut w = Writer {
        out: io::BufWriter::with_capacity(256 * 1024, out),
        rng: Rng(seed),
        next_seq: 1000,
        counts: SynthCounts::default(),
    };
    w.out.write_all(HEADER.as_bytes())?;
    let mut left = entities;
    while left > 0 {
        // An owner with its institutions and units: 1 to ~40 entities.
        let size = (1 + w.rng.below(12) + w.rng.below(12) * w.rng.below(4)) as usize;
        let size = size.min(left);
        w.owner(size)?;
        left -= size;
    }
    w.out.write_all(b"</SorTree>\n")?;
    w.out.flush()?;
    Ok(w.counts)
}

fn indent(depth: usize) -> String {
    "\t".repeat(depth)
}

impl<W: Write> Writer<W> {
    fn sor_id(&mut self) -> String {
        let seq = self.next_seq;
        self.next_seq += 1;
        let body = format!("{seq}100001600");
        let check: u32 = body.bytes().map(|b| (b - b'0') as u32).sum::<u32>() % 10;
        format!("{body}{check}")
    }

    fn person(&mut self) -> String {
        format!("{} {}", self.rng.pick(FIRST), self.rng.pick(LAST))
    }

    fn owner(&mut self, size: usize) -> io::Result<()> {
        let t = indent(1);
        writeln!(self.out, "{t}<InstitutionOwnerEntity>")?;
        let name = self.person();
        let kind = self.rng.pick(OWNER_TYPES);
        self.entity(2, "InstitutionOwner", &name, kind, true, true)?;
        self.counts.owners += 1;
        let mut left = size - 1;
        while left > 0 {
            let inst = (1 + self.rng.below(8) as usize).min(left);
            self.institution(inst, &name)?;
            left -= inst;
        }
        writeln!(self.out, "{t}</InstitutionOwnerEntity>")
    }

    fn institution(&mut self, size: usize, owner_name: &str) -> io::Result<()> {
        let t = indent(2);
        writeln!(self.out, "{t}<HealthInstitutionEntity>")?;
        let name = if self.rng.chance(20) {
            format!("{owner_name} & Co")
        } else {
            format!("{} {}", self.rng.pick(UNIT_WORDS), self.rng.pick(LAST))
        };
        let own_address = self.rng.chance(60);
        self.entity(
            3,
            "HealthInstitution",
            &name,
            "554061000005105",
            own_address,
            false,
        )?;
        self.counts.institutions += 1;
        let mut left = size - 1;
        while left > 0 {
            let used = self.unit(3, left, 1)?;
            left -= used;
        }
        writeln!(self.out, "{t}</HealthInstitutionEntity>")
    }

    /// Writes one unit and possibly children; returns how many entities it wrote.
    fn unit(&mut self, depth: usize, budget: usize, level: usize) -> io::Result<usize> {
        let t = indent(depth);
        writeln!(self.out, "{t}<OrganizationalUnitEntity>")?;
        let name = if self.rng.chance(50) {
            self.person()
        } else {
            format!("{} {}", self.rng.pick(UNIT_WORDS), self.rng.pick(STREETS))
        };
        let kind = self.rng.pick(UNIT_TYPES);
        let own_address = self.rng.chance(45);
        self.entity(
            depth + 1,
            "OrganizationalUnit",
            &name,
            kind,
            own_address,
            false,
        )?;
        self.counts.units += 1;
        let mut used = 1;
        while used < budget && level < 5 && self.rng.chance(35) {
            used += self.unit(depth + 1, budget - used, level + 1)?;
        }
        writeln!(self.out, "{t}</OrganizationalUnitEntity>")?;
        Ok(used)
    }

    fn address(&mut self, depth: usize, element: &str) -> io::Result<()> {
        let t = indent(depth);
        let street = self.rng.pick(STREETS);
        let number = 1 + self.rng.below(120);
        let (postcode, city, municipality) = CITIES[self.rng.below(CITIES.len() as u64) as usize];
        writeln!(self.out, "{t}<{element}>")?;
        writeln!(self.out, "{t}\t<xkom:AddressPostal>")?;
        writeln!(
            self.out,
            "{t}\t\t<dkcc2005:StreetName>{street}</dkcc2005:StreetName>"
        )?;
        writeln!(
            self.out,
            "{t}\t\t<dkcc:StreetBuildingIdentifier>{number}</dkcc:StreetBuildingIdentifier>"
        )?;
        if self.rng.chance(20) {
            let floor = 1 + self.rng.below(4);
            writeln!(
                self.out,
                "{t}\t\t<dkcc:FloorIdentifier>{floor}</dkcc:FloorIdentifier>"
            )?;
            if self.rng.chance(65) {
                let door = self.rng.pick(&["th", "tv", "mf"]);
                writeln!(
                    self.out,
                    "{t}\t\t<dkcc:SuiteIdentifier>{door}</dkcc:SuiteIdentifier>"
                )?;
            }
        }
        writeln!(
            self.out,
            "{t}\t\t<dkcc2005:PostCodeIdentifier>{postcode}</dkcc2005:PostCodeIdentifier>"
        )?;
        writeln!(
            self.out,
            "{t}\t\t<dkcc2005:DistrictName>{city}</dkcc2005:DistrictName>"
        )?;
        writeln!(self.out, "{t}\t\t<dkcc:CountryIdentificationCode scheme=\"iso3166-alpha2\">DK</dkcc:CountryIdentificationCode>")?;
        writeln!(self.out, "{t}\t</xkom:AddressPostal>")?;
        writeln!(
            self.out,
            "{t}\t<cpr:MunicipalityCode>{municipality}</cpr:MunicipalityCode>"
        )?;
        let street_code = 1000 + self.rng.below(8000);
        writeln!(
            self.out,
            "{t}\t<cpr:StreetCode>{street_code}</cpr:StreetCode>"
        )?;
        writeln!(self.out, "{t}\t<kms:RegionCode>1084</kms:RegionCode>")?;
        let n = 6_100_000 + self.rng.below(300_000);
        let e = 440_000 + self.rng.below(300_000);
        writeln!(
            self.out,
            "{t}\t<osak:CoordETRS89z32NMeasure>{n}.255</osak:CoordETRS89z32NMeasure>"
        )?;
        writeln!(
            self.out,
            "{t}\t<osak:CoordETRS89z32EMeasure>{e}.742</osak:CoordETRS89z32EMeasure>"
        )?;
        writeln!(self.out, "{t}</{element}>")
    }

    fn status(&mut self, depth: usize) -> io::Result<()> {
        let t = indent(depth);
        let y = 2010 + self.rng.below(15);
        let m = 1 + self.rng.below(12);
        let d = 1 + self.rng.below(28);
        writeln!(self.out, "{t}<sor1:SorStatus>")?;
        writeln!(
            self.out,
            "{t}\t<sor1:FromDate>{y}-{m:02}-{d:02}</sor1:FromDate>"
        )?;
        if self.rng.chance(4) {
            writeln!(
                self.out,
                "{t}\t<sor1:ToDate>2025-{m:02}-{d:02}</sor1:ToDate>"
            )?;
        }
        writeln!(
            self.out,
            "{t}\t<sor1:UpdatedAt>{y}-{m:02}-{d:02}</sor1:UpdatedAt>"
        )?;
        writeln!(
            self.out,
            "{t}\t<sor1:FirstFromDate>{}-01-01</sor1:FirstFromDate>",
            y - 1
        )?;
        writeln!(self.out, "{t}</sor1:SorStatus>")
    }

    fn entity(
        &mut self,
        depth: usize,
        element: &str,
        name: &str,
        kind: &str,
        own_address: bool,
        is_owner: bool,
    ) -> io::Result<()> {
        let t = indent(depth);
        let id = self.sor_id();
        let name = name.replace('&', "&amp;");
        writeln!(self.out, "{t}<{element}>")?;
        writeln!(
            self.out,
            "{t}\t<sor1:SorIdentifier>{id}</sor1:SorIdentifier>"
        )?;
        writeln!(self.out, "{t}\t<sor1:EntityName>{name}</sor1:EntityName>")?;
        writeln!(
            self.out,
            "{t}\t<EntityTypeIdentifier>{kind}</EntityTypeIdentifier>"
        )?;
        if is_owner || self.rng.chance(10) {
            let ean = 5_790_000_000_000u64 + self.rng.below(9_999_999);
            writeln!(self.out, "{t}\t<EanLocationCodeEntity>")?;
            writeln!(
                self.out,
                "{t}\t\t<sor1:EanLocationCode>{ean}</sor1:EanLocationCode>"
            )?;
            writeln!(
                self.out,
                "{t}\t\t<sor1:OnlyInternalIndicator>false</sor1:OnlyInternalIndicator>"
            )?;
            writeln!(
                self.out,
                "{t}\t\t<sor1:NonActiveIndicator>false</sor1:NonActiveIndicator>"
            )?;
            writeln!(
                self.out,
                "{t}\t\t<SystemSupplierIdentifier>4</SystemSupplierIdentifier>"
            )?;
            writeln!(
                self.out,
                "{t}\t\t<SystemTypeIdentifier>12</SystemTypeIdentifier>"
            )?;
            writeln!(self.out, "{t}\t\t<CommunicationSupplierIdentifier>41000035001</CommunicationSupplierIdentifier>")?;
            writeln!(self.out, "{t}\t\t<kms:RegionCode>1084</kms:RegionCode>")?;
            writeln!(
                self.out,
                "{t}\t\t<EdiAdministratorIdentifier>87</EdiAdministratorIdentifier>"
            )?;
            self.status(depth + 2)?;
            writeln!(self.out, "{t}\t</EanLocationCodeEntity>")?;
        } else {
            writeln!(self.out, "{t}\t<EanLocationCodeOption>")?;
            writeln!(
                self.out,
                "{t}\t\t<EntityInheritanceIndicator>true</EntityInheritanceIndicator>"
            )?;
            writeln!(self.out, "{t}\t</EanLocationCodeOption>")?;
        }
        if own_address {
            self.address(depth + 1, "PostalAddressInformation")?;
            if self.rng.chance(30) {
                self.address(depth + 1, "VisitingAddressInformation")?;
            }
        }
        if is_owner || self.rng.chance(25) {
            let phone = 20_000_000 + self.rng.below(79_999_999);
            writeln!(self.out, "{t}\t<sor1:VirtualAddressInformation>")?;
            if self.rng.chance(15) {
                writeln!(self.out, "{t}\t\t<xkom1:EmailAddressIdentifier>post{phone}@example.dk</xkom1:EmailAddressIdentifier>")?;
            }
            writeln!(
                self.out,
                "{t}\t\t<sor1:TelephoneNumberIdentifier>{phone}</sor1:TelephoneNumberIdentifier>"
            )?;
            writeln!(self.out, "{t}\t</sor1:VirtualAddressInformation>")?;
        }
        self.status(depth + 1)?;
        if is_owner {
            let cvr = 10_000_000 + self.rng.below(89_999_999);
            writeln!(
                self.out,
                "{t}\t<cvr:CVRnumberIdentifier>{cvr}</cvr:CVRnumberIdentifier>"
            )?;
        }
        writeln!(self.out, "{t}</{element}>")
    }
}
