//! `sor-komponent`: opens the store, loads the demo municipality into an empty one, and shows
//! the window. A store that cannot be opened ends the program with a message and exit code 2.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use sor_komponent_lib::{builder, context};
use sorkomp_api::{Api, ApiError};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TITLE: &str = "SOR-komponent kan ikke starte";

fn main() -> ExitCode {
    let api = match open() {
        Ok(api) => api,
        Err(error) => {
            report(&error);
            return ExitCode::from(2);
        }
    };
    match builder(api).run(context::<tauri::Wry>()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{TITLE}: vinduet kunne ikke åbnes: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The store at `$SORKOMP_DB` or the app-data directory, with the demo municipality in it
/// when it is empty (a first start).
fn open() -> Result<Api, ApiError> {
    let api = Api::open_default()?;
    if api.is_empty()? {
        api.load_demo()?;
    }
    Ok(api)
}

/// Tell the administrator why the app stops: on stderr always, and in a native message box
/// when there is a display to show it on.
fn report(error: &ApiError) {
    eprintln!("{TITLE}: {} ({})", error.message, error.code);
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if has_display {
        rfd::MessageDialog::new()
            .set_level(rfd::MessageLevel::Error)
            .set_title(TITLE)
            .set_description(&error.message)
            .set_buttons(rfd::MessageButtons::Ok)
            .show();
    }
}
