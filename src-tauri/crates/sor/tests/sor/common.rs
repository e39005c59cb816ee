//! Shared helpers: where the reference data is, and parsing into a Vec.

use std::path::PathBuf;

use sorkomp_model::SorEntity;
use sorkomp_sor::{read_entities, SorError, SorHeader};

/// `shared/data` beside the repository (the CI clone gets a copy there too).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/data")
}

pub fn sample(name: &str) -> Vec<u8> {
    let path = data_dir().join("reference/sor-samples").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reference sample {path:?} must exist: {e}"))
}

pub const V2_SAMPLE: &str = "TheoAndersen-sor_producer_kafka_spike_Sor_small.xml";
pub const V1_SYGEHUS: &str = "trifork-sdm_ONE_SYGEHUS.xml";
pub const V1_APOTEK: &str = "trifork-sdm_ONE_APOTEK.xml";
pub const V1_PRAKSIS: &str = "trifork-sdm_ONE_PRAKSIS.xml";

pub fn parse_bytes(bytes: &[u8]) -> Result<(SorHeader, Vec<SorEntity>), SorError> {
    let mut all = Vec::new();
    let header = read_entities(bytes, "Sor.xml", |e| {
        all.push(e);
        Ok(())
    })?;
    Ok((header, all))
}

pub fn by_id<'a>(all: &'a [SorEntity], id: &str) -> &'a SorEntity {
    all.iter()
        .find(|e| e.sor_id == id)
        .unwrap_or_else(|| panic!("entity {id} should have been read"))
}

/// 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> u64 {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} should be in the text"));
    text[..at].matches('\n').count() as u64 + 1
}

/// Hands out at most `step` bytes per read, as a pipe or a zip entry may.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

pub fn read_trickled(bytes: &[u8], step: usize) -> Result<(SorHeader, Vec<SorEntity>), SorError> {
    let mut all = Vec::new();
    let header = read_entities(Trickle { data: bytes, step }, "Sor.xml", |e| {
        all.push(e);
        Ok(())
    })?;
    Ok((header, all))
}
