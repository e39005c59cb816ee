//! Field weights in the spirit of Fellegi-Sunter: for every field and agreement level, pseudo-
//! counts of how often true matches (m) and non-matches (u) show that level among blocked
//! candidates. The weight of a level is `ln(P(level | match) / P(level | non-match))`.
//! Learning adds the administrator's decisions to the counts (Dirichlet/Beta updating).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One comparison field of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Address,
    KleType,
    Parent,
    Contact,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Name,
        Field::Address,
        Field::KleType,
        Field::Parent,
        Field::Contact,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Address => "address",
            Field::KleType => "kle_type",
            Field::Parent => "parent",
            Field::Contact => "contact",
        }
    }
    /// The agreement levels of the field, strongest agreement first.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["exact", "high", "partial", "none", "missing"],
            Field::Address => &["exact", "building", "street", "differ", "missing"],
            Field::KleType => &["agree", "disagree", "unknown"],
            Field::Parent => &["parent", "ancestor", "conflict", "unknown"],
            Field::Contact => &["agree", "disagree", "missing"],
        }
    }
    /// Danish label for explanations.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Navn",
            Field::Address => "Adresse",
            Field::KleType => "KLE/enhedstype",
            Field::Parent => "Overordnet enhed",
            Field::Contact => "Telefon/e-mail",
        }
    }
}

/// Pseudo-counts of one agreement level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelCounts {
    /// Seen among true matches.
    pub m: f64,
    /// Seen among non-matches.
    pub u: f64,
}

/// Shipped (level, m, u) pseudo-counts of one field.
type LevelPriors = &'static [(&'static str, f64, f64)];

/// Learnt field weights: field -> level -> counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub fields: BTreeMap<Field, BTreeMap<String, LevelCounts>>,
}

impl Default for Weights {
    /// The shipped priors (pseudo-counts out of 100 per class: weak enough that a few hundred
    /// decisions move them).
    fn default() -> Self {
        let table: &[(Field, LevelPriors)] = &[
            (
                Field::Name,
                &[
                    ("exact", 55.0, 0.5),
                    ("high", 25.0, 2.0),
                    ("partial", 14.0, 12.0),
                    ("none", 5.0, 84.5),
                    ("missing", 1.0, 1.0),
                ],
            ),
            (
                Field::Address,
                &[
                    ("exact", 58.0, 3.0),
                    ("building", 20.0, 4.0),
                    ("street", 4.0, 8.0),
                    ("differ", 8.0, 80.0),
                    ("missing", 10.0, 5.0),
                ],
            ),
            (
                Field::KleType,
                &[
                    ("agree", 70.0, 20.0),
                    ("disagree", 8.0, 55.0),
                    ("unknown", 22.0, 25.0),
                ],
            ),
            (
                Field::Parent,
                &[
                    ("parent", 55.0, 4.0),
                    ("ancestor", 20.0, 12.0),
                    ("conflict", 5.0, 59.0),
                    ("unknown", 20.0, 25.0),
                ],
            ),
            (
                Field::Contact,
                &[
                    ("agree", 40.0, 1.0),
                    ("disagree", 8.0, 30.0),
                    ("missing", 52.0, 69.0),
                ],
            ),
        ];
        let mut fields = BTreeMap::new();
        for (field, levels) in table {
            let map = levels
                .iter()
                .map(|(l, m, u)| (l.to_string(), LevelCounts { m: *m, u: *u }))
                .collect();
            fields.insert(*field, map);
        }
        Weights { fields }
    }
}

impl Weights {
    /// Log-odds weight of a level; 0 for a level the table does not know.
    pub fn weight(&self, field: Field, level: &str) -> f64 {
        self.probabilities(field, level)
            .map_or(0.0, |(pm, pu)| (pm / pu).ln())
    }

    /// (P(level | match), P(level | non-match)) of a level: its m and u probabilities. None for
    /// a level the table does not know or a field without counts.
    pub fn probabilities(&self, field: Field, level: &str) -> Option<(f64, f64)> {
        let levels = self.fields.get(&field)?;
        let c = levels.get(level)?;
        let sum_m: f64 = levels.values().map(|c| c.m.max(0.0)).sum();
        let sum_u: f64 = levels.values().map(|c| c.u.max(0.0)).sum();
        if sum_m <= 0.0 || sum_u <= 0.0 {
            return None;
        }
        let pm = (c.m.max(0.0) + 0.01) / (sum_m + 0.01);
        let pu = (c.u.max(0.0) + 0.01) / (sum_u + 0.01);
        Some((pm, pu))
    }

    fn add(&mut self, field: Field, level: &str, approved: bool) {
        let c = self
            .fields
            .entry(field)
            .or_default()
            .entry(level.to_string())
            .or_insert(LevelCounts { m: 0.0, u: 0.0 });
        if approved {
            c.m += 1.0;
        } else {
            c.u += 1.0;
        }
    }
}

/// Danish label of an agreement level, for the table of what was learnt.
pub fn level_label(field: Field, level: &str) -> &'static str {
    match (field, level) {
        (Field::Name, "exact") => "ens (efter normalisering)",
        (Field::Name, "high") => "næsten ens (stavefejl, endelser)",
        (Field::Name, "partial") => "delvist ens (fælles ord)",
        (Field::Name, "none") => "forskellige",
        (Field::Address, "exact") => "samme adresse",
        (Field::Address, "building") => "samme bygning",
        (Field::Address, "street") => "samme vej",
        (Field::Address, "differ") => "forskellige",
        (Field::KleType, "agree") => "KLE svarer til SOR-typen",
        (Field::KleType, "disagree") => "KLE svarer ikke til SOR-typen",
        (Field::Parent, "parent") => "overordnede enheder er koblet",
        (Field::Parent, "ancestor") => "en højere enhed er koblet",
        (Field::Parent, "conflict") => "koblet til en anden gren",
        (Field::Contact, "agree") => "samme telefon/e-mail",
        (Field::Contact, "disagree") => "forskellig telefon/e-mail",
        (_, "missing") => "mangler",
        (_, "unknown") => "kan ikke afgøres",
        _ => "ukendt niveau",
    }
}

/// The agreement level of every field of one pair: what a decision teaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairFeatures {
    pub name: String,
    pub address: String,
    pub kle_type: String,
    pub parent: String,
    pub contact: String,
}

impl PairFeatures {
    pub fn level(&self, field: Field) -> &str {
        match field {
            Field::Name => &self.name,
            Field::Address => &self.address,
            Field::KleType => &self.kle_type,
            Field::Parent => &self.parent,
            Field::Contact => &self.contact,
        }
    }
}

/// One decided link proposal: approved (a match) or rejected (a non-match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub features: PairFeatures,
    pub approved: bool,
}

/// New weights: the prior's pseudo-counts plus one count per decision and field.
pub fn learn(prior: &Weights, decisions: &[Decision]) -> Weights {
    let mut w = prior.clone();
    for d in decisions {
        for f in Field::ALL {
            w.add(f, d.features.level(f), d.approved);
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(name: &str, address: &str) -> PairFeatures {
        PairFeatures {
            name: name.into(),
            address: address.into(),
            kle_type: "unknown".into(),
            parent: "unknown".into(),
            contact: "missing".into(),
        }
    }

    #[test]
    fn default_weights_rank_levels_in_a_sensible_order() {
        let w = Weights::default();
        let n = |l| w.weight(Field::Name, l);
        assert!(
            n("exact") > n("high") && n("high") > n("partial") && n("partial") > n("none"),
            "a more exact name must weigh more"
        );
        assert!(
            n("exact") > 3.0,
            "an exact distinctive name is strong evidence"
        );
        assert!(
            n("none") < -2.0,
            "no shared word is strong evidence against"
        );
        let a = |l| w.weight(Field::Address, l);
        assert!(
            a("exact") > a("building") && a("building") > a("street") && a("street") > a("differ")
        );
        for f in Field::ALL {
            let mut shipped: Vec<&str> = w.fields[&f].keys().map(String::as_str).collect();
            let mut listed = f.levels().to_vec();
            shipped.sort_unstable();
            listed.sort_unstable();
            assert_eq!(shipped, listed, "{f:?}: every shipped level is listed once");
            for l in f.levels() {
                assert_ne!(
                    level_label(f, l),
                    "ukendt niveau",
                    "{f:?} {l} has a Danish label"
                );
            }
        }
        assert_eq!(
            w.weight(Field::Name, "no-such-level"),
            0.0,
            "unknown levels are neutral"
        );
    }

    #[test]
    fn rejections_lower_and_approvals_raise_the_weight_of_a_level() {
        let prior = Weights::default();
        let rejected: Vec<Decision> = (0..50)
            .map(|_| Decision {
                features: features("partial", "building"),
                approved: false,
            })
            .collect();
        let after = learn(&prior, &rejected);
        assert!(
            after.weight(Field::Name, "partial") < prior.weight(Field::Name, "partial"),
            "50 rejected partial-name pairs must make a partial name count less"
        );
        let approved: Vec<Decision> = (0..50)
            .map(|_| Decision {
                features: features("partial", "building"),
                approved: true,
            })
            .collect();
        let after = learn(&prior, &approved);
        assert!(
            after.weight(Field::Name, "partial") > prior.weight(Field::Name, "partial"),
            "50 approved partial-name pairs must make a partial name count more"
        );
        assert_eq!(learn(&prior, &[]), prior, "no decisions, no change");
    }

    #[test]
    fn weights_survive_a_json_round_trip() {
        let w = learn(
            &Weights::default(),
            &[Decision {
                features: features("exact", "exact"),
                approved: true,
            }],
        );
        let text = serde_json::to_string(&w).expect("serialises");
        let back: Weights = serde_json::from_str(&text).expect("deserialises");
        assert_eq!(back, w, "the store keeps weights as JSON");
    }
}
