//! `sorkomp config-fk` and `sorkomp sync-org`: the FK Organisation connection and the live sync.

use std::path::PathBuf;

use sorkomp_api::{Api, ApiError, FkSettings};

/// Environment variable holding the certificate password (else it is asked for without echo).
pub const PASSWORD_ENV: &str = "SORKOMP_CERT_PASSWORD";

pub struct ConfigArgs {
    pub environment: String,
    pub client_id: String,
    pub certificate: PathBuf,
    pub token_url: Option<String>,
    pub graphql_url: Option<String>,
    pub extra_ca: Option<PathBuf>,
}

pub fn config_fk(api: &Api, a: ConfigArgs) -> Result<(), ApiError> {
    let absolute =
        |p: PathBuf| -> String { std::path::absolute(&p).unwrap_or(p).display().to_string() };
    let settings = FkSettings {
        environment: a.environment,
        token_url: a.token_url,
        graphql_url: a.graphql_url,
        client_id: a.client_id,
        certificate_path: absolute(a.certificate),
        extra_ca_path: a.extra_ca.map(absolute),
    };
    api.set_fk_settings(&settings)?;
    let saved = api.fk_settings()?.unwrap_or(settings);
    println!(
        "Forbindelsen til FK Organisation er gemt: miljø {}, klient-id {}, certifikat {}.",
        saved.environment, saved.client_id, saved.certificate_path
    );
    Ok(())
}

pub fn sync_org(api: &Api) -> Result<(), ApiError> {
    if api.fk_settings()?.is_some() && !api.certificate_unlocked() {
        api.unlock_certificate(password()?)?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new("runtime", format!("Kan ikke starte netværksdelen: {e}")))?;
    let report = runtime.block_on(api.sync_org(&|p| eprintln!("{}", p.stage)))?;
    println!("{}", report.summary);
    Ok(())
}

fn password() -> Result<String, ApiError> {
    if let Some(p) = std::env::var_os(PASSWORD_ENV).filter(|p| !p.is_empty()) {
        return p.into_string().map_err(|_| {
            ApiError::new(
                "no_password",
                format!("{PASSWORD_ENV} indeholder tegn, der ikke er UTF-8."),
            )
        });
    }
    rpassword::prompt_password("Adgangskode til funktionscertifikatet: ").map_err(|e| {
        ApiError::new(
            "no_password",
            format!("Kan ikke spørge om certifikatets adgangskode ({e}). Sæt {PASSWORD_ENV} eller kør sorkomp i en terminal."),
        )
    })
}

/// `sorkomp quality`: the "Klargør data i FK Organisation" list, as text, JSON or a CSV file.
pub fn quality(api: &Api, json: bool, out: Option<PathBuf>) -> Result<(), ApiError> {
    if let Some(out) = out {
        let n = api.export_quality(&out)?;
        println!("{n} opgaver skrevet til {}.", out.display());
        return Ok(());
    }
    let tasks = api.quality_tasks()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&tasks)?);
        return Ok(());
    }
    for t in &tasks {
        let place = if t.path.is_empty() {
            String::new()
        } else {
            format!(" ({})", t.path)
        };
        println!("{}{place}: {}: {}", t.unit_name, t.field, t.problem);
    }
    println!("{} opgaver at rette i FK Organisation", tasks.len());
    Ok(())
}
