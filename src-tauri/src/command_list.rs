// The one list of the window's commands. `lib.rs` registers them with the invoke handler and
// `build.rs` generates an `allow-<command>` permission for each; the capability file grants them.
// Included by both, so it holds nothing but the macro.
macro_rules! with_commands {
    ($then:ident) => {
        $then![
            overview,
            proposals,
            approve,
            reject,
            link,
            log,
            export_log,
            stats,
            sor_entities,
            org_units,
            load_demo,
            set_who
        ]
    };
}
