//! Plain-text tables for the terminal: what the matcher learnt and the KLE table.

use sorkomp_api::WeightsView;
use sorkomp_model::KleRule;

fn num(x: f64) -> String {
    format!("{x:+.2}").replace('.', ",")
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0).replace('.', ",")
}

/// One row per field and level: shipped and learnt m, u and weight, and the decisions seen.
pub fn print_weights(w: &WeightsView) {
    println!(
        "Lært af {} afgjorte koblingsforslag ({} godkendte, {} afviste).",
        w.decisions, w.approved, w.rejected
    );
    println!(
        "{:<18} {:<34} {:>9} {:>9} {:>7}   {:>9} {:>9} {:>7}   {:>5} {:>5}",
        "Felt",
        "Niveau",
        "m (std)",
        "u (std)",
        "vægt",
        "m (lært)",
        "u (lært)",
        "vægt",
        "godk",
        "afv"
    );
    for r in &w.rows {
        println!(
            "{:<18} {:<34} {:>9} {:>9} {:>7}   {:>9} {:>9} {:>7}   {:>5} {:>5}",
            r.field_label,
            r.level_label,
            pct(r.default_m),
            pct(r.default_u),
            num(r.default_weight),
            pct(r.learnt_m),
            pct(r.learnt_u),
            num(r.learnt_weight),
            r.approved,
            r.rejected
        );
    }
}

/// The KLE relevance table in the order it is applied (earlier rows win).
pub fn print_kle_rules(rules: &[KleRule]) {
    println!("{:<4} {:<12} {:<18} Betegnelse", "Nr.", "KLE", "SOR-type");
    for (i, r) in rules.iter().enumerate() {
        println!(
            "{:<4} {:<12} {:<18} {}",
            i + 1,
            r.kle_prefix,
            r.sor_type_code,
            r.label
        );
    }
    println!("{} regler", rules.len());
}
