//! Matching FK Organisation units to SOR entities, explainably, and the proposals it yields
//! (link, create, delete, update).
//!
//! Pure: no I/O, no clock for business dates (`today` comes in), no Tauri. The store and the
//! API crate call [`run`], [`rescore_unit`], [`candidates_for_unit`], [`pair_features`] and
//! [`learn`].
//!
//! Method: normalise names and addresses ([`normalize`]); find the municipality's SOR subtree
//! from the CVR; take decisive evidence first (SOR code carried in ORG, equal own EAN, ORG root
//! = owner); then block candidates (building, rare name words, phone, e-mail, the subtree
//! below a linked ancestor) and score each pair as a sum of Fellegi-Sunter log-odds per field
//! with term-frequency adjustment ([`score`]); link one-to-one when the score and the lead over
//! the runner-up (for the ORG unit and for the SOR entity) are large enough, in rounds so that
//! linked parents count for their children.

mod context;
mod engine;
mod kle;
pub mod normalize;
mod score;
mod update;
mod weights;

use serde::{Deserialize, Serialize};
use sorkomp_model::{KleRule, OrgUnit, ProposalDraft, SorEntity};

pub use kle::{covers, default_kle_rules};
pub use weights::{learn, level_label, Decision, Field, LevelCounts, PairFeatures, Weights};

/// A link the administrator approved or made by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingLink {
    pub org_uuid: String,
    pub sor_id: String,
    /// Made by hand: wins over any other link of either side.
    pub manual: bool,
}

/// Everything one run looks at.
pub struct MatchInput<'a> {
    pub municipality_cvr: &'a str,
    /// ISO date (YYYY-MM-DD): SOR entities with a ToDate on or before it are closed.
    pub today: &'a str,
    /// All of the municipality's FK Organisation units (AKTIV and INAKTIV).
    pub org_units: &'a [OrgUnit],
    /// All of SOR (national); the municipality's subtree is found from the CVR.
    pub sor: &'a [SorEntity],
    pub links: &'a [ExistingLink],
    /// (org_uuid, sor_id) link proposals the administrator rejected: never proposed again.
    pub rejected_pairs: &'a [(String, String)],
    /// ORG units whose create proposal was rejected.
    pub rejected_creates: &'a [String],
    /// SOR ids to keep ("Kun i SOR"): never proposed for deletion.
    pub kept_sor: &'a [String],
    pub kle_rules: &'a [KleRule],
    pub weights: &'a Weights,
}

/// Numbers about a run, for the log and the benchmark.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MatchStats {
    pub owner_found: bool,
    pub owner_sor_id: Option<String>,
    pub subtree_entities: usize,
    pub active_subtree_entities: usize,
    pub org_units: usize,
    pub active_org_units: usize,
    pub relevant_org_units: usize,
    /// Pairs scored after blocking (first round).
    pub candidate_pairs: usize,
    /// 1 - candidate pairs / (ORG units x active subtree entities).
    pub reduction_ratio: f64,
    pub decisive_links: usize,
    pub rounds: usize,
    pub elapsed_ms: f64,
}

/// The agreement levels of one scored link proposal, kept so that its decision can teach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkFeatures {
    pub org_uuid: String,
    pub sor_id: String,
    pub features: PairFeatures,
}

/// One SOR entity scored against an ORG unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub sor_id: String,
    pub name: String,
    pub score: f64,
    pub features: PairFeatures,
}

/// What a run proposes, what it could not judge, and its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchOutput {
    pub proposals: Vec<ProposalDraft>,
    /// Field levels of the scored (not decisive) link proposals.
    pub link_features: Vec<LinkFeatures>,
    /// In Danish: what could not be judged and why.
    pub notes: Vec<String>,
    pub stats: MatchStats,
}

/// One full run.
pub fn run(input: &MatchInput) -> MatchOutput {
    let started = std::time::Instant::now();
    let mut engine = engine::Engine::new(input);
    engine.link_rounds();
    engine.output(started)
}

/// Re-score one ORG unit (after an edit) against the links in the input: its link, create or
/// update proposal. Empty when the unit is unknown or needs nothing.
pub fn rescore_unit(input: &MatchInput, org_uuid: &str) -> Vec<ProposalDraft> {
    let mut engine = engine::Engine::for_unit(input, org_uuid);
    let Some(&o) = engine.ctx.org_by_uuid.get(org_uuid) else {
        return Vec::new();
    };
    engine.drafts_for_unit(o)
}

/// The SOR entities one ORG unit is compared with after blocking, scored and best first, given
/// the links in the input (for manual linking and for checking what learnt weights do).
/// Empty when the unit is unknown.
pub fn candidates_for_unit(input: &MatchInput, org_uuid: &str) -> Vec<Candidate> {
    candidates_for_units(input, &[org_uuid])
        .pop()
        .unwrap_or_default()
}

/// [`candidates_for_unit`] for many units at once (one preparation of the run).
pub fn candidates_for_units(input: &MatchInput, org_uuids: &[&str]) -> Vec<Vec<Candidate>> {
    let engine = engine::Engine::new(input);
    org_uuids
        .iter()
        .map(|uuid| match engine.ctx.org_by_uuid.get(uuid) {
            Some(&o) => engine.candidates_for(o),
            None => Vec::new(),
        })
        .collect()
}

/// The per-field agreement levels of one pair, given the links in the input, so the store can
/// record what a decision teaches. None when either side is unknown or outside the subtree.
pub fn pair_features(input: &MatchInput, org_uuid: &str, sor_id: &str) -> Option<PairFeatures> {
    let engine = engine::Engine::new(input);
    let o = *engine.ctx.org_by_uuid.get(org_uuid)?;
    let s = *engine.ctx.sor_by_id.get(sor_id)?;
    Some(score::score_pair(&engine.ctx, &engine.links, input.weights, o, s).features)
}
