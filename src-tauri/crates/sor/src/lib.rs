//! SOR XML export: streaming parser and download.
//!
//! [`read_entities`] / [`read_file`] stream SOR's `Sor.xml` (format 1 or 2, plain or zipped) as
//! [`sorkomp_model::SorEntity`] values with SOR's inheritance rules applied; [`download`] fetches
//! the export over HTTPS; [`parse_beside`] runs a parse on its own thread while the caller
//! consumes the entities. Nothing here knows about the store or the window.

mod download;
mod error;
mod input;
mod open;
mod parse;
mod pipeline;
pub mod synth;
#[cfg(feature = "test-server")]
pub mod test_server;

pub use download::{
    check_url, download, CacheValidators, DownloadOptions, DownloadOutcome, DEFAULT_SOR_URL,
};
pub use error::{Location, SorError};
pub use open::read_file;
pub use parse::{read_entities, SorFormat, SorHeader, NS_SOR_V1, NS_SOR_V2};
pub use pipeline::parse_beside;
