//! Reading a KLE relevance table from a JSON file for `sorkomp kle-rules --set`.

use std::path::Path;

use sorkomp_api::ApiError;
use sorkomp_model::KleRule;

/// A JSON array of `{"kle_prefix", "sor_type_code", "label"}` objects, in the order to apply.
pub fn read_rules(path: &Path) -> Result<Vec<KleRule>, ApiError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ApiError::new(
            "io",
            format!("Kan ikke læse KLE-tabellen {}: {e}", path.display()),
        )
    })?;
    serde_json::from_str(&text).map_err(|e| {
        ApiError::new(
            "invalid_kle_rule",
            format!(
                "{} linje {}: ikke en KLE-tabel (en JSON-liste af {{\"kle_prefix\", \"sor_type_code\", \"label\"}}): {e}",
                path.display(),
                e.line()
            ),
        )
    })
}
