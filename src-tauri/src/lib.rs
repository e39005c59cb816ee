//! The SOR-komponent window: a thin Tauri shell around [`sorkomp_api::Api`].
//!
//! [`builder`] is generic over the runtime so that the real window (wry) and the mock-runtime
//! tests run the same setup: the managed `Api`, the dialog plugin, and the commands of
//! `command_list.rs`.

pub mod commands;

include!("command_list.rs");

use sorkomp_api::Api;

macro_rules! handler {
    ($($command:ident),*) => {
        tauri::generate_handler![$(commands::$command),*]
    };
}

macro_rules! names {
    ($($command:ident),*) => {
        &[$(stringify!($command)),*]
    };
}

/// The names of every command the window may call, in registration order.
pub const COMMANDS: &[&str] = with_commands!(names);

/// The app with its state and commands, not yet bound to a context.
pub fn builder<R: tauri::Runtime>(api: Api) -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .plugin(tauri_plugin_dialog::init())
        .manage(api)
        .invoke_handler(with_commands!(handler))
}

/// The Tauri context generated from `tauri.conf.json` and the capabilities: the window, the CSP,
/// the embedded UI and the access control list. The mock-runtime tests use it too, so they run
/// under the same capabilities as the real window.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}
