//! The prepared view of one run: the municipality's SOR subtree and ORG units, normalised once,
//! with the blocking indexes and the frequencies the term-frequency adjustment needs.

use crate::kle;
use crate::normalize::{
    address_key, analyse_name, fold, norm_number, parse_address_text, street_key, AddressKey,
    NameKey,
};
use crate::MatchInput;
use sorkomp_model::{AddressRole, KleRule, OrgStatus, OrgUnit, SorEntity, SorLevel};
use std::collections::{HashMap, HashSet};

/// SNOMED codes of SOR types that say nothing about what the unit does.
const NEUTRAL_TYPES: &[&str] = &["255203001", "550811000005108"];
/// Owner type Kommune.
pub const OWNER_TYPE_KOMMUNE: &str = "547211000005108";

pub struct SorView<'a> {
    pub e: &'a SorEntity,
    pub parent: Option<usize>,
    pub depth: usize,
    pub active: bool,
    pub name: NameKey,
    /// Postal (own or inherited) then visiting address keys.
    pub addresses: Vec<AddressKey>,
    /// True when the postal address came from a parent.
    pub address_inherited: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub type_code: Option<&'a str>,
}

pub struct OrgView<'a> {
    pub u: &'a OrgUnit,
    pub parent: Option<usize>,
    pub depth: usize,
    pub active: bool,
    pub name: NameKey,
    pub addresses: Vec<AddressKey>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    /// SOR types the unit's KLE numbers point at.
    pub types: Vec<&'a str>,
    /// The rule that makes the unit relevant, from its own KLE numbers.
    pub rule: Option<(&'a KleRule, &'a str)>,
    /// For an INAKTIV unit: the one active unit with the same name under the same parent, i.e.
    /// the unit it was re-registered as in FK Organisation.
    pub successor: Option<usize>,
}

pub struct Context<'a> {
    pub input: &'a MatchInput<'a>,
    pub owner: Option<usize>,
    pub sor: Vec<SorView<'a>>,
    pub sor_by_id: HashMap<&'a str, usize>,
    pub sor_children: Vec<Vec<usize>>,
    pub org: Vec<OrgView<'a>>,
    pub org_by_uuid: HashMap<&'a str, usize>,
    pub org_root: Option<usize>,
    /// Distinctive word -> active subtree entities whose name has it.
    pub by_word: HashMap<String, Vec<usize>>,
    /// First four letters of a distinctive word -> entities (catches typos).
    pub by_prefix: HashMap<String, Vec<usize>>,
    pub by_building: HashMap<String, Vec<usize>>,
    pub by_phone: HashMap<String, Vec<usize>>,
    pub by_email: HashMap<String, Vec<usize>>,
    /// Folded full name -> entities, for names without distinctive words ("Hjemmeplejen").
    pub by_folded: HashMap<String, Vec<usize>>,
    /// Entities in all of SOR with their own postal address at a building (street|number|postcode).
    pub building_users: HashMap<String, u32>,
    /// (org uuid, sor id) pairs the administrator rejected.
    pub rejected: HashSet<(&'a str, &'a str)>,
    pub notes: Vec<String>,
}

pub fn phone_key(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 8 {
        return None;
    }
    Some(digits[digits.len() - 8..].to_string())
}

pub fn email_key(text: &str) -> Option<String> {
    let t = text.trim().to_lowercase();
    if t.contains('@') && t.len() > 3 {
        Some(t)
    } else {
        None
    }
}

/// A four-digit postcode (surrounding blanks allowed) as a number.
fn postcode_index(pc: &str) -> Option<usize> {
    let b = pc.trim().as_bytes();
    if b.len() != 4 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + usize::from(d - b'0')))
}

fn building_with_postcode(k: &AddressKey) -> Option<String> {
    Some(format!(
        "{}|{}",
        k.building()?,
        k.postcode.as_deref().unwrap_or("")
    ))
}

/// Find the municipality's owner: by CVR, else a Kommune owner named like the ORG root.
fn find_owner<'a>(input: &'a MatchInput<'a>, root_name: Option<&str>) -> Option<&'a SorEntity> {
    let cvr = input.municipality_cvr.trim();
    let owners = input
        .sor
        .iter()
        .filter(|e| e.level == Some(SorLevel::Owner) || e.parent_id.is_none());
    let mut by_name = None;
    let root_folded = root_name.map(fold);
    for e in owners {
        if !cvr.is_empty() && e.cvr.as_deref().map(str::trim) == Some(cvr) {
            return Some(e);
        }
        if by_name.is_none()
            && e.type_code.as_deref() == Some(OWNER_TYPE_KOMMUNE)
            && root_folded
                .as_deref()
                .is_some_and(|r| !r.is_empty() && fold(&e.name) == r)
        {
            by_name = Some(e);
        }
    }
    by_name
}

impl<'a> Context<'a> {
    /// The whole run's view.
    pub fn build(input: &'a MatchInput<'a>) -> Context<'a> {
        Context::build_for(input, None)
    }

    /// With `focus`, only that ORG unit and its ancestors are analysed (names, addresses,
    /// contacts): enough to score and propose for it alone, and much cheaper in a large
    /// municipality.
    pub fn build_for(input: &'a MatchInput<'a>, focus: Option<&str>) -> Context<'a> {
        let mut notes = Vec::new();
        // ORG side.
        let mut org_by_uuid: HashMap<&str, usize> = HashMap::with_capacity(input.org_units.len());
        let mut units: Vec<&OrgUnit> = Vec::with_capacity(input.org_units.len());
        for u in input.org_units {
            if u.uuid.trim().is_empty() {
                notes.push(format!(
                    "En ORG-enhed uden UUID ('{}') er sprunget over.",
                    u.name
                ));
                continue;
            }
            match org_by_uuid.get(u.uuid.as_str()) {
                // A unit listed twice (AKTIV and INAKTIV pages): the active record wins.
                Some(&i) => {
                    if u.status == OrgStatus::Aktiv && units[i].status != OrgStatus::Aktiv {
                        units[i] = u;
                    }
                }
                None => {
                    org_by_uuid.insert(u.uuid.as_str(), units.len());
                    units.push(u);
                }
            }
        }
        let org_parent: Vec<Option<usize>> = units
            .iter()
            .map(|u| {
                u.parent_uuid
                    .as_deref()
                    .and_then(|p| org_by_uuid.get(p).copied())
            })
            .collect();
        let org_depth = depths(&org_parent);
        let org_root = (0..units.len())
            .filter(|&i| org_parent[i].is_none() && units[i].status == OrgStatus::Aktiv)
            .min_by_key(|&i| {
                (
                    units[i].parent_uuid.is_some(),
                    std::cmp::Reverse(count_descendants(&org_parent, i)),
                )
            });

        // SOR side: the owner and its subtree.
        let owner_entity = find_owner(input, org_root.map(|r| units[r].name.as_str()));
        let mut sor_entities: Vec<&SorEntity> = Vec::new();
        match owner_entity {
            Some(o) => {
                if o.cvr.as_deref().map(str::trim) != Some(input.municipality_cvr.trim()) {
                    notes.push(format!(
                        "Kommunens CVR-nummer {} findes ikke i SOR; institutionsejeren '{}' er fundet på navnet.",
                        input.municipality_cvr, o.name
                    ));
                }
                for e in input.sor {
                    if e.owner_id == o.sor_id || e.sor_id == o.sor_id {
                        sor_entities.push(e);
                    }
                }
            }
            None => notes.push(format!(
                "Kommunens CVR-nummer {} findes ikke som institutionsejer i SOR, og ingen kommune i SOR hedder som ORG-roden: der kan ikke foreslås koblinger eller sletninger.",
                input.municipality_cvr
            )),
        }
        let mut sor_by_id: HashMap<&str, usize> = HashMap::with_capacity(sor_entities.len());
        for (i, e) in sor_entities.iter().enumerate() {
            sor_by_id.entry(e.sor_id.as_str()).or_insert(i);
        }
        let sor_parent: Vec<Option<usize>> = sor_entities
            .iter()
            .map(|e| {
                e.parent_id
                    .as_deref()
                    .and_then(|p| sor_by_id.get(p).copied())
            })
            .collect();
        let sor_depth = depths(&sor_parent);

        // Words that name the municipality itself never tell units apart.
        let mut context_words: HashSet<String> = HashSet::new();
        let empty = HashSet::new();
        for name in owner_entity
            .map(|o| o.name.as_str())
            .into_iter()
            .chain(org_root.map(|r| units[r].name.as_str()))
        {
            for w in analyse_name(name, &empty).distinctive {
                context_words.insert(w);
            }
        }

        let today = input.today;
        let mut sor: Vec<SorView> = Vec::with_capacity(sor_entities.len());
        for (i, e) in sor_entities.iter().enumerate() {
            let mut addresses = Vec::new();
            let mut address_inherited = e.postal_inherited;
            let postal = e.postal_address.as_ref().or_else(|| {
                // Inheritance not applied by the reader: take the nearest ancestor's.
                let mut p = sor_parent[i];
                let mut guard = 0;
                while let Some(pi) = p {
                    if let Some(a) = &sor_entities[pi].postal_address {
                        address_inherited = true;
                        return Some(a);
                    }
                    p = sor_parent[pi];
                    guard += 1;
                    if guard > 64 {
                        break;
                    }
                }
                None
            });
            for a in postal.into_iter().chain(e.visiting_address.as_ref()) {
                let k = address_key(a);
                if !k.street.is_empty() && !addresses.contains(&k) {
                    addresses.push(k);
                }
            }
            sor.push(SorView {
                e,
                parent: sor_parent[i],
                depth: sor_depth[i],
                active: e.is_active_on(today),
                name: analyse_name(&e.name, &context_words),
                addresses,
                address_inherited,
                phone: if e.telecom_inherited {
                    None
                } else {
                    e.phone.as_deref().and_then(phone_key)
                },
                email: if e.telecom_inherited {
                    None
                } else {
                    e.email.as_deref().and_then(email_key)
                },
                type_code: e
                    .type_code
                    .as_deref()
                    .filter(|t| !NEUTRAL_TYPES.contains(t)),
            });
        }

        let analysed: Option<HashSet<usize>> = focus.map(|f| {
            let mut keep = HashSet::new();
            let mut at = org_by_uuid.get(f).copied();
            while let Some(i) = at {
                if !keep.insert(i) {
                    break;
                }
                at = org_parent[i];
            }
            keep
        });
        let mut org: Vec<OrgView> = Vec::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            let mut addresses = Vec::new();
            let mut phones = Vec::new();
            let mut emails = Vec::new();
            let analyse = analysed.as_ref().is_none_or(|keep| keep.contains(&i));
            for a in u.addresses.iter().filter(|_| analyse) {
                match a.role {
                    AddressRole::Postadresse | AddressRole::Henvendelsessted => {
                        let parsed = a.parsed.clone().or_else(|| parse_address_text(&a.text));
                        if let Some(p) = parsed {
                            let k = address_key(&p);
                            if !k.street.is_empty() && !addresses.contains(&k) {
                                addresses.push(k);
                            }
                        }
                    }
                    AddressRole::Telefon => phones.extend(phone_key(&a.text)),
                    AddressRole::Email => emails.extend(email_key(&a.text)),
                    _ => {}
                }
            }
            let rule = kle::rule_for(&u.kle, input.kle_rules).map(|(r, t)| (r, t.number.as_str()));
            org.push(OrgView {
                u,
                parent: org_parent[i],
                depth: org_depth[i],
                active: u.status == OrgStatus::Aktiv,
                name: if analyse {
                    analyse_name(&u.name, &context_words)
                } else {
                    NameKey::default()
                },
                addresses,
                phones,
                emails,
                types: kle::types_for(&u.kle, input.kle_rules),
                rule,
                successor: None,
            });
        }
        link_successors(&mut org);

        let mut ctx = Context {
            input,
            owner: owner_entity.and_then(|o| sor_by_id.get(o.sor_id.as_str()).copied()),
            sor_children: children(&sor_parent),
            sor,
            sor_by_id,
            org,
            org_by_uuid,
            org_root,
            by_word: HashMap::new(),
            by_prefix: HashMap::new(),
            by_building: HashMap::new(),
            by_phone: HashMap::new(),
            by_email: HashMap::new(),
            by_folded: HashMap::new(),
            building_users: HashMap::new(),
            rejected: input
                .rejected_pairs
                .iter()
                .map(|(o, s)| (o.as_str(), s.as_str()))
                .collect(),
            notes,
        };
        ctx.index();
        ctx
    }

    fn index(&mut self) {
        // Buildings (with postcode) that scoring may ask about: those of the active subtree
        // entities and of the ORG units. Only they are counted in the rest of SOR.
        let mut wanted: HashSet<String> = HashSet::new();
        for (i, s) in self.sor.iter().enumerate() {
            if !s.active {
                continue;
            }
            let mut words: Vec<&String> = s.name.distinctive.iter().collect();
            words.sort();
            words.dedup();
            for w in words {
                self.by_word.entry(w.clone()).or_default().push(i);
                if w.chars().count() >= 5 {
                    let p: String = w.chars().take(4).collect();
                    self.by_prefix.entry(p).or_default().push(i);
                }
            }
            self.by_folded
                .entry(s.name.folded.clone())
                .or_default()
                .push(i);
            for a in &s.addresses {
                if let Some(b) = a.building() {
                    let v = self.by_building.entry(b).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
                wanted.extend(building_with_postcode(a));
            }
            if let Some(p) = &s.phone {
                self.by_phone.entry(p.clone()).or_default().push(i);
            }
            if let Some(e) = &s.email {
                self.by_email.entry(e.clone()).or_default().push(i);
            }
        }
        for o in &self.org {
            for a in &o.addresses {
                wanted.extend(building_with_postcode(a));
            }
        }
        // (postcode, house number) of the wanted buildings: a cheap test before the street key.
        // Postcodes of the wanted buildings as a 10,000-entry table: the test most entities of
        // a national SOR fail, so it must be cheap.
        let mut postcodes = vec![false; 10_000];
        for k in &wanted {
            if let Some(i) = k.rsplit('|').next().and_then(postcode_index) {
                postcodes[i] = true;
            }
        }
        let doors: HashSet<(&str, &str)> = wanted
            .iter()
            .filter_map(|k| {
                let mut parts = k.rsplitn(3, '|');
                let postcode = parts.next()?;
                let number = parts.next()?;
                Some((postcode, number))
            })
            .collect();
        // How many entities in all of SOR (private providers included) have their own postal
        // address in each building: a shared building is weaker evidence.
        let mut street_keys: HashMap<&str, String> = HashMap::new();
        let mut users: HashMap<String, u32> = HashMap::new();
        for e in self.input.sor {
            if e.postal_inherited {
                continue;
            }
            let Some(a) = &e.postal_address else { continue };
            let (Some(pc), Some(number)) = (a.postcode.as_deref(), a.number.as_deref()) else {
                continue;
            };
            if !postcode_index(pc).is_some_and(|i| postcodes[i]) {
                continue;
            }
            let pc = pc.trim();
            let Some(number) = norm_number(number) else {
                continue;
            };
            if !doors.contains(&(pc, number.as_str())) || !e.is_active_on(self.input.today) {
                continue;
            }
            let street = street_keys
                .entry(a.street.as_str())
                .or_insert_with(|| street_key(&a.street));
            let key = format!("{street}|{number}|{pc}");
            if wanted.contains(&key) {
                *users.entry(key).or_insert(0) += 1;
            }
        }
        self.building_users = users;
    }

    /// Entities at the same building, in all of SOR.
    pub fn building_count(&self, k: &AddressKey) -> u32 {
        building_with_postcode(k)
            .and_then(|b| self.building_users.get(&b).copied())
            .unwrap_or(1)
            .max(1)
    }

    /// Active subtree entities whose name has this distinctive word.
    pub fn word_df(&self, w: &str) -> usize {
        self.by_word.get(w).map_or(0, Vec::len)
    }

    pub fn sor_is_ancestor(&self, ancestor: usize, mut of: usize) -> bool {
        let mut guard = 0;
        while let Some(p) = self.sor[of].parent {
            if p == ancestor {
                return true;
            }
            of = p;
            guard += 1;
            if guard > 64 {
                return false;
            }
        }
        false
    }

    pub fn is_rejected(&self, org_uuid: &str, sor_id: &str) -> bool {
        self.rejected.contains(&(org_uuid, sor_id))
    }
}

/// FK Organisation re-registers a unit by making a new one and setting the old one INAKTIV; the
/// two share the name, and usually the parent (a unit moved to another department keeps only the
/// name). Such an INAKTIV unit is the same service as its active successor, so it does not
/// compete with it for SOR entities. The successor is the one active unit with the same name
/// under the same parent, else the one active unit with that name in the whole municipality;
/// with two or more candidates it is unknown.
fn link_successors(org: &mut [OrgView]) {
    fn unique<K: std::hash::Hash + Eq>(m: &mut HashMap<K, Option<usize>>, k: K, i: usize) {
        m.entry(k).and_modify(|v| *v = None).or_insert(Some(i));
    }
    let mut under_parent: HashMap<(Option<usize>, &str), Option<usize>> = HashMap::new();
    let mut anywhere: HashMap<&str, Option<usize>> = HashMap::new();
    for (i, o) in org.iter().enumerate() {
        if o.active && !o.name.folded.is_empty() {
            unique(&mut under_parent, (o.parent, o.name.folded.as_str()), i);
            unique(&mut anywhere, o.name.folded.as_str(), i);
        }
    }
    let successors: Vec<Option<usize>> = org
        .iter()
        .map(|o| {
            if o.active || o.name.folded.is_empty() {
                return None;
            }
            let name = o.name.folded.as_str();
            match under_parent.get(&(o.parent, name)) {
                Some(s) => *s,
                None => anywhere.get(name).copied().flatten(),
            }
        })
        .collect();
    for (o, s) in org.iter_mut().zip(successors) {
        o.successor = s;
    }
}

fn depths(parent: &[Option<usize>]) -> Vec<usize> {
    (0..parent.len())
        .map(|i| {
            let mut d = 0;
            let mut at = parent[i];
            while let Some(p) = at {
                d += 1;
                if d > 64 {
                    break;
                }
                at = parent[p];
            }
            d
        })
        .collect()
}

fn children(parent: &[Option<usize>]) -> Vec<Vec<usize>> {
    let mut c = vec![Vec::new(); parent.len()];
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = p {
            if *p != i {
                c[*p].push(i);
            }
        }
    }
    c
}

fn count_descendants(parent: &[Option<usize>], root: usize) -> usize {
    (0..parent.len())
        .filter(|&i| {
            let mut at = parent[i];
            let mut guard = 0;
            while let Some(p) = at {
                if p == root {
                    return true;
                }
                at = parent[p];
                guard += 1;
                if guard > 64 {
                    return false;
                }
            }
            false
        })
        .count()
}
