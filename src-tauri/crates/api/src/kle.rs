//! The editable KLE relevance table: which ORG units belong in SOR, and as which SOR unit type.
//! Rows are applied in order: when a unit carries several KLE numbers, the earliest row wins.

use sorkomp_model::KleRule;

use crate::{Api, ApiError, ApiResult};

/// Longest label accepted (a SOR type's Danish name is far shorter).
const MAX_LABEL_CHARS: usize = 200;

/// "27", "27.42" or "27.42.00": a KLE main group, group or topic.
fn is_kle_form(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() <= 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn invalid(row: usize, message: String) -> ApiError {
    ApiError::new("invalid_kle_rule", format!("Række {row}: {message}"))
}

/// Trims every field and checks each row; errors name the row (1-based) and what is wrong.
pub(crate) fn validate_kle_rules(rules: Vec<KleRule>) -> ApiResult<Vec<KleRule>> {
    if rules.is_empty() {
        return Err(ApiError::new(
            "invalid_kle_rule",
            "KLE-tabellen skal have mindst én regel; ellers er ingen ORG-enhed relevant for SOR.",
        ));
    }
    let mut out: Vec<KleRule> = Vec::with_capacity(rules.len());
    for (i, r) in rules.into_iter().enumerate() {
        let row = i + 1;
        let rule = KleRule {
            kle_prefix: r.kle_prefix.trim().to_owned(),
            sor_type_code: r.sor_type_code.trim().to_owned(),
            label: r.label.trim().to_owned(),
        };
        if !is_kle_form(&rule.kle_prefix) {
            return Err(invalid(
                row,
                format!(
                    "KLE-nummeret «{}» skal have formen 27, 27.42 eller 27.42.00 (to cifre pr. led).",
                    rule.kle_prefix
                ),
            ));
        }
        if rule.sor_type_code.is_empty() {
            return Err(invalid(
                row,
                format!(
                    "KLE {} mangler SOR-enhedstype (en SNOMED-kode, fx 42665001 for plejehjem).",
                    rule.kle_prefix
                ),
            ));
        }
        if !rule.sor_type_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                row,
                format!(
                    "SOR-enhedstypen «{}» skal være en SNOMED-kode (kun cifre).",
                    rule.sor_type_code
                ),
            ));
        }
        if rule.label.is_empty() || rule.label.chars().count() > MAX_LABEL_CHARS {
            return Err(invalid(
                row,
                format!(
                    "angiv en betegnelse for SOR-typen på 1-{MAX_LABEL_CHARS} tegn (fx «Plejehjem»)."
                ),
            ));
        }
        if let Some(first) = out.iter().position(|o| o.kle_prefix == rule.kle_prefix) {
            return Err(invalid(
                row,
                format!(
                    "KLE {} står allerede i række {}; hvert KLE-nummer må kun stå én gang.",
                    rule.kle_prefix,
                    first + 1
                ),
            ));
        }
        out.push(rule);
    }
    Ok(out)
}

impl Api {
    /// The KLE relevance table in the order it is applied (the shipped defaults until edited).
    pub fn kle_rules(&self) -> ApiResult<Vec<KleRule>> {
        let rules = self.store().kle_rules()?;
        Ok(if rules.is_empty() {
            sorkomp_matcher::default_kle_rules()
        } else {
            rules
        })
    }

    /// Replaces the KLE relevance table (logged with before and after); the next `run_match`
    /// uses it. Returns the table as stored.
    pub fn set_kle_rules(&self, rules: Vec<KleRule>) -> ApiResult<Vec<KleRule>> {
        let rules = validate_kle_rules(rules)?;
        let now = self.now();
        let who = self.who()?;
        self.store().set_kle_rules(&rules, &who, &now)?;
        self.kle_rules()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProposalQuery;
    use sorkomp_model::{ProposalKind, ProposalStatus};

    fn rule(prefix: &str, code: &str, label: &str) -> KleRule {
        KleRule {
            kle_prefix: prefix.into(),
            sor_type_code: code.into(),
            label: label.into(),
        }
    }

    #[test]
    fn bad_rows_are_refused_naming_the_row_and_the_fault() {
        let ok = rule("27.42", "42665001", "Plejehjem");
        let cases: Vec<(KleRule, &str)> = vec![
            (
                rule("27.4", "42665001", "X"),
                "Række 2: KLE-nummeret «27.4»",
            ),
            (
                rule("2742", "42665001", "X"),
                "Række 2: KLE-nummeret «2742»",
            ),
            (
                rule("27.42.00.01", "42665001", "X"),
                "formen 27, 27.42 eller 27.42.00",
            ),
            (rule("27.", "42665001", "X"), "«27.»"),
            (rule("", "42665001", "X"), "Række 2: KLE-nummeret «»"),
            (rule("ab.cd", "42665001", "X"), "«ab.cd»"),
            (
                rule("29.15", "  ", "X"),
                "Række 2: KLE 29.15 mangler SOR-enhedstype",
            ),
            (
                rule("29.15", "tandpleje", "X"),
                "«tandpleje» skal være en SNOMED-kode",
            ),
            (
                rule("29.15", "550691000005104", " "),
                "Række 2: angiv en betegnelse",
            ),
            (
                rule(" 27.42 ", "42665001", "X"),
                "KLE 27.42 står allerede i række 1",
            ),
        ];
        for (bad, expected) in cases {
            let err = validate_kle_rules(vec![ok.clone(), bad.clone()])
                .expect_err(&format!("{bad:?} must be refused"));
            assert_eq!(err.code, "invalid_kle_rule");
            assert!(
                err.message.contains(expected),
                "{bad:?}: «{}» should say «{expected}»",
                err.message
            );
        }
        let err = validate_kle_rules(vec![]).expect_err("an empty table is refused");
        assert!(err.message.contains("mindst én regel"), "{}", err.message);
        let fine = validate_kle_rules(vec![
            rule(" 27 ", " 42665001", "Plejehjem "),
            rule("27.42.00", "42665001", "Plejehjem"),
        ])
        .expect("valid rows");
        assert_eq!(
            fine[0],
            rule("27", "42665001", "Plejehjem"),
            "fields are trimmed"
        );
    }

    #[test]
    fn an_edited_table_is_kept_in_order_logged_and_used_by_the_next_run() {
        let api = Api::open_in_memory().expect("opens");
        api.load_demo().expect("demo loads");
        let defaults = api.kle_rules().expect("rules");
        assert_eq!(
            defaults,
            sorkomp_matcher::default_kle_rules(),
            "the shipped table until edited, in its own order"
        );
        let creates = |api: &Api| -> Vec<(String, Option<String>)> {
            api.proposals(&ProposalQuery {
                status: Some(ProposalStatus::New),
                kind: Some(ProposalKind::Create),
                text: None,
            })
            .expect("proposals")
            .into_iter()
            .map(|p| {
                (
                    p.org.map(|o| o.name).unwrap_or_default(),
                    p.new_unit.and_then(|n| n.type_code),
                )
            })
            .collect()
        };
        let before = creates(&api);
        assert!(
            before.iter().any(|(n, _)| n == "Genoptræning Nord"),
            "the demo proposes creating its rehabilitation unit (KLE 29.21): {before:?}"
        );

        // Drop the 29.21 row and move the home-care row first.
        let mut edited: Vec<KleRule> = defaults
            .iter()
            .filter(|r| r.kle_prefix != "29.21")
            .cloned()
            .collect();
        let home = edited
            .iter()
            .position(|r| r.kle_prefix == "27.36.04")
            .expect("home-care row");
        let row = edited.remove(home);
        edited.insert(0, row);
        let stored = api.set_kle_rules(edited.clone()).expect("valid table");
        assert_eq!(stored, edited, "the table comes back in the order given");

        let log = api.store().log_all().expect("log");
        let entry = log
            .iter()
            .rev()
            .find(|e| e.action == "kle_rules")
            .expect("the edit is logged");
        assert!(
            entry.before.as_deref().is_some_and(|b| b.contains("29.21"))
                && entry.after.as_deref().is_some_and(|a| !a.contains("29.21")),
            "the log holds the table before and after"
        );

        api.run_match().expect("match");
        let after = creates(&api);
        assert!(
            !after.iter().any(|(n, _)| n == "Genoptræning Nord"),
            "without a rule for 29.21 the unit is no longer proposed: {after:?}"
        );

        let mut changed = edited.clone();
        changed.push(rule("29.21", "554881000005108", "Aktivitetstilbud"));
        api.set_kle_rules(changed).expect("valid table");
        api.run_match().expect("match");
        assert!(
            creates(&api).contains(&(
                "Genoptræning Nord".to_string(),
                Some("554881000005108".to_string())
            )),
            "a new row makes the unit relevant again, as the type it names"
        );

        let err = api
            .set_kle_rules(vec![rule("27.42", "", "Plejehjem")])
            .expect_err("a bad table is refused");
        assert!(err.message.starts_with("Række 1"), "{}", err.message);
        assert_eq!(
            api.kle_rules().expect("rules").len(),
            edited.len() + 1,
            "a refused table leaves the stored one alone"
        );
    }
}
