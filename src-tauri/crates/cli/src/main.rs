//! `sorkomp`: SOR-komponent on the command line. The same API as the window; a contract for
//! scripts and evaluations, so commands are extended, never renamed.

mod decisions;
mod kle_file;
mod org;
mod outbox;
mod tables;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sorkomp_api::{Api, ApiError, ExportFormat, ProposalQuery};
use sorkomp_model::{ProposalKind, ProposalStatus};

mod sor_download;

/// `sorkomp log | head`: when the reader closes the pipe, end quietly as other command-line
/// tools do (the default for SIGPIPE), instead of Rust's default of ignoring the signal and
/// panicking in `println!`.
fn quiet_when_the_reader_leaves() {
    #[cfg(unix)]
    // SAFETY: called first in `main`, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Import a SOR XML export (v1 or v2, plain or zipped) from a file, or download it from an
    /// https:// URL; `--download` fetches the configured URL (`sorkomp sor-url`) or the public one.
    /// The server certificate is always verified; SORKOMP_EXTRA_CA_PEM=FILE.pem adds trusted
    /// root certificates (a proxy's own CA).
    ImportSor {
        #[arg(required_unless_present = "download", conflicts_with = "download")]
        source: Option<String>,
        #[arg(long)]
        download: bool,
    },
    /// Set the URL "import-sor --download" and the window fetch SOR data from (https://).
    SorUrl { url: String },
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
    /// Approve a proposal (an update: only the chosen fields with --fields name,address).
    Approve {
        id: i64,
        #[arg(long, value_delimiter = ',')]
        fields: Option<Vec<String>>,
    },
    /// Undo the decision recorded in a change-log row.
    Undo {
        log_id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// End the link between an ORG unit and a SOR unit.
    Unlink {
        org_uuid: String,
        sor_id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Mark a SOR unit as existing only in SOR (kept, never proposed for deletion); without
    /// SOR_ID: list the marked units.
    OnlyInSor {
        sor_id: Option<String>,
        #[arg(long)]
        remove: bool,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The decision rules (automatic or manual approval per kind).
    Rules {
        #[arg(long)]
        json: bool,
        /// KEY=auto or KEY=manual.
        #[arg(long, value_name = "KEY=auto|manual")]
        set: Option<String>,
    },
    /// Approve the open proposals with at least the given score; without --yes only the
    /// preview is printed.
    BulkApprove {
        #[arg(long)]
        min_score: f64,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// Reject a proposal.
    Reject {
        id: i64,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Link an ORG unit to a SOR entity by hand.
    Link { org_uuid: String, sor_id: String },
    /// The change log: a listing (filters below), or `export` / `verify`.
    Log {
        #[command(subcommand)]
        command: Option<LogCommand>,
        #[command(flatten)]
        list: decisions::LogListArgs,
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
    /// The SOR worklist: approved changes to make in SOR (list, mark done, export).
    Outbox(outbox::OutboxArgs),
    /// Set up the connection to FK Organisation (the certificate's password is never stored).
    ConfigFk {
        /// "test" or "produktion".
        #[arg(long)]
        environment: String,
        #[arg(long)]
        client_id: String,
        /// The function certificate: PKCS#12 (.p12/.pfx) or PEM with its private key.
        #[arg(long)]
        certificate: PathBuf,
        #[arg(long)]
        token_url: Option<String>,
        #[arg(long)]
        graphql_url: Option<String>,
        /// Extra trusted root certificate (PEM).
        #[arg(long)]
        extra_ca: Option<PathBuf>,
    },
    /// Fetch FK Organisation now (password from $SORKOMP_CERT_PASSWORD or asked for).
    SyncOrg,
    /// What to fix in FK Organisation before SOR can follow it ("Klargør data").
    Quality {
        #[arg(long)]
        json: bool,
        /// Write the list as CSV for Excel instead.
        #[arg(long, value_name = "FILE.csv")]
        out: Option<PathBuf>,
    },
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
    /// Check an exported log file's hash chain (CSV, XLSX or JSON).
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

impl KindArg {
    fn kind(self) -> ProposalKind {
        match self {
            KindArg::Link => ProposalKind::Link,
            KindArg::Create => ProposalKind::Create,
            KindArg::Delete => ProposalKind::Delete,
            KindArg::Update => ProposalKind::Update,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Xlsx,
    Json,
}

fn main() -> ExitCode {
    quiet_when_the_reader_leaves();
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
        Command::ImportSor { source, download } => {
            println!(
                "{}",
                sor_download::import_sor(&api()?, source, download)?.summary
            )
        }
        Command::SorUrl { url } => {
            api()?.set_sor_url(&url)?;
            println!("SOR-data hentes fremover fra {}", url.trim());
        }
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
                if r.auto_approved > 0 {
                    println!("  Godkendt af regler: {} forslag", r.auto_approved);
                }
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
                kind: kind.map(KindArg::kind),
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
        Command::Approve { id, fields } => decisions::approve(&api()?, id, fields)?,
        Command::Undo { log_id, reason } => decisions::undo(&api()?, log_id, reason)?,
        Command::Unlink {
            org_uuid,
            sor_id,
            reason,
        } => {
            api()?.unlink(&org_uuid, &sor_id, reason)?;
            println!("Koblingen ORG {org_uuid} ↔ SOR {sor_id} er fjernet.");
        }
        Command::OnlyInSor {
            sor_id,
            remove,
            reason,
            json,
        } => decisions::only_in_sor(&api()?, sor_id, remove, reason, json)?,
        Command::Rules { json, set } => decisions::rules(&api()?, set, json)?,
        Command::BulkApprove {
            min_score,
            kind,
            yes,
            json,
        } => decisions::bulk_approve(&api()?, min_score, kind.map(KindArg::kind), yes, json)?,
        Command::Log {
            command: None,
            list,
        } => decisions::log_list(&api()?, list)?,
        Command::Reject { id, reason } => {
            let p = api()?.reject(id, reason)?;
            println!("Forslag {} er afvist.", p.id);
        }
        Command::Link { org_uuid, sor_id } => {
            api()?.link(&org_uuid, &sor_id)?;
            println!("ORG {org_uuid} er koblet til SOR {sor_id}.");
        }
        Command::Log {
            command: Some(LogCommand::Export { format, out }),
            ..
        } => {
            let format = match format {
                FormatArg::Csv => ExportFormat::Csv,
                FormatArg::Xlsx => ExportFormat::Xlsx,
                FormatArg::Json => ExportFormat::Json,
            };
            let r = api()?.export_log(format, &out)?;
            println!(
                "{} logrækker skrevet til {}. Sidste hash: {}",
                r.rows, r.path, r.head_hash
            );
        }
        Command::Log {
            command: Some(LogCommand::Verify { file }),
            ..
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
        Command::ConfigFk {
            environment,
            client_id,
            certificate,
            token_url,
            graphql_url,
            extra_ca,
        } => org::config_fk(
            &api()?,
            org::ConfigArgs {
                environment,
                client_id,
                certificate,
                token_url,
                graphql_url,
                extra_ca,
            },
        )?,
        Command::SyncOrg => org::sync_org(&api()?)?,
        Command::Quality { json, out } => org::quality(&api()?, json, out)?,
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
        Command::Outbox(args) => outbox::run(api()?, args)?,
    }
    Ok(())
}
