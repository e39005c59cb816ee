//! `sor-gen OUT.xml N [SEED]`: writes a deterministic national-size SOR export (format 2)
//! with exactly N entities, for benchmarks.

use std::fs::File;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(out), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("brug: sor-gen UD.xml ANTAL [FRØ]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2025);
    let result = File::create(out).and_then(|f| sorkomp_sor::synth::write_national(f, n, seed));
    match result {
        Ok(c) => {
            println!(
                "{out}: {} enheder ({} ejere, {} institutioner, {} organisatoriske enheder)",
                c.total(),
                c.owners,
                c.institutions,
                c.units
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sor-gen: kan ikke skrive {out}: {e}");
            ExitCode::FAILURE
        }
    }
}
