//! FK Organisation read side: the OrganisationHent GraphQL client (certificate-based token),
//! the response-page parser shared by the live sync and the offline import, the data-quality
//! checks ("Klargør data i FK Organisation") and the snapshot diff.
//!
//! Nothing here depends on Tauri, and nothing here writes to disk: storing is the store's job.

mod client;
mod diff;
mod error;
mod page;
mod quality;
mod snapshot;
pub mod synth;
#[cfg(feature = "test-server")]
pub mod test_server;

pub use client::{
    ClientCertificate, Environment, FetchProgress, FkOrgClient, FkOrgConfig, RetryPolicy,
    ORGANISATION_ENTITY_ID, PRODUCTION_GRAPHQL_URL, PRODUCTION_TOKEN_URL, TEST_GRAPHQL_URL,
    TEST_TOKEN_URL, UNIT_LIST_QUERY,
};
pub use diff::diff_snapshots;
pub use error::FkOrgError;
pub use page::{parse_page, OrgPage, MAX_PAGE_BYTES, MAX_TEXT_CHARS};
pub use quality::{is_valid_ean, is_valid_sor_id, quality_issues, QualityCode, QualityIssue};
pub use secrecy::SecretString;
pub use snapshot::{load_saved, OrgSnapshot};
