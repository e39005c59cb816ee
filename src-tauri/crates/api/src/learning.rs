//! What the matcher learns from the administrator's decisions.
//!
//! Every scored link proposal keeps its field levels (`proposal_features`). When it is approved
//! it is an example of a match, when rejected of a non-match. Each run of the matcher uses the
//! shipped weights plus one Beta pseudo-count per decision and field (`sorkomp_matcher::learn`),
//! recomputed from all decisions so far; when they differ from the last run's, they are stored
//! in the setting `weights` and the change is logged once (source `matcher`).

use serde::{Deserialize, Serialize};
use sorkomp_matcher::{learn, level_label, Decision, Field, PairFeatures, Weights};
use sorkomp_store::Store;
use ts_rs::TS;

use crate::{Api, ApiError, ApiResult};

/// One agreement level of one field: the shipped and the learnt probabilities and weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WeightRow {
    /// "name", "address", "kle_type", "parent", "contact".
    pub field: String,
    /// Danish, e.g. "Adresse".
    pub field_label: String,
    /// "exact", "building", ...
    pub level: String,
    /// Danish, e.g. "samme bygning".
    pub level_label: String,
    /// P(level | match) in the shipped weights.
    pub default_m: f64,
    /// P(level | non-match) in the shipped weights.
    pub default_u: f64,
    /// ln(m / u): what the level adds to a pair's score.
    pub default_weight: f64,
    pub learnt_m: f64,
    pub learnt_u: f64,
    pub learnt_weight: f64,
    /// Approved link proposals whose pair had this level.
    pub approved: u32,
    /// Rejected link proposals whose pair had this level.
    pub rejected: u32,
}

/// What the matcher has learnt: one row per field and level, in the order the fields are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct WeightsView {
    /// Decided link proposals the learnt weights come from.
    pub decisions: u32,
    pub approved: u32,
    pub rejected: u32,
    pub rows: Vec<WeightRow>,
}

/// Every decided scored link proposal, as the matcher's training data.
fn decisions(store: &Store) -> ApiResult<Vec<Decision>> {
    store
        .link_decisions()?
        .into_iter()
        .map(|(approved, json)| {
            let features: PairFeatures = serde_json::from_str(&json).map_err(|e| {
                ApiError::new(
                    "bad_features",
                    format!("De gemte feltniveauer for en afgjort kobling kan ikke læses: {e}"),
                )
            })?;
            Ok(Decision { features, approved })
        })
        .collect()
}

/// Weights rounded for the change log: field -> level -> ln(m/u).
fn log_form(w: &Weights) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for f in Field::ALL {
        let mut levels = serde_json::Map::new();
        if let Some(map) = w.fields.get(&f) {
            for level in map.keys() {
                let x = (w.weight(f, level) * 100.0).round() / 100.0;
                levels.insert(level.clone(), serde_json::json!(x));
            }
        }
        out.insert(f.as_str().to_owned(), serde_json::Value::Object(levels));
    }
    serde_json::Value::Object(out)
}

/// The weights for the next run: the shipped ones plus all decisions so far. Stored and logged
/// when they differ from the last run's.
pub(crate) fn weights_for_run(store: &mut Store, now: &str, who: &str) -> ApiResult<Weights> {
    let decided = decisions(store)?;
    let learnt = learn(&Weights::default(), &decided);
    let stored: Option<Weights> = match store.setting("weights")? {
        Some(text) => serde_json::from_str(&text).ok(),
        None => None,
    };
    let previous = stored.unwrap_or_default();
    if previous != learnt {
        let approved = decided.iter().filter(|d| d.approved).count();
        let summary = format!(
            "Matcherens vægte er lært af {} afgjorte koblingsforslag ({} godkendte, {} afviste)",
            decided.len(),
            approved,
            decided.len() - approved
        );
        store.set_learnt_weights(
            &serde_json::to_string(&learnt)?,
            &summary,
            Some(&log_form(&previous).to_string()),
            &log_form(&learnt).to_string(),
            now,
            who,
        )?;
    }
    Ok(learnt)
}

impl Api {
    /// The shipped and the learnt field weights side by side, with the decisions they come from.
    pub fn learned_weights(&self) -> ApiResult<WeightsView> {
        let decided = decisions(&self.store())?;
        let prior = Weights::default();
        let learnt = learn(&prior, &decided);
        let mut rows = Vec::new();
        for field in Field::ALL {
            // The known levels in their order, then any the stored counts add.
            let mut levels: Vec<String> = field.levels().iter().map(|l| l.to_string()).collect();
            for level in learnt.fields.get(&field).into_iter().flat_map(|m| m.keys()) {
                if !levels.contains(level) {
                    levels.push(level.clone());
                }
            }
            for level in &levels {
                let (default_m, default_u) = prior.probabilities(field, level).unwrap_or_default();
                let (learnt_m, learnt_u) = learnt.probabilities(field, level).unwrap_or_default();
                let seen = |approved: bool| {
                    decided
                        .iter()
                        .filter(|d| d.approved == approved && d.features.level(field) == level)
                        .count() as u32
                };
                rows.push(WeightRow {
                    field: field.as_str().to_owned(),
                    field_label: field.label().to_owned(),
                    level: level.clone(),
                    level_label: level_label(field, level).to_owned(),
                    default_m,
                    default_u,
                    default_weight: prior.weight(field, level),
                    learnt_m,
                    learnt_u,
                    learnt_weight: learnt.weight(field, level),
                    approved: seen(true),
                    rejected: seen(false),
                });
            }
        }
        let approved = decided.iter().filter(|d| d.approved).count() as u32;
        Ok(WeightsView {
            decisions: decided.len() as u32,
            approved,
            rejected: decided.len() as u32 - approved,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProposalQuery;
    use sorkomp_model::{ProposalKind, ProposalStatus};

    fn learn_log_rows(api: &Api) -> usize {
        api.store()
            .log_all()
            .expect("log")
            .iter()
            .filter(|e| e.action == "learn_weights")
            .count()
    }

    #[test]
    fn decisions_on_link_proposals_become_the_next_runs_weights() {
        let api = Api::open_in_memory().expect("opens");
        api.load_demo().expect("demo loads");
        let before = api.learned_weights().expect("weights");
        assert_eq!(before.decisions, 0, "nothing decided yet");
        assert!(
            before
                .rows
                .iter()
                .all(|r| (r.learnt_weight - r.default_weight).abs() < 1e-12),
            "without decisions the learnt weights are the shipped ones"
        );
        assert!(
            before.rows.iter().any(|r| r.field_label == "Adresse"),
            "rows carry Danish field labels"
        );

        let scored: Vec<_> = api
            .proposals(&ProposalQuery {
                status: Some(ProposalStatus::New),
                kind: Some(ProposalKind::Link),
                text: None,
            })
            .expect("proposals")
            .into_iter()
            .filter(|p| p.explanation.contributions.len() > 1)
            .collect();
        assert!(
            scored.len() >= 3,
            "the demo has scored link proposals: {}",
            scored.len()
        );
        let (rejected, approved) = scored.split_last().expect("non-empty");
        for p in approved {
            api.approve(p.id).expect("approve");
        }
        api.reject(rejected.id, Some("forkert enhed".into()))
            .expect("reject");

        let after = api.learned_weights().expect("weights");
        assert_eq!(
            (after.decisions, after.approved, after.rejected),
            (scored.len() as u32, approved.len() as u32, 1),
            "every decided scored link counts"
        );
        for r in &after.rows {
            if r.approved == after.approved && r.rejected == 0 {
                assert!(
                    r.learnt_weight > r.default_weight,
                    "{} {}: a level every approved pair had counts more",
                    r.field,
                    r.level
                );
            }
            if r.rejected == after.rejected && r.approved == 0 {
                assert!(
                    r.learnt_weight < r.default_weight,
                    "{} {}: a level only the rejected pair had counts less",
                    r.field,
                    r.level
                );
            }
        }
        assert!(
            after
                .rows
                .iter()
                .any(|r| (r.learnt_weight - r.default_weight).abs() > 1e-6),
            "decisions change the weights"
        );

        let logged = learn_log_rows(&api);
        api.run_match().expect("match");
        assert_eq!(
            learn_log_rows(&api),
            logged + 1,
            "the run uses the new weights and logs the change once"
        );
        let stored: Weights =
            serde_json::from_str(&api.store().setting("weights").unwrap().expect("stored"))
                .expect("weights JSON");
        let view = api.learned_weights().expect("weights");
        for r in &view.rows {
            let field = Field::ALL
                .into_iter()
                .find(|f| f.as_str() == r.field)
                .expect("known field");
            assert!(
                (stored.weight(field, &r.level) - r.learnt_weight).abs() < 1e-12,
                "the stored weights are the learnt ones"
            );
        }
        api.run_match().expect("match again");
        assert_eq!(
            learn_log_rows(&api),
            logged + 1,
            "no new decisions, no new log row"
        );
    }
}
