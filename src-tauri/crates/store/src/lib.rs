//! The local SQLite cache of SOR-komponent.
//!
//! One file in WAL mode (and the SOR snapshot in a file of its own beside it, see
//! `sor_snapshot`), schema created and upgraded by embedded forward-only migrations, each
//! applied all-or-nothing. Every mutation that matters to the administrator appends a row to the
//! hash-chained change log in the same transaction as the change itself.
//!
//! The store takes the time of each mutation as a parameter (`now`): it never reads the clock.

mod change_log;
mod error;
mod open;
mod org;
mod outbox;
mod proposals;
mod sor_import;
mod sor_snapshot;

pub use change_log::{verify_chain, LogEntry, LogQuery, NewLogEntry, GENESIS_HASH};
pub use error::StoreError;
pub use open::{Store, SCHEMA_VERSION};
pub use org::OrgImportSummary;
pub use outbox::{OutboxConfirmation, OutboxItem};
pub use proposals::{
    ApprovalChoice, BatchOutcome, Link, ProposalQuery, ProposalRow, ReconcileSummary,
};
pub use sor_import::{SorImport, SorImportSummary};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
