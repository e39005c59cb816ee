//! One run: decisive links, scored links in rounds (each round lets newly linked parents count
//! as evidence for their children), then create, delete and update proposals.

use crate::context::{Context, SorView};
use crate::kle::{is_support_name, type_for_class};
use crate::score::{
    candidates, fmt_score, linked_ancestor, score_pair, LinkState, Scored, DECISIVE,
};
use crate::update::{material_changes, municipality_words};
use crate::weights::PairFeatures;
use crate::{Candidate, LinkFeatures, MatchInput, MatchOutput, MatchStats};
use sorkomp_model::{
    Contribution, Explanation, NewSorUnit, OrgStatus, ProposalDraft, ProposalKind, RunnerUp,
    SorLevel,
};
use std::collections::{HashMap, HashSet};

/// A link needs at least this log-odds score...
pub const LINK_THRESHOLD: f64 = 4.0;
/// ...and this lead over the runner-up (both for the ORG unit and for the SOR entity).
pub const LINK_MARGIN: f64 = 1.5;
const MAX_ROUNDS: usize = 6;

struct Relevance {
    type_code: String,
    label: String,
    why: String,
}

struct LinkFinding {
    o: usize,
    s: usize,
    score: f64,
    contributions: Vec<Contribution>,
    runner_up: Option<(usize, f64)>,
    summary: String,
    /// The agreement levels of a scored link (None for decisive evidence).
    features: Option<PairFeatures>,
}

/// An ORG unit's best candidate: (SOR entity, score, runner-up and its score).
type Best = (usize, f64, Option<(usize, f64)>);

pub struct Engine<'a> {
    pub ctx: Context<'a>,
    pub links: LinkState,
    /// ORG units whose link came from the input (approved or manual).
    pub given: HashSet<usize>,
    /// SOR entities linked in the input to an ORG unit that is INAKTIV or gone.
    pub orphaned: HashMap<usize, String>,
    findings: Vec<LinkFinding>,
    /// Best candidate of each scored, unlinked active ORG unit.
    best: HashMap<usize, Best>,
    candidate_pairs: usize,
    rounds: usize,
}

fn level_of(sv: &SorView) -> SorLevel {
    sv.e.level.unwrap_or(match sv.depth {
        0 => SorLevel::Owner,
        1 => SorLevel::Institution,
        _ => SorLevel::Unit,
    })
}

impl<'a> Engine<'a> {
    pub fn new(input: &'a MatchInput<'a>) -> Engine<'a> {
        Engine::with_context(Context::build(input))
    }

    /// An engine that can only judge one ORG unit (see [`Context::build_for`]).
    pub fn for_unit(input: &'a MatchInput<'a>, org_uuid: &str) -> Engine<'a> {
        Engine::with_context(Context::build_for(input, Some(org_uuid)))
    }

    fn with_context(ctx: Context<'a>) -> Engine<'a> {
        let mut e = Engine {
            ctx,
            links: LinkState::default(),
            given: HashSet::new(),
            orphaned: HashMap::new(),
            findings: Vec::new(),
            best: HashMap::new(),
            candidate_pairs: 0,
            rounds: 0,
        };
        e.apply_given_links();
        e.decisive_links();
        e.root_link();
        e
    }

    fn apply_given_links(&mut self) {
        let input = self.ctx.input;
        // Manual links first: a manual link wins over an approved one.
        let mut order: Vec<_> = input.links.iter().collect();
        order.sort_by_key(|l| !l.manual);
        for l in order {
            let Some(&s) = self.ctx.sor_by_id.get(l.sor_id.as_str()) else {
                self.ctx.notes.push(format!(
                    "Koblingen {} -> SOR {} peger uden for kommunens del af SOR og er ikke brugt.",
                    l.org_uuid, l.sor_id
                ));
                continue;
            };
            match self.ctx.org_by_uuid.get(l.org_uuid.as_str()).copied() {
                Some(o) if self.ctx.org[o].active => {
                    if self.links.org_to_sor.contains_key(&o)
                        || self.links.sor_to_org.contains_key(&s)
                    {
                        self.ctx.notes.push(format!(
                            "Koblingen {} -> SOR {} strider mod en anden (manuel) kobling og er ikke brugt.",
                            l.org_uuid, l.sor_id
                        ));
                        continue;
                    }
                    self.links.insert(o, s);
                    self.given.insert(o);
                }
                Some(o) => {
                    self.orphaned.insert(
                        s,
                        format!(
                            "den koblede ORG-enhed '{}' er INAKTIV",
                            self.ctx.org[o].u.name
                        ),
                    );
                }
                None => {
                    self.orphaned.insert(
                        s,
                        format!(
                            "den koblede ORG-enhed {} findes ikke længere i FK Organisation",
                            l.org_uuid
                        ),
                    );
                }
            }
        }
    }

    fn free(&self, o: usize, s: usize) -> bool {
        !self.links.org_to_sor.contains_key(&o)
            && !self.links.sor_to_org.contains_key(&s)
            && !self
                .ctx
                .is_rejected(&self.ctx.org[o].u.uuid, &self.ctx.sor[s].e.sor_id)
    }

    fn decisive_links(&mut self) {
        let mut by_ean: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in self.ctx.sor.iter().enumerate() {
            if let Some(ean) = s.e.ean.as_deref() {
                if !s.e.ean_inherited && s.active {
                    by_ean.entry(ean.trim()).or_default().push(i);
                }
            }
        }
        for o in 0..self.ctx.org.len() {
            let ov = &self.ctx.org[o];
            if !ov.active || self.links.org_to_sor.contains_key(&o) {
                continue;
            }
            let mut found: Option<(usize, &'static str, String)> = None;
            if let Some(code) = ov.u.sor_code() {
                match self.ctx.sor_by_id.get(code).copied() {
                    Some(s) if self.ctx.sor[s].active => {
                        found =
                            Some((s, "sor_code", format!("ORG-enheden bærer SOR-koden {code}")));
                    }
                    Some(_) => self.ctx.notes.push(format!(
                        "'{}' bærer SOR-koden {code}, men SOR-enheden er lukket.",
                        ov.u.name
                    )),
                    None => self.ctx.notes.push(format!(
                        "'{}' bærer SOR-koden {code}, som ikke findes i kommunens del af SOR.",
                        ov.u.name
                    )),
                }
            }
            if found.is_none() {
                if let Some(ean) = ov.u.ean() {
                    if let Some(v) = by_ean.get(ean) {
                        if v.len() == 1 {
                            found = Some((
                                v[0],
                                "ean",
                                format!("ORG-enheden og SOR-enheden har samme EAN {ean}"),
                            ));
                        }
                    }
                }
            }
            if let Some((s, field, detail)) = found {
                if self.free(o, s) {
                    let summary = format!(
                        "Kobl '{}' til SOR '{}': {}.",
                        self.ctx.org[o].u.name, self.ctx.sor[s].e.name, detail
                    );
                    self.links.insert(o, s);
                    self.findings.push(LinkFinding {
                        o,
                        s,
                        score: DECISIVE,
                        contributions: vec![Contribution {
                            field: field.into(),
                            weight: DECISIVE,
                            detail,
                        }],
                        runner_up: None,
                        summary,
                        features: None,
                    });
                }
            }
        }
    }

    fn root_link(&mut self) {
        let (Some(root), Some(owner)) = (self.ctx.org_root, self.ctx.owner) else {
            return;
        };
        if self.free(root, owner) {
            let detail = "ORG-roden svarer til kommunen som institutionsejer i SOR".to_string();
            self.links.insert(root, owner);
            self.findings.push(LinkFinding {
                o: root,
                s: owner,
                score: DECISIVE,
                contributions: vec![Contribution {
                    field: "structure".into(),
                    weight: DECISIVE,
                    detail: detail.clone(),
                }],
                runner_up: None,
                features: None,
                summary: format!(
                    "Kobl '{}' til SOR '{}': {detail}.",
                    self.ctx.org[root].u.name, self.ctx.sor[owner].e.name
                ),
            });
        }
    }

    fn scored_row(&self, o: usize) -> Vec<Scored> {
        let w = self.ctx.input.weights;
        let mut row: Vec<Scored> = candidates(&self.ctx, &self.links, o)
            .into_iter()
            .map(|s| score_pair(&self.ctx, &self.links, w, o, s))
            .collect();
        row.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.sor.cmp(&b.sor)));
        row
    }

    /// Scored links in rounds; INAKTIV units compete for SOR entities but are never linked.
    pub fn link_rounds(&mut self) {
        for round in 0..MAX_ROUNDS {
            self.rounds = round + 1;
            let mut rows: Vec<(usize, Vec<Scored>)> = Vec::new();
            // SOR entity -> (best active claimant, its score, second active score).
            let mut column: HashMap<usize, (usize, f64, f64)> = HashMap::new();
            // SOR entity -> INAKTIV units that fit it, with their scores.
            let mut inactive_claims: HashMap<usize, Vec<(usize, f64)>> = HashMap::new();
            for o in 0..self.ctx.org.len() {
                if self.links.org_to_sor.contains_key(&o) || Some(o) == self.ctx.org_root {
                    continue;
                }
                let row = self.scored_row(o);
                if round == 0 {
                    self.candidate_pairs += row.len();
                }
                let active = self.ctx.org[o].active;
                for sc in &row {
                    if !active {
                        inactive_claims
                            .entry(sc.sor)
                            .or_default()
                            .push((o, sc.score));
                        continue;
                    }
                    let e = column.entry(sc.sor).or_insert((
                        usize::MAX,
                        f64::NEG_INFINITY,
                        f64::NEG_INFINITY,
                    ));
                    if sc.score > e.1 {
                        *e = (o, sc.score, e.1);
                    } else if sc.score > e.2 {
                        e.2 = sc.score;
                    }
                }
                if self.ctx.org[o].active && !row.is_empty() {
                    rows.push((o, row));
                }
            }
            let mut accept: Vec<(usize, usize, f64)> = Vec::new();
            for (o, row) in &rows {
                let top = &row[0];
                let runner = row.get(1).map(|r| (r.sor, r.score));
                self.best.insert(*o, (top.sor, top.score, runner));
                let row_gap = runner.map_or(f64::INFINITY, |r| top.score - r.1);
                let col = column[&top.sor];
                // Another active unit must trail by the margin; an INAKTIV unit that fits the SOR
                // entity as well means the entity is its (to be closed), not this unit's, unless
                // this unit is its re-registered successor.
                let inactive_wins = inactive_claims.get(&top.sor).is_some_and(|claims| {
                    claims.iter().any(|&(i, score)| {
                        score >= top.score && self.ctx.org[i].successor != Some(*o)
                    })
                });
                let col_ok = col.0 == *o && top.score - col.2 >= LINK_MARGIN && !inactive_wins;
                if top.score >= LINK_THRESHOLD && row_gap >= LINK_MARGIN && col_ok {
                    accept.push((*o, top.sor, top.score));
                }
            }
            if accept.is_empty() {
                break;
            }
            accept.sort_by(|a, b| b.2.total_cmp(&a.2));
            let mut rows_by_o: HashMap<usize, Vec<Scored>> = rows.into_iter().collect();
            for (o, s, _) in accept {
                if !self.free(o, s) {
                    continue;
                }
                let row = rows_by_o.remove(&o).unwrap_or_default();
                let Some(top) = row.first() else { continue };
                let runner = row.get(1).map(|r| (r.sor, r.score));
                let summary = format!(
                    "Kobl '{}' til SOR '{}' (score {}{}).",
                    self.ctx.org[o].u.name,
                    self.ctx.sor[s].e.name,
                    fmt_score(top.score),
                    match runner {
                        Some((r, rs)) => format!(
                            "; næstbedste '{}' {}",
                            self.ctx.sor[r].e.name,
                            fmt_score(rs)
                        ),
                        None => "; ingen anden kandidat".into(),
                    }
                );
                self.links.insert(o, s);
                self.best.remove(&o);
                self.findings.push(LinkFinding {
                    o,
                    s,
                    score: top.score,
                    contributions: top.contributions.clone(),
                    runner_up: runner,
                    summary,
                    features: Some(top.features.clone()),
                });
            }
        }
    }

    fn runner_up(&self, r: Option<(usize, f64)>) -> Option<RunnerUp> {
        r.map(|(s, score)| RunnerUp {
            sor_id: self.ctx.sor[s].e.sor_id.clone(),
            name: self.ctx.sor[s].e.name.clone(),
            score,
        })
    }

    /// The agreement levels of every scored link proposal: what its decision will teach.
    pub fn link_features(&self) -> Vec<LinkFeatures> {
        self.findings
            .iter()
            .filter_map(|f| {
                Some(LinkFeatures {
                    org_uuid: self.ctx.org[f.o].u.uuid.clone(),
                    sor_id: self.ctx.sor[f.s].e.sor_id.clone(),
                    features: f.features.clone()?,
                })
            })
            .collect()
    }

    /// The scored candidates of one ORG unit, best first.
    pub fn candidates_for(&self, o: usize) -> Vec<Candidate> {
        self.scored_row(o)
            .into_iter()
            .map(|sc| Candidate {
                sor_id: self.ctx.sor[sc.sor].e.sor_id.clone(),
                name: self.ctx.sor[sc.sor].e.name.clone(),
                score: sc.score,
                features: sc.features,
            })
            .collect()
    }

    pub fn link_drafts(&self) -> Vec<ProposalDraft> {
        self.findings
            .iter()
            .map(|f| ProposalDraft {
                kind: ProposalKind::Link,
                org_uuid: Some(self.ctx.org[f.o].u.uuid.clone()),
                sor_id: Some(self.ctx.sor[f.s].e.sor_id.clone()),
                score: f.score,
                explanation: Explanation {
                    summary: f.summary.clone(),
                    contributions: f.contributions.clone(),
                    runner_up: self.runner_up(f.runner_up),
                    gap: f.runner_up.map(|r| f.score - r.1),
                },
                changes: Vec::new(),
                new_unit: None,
            })
            .collect()
    }

    /// Where a new SOR unit for `o` belongs: below the SOR entity of the nearest linked ORG
    /// ancestor; when that is the owner, the institution of the same type.
    fn create_parent(&self, o: usize, type_code: Option<&str>) -> Option<usize> {
        if let Some((_, s)) = linked_ancestor(&self.ctx, &self.links, o) {
            return Some(s);
        }
        let owner = self.ctx.owner?;
        let t = type_code?;
        self.ctx.sor_children[owner]
            .iter()
            .copied()
            .find(|&i| self.ctx.sor[i].active && self.ctx.sor[i].e.type_code.as_deref() == Some(t))
    }

    /// Why an ORG unit belongs in SOR, and as what: its own KLE numbers; else (no KLE at all,
    /// not a support unit) its parent's relevance, the type of the SOR unit its parent is
    /// linked to, or the type its name says.
    fn relevance(&self, o: usize, depth: usize) -> Option<Relevance> {
        let ov = &self.ctx.org[o];
        if let Some((rule, kle)) = ov.rule {
            return Some(Relevance {
                type_code: rule.sor_type_code.clone(),
                label: rule.label.clone(),
                why: format!(
                    "KLE {kle} gør enheden relevant for SOR som '{}'",
                    rule.label
                ),
            });
        }
        if !ov.u.kle.is_empty()
            || depth > 16
            || Some(o) == self.ctx.org_root
            || is_support_name(&ov.name.folded)
        {
            return None;
        }
        let label_of = |code: &str| {
            self.ctx
                .input
                .kle_rules
                .iter()
                .find(|r| r.sor_type_code == code)
                .map_or_else(|| format!("SOR-type {code}"), |r| r.label.clone())
        };
        if let Some(p) = ov.parent {
            if let Some(r) = self.relevance(p, depth + 1) {
                return Some(Relevance {
                    why: format!(
                        "ingen KLE på enheden; den overordnede '{}' er relevant ({})",
                        self.ctx.org[p].u.name, r.label
                    ),
                    ..r
                });
            }
            if let Some(&s) = self.links.org_to_sor.get(&p) {
                if level_of(&self.ctx.sor[s]) == SorLevel::Unit {
                    let mut at = Some(s);
                    while let Some(a) = at {
                        if let Some(t) = self.ctx.sor[a].type_code {
                            return Some(Relevance {
                                type_code: t.to_string(),
                                label: label_of(t),
                                why: format!(
                                    "ingen KLE på enheden; den overordnede er koblet til SOR-enheden '{}'",
                                    self.ctx.sor[s].e.name
                                ),
                            });
                        }
                        at = self.ctx.sor[a].parent;
                    }
                }
            }
        }
        ov.name
            .types
            .iter()
            .find_map(|c| type_for_class(c))
            .map(|t| Relevance {
                type_code: t.to_string(),
                label: label_of(t),
                why: format!("ingen KLE på enheden; navnet siger '{}'", label_of(t)),
            })
    }

    fn create_draft(&self, o: usize) -> Option<ProposalDraft> {
        let ov = &self.ctx.org[o];
        if !ov.active || self.links.org_to_sor.contains_key(&o) || Some(o) == self.ctx.org_root {
            return None;
        }
        if self
            .ctx
            .input
            .rejected_creates
            .iter()
            .any(|u| u == &ov.u.uuid)
        {
            return None;
        }
        let rel = self.relevance(o, 0)?;
        let parent = self.create_parent(o, Some(rel.type_code.as_str()));
        let address = ov.u.postal().and_then(|a| {
            a.parsed
                .clone()
                .or_else(|| crate::normalize::parse_address_text(&a.text))
        });
        let best = self.best.get(&o).copied();
        let mut contributions = vec![Contribution {
            field: "kle".into(),
            weight: 0.0,
            detail: rel.why.clone(),
        }];
        let why = match best {
            Some((s, score, _)) => {
                contributions.push(Contribution {
                    field: "best_candidate".into(),
                    weight: score,
                    detail: format!(
                        "Bedste SOR-kandidat '{}' har kun score {}",
                        self.ctx.sor[s].e.name,
                        fmt_score(score)
                    ),
                });
                format!(
                    "bedste SOR-kandidat '{}' har score {}",
                    self.ctx.sor[s].e.name,
                    fmt_score(score)
                )
            }
            None => "ingen SOR-enhed ligner".into(),
        };
        Some(ProposalDraft {
            kind: ProposalKind::Create,
            org_uuid: Some(ov.u.uuid.clone()),
            sor_id: None,
            score: best.map_or(0.0, |b| b.1),
            explanation: Explanation {
                summary: format!("Opret '{}' i SOR som {}: {why}.", ov.u.name, rel.label),
                contributions,
                runner_up: best.map(|(s, score, _)| RunnerUp {
                    sor_id: self.ctx.sor[s].e.sor_id.clone(),
                    name: self.ctx.sor[s].e.name.clone(),
                    score,
                }),
                gap: None,
            },
            changes: Vec::new(),
            new_unit: Some(NewSorUnit {
                name: ov.u.name.clone(),
                type_code: Some(rel.type_code.clone()),
                address,
                parent_sor_id: parent.map(|p| self.ctx.sor[p].e.sor_id.clone()),
            }),
        })
    }

    pub fn create_drafts(&self) -> Vec<ProposalDraft> {
        (0..self.ctx.org.len())
            .filter_map(|o| self.create_draft(o))
            .collect()
    }

    pub fn delete_drafts(&self) -> Vec<ProposalDraft> {
        let kept: HashSet<&str> = self.ctx.input.kept_sor.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        for (s, sv) in self.ctx.sor.iter().enumerate() {
            if !sv.active
                || level_of(sv) != SorLevel::Unit
                || self.links.sor_to_org.contains_key(&s)
            {
                continue;
            }
            if kept.contains(sv.e.sor_id.as_str()) {
                continue;
            }
            let why = self
                .orphaned
                .get(&s)
                .cloned()
                .unwrap_or_else(|| "ingen aktiv ORG-enhed svarer til den".into());
            out.push(ProposalDraft {
                kind: ProposalKind::Delete,
                org_uuid: None,
                sor_id: Some(sv.e.sor_id.clone()),
                score: 0.0,
                explanation: Explanation {
                    summary: format!(
                        "Slet (luk) SOR-enheden '{}': {why}. Alternativet er at beholde den.",
                        sv.e.name
                    ),
                    contributions: vec![Contribution {
                        field: "org".into(),
                        weight: 0.0,
                        detail: why,
                    }],
                    runner_up: None,
                    gap: None,
                },
                changes: Vec::new(),
                new_unit: None,
            });
        }
        out
    }

    fn update_draft(&self, o: usize, s: usize, municipality: &[String]) -> Option<ProposalDraft> {
        let ov = &self.ctx.org[o];
        let sv = &self.ctx.sor[s];
        if !ov.active
            || !sv.active
            || level_of(sv) != SorLevel::Unit
            || ov.u.status != OrgStatus::Aktiv
        {
            return None;
        }
        let sor_parent = sv.parent.map(|p| &self.ctx.sor[p]);
        // SOR's inheritance: no own postal address means the parent's.
        let mut postal = sv.e.postal_address.as_ref();
        let mut at = sv.parent;
        while postal.is_none() {
            let Some(p) = at else { break };
            postal = self.ctx.sor[p].e.postal_address.as_ref();
            at = self.ctx.sor[p].parent;
        }
        let changes = material_changes(
            ov.u,
            &sv.e.name,
            sor_parent.map(|p| p.e.name.as_str()),
            postal,
            municipality,
        );
        if changes.is_empty() {
            return None;
        }
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        Some(ProposalDraft {
            kind: ProposalKind::Update,
            org_uuid: Some(ov.u.uuid.clone()),
            sor_id: Some(sv.e.sor_id.clone()),
            score: 0.0,
            explanation: Explanation {
                summary: format!(
                    "Opdatér SOR-enheden '{}' fra ORG ({}).",
                    sv.e.name,
                    fields
                        .iter()
                        .map(|f| match *f {
                            "name" => "navn",
                            "address" => "adresse",
                            other => other,
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                contributions: changes
                    .iter()
                    .map(|c| Contribution {
                        field: c.field.clone(),
                        weight: 0.0,
                        detail: format!(
                            "SOR '{}' -> ORG '{}'",
                            c.sor_value.as_deref().unwrap_or(""),
                            c.org_value.as_deref().unwrap_or("")
                        ),
                    })
                    .collect(),
                runner_up: None,
                gap: None,
            },
            changes,
            new_unit: None,
        })
    }

    fn municipality(&self) -> Vec<String> {
        self.ctx
            .owner
            .map(|o| municipality_words(&self.ctx.sor[o].e.name))
            .unwrap_or_default()
    }

    pub fn update_drafts(&self) -> Vec<ProposalDraft> {
        let m = self.municipality();
        let mut given: Vec<usize> = self.given.iter().copied().collect();
        given.sort_unstable();
        given
            .into_iter()
            .filter_map(|o| self.update_draft(o, self.links.org_to_sor[&o], &m))
            .collect()
    }

    /// Proposals for one ORG unit only, against the links given in the input.
    pub fn drafts_for_unit(&mut self, o: usize) -> Vec<ProposalDraft> {
        if let Some(&s) = self.links.org_to_sor.get(&o) {
            if self.given.contains(&o) {
                let m = self.municipality();
                return self.update_draft(o, s, &m).into_iter().collect();
            }
            return self
                .link_drafts()
                .into_iter()
                .filter(|d| d.org_uuid.as_deref() == Some(self.ctx.org[o].u.uuid.as_str()))
                .collect();
        }
        let row = self.scored_row(o);
        if let Some(top) = row.first() {
            let runner = row.get(1).map(|r| (r.sor, r.score));
            self.best.insert(o, (top.sor, top.score, runner));
            let gap = runner.map_or(f64::INFINITY, |r| top.score - r.1);
            if top.score >= LINK_THRESHOLD && gap >= LINK_MARGIN {
                let f = LinkFinding {
                    o,
                    s: top.sor,
                    score: top.score,
                    contributions: top.contributions.clone(),
                    runner_up: runner,
                    features: Some(top.features.clone()),
                    summary: format!(
                        "Kobl '{}' til SOR '{}' (score {}).",
                        self.ctx.org[o].u.name,
                        self.ctx.sor[top.sor].e.name,
                        fmt_score(top.score)
                    ),
                };
                self.findings.push(f);
                return self
                    .link_drafts()
                    .into_iter()
                    .filter(|d| d.org_uuid.as_deref() == Some(self.ctx.org[o].u.uuid.as_str()))
                    .collect();
            }
        }
        self.create_draft(o).into_iter().collect()
    }

    pub fn output(mut self, started: std::time::Instant) -> MatchOutput {
        let mut proposals = self.link_drafts();
        let link_features = self.link_features();
        proposals.extend(self.create_drafts());
        proposals.extend(self.delete_drafts());
        proposals.extend(self.update_drafts());
        for (o, ov) in self.ctx.org.iter().enumerate() {
            if !ov.active || self.links.org_to_sor.contains_key(&o) {
                continue;
            }
            if ov.u.name.trim().is_empty() {
                self.ctx.notes.push(format!(
                    "ORG-enheden {} har intet navn: navnet kan ikke sammenlignes.",
                    ov.u.uuid
                ));
            }
            if ov.rule.is_some() && ov.addresses.is_empty() {
                self.ctx.notes.push(format!(
                    "'{}' har ingen brugbar postadresse: adressen kan ikke sammenlignes, og en ny SOR-enhed får ingen adresse.",
                    ov.u.name
                ));
            }
            if let Some(&(s, score, Some((_, runner)))) = self.best.get(&o) {
                if score >= LINK_THRESHOLD && score - runner < LINK_MARGIN {
                    self.ctx.notes.push(format!(
                        "'{}' ligner både SOR '{}' og en anden SOR-enhed næsten lige meget: ingen kobling foreslået, afgør manuelt.",
                        ov.u.name, self.ctx.sor[s].e.name
                    ));
                }
            }
        }
        if self.ctx.owner.is_some() && self.ctx.sor.iter().filter(|s| s.active).count() <= 1 {
            self.ctx.notes.push(
                "Kommunens del af SOR er tom: alle relevante ORG-enheder foreslås oprettet.".into(),
            );
        }
        let active_org = self.ctx.org.iter().filter(|o| o.active).count();
        let active_sor = self.ctx.sor.iter().filter(|s| s.active).count();
        let all_pairs = (self.ctx.org.len() * active_sor) as f64;
        let stats = MatchStats {
            owner_found: self.ctx.owner.is_some(),
            owner_sor_id: self.ctx.owner.map(|o| self.ctx.sor[o].e.sor_id.clone()),
            subtree_entities: self.ctx.sor.len(),
            active_subtree_entities: active_sor,
            org_units: self.ctx.org.len(),
            active_org_units: active_org,
            relevant_org_units: self
                .ctx
                .org
                .iter()
                .filter(|o| o.active && o.rule.is_some())
                .count(),
            candidate_pairs: self.candidate_pairs,
            reduction_ratio: if all_pairs > 0.0 {
                1.0 - self.candidate_pairs as f64 / all_pairs
            } else {
                1.0
            },
            decisive_links: self.findings.iter().filter(|f| f.score >= DECISIVE).count(),
            rounds: self.rounds,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        };
        MatchOutput {
            proposals,
            link_features,
            notes: self.ctx.notes,
            stats,
        }
    }
}
