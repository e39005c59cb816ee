//! The decision commands: undo, unlink, only-in-sor, rules, bulk-approve and the log listing.

use clap::{Args, ValueEnum};
use sorkomp_api::{Api, ApiError, ApprovalEdit, LogQuery};
use sorkomp_model::{ChangeSource, ProposalKind};

use crate::print_json;

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum SourceArg {
    Sync,
    Matcher,
    User,
    Rule,
}

/// Filters of `sorkomp log` (the listing).
#[derive(Args)]
pub(crate) struct LogListArgs {
    /// First day (YYYY-MM-DD, Danish local time) or time (RFC 3339), inclusive.
    #[arg(long)]
    from: Option<String>,
    /// Last day (YYYY-MM-DD, Danish local time) or time (RFC 3339), inclusive.
    #[arg(long)]
    to: Option<String>,
    /// Only rows about this unit (ORG uuid or SOR id).
    #[arg(long)]
    unit: Option<String>,
    #[arg(long, value_enum)]
    source: Option<SourceArg>,
    /// Only this action, e.g. approve, reject, undo, unlink.
    #[arg(long)]
    action: Option<String>,
    /// Text in the summary, action, unit id or who.
    #[arg(long)]
    text: Option<String>,
    #[arg(long)]
    limit: Option<u32>,
    #[arg(long)]
    offset: Option<u32>,
    #[arg(long)]
    json: bool,
}

pub(crate) fn approve(api: &Api, id: i64, fields: Option<Vec<String>>) -> Result<(), ApiError> {
    match fields {
        None => {
            let p = api.approve(id)?;
            println!("Forslag {} er godkendt.", p.id);
        }
        Some(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .collect();
            let p = api.approve_edited(
                id,
                &ApprovalEdit {
                    fields: Some(fields.clone()),
                    new_unit: None,
                },
            )?;
            println!(
                "Forslag {} er godkendt for feltet/felterne: {}.",
                p.id,
                fields.join(", ")
            );
        }
    }
    Ok(())
}

pub(crate) fn undo(api: &Api, log_id: i64, reason: Option<String>) -> Result<(), ApiError> {
    let row = api.undo(log_id, reason)?;
    println!("Logrække {log_id} er fortrudt (logrække {}).", row.id);
    Ok(())
}

pub(crate) fn only_in_sor(
    api: &Api,
    sor_id: Option<String>,
    remove: bool,
    reason: Option<String>,
    json: bool,
) -> Result<(), ApiError> {
    if let Some(id) = sor_id {
        api.set_only_in_sor(&id, !remove, reason)?;
        if remove {
            println!("SOR-enheden {id} er ikke længere markeret som kun i SOR.");
        } else {
            println!("SOR-enheden {id} er markeret som kun i SOR: den beholdes og foreslås ikke slettet.");
        }
        return Ok(());
    }
    let rows = api.only_in_sor()?;
    if json {
        return print_json(&rows);
    }
    for r in &rows {
        println!("{:<16} {}", r.sor_id, r.name);
    }
    println!("{} SOR-enheder findes kun i SOR", rows.len());
    Ok(())
}

pub(crate) fn rules(api: &Api, set: Option<String>, json: bool) -> Result<(), ApiError> {
    let rules = match set {
        Some(s) => {
            let (key, mode) = s.split_once('=').ok_or_else(|| {
                ApiError::new(
                    "invalid_argument",
                    format!("--set skal have formen NØGLE=auto eller NØGLE=manual, ikke «{s}»."),
                )
            })?;
            let automatic = match mode.trim() {
                "auto" => true,
                "manual" => false,
                other => {
                    return Err(ApiError::new(
                        "invalid_argument",
                        format!("--set {key}=…: skriv auto eller manual, ikke «{other}»."),
                    ))
                }
            };
            api.set_rule(key, automatic)?
        }
        None => api.rules()?,
    };
    if json {
        return print_json(&rules);
    }
    for r in &rules {
        let mode = if r.automatic { "automatisk" } else { "manuel" };
        println!("{:<20} {:<10} {}: {}", r.key, mode, r.label, r.description);
    }
    Ok(())
}

pub(crate) fn bulk_approve(
    api: &Api,
    min_score: f64,
    kind: Option<ProposalKind>,
    yes: bool,
    json: bool,
) -> Result<(), ApiError> {
    let items = api.bulk_preview(min_score, kind)?;
    if !yes {
        if json {
            return print_json(&items);
        }
        for i in &items {
            println!("{:>5}  {:>6.1}  {}", i.id, i.score, i.description);
        }
        println!(
            "{} forslag vil blive godkendt. Kør igen med --yes for at godkende dem.",
            items.len()
        );
        return Ok(());
    }
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let report = api.bulk_approve(&ids)?;
    if json {
        return print_json(&report);
    }
    println!("{} forslag er godkendt.", report.approved);
    for s in &report.skipped {
        println!("  Sprunget over: {s}");
    }
    Ok(())
}

pub(crate) fn log_list(api: &Api, args: LogListArgs) -> Result<(), ApiError> {
    let page = api.log_page(&LogQuery {
        source: args.source.map(|s| match s {
            SourceArg::Sync => ChangeSource::Sync,
            SourceArg::Matcher => ChangeSource::Matcher,
            SourceArg::User => ChangeSource::User,
            SourceArg::Rule => ChangeSource::Rule,
        }),
        entity_id: args.unit,
        action: args.action,
        text: args.text,
        from: args.from,
        to: args.to,
        limit: args.limit,
        offset: args.offset,
    })?;
    if args.json {
        return print_json(&page);
    }
    for r in &page.rows {
        let e = &r.entry;
        println!(
            "{:>6}  {}  {:<7} {:<14} {}{}",
            e.id,
            e.at,
            e.source,
            e.who,
            e.summary,
            if r.undoable { "  [kan fortrydes]" } else { "" }
        );
    }
    println!("{} af {} logrækker", page.rows.len(), page.total);
    Ok(())
}
