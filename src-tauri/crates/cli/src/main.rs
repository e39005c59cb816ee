//! `sorkomp`: SOR-komponent on the command line. The same API as the window; a contract for
//! scripts and evaluations, so commands are extended, never renamed.

mod kle_file;
mod tables;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sorkomp_api::{Api, ApiError, ExportFormat, ProposalQuery};
use sorkomp_model::{ProposalKind, ProposalStatus};

#[derive(Parser)]
#[command(
    name = "sorkomp",
    version,
    about = "SOR-komponent: holder kommunens SOR-registreringer i trit med FK Organisation"
)]
struct Cli {
    /// The database file (default: $SORKOMP_DB, else the platform's app-data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set the municipality this database serves.
    Init {
        #[arg(long)]
        cvr: String,
    },
    /// Import a SOR XML export (v1 or v2, plain or zipped).
    ImportSor { file: PathBuf },
    /// Import saved FK Organisation GraphQL response pages (files or folders).
    ImportOrg {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Match ORG units to SOR and refresh the proposals.
    Match {
        #[arg(long)]
        json: bool,
    },
    /// List proposals.
    Proposals {
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long)]
        json: bool,
    },
    /// Approve a proposal.
    Approve { id: i64 },
    /// Reject a proposal.
    Reject {
        id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Link an ORG unit to a SOR entity by hand.
    Link { org_uuid: String, sor_id: String },
    /// The change log.
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Counts of SOR entities, ORG units and proposals.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Load the bundled demo municipality (Korsbæk).
    Demo,
    /// Set the administrator's name or initials recorded on decisions.
    Who { name: String },
    /// The KLE relevance table (earlier rows win); --set replaces it from a JSON file.
    KleRules {
        #[arg(long)]
        json: bool,
        /// A JSON list of {"kle_prefix", "sor_type_code", "label"} in the order to apply.
        #[arg(long, value_name = "FILE.json")]
        set: Option<PathBuf>,
    },
    /// The matcher's field weights: shipped and learnt from approved and rejected links.
    Weights {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Export the whole change log.
    Export {
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an exported log file's hash chain.
    Verify { file: PathBuf },
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    New,
    Approved,
    Rejected,
    Withdrawn,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Link,
    Create,
    Delete,
    Update,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sorkomp: fejl ({}): {}", e.code, e.message);
            ExitCode::FAILURE
        }
    }
}

fn open(db: Option<PathBuf>) -> Result<Api, ApiError> {
    match db {
        Some(path) => Api::open(&path),
        None => Api::open_default(),
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), ApiError> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn run(cli: Cli) -> Result<(), ApiError> {
    let db = cli.db;
    let api = || open(db.clone());
    match cli.command {
        Command::Init { cvr } => {
            api()?.init(&cvr)?;
            println!("Kommunen er sat til CVR {cvr}.");
        }
        Command::ImportSor { file } => println!("{}", api()?.import_sor_file(&file)?.summary),
        Command::ImportOrg { paths } => println!("{}", api()?.import_org_paths(&paths)?.summary),
        Command::Match { json } => {
            let r = api()?.run_match()?;
            if json {
                print_json(&r)?;
            } else {
                println!(
                    "Matchkørsel: {} nye forslag, {} opdaterede, {} uændrede, {} trukket tilbage ({} ms)",
                    r.added, r.updated, r.unchanged, r.withdrawn, r.millis
                );
                for note in &r.notes {
                    println!("  Bemærk: {note}");
                }
            }
        }
        Command::Proposals { status, kind, json } => {
            let q = ProposalQuery {
                status: status.map(|s| match s {
                    StatusArg::New => ProposalStatus::New,
                    StatusArg::Approved => ProposalStatus::Approved,
                    StatusArg::Rejected => ProposalStatus::Rejected,
                    StatusArg::Withdrawn => ProposalStatus::Withdrawn,
                }),
                kind: kind.map(|k| match k {
                    KindArg::Link => ProposalKind::Link,
                    KindArg::Create => ProposalKind::Create,
                    KindArg::Delete => ProposalKind::Delete,
                    KindArg::Update => ProposalKind::Update,
                }),
                text: None,
            };
            let proposals = api()?.proposals(&q)?;
            if json {
                print_json(&proposals)?;
            } else {
                for p in &proposals {
                    let org = p.org.as_ref().map(|o| o.name.as_str()).unwrap_or("Ukendt");
                    let sor = p.sor.as_ref().map(|s| s.name.as_str()).unwrap_or("Ukendt");
                    println!(
                        "{:>5}  {:<7} {:<9} {:>6.1}  {org} | {sor}",
                        p.id,
                        p.kind.as_str(),
                        p.status.as_str(),
                        p.score
                    );
                }
                println!("{} forslag", proposals.len());
            }
        }
        Command::Approve { id } => {
            let p = api()?.approve(id)?;
            println!("Forslag {} er godkendt.", p.id);
        }
        Command::Reject { id, reason } => {
            let p = api()?.reject(id, reason)?;
            println!("Forslag {} er afvist.", p.id);
        }
        Command::Link { org_uuid, sor_id } => {
            api()?.link(&org_uuid, &sor_id)?;
            println!("ORG {org_uuid} er koblet til SOR {sor_id}.");
        }
        Command::Log {
            command: LogCommand::Export { format, out },
        } => {
            let format = match format {
                FormatArg::Csv => ExportFormat::Csv,
                FormatArg::Json => ExportFormat::Json,
            };
            let r = api()?.export_log(format, &out)?;
            println!(
                "{} logrækker skrevet til {}. Sidste hash: {}",
                r.rows, r.path, r.head_hash
            );
        }
        Command::Log {
            command: LogCommand::Verify { file },
        } => {
            let head = sorkomp_api::verify_export(&file)?;
            println!("Loggen i {} er intakt. Sidste hash: {head}", file.display());
        }
        Command::Stats { json } => {
            let s = api()?.stats()?;
            if json {
                print_json(&s)?;
            } else {
                println!(
                    "SOR: {} ejere, {} institutioner, {} enheder",
                    s.sor_owners, s.sor_institutions, s.sor_units
                );
                println!(
                    "FK Organisation: {} aktive, {} inaktive enheder",
                    s.org_active, s.org_inactive
                );
                println!("Koblinger: {}", s.links);
                for (kind, per) in &s.proposals {
                    let parts: Vec<String> =
                        per.iter().map(|(st, n)| format!("{st} {n}")).collect();
                    println!("Forslag {kind}: {}", parts.join(", "));
                }
            }
        }
        Command::Demo => {
            let r = api()?.load_demo()?;
            println!("Demo-kommunen Korsbæk er indlæst: {} nye forslag.", r.added);
        }
        Command::KleRules { json, set } => {
            let api = api()?;
            let rules = match set {
                Some(path) => api.set_kle_rules(kle_file::read_rules(&path)?)?,
                None => api.kle_rules()?,
            };
            if json {
                print_json(&rules)?;
            } else {
                tables::print_kle_rules(&rules);
            }
        }
        Command::Weights { json } => {
            let w = api()?.learned_weights()?;
            if json {
                print_json(&w)?;
            } else {
                tables::print_weights(&w);
            }
        }
        Command::Who { name } => {
            api()?.set_who(&name)?;
            println!("Beslutninger registreres nu med «{}».", name.trim());
        }
    }
    Ok(())
}
