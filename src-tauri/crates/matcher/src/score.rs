//! Comparing one ORG unit with one SOR entity: the agreement level of each field, the
//! term-frequency adjustments and the explained score.

use crate::context::Context;
use crate::normalize::{lone_number_swapped, AddressKey, NameKey};
use crate::weights::{Field, PairFeatures, Weights};
use sorkomp_model::Contribution;
use std::collections::HashMap;
use strsim::jaro_winkler;

/// Score given to decisive evidence (SOR code carried in ORG, equal own EAN).
pub const DECISIVE: f64 = 30.0;

/// SOR types that are easily confused in practice count as one family for the KLE check:
/// the social services (bosted, handicap, psykiatri, aktivitet) and home care (hjemmepleje,
/// hjemmesygepleje).
fn type_family(code: &str) -> &str {
    match code {
        "554221000005108" | "554871000005105" | "554861000005100" | "554881000005108" => "social",
        "554821000005109" | "550621000005101" => "hjemme",
        other => other,
    }
}

/// Current links during a run: ORG index <-> SOR index (subtree).
#[derive(Default, Clone)]
pub struct LinkState {
    pub org_to_sor: HashMap<usize, usize>,
    pub sor_to_org: HashMap<usize, usize>,
}

impl LinkState {
    pub fn insert(&mut self, o: usize, s: usize) {
        self.org_to_sor.insert(o, s);
        self.sor_to_org.insert(s, o);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameLevel {
    None,
    Partial,
    High,
    Exact,
}

impl NameLevel {
    fn as_str(self) -> &'static str {
        match self {
            NameLevel::Exact => "exact",
            NameLevel::High => "high",
            NameLevel::Partial => "partial",
            NameLevel::None => "none",
        }
    }
}

/// The scored comparison of one pair.
#[derive(Debug, Clone)]
pub struct Scored {
    pub sor: usize,
    pub score: f64,
    pub features: PairFeatures,
    pub contributions: Vec<Contribution>,
}

fn num(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

fn strip(d: &[String], parent: Option<&NameKey>) -> Vec<String> {
    let Some(p) = parent else { return d.to_vec() };
    let kept: Vec<String> = d
        .iter()
        .filter(|w| !p.distinctive.contains(w))
        .cloned()
        .collect();
    if kept.is_empty() {
        d.to_vec()
    } else {
        kept
    }
}

fn compare_words(
    a: &[String],
    b: &[String],
    ka: &NameKey,
    kb: &NameKey,
) -> (NameLevel, Vec<String>) {
    if a.is_empty() || b.is_empty() {
        if a.is_empty() && b.is_empty() {
            if ka.folded == kb.folded && !ka.folded.is_empty() {
                return (NameLevel::Exact, Vec::new());
            }
            if !ka.types.is_empty() && ka.types == kb.types {
                return (NameLevel::High, Vec::new());
            }
            if ka.types.iter().any(|t| kb.types.contains(t)) {
                return (NameLevel::Partial, Vec::new());
            }
        }
        return (NameLevel::None, Vec::new());
    }
    let mut sa: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut sb: Vec<&str> = b.iter().map(String::as_str).collect();
    sa.sort_unstable();
    sa.dedup();
    sb.sort_unstable();
    sb.dedup();
    let shared: Vec<String> = sa
        .iter()
        .filter(|w| sb.contains(w))
        .map(|w| w.to_string())
        .collect();
    if sa == sb {
        return (NameLevel::Exact, shared);
    }
    // Every word has a near twin (typos, endings), same number of words.
    if sa.len() == sb.len() {
        let all_near = sa.iter().all(|x| {
            sb.iter().any(|y| {
                x == y
                    || (!x.chars().all(|c| c.is_ascii_digit())
                        && !y.chars().all(|c| c.is_ascii_digit())
                        && x.chars().count() >= 4
                        && jaro_winkler(x, y) >= 0.9)
            })
        });
        if all_near {
            return (NameLevel::High, shared);
        }
    }
    if !shared.is_empty() {
        return (NameLevel::Partial, shared);
    }
    // "Afsnit 2" is never "Afsnit 3", however alike the rest.
    let numbers = |v: &[&str]| {
        v.iter()
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
    };
    if numbers(&sa) != numbers(&sb) {
        return (NameLevel::None, shared);
    }
    let ja = sa.join(" ");
    let jb = sb.join(" ");
    if ja.chars().count() >= 6 && jaro_winkler(&ja, &jb) >= 0.93 {
        return (NameLevel::High, shared);
    }
    (NameLevel::None, shared)
}

/// Name agreement, trying each side with and without the words it shares with its own parent
/// ("Plejecenter Frydenlund, Hus Grøn" under "Plejecenter Frydenlund" is "Hus Grøn").
pub fn name_level(
    a: &NameKey,
    b: &NameKey,
    a_parent: Option<&NameKey>,
    b_parent: Option<&NameKey>,
) -> (NameLevel, Vec<String>) {
    let a_variants = [a.distinctive.clone(), strip(&a.distinctive, a_parent)];
    let b_variants = [b.distinctive.clone(), strip(&b.distinctive, b_parent)];
    let mut best = (NameLevel::None, Vec::new());
    for x in &a_variants {
        for y in &b_variants {
            let r = compare_words(x, y, a, b);
            if r.0 > best.0 || (r.0 == best.0 && r.1.len() > best.1.len()) {
                best = r;
            }
        }
    }
    best
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AddressLevel {
    Differ,
    Street,
    Building,
    Exact,
}

impl AddressLevel {
    fn as_str(self) -> &'static str {
        match self {
            AddressLevel::Exact => "exact",
            AddressLevel::Building => "building",
            AddressLevel::Street => "street",
            AddressLevel::Differ => "differ",
        }
    }
}

fn same_street(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 6 && b.len() >= 6 && jaro_winkler(a, b) >= 0.95)
}

fn conflict(a: &Option<String>, b: &Option<String>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x != y)
}

pub fn address_level(a: &AddressKey, b: &AddressKey) -> AddressLevel {
    if !same_street(&a.street, &b.street) {
        return AddressLevel::Differ;
    }
    if a.number.is_none() || b.number.is_none() || a.number != b.number {
        return AddressLevel::Street;
    }
    if conflict(&a.postcode, &b.postcode) {
        return AddressLevel::Street;
    }
    if (conflict(&a.floor, &b.floor) || conflict(&a.door, &b.door)) && !lone_number_swapped(a, b) {
        return AddressLevel::Building;
    }
    AddressLevel::Exact
}

/// Nearest ORG ancestor (itself excluded) that is linked to a SOR entity below the owner.
pub fn linked_ancestor(ctx: &Context, links: &LinkState, o: usize) -> Option<(usize, usize)> {
    let mut at = ctx.org[o].parent;
    let mut guard = 0;
    while let Some(p) = at {
        if let Some(&s) = links.org_to_sor.get(&p) {
            if Some(s) != ctx.owner {
                return Some((p, s));
            }
            return None;
        }
        at = ctx.org[p].parent;
        guard += 1;
        if guard > 64 {
            break;
        }
    }
    None
}

/// Compare ORG unit `o` with subtree entity `s`.
pub fn score_pair(
    ctx: &Context,
    links: &LinkState,
    weights: &Weights,
    o: usize,
    s: usize,
) -> Scored {
    let ov = &ctx.org[o];
    let sv = &ctx.sor[s];
    let mut contributions = Vec::with_capacity(6);

    // Name.
    let o_parent = ov.parent.map(|p| &ctx.org[p].name);
    let s_parent = sv.parent.map(|p| &ctx.sor[p].name);
    let (name, name_detail, name_tf) = if ov.name.is_empty() || sv.name.is_empty() {
        ("missing", "Navn mangler".to_string(), 0.0)
    } else {
        let (level, shared) = name_level(&ov.name, &sv.name, o_parent, s_parent);
        // Term frequency: the rarest shared word decides how telling the agreement is.
        let rarest = shared.iter().map(|w| (ctx.word_df(w).max(1), w)).min();
        let tf = match (level, rarest) {
            (NameLevel::None, _) => 0.0,
            (_, Some((df, _))) => (0.6 * (6.0 / df as f64).ln()).clamp(-1.5, 1.2),
            (_, None) => -0.5,
        };
        let detail = match rarest {
            Some((df, w)) => format!(
                "'{}' ~ '{}' ({}; fælles ord '{}' findes i {} SOR-navne)",
                ov.u.name,
                sv.e.name,
                level.as_str(),
                w,
                df
            ),
            None => format!("'{}' ~ '{}' ({})", ov.u.name, sv.e.name, level.as_str()),
        };
        (level.as_str(), detail, tf)
    };
    let w = weights.weight(Field::Name, name) + name_tf;
    contributions.push(Contribution {
        field: Field::Name.as_str().into(),
        weight: w,
        detail: name_detail,
    });

    // Address.
    let (address, address_detail, address_tf) =
        if ov.addresses.is_empty() || sv.addresses.is_empty() {
            let why = if ov.addresses.is_empty() {
                "ORG-enheden har ingen adresse"
            } else {
                "SOR-enheden har ingen adresse"
            };
            ("missing", why.to_string(), 0.0)
        } else {
            let mut best = (AddressLevel::Differ, 0, 0);
            for (i, a) in ov.addresses.iter().enumerate() {
                for (j, b) in sv.addresses.iter().enumerate() {
                    let l = address_level(a, b);
                    if l > best.0 {
                        best = (l, i, j);
                    }
                }
            }
            let (mut level, i, j) = best;
            let mut detail = level.as_str().to_string();
            let mut tf = 0.0;
            if level >= AddressLevel::Building {
                if sv.address_inherited && j == 0 {
                    level = level.min(AddressLevel::Building);
                    detail.push_str(", SOR-adressen er arvet fra overordnet enhed");
                }
                let users = ctx
                    .building_count(&sv.addresses[j])
                    .max(ctx.building_count(&ov.addresses[i]));
                if users > 1 {
                    tf = (-0.5 * (users as f64).ln()).max(-2.0);
                    detail.push_str(&format!(", {users} SOR-enheder har adresse i bygningen"));
                }
            }
            (level.as_str(), detail, tf)
        };
    let w = weights.weight(Field::Address, address) + address_tf;
    contributions.push(Contribution {
        field: Field::Address.as_str().into(),
        weight: w,
        detail: format!("Adresse: {address_detail}"),
    });

    // KLE <-> SOR type.
    let kle_type = match (ov.types.is_empty(), sv.type_code) {
        (false, Some(t)) if ov.types.contains(&t) => "agree",
        (false, Some(t)) if ov.types.iter().any(|o| type_family(o) == type_family(t)) => "unknown",
        (false, Some(_)) => "disagree",
        _ => "unknown",
    };
    contributions.push(Contribution {
        field: Field::KleType.as_str().into(),
        weight: weights.weight(Field::KleType, kle_type),
        detail: format!(
            "KLE-type {} SOR-type {}",
            match kle_type {
                "agree" => "svarer til",
                "disagree" => "svarer ikke til",
                _ => "kan ikke sammenlignes med",
            },
            sv.e.type_code.as_deref().unwrap_or("(ingen)")
        ),
    });

    // Parent already linked to parent.
    let parent = match linked_ancestor(ctx, links, o) {
        Some((a, ls)) => {
            if Some(a) == ov.parent && Some(ls) == sv.parent {
                "parent"
            } else if ctx.sor_is_ancestor(ls, s) {
                "ancestor"
            } else {
                "conflict"
            }
        }
        None => "unknown",
    };
    contributions.push(Contribution {
        field: Field::Parent.as_str().into(),
        weight: weights.weight(Field::Parent, parent),
        detail: match parent {
            "parent" => "Overordnet ORG-enhed er koblet til overordnet SOR-enhed".into(),
            "ancestor" => "En overordnet ORG-enhed er koblet til en overordnet SOR-enhed".into(),
            "conflict" => "Overordnet ORG-enhed er koblet til en anden gren i SOR".into(),
            _ => "Ingen overordnet enhed er koblet endnu".into(),
        },
    });

    // Contact.
    let phone_agree = sv.phone.as_ref().is_some_and(|p| ov.phones.contains(p));
    let email_agree = sv.email.as_ref().is_some_and(|e| ov.emails.contains(e));
    let phone_differ = sv.phone.is_some() && !ov.phones.is_empty() && !phone_agree;
    let email_differ = sv.email.is_some() && !ov.emails.is_empty() && !email_agree;
    let contact = if phone_agree || email_agree {
        "agree"
    } else if phone_differ || email_differ {
        "disagree"
    } else {
        "missing"
    };
    contributions.push(Contribution {
        field: Field::Contact.as_str().into(),
        weight: weights.weight(Field::Contact, contact),
        detail: match contact {
            "agree" if phone_agree => "Samme telefonnummer".into(),
            "agree" => "Samme e-mail".into(),
            "disagree" => "Telefon/e-mail er forskellige".into(),
            _ => "Telefon/e-mail kan ikke sammenlignes".into(),
        },
    });

    let score = contributions.iter().map(|c| c.weight).sum();
    Scored {
        sor: s,
        score,
        features: PairFeatures {
            name: name.into(),
            address: address.into(),
            kle_type: kle_type.into(),
            parent: parent.into(),
            contact: contact.into(),
        },
        contributions,
    }
}

/// Candidates by blocking: shared building, distinctive word (or its first letters), phone,
/// e-mail, same generic name, the subtree below a linked ancestor, and institutions for units
/// near the top of ORG. Only active, unlinked subtree entities that the admin has not rejected.
pub fn candidates(ctx: &Context, links: &LinkState, o: usize) -> Vec<usize> {
    let ov = &ctx.org[o];
    let max_df = (ctx.sor.len() / 10).max(50);
    let mut out: Vec<usize> = Vec::new();
    let push_all = |v: Option<&Vec<usize>>, out: &mut Vec<usize>| {
        if let Some(v) = v {
            if v.len() <= max_df {
                out.extend_from_slice(v);
            }
        }
    };
    for a in &ov.addresses {
        if let Some(b) = a.building() {
            push_all(ctx.by_building.get(&b), &mut out);
        }
    }
    for w in &ov.name.distinctive {
        push_all(ctx.by_word.get(w), &mut out);
        if w.chars().count() >= 5 {
            let p: String = w.chars().take(4).collect();
            push_all(ctx.by_prefix.get(&p), &mut out);
        }
    }
    if ov.name.distinctive.is_empty() {
        push_all(ctx.by_folded.get(&ov.name.folded), &mut out);
    }
    for p in &ov.phones {
        push_all(ctx.by_phone.get(p), &mut out);
    }
    for e in &ov.emails {
        push_all(ctx.by_email.get(e), &mut out);
    }
    if let Some((_, ls)) = linked_ancestor(ctx, links, o) {
        for &c in &ctx.sor_children[ls] {
            out.push(c);
            out.extend_from_slice(&ctx.sor_children[c]);
        }
    }
    if ov.depth <= 3 {
        if let Some(owner) = ctx.owner {
            out.extend_from_slice(&ctx.sor_children[owner]);
        }
    }
    out.sort_unstable();
    out.dedup();
    out.retain(|&s| {
        let sv = &ctx.sor[s];
        sv.active
            && Some(s) != ctx.owner
            && !links.sor_to_org.contains_key(&s)
            && !ctx.is_rejected(ov.u.uuid.as_str(), sv.e.sor_id.as_str())
    });
    out
}

pub fn fmt_score(x: f64) -> String {
    num(x)
}
