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
            set_who,
            approve_edited,
            undo,
            log_page,
            unlink,
            set_only_in_sor,
            only_in_sor,
            rules,
            set_rule,
            bulk_preview,
            bulk_approve,
            outbox,
            mark_outbox_done,
            export_outbox,
            run_match,
            kle_rules,
            set_kle_rules,
            sync_status,
            fk_settings,
            set_fk_settings,
            unlock_certificate,
            sync_org,
            download_sor,
            quality_tasks,
            export_quality,
            sor_entity,
            org_unit,
            learned_weights,
            sor_sync_status,
            set_sor_url,
            draft_new_unit,
            create_manually
        ]
    };
}
