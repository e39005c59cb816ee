//! Relevance: which ORG units belong in SOR, decided from their KLE numbers through an editable
//! table of KLE prefix -> SOR unit type.

use sorkomp_model::{KleRule, KleTask};

fn rule(prefix: &str, code: &str, label: &str) -> KleRule {
    KleRule {
        kle_prefix: prefix.into(),
        sor_type_code: code.into(),
        label: label.into(),
    }
}

/// The shipped defaults for KLE 27.xx (serviceloven) and 29.xx (sundhedsloven). Earlier rows
/// win when a unit carries several numbers. Visitation (27.42.08/12), madservice (27.36.24),
/// bostøtte (27.36.14) and hjælpemidler (27.60) are left out on purpose: they are authority or
/// service tasks, not places of care.
pub fn default_kle_rules() -> Vec<KleRule> {
    const PLEJEHJEM: &str = "42665001";
    const HJEMMEPLEJE: &str = "554821000005109";
    const SYGEPLEJE: &str = "550621000005101";
    const GENOPTRAENING: &str = "546811000005109";
    const MISBRUG: &str = "20078004";
    const SUNDHEDSPLEJE: &str = "554021000005101";
    const TANDPLEJE: &str = "550691000005104";
    const SUNDHEDSCENTER: &str = "264361005";
    const BOSTED: &str = "554221000005108";
    const HANDICAP: &str = "554871000005105";
    const AKTIVITET: &str = "554881000005108";
    vec![
        rule("27.42.00", PLEJEHJEM, "Plejehjem"),
        rule("27.42.04", PLEJEHJEM, "Plejehjem"),
        rule("27.42.20", PLEJEHJEM, "Plejehjem"),
        rule("27.42.28", PLEJEHJEM, "Plejehjem (skærmet enhed)"),
        rule("27.42.36", PLEJEHJEM, "Plejehjem"),
        rule("27.36.08", PLEJEHJEM, "Aflastning / midlertidigt ophold"),
        rule("27.36.04", HJEMMEPLEJE, "Hjemmepleje"),
        rule("27.36.06", GENOPTRAENING, "Rehabilitering"),
        rule("27.36.16", GENOPTRAENING, "Genoptræning efter serviceloven"),
        rule("27.36.12", HANDICAP, "Socialpædagogisk bistand"),
        rule("27.57", BOSTED, "Botilbud"),
        rule("27.45", BOSTED, "Boligtilbud"),
        rule("27.51", MISBRUG, "Behandling efter serviceloven"),
        rule("27.54", AKTIVITET, "Aktivitets- og samværstilbud"),
        rule("29.18", SYGEPLEJE, "Hjemmesygepleje"),
        rule("29.21", GENOPTRAENING, "Genoptræning efter sundhedsloven"),
        rule("29.24", MISBRUG, "Behandlingstilbud (alkohol, stof)"),
        rule("29.12", SUNDHEDSPLEJE, "Sundhedspleje"),
        rule("29.15", TANDPLEJE, "Kommunal tandpleje"),
        rule("29.00.04", SUNDHEDSCENTER, "Sundhedscenter"),
        rule("29.09", SUNDHEDSCENTER, "Forebyggelse og sundhedsfremme"),
    ]
}

/// KLE numbers compare segment by segment; a topic `NN.NN.00` ("i almindelighed") stands for
/// its whole group.
fn segments(number: &str) -> Vec<&str> {
    let mut s: Vec<&str> = number
        .trim()
        .split('.')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    while s.len() > 2 && s.last() == Some(&"00") {
        s.pop();
    }
    s
}

/// Does a unit task with this number fall under the rule prefix? A task on a group covers
/// every topic below it, so "27.42.00" falls under the rule "27.42.04" too.
pub fn covers(rule_prefix: &str, task_number: &str) -> bool {
    let r: Vec<&str> = rule_prefix
        .trim()
        .split('.')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let t = segments(task_number);
    if r.is_empty() || t.is_empty() {
        return false;
    }
    let n = r.len().min(t.len());
    r[..n] == t[..n]
}

/// The first rule (table order) that one of the unit's tasks falls under, with that task.
pub fn rule_for<'r, 't>(
    tasks: &'t [KleTask],
    rules: &'r [KleRule],
) -> Option<(&'r KleRule, &'t KleTask)> {
    rules.iter().find_map(|r| {
        tasks
            .iter()
            .find(|t| covers(&r.kle_prefix, &t.number))
            .map(|t| (r, t))
    })
}

/// Every SOR type the unit's tasks point at.
pub fn types_for<'r>(tasks: &[KleTask], rules: &'r [KleRule]) -> Vec<&'r str> {
    let mut v: Vec<&str> = rules
        .iter()
        .filter(|r| tasks.iter().any(|t| covers(&r.kle_prefix, &t.number)))
        .map(|r| r.sor_type_code.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Word stems of units that support a place of care without being one (kitchen,
/// administration, planning, authority): a unit without KLE numbers named like this does not
/// inherit its parent's relevance.
const SUPPORT_STEMS: &[&str] = &[
    "administration",
    "ledelse",
    "sekretariat",
    "stab",
    "koekken",
    "kantine",
    "planlaegning",
    "disponering",
    "koordinering",
    "visitation",
    "myndighed",
    "depot",
    "hjaelpemiddel",
    "oekonomi",
    "personale",
    "rengoering",
    "vaskeri",
    "forvaltning",
    "kommunikation",
    "udvikling",
    "service",
];

/// Is this (folded) name that of a support unit?
pub fn is_support_name(folded: &str) -> bool {
    folded.split(' ').any(|w| {
        w == "adm" || w == "it" || w == "hr" || SUPPORT_STEMS.iter().any(|s| w.contains(s))
    })
}

/// The SOR type a generic name word signals (see `normalize::GENERIC_WORDS`).
pub fn type_for_class(class: &str) -> Option<&'static str> {
    Some(match class {
        "pleje" | "demens" => "42665001",
        "hjemmepleje" => "554821000005109",
        "sygepleje" => "550621000005101",
        "sundhedspleje" => "554021000005101",
        "tandpleje" => "550691000005104",
        "genoptraening" => "546811000005109",
        "sundhedscenter" => "264361005",
        "aktivitet" => "554881000005108",
        "bosted" => "554221000005108",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(n: &str) -> KleTask {
        KleTask {
            number: n.into(),
            title: String::new(),
            role: "Ansvarlig".into(),
        }
    }

    #[test]
    fn prefixes_cover_topics_on_segment_boundaries() {
        fn check(rule: &str, task: &str, expected: bool) {
            assert_eq!(covers(rule, task), expected, "rule {rule} vs task {task}");
        }
        check("27.42", "27.42.04", true);
        check("27.42.04", "27.42.04", true);
        check("27.42.04", "27.42.00", true);
        check("27.42.04", "27.42.08", false);
        check("27.42.00", "27.42.08", false);
        check("27.42.00", "27.42.00", true);
        check("29.1", "29.12.00", false);
        check("29.12", "29.120.00", false);
        check("27", "27.57.08", true);
        check("27.57", "27.54.08", false);
        check("", "27.57.08", false);
        check("27.57", "", false);
    }

    #[test]
    fn defaults_make_care_units_relevant_and_leave_authority_tasks_out() {
        let rules = default_kle_rules();
        fn check(rules: &[KleRule], numbers: &[&str], expected: Option<&str>) {
            let tasks: Vec<KleTask> = numbers.iter().map(|n| task(n)).collect();
            let got = rule_for(&tasks, rules).map(|(r, _)| r.sor_type_code.as_str());
            assert_eq!(got, expected, "SOR type for KLE {numbers:?}");
        }
        check(&rules, &["27.42.04", "29.09.20"], Some("42665001"));
        check(&rules, &["29.09.20", "27.42.04"], Some("42665001"));
        check(&rules, &["27.36.04"], Some("554821000005109"));
        check(&rules, &["29.18.00"], Some("550621000005101"));
        check(&rules, &["29.15.04"], Some("550691000005104"));
        check(&rules, &["27.57.08", "27.57.00"], Some("554221000005108"));
        check(&rules, &["27.42.08"], None);
        check(&rules, &["27.36.24"], None);
        check(&rules, &["27.12.04"], None);
        check(&rules, &["85.15.00"], None);
        check(&rules, &[], None);
    }

    #[test]
    fn support_units_are_told_from_care_units_by_name() {
        fn check(folded: &str, expected: bool) {
            assert_eq!(
                is_support_name(folded),
                expected,
                "is {folded:?} a support unit"
            );
        }
        check("koekkenet", true);
        check("plejecenter lindved koekken", true);
        check("ledelse og administration", true);
        check("planlaegning oest", true);
        check("hjaelpemiddeldepotet", true);
        check("team 1", false);
        check("afsnit rosen", false);
        check("boenhed roed", false);
        check("gammel skole plejecenter", false);
    }
}
