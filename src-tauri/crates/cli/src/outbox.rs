//! `sorkomp outbox`: the SOR worklist on the command line.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use sorkomp_api::{Api, ApiError, OutboxStatus, WorklistFormat};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OutboxArgs {
    /// Only items with this status.
    #[arg(long, value_enum)]
    status: Option<OutboxStatusArg>,
    #[arg(long)]
    json: bool,
    #[command(subcommand)]
    command: Option<OutboxCommand>,
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Mark an item as made in SOR (or, with --undo, as not made after all).
    Done {
        id: i64,
        #[arg(long)]
        undo: bool,
    },
    /// Write the worklist as CSV (Danish Excel), XLSX or printable HTML.
    Export {
        #[arg(long, value_enum)]
        format: WorklistFormatArg,
        #[arg(long)]
        out: PathBuf,
        /// Only items with this status.
        #[arg(long, value_enum)]
        status: Option<OutboxStatusArg>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutboxStatusArg {
    Pending,
    Done,
    Confirmed,
    Withdrawn,
}

impl From<OutboxStatusArg> for OutboxStatus {
    fn from(s: OutboxStatusArg) -> Self {
        match s {
            OutboxStatusArg::Pending => OutboxStatus::Pending,
            OutboxStatusArg::Done => OutboxStatus::Done,
            OutboxStatusArg::Confirmed => OutboxStatus::Confirmed,
            OutboxStatusArg::Withdrawn => OutboxStatus::Withdrawn,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum WorklistFormatArg {
    Csv,
    Xlsx,
    Html,
}

pub fn run(api: Api, args: OutboxArgs) -> Result<(), ApiError> {
    match args.command {
        None => {
            let items = api.outbox(args.status.map(Into::into))?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&items)?);
                return Ok(());
            }
            for v in &items {
                println!("{:>5}  {:<15} {}", v.id, v.status.label(), v.title);
                for f in &v.fields {
                    println!("         {}: {}", f.label, f.value);
                }
            }
            println!(
                "{} {} på SOR-arbejdslisten",
                items.len(),
                if items.len() == 1 {
                    "opgave"
                } else {
                    "opgaver"
                }
            );
        }
        Some(OutboxCommand::Done { id, undo }) => {
            let v = api.mark_outbox_done(id, !undo)?;
            println!("Opgave {} er nu «{}»: {}", v.id, v.status.label(), v.title);
        }
        Some(OutboxCommand::Export {
            format,
            out,
            status,
        }) => {
            let format = match format {
                WorklistFormatArg::Csv => WorklistFormat::Csv,
                WorklistFormatArg::Xlsx => WorklistFormat::Xlsx,
                WorklistFormatArg::Html => WorklistFormat::Html,
            };
            let status = status.map(Into::into);
            let r = api.export_outbox(format, status, &out)?;
            println!(
                "{} {} skrevet til {}.",
                r.rows,
                if r.rows == 1 { "opgave" } else { "opgaver" },
                r.path
            );
        }
    }
    Ok(())
}
