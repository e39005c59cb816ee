//! Decisions beyond approve/reject: chosen fields, edited creations, undo, unlink, units kept
//! only in SOR, batch approval and the log filters the window's log view uses.

use sorkomp_model::*;
use sorkomp_store::{ApprovalChoice, LogEntry, LogQuery, ProposalQuery, Store};

use super::{draft, import, org, sor, LATER, NOW};

const EVEN_LATER: &str = "2026-11-28T10:00:00Z";

/// A store with the municipality (SOR 1), two SOR units (2, 3) and two ORG units (a, b).
fn world() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    import(
        &mut store,
        &[
            sor("1", "Korsbæk Kommune", "1", SorLevel::Owner),
            sor("2", "Plejecenter Evigglad", "1", SorLevel::Unit),
            sor("3", "Hjemmeplejen Syd", "1", SorLevel::Unit),
        ],
        NOW,
    );
    store
        .replace_org_snapshot(
            &[
                org("a", "Plejecenter Evigglad", OrgStatus::Aktiv),
                org("b", "Genoptræning Nord", OrgStatus::Aktiv),
            ],
            &[],
            NOW,
            "t",
            "test",
        )
        .unwrap();
    store
}

fn update_draft() -> ProposalDraft {
    let mut upd = draft(ProposalKind::Update, Some("a"), Some("2"), 0.0);
    upd.changes = vec![
        FieldChange {
            field: "name".into(),
            sor_value: Some("Plejecenter Evigglad".into()),
            org_value: Some("Plejecentret Evigglad".into()),
        },
        FieldChange {
            field: "address".into(),
            sor_value: Some("Byvej 12, 1234".into()),
            org_value: Some("Byvej 14, 1234 Korsbæk".into()),
        },
    ];
    upd
}

fn create_draft() -> ProposalDraft {
    let mut c = draft(ProposalKind::Create, Some("b"), None, 1.0);
    c.new_unit = Some(NewSorUnit {
        name: "Genoptræning Nord".into(),
        type_code: Some("546811000005109".into()),
        address: None,
        parent_sor_id: Some("1".into()),
    });
    c
}

fn only(store: &Store, kind: ProposalKind) -> sorkomp_store::ProposalRow {
    let mut rows = store
        .proposals(&ProposalQuery {
            status: None,
            kind: Some(kind),
        })
        .unwrap();
    assert_eq!(rows.len(), 1, "exactly one {kind:?} proposal");
    rows.remove(0)
}

fn last_row(store: &Store, action: &str) -> LogEntry {
    store
        .log(&LogQuery {
            action: Some(action.into()),
            limit: Some(1),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("a log row with action {action}"))
}

fn pending_outbox(store: &Store) -> Vec<sorkomp_store::OutboxItem> {
    store
        .outbox(None)
        .unwrap()
        .into_iter()
        .filter(|o| o.status == "pending")
        .collect()
}

#[test]
fn approve_then_undo_restores_the_proposal_and_removes_link_and_worklist_item() {
    let mut store = world();
    store
        .reconcile_proposals(
            &[
                draft(ProposalKind::Link, Some("a"), Some("2"), 9.0),
                create_draft(),
            ],
            NOW,
            "t",
        )
        .unwrap();
    let link = only(&store, ProposalKind::Link);
    let create = only(&store, ProposalKind::Create);
    store
        .decide(link.id, true, None, "AB", "user", LATER)
        .unwrap();
    store
        .decide(create.id, true, None, "AB", "user", LATER)
        .unwrap();
    assert_eq!(store.links().unwrap().len(), 1);
    assert_eq!(
        pending_outbox(&store).len(),
        2,
        "the link and the creation each put an item on the worklist"
    );

    let approvals = store
        .log(&LogQuery {
            action: Some("approve".into()),
            ..Default::default()
        })
        .unwrap();
    for row in &approvals {
        let undo = store
            .undo(row.id, Some("for hurtigt"), "CD", EVEN_LATER)
            .unwrap();
        assert_eq!(
            (
                undo.action.as_str(),
                undo.source.as_str(),
                undo.who.as_str()
            ),
            ("undo", "user", "CD"),
            "the undo is its own row, by the user who undid"
        );
        assert!(
            undo.after
                .as_deref()
                .unwrap()
                .contains(&format!("\"undoes\":{}", row.id)),
            "the undo row references the original row: {:?}",
            undo.after
        );
        assert!(undo.summary.contains("for hurtigt"), "{}", undo.summary);
    }
    for id in [link.id, create.id] {
        let p = store.proposal(id).unwrap();
        assert_eq!(p.status, ProposalStatus::New, "proposal {id} is open again");
        assert_eq!(p.decided_by, None);
    }
    assert!(
        store.links().unwrap().is_empty(),
        "the link the approval made has ended"
    );
    assert!(
        pending_outbox(&store).is_empty(),
        "the worklist item is withdrawn"
    );
    assert!(
        store
            .outbox(None)
            .unwrap()
            .iter()
            .all(|o| o.status == "cancelled"),
        "the worklist items are kept as cancelled, not deleted"
    );

    let err = store
        .undo(approvals[0].id, None, "CD", EVEN_LATER)
        .unwrap_err();
    assert!(
        err.to_string().contains("allerede fortrudt"),
        "undoing twice is refused: {err}"
    );
    let match_run = last_row(&store, "match_run");
    let err = store
        .undo(match_run.id, None, "CD", EVEN_LATER)
        .unwrap_err();
    assert!(
        err.to_string().contains("ikke en beslutning"),
        "only decisions can be undone: {err}"
    );
    assert!(
        sorkomp_store::verify_chain(&store.log_all().unwrap()).is_ok(),
        "undo appends; the chain stays intact"
    );
}

#[test]
fn a_later_decision_supersedes_an_earlier_one() {
    let mut store = world();
    store.link_manual("a", "2", "AB", NOW).unwrap();
    let link_row = last_row(&store, "link");
    store
        .unlink("a", "2", Some("forkert enhed"), "AB", LATER)
        .unwrap();
    let err = store.undo(link_row.id, None, "AB", LATER).unwrap_err();
    assert!(
        err.to_string().contains("afløst af en senere beslutning"),
        "the manual link was ended by a later unlink: {err}"
    );
    assert_eq!(
        store.undo_blocker(&link_row).unwrap().as_deref(),
        Some(err.to_string().as_str()),
        "the log view's undoable flag agrees with undo itself"
    );
    let unlink_row = last_row(&store, "unlink");
    assert_eq!(store.undo_blocker(&unlink_row).unwrap(), None);
    store.undo(unlink_row.id, None, "AB", LATER).unwrap();
    assert_eq!(
        store.links().unwrap().len(),
        1,
        "undoing the unlink restores the link"
    );
}

#[test]
fn unlink_ends_the_link_logs_who_and_why_and_the_pair_may_be_proposed_again() {
    let mut store = world();
    store
        .reconcile_proposals(
            &[draft(ProposalKind::Link, Some("a"), Some("2"), 9.0)],
            NOW,
            "t",
        )
        .unwrap();
    let p = only(&store, ProposalKind::Link);
    store.decide(p.id, true, None, "AB", "user", NOW).unwrap();
    let err = store.unlink("a", "3", None, "AB", LATER).unwrap_err();
    assert_eq!(err.code(), "not_found", "only an existing link can end");
    store
        .unlink("a", "2", Some("enheden er flyttet"), "CD", LATER)
        .unwrap();
    assert!(store.links().unwrap().is_empty());
    let row = last_row(&store, "unlink");
    assert_eq!(row.who, "CD", "the log says who");
    assert!(
        row.summary.contains("enheden er flyttet") && row.summary.contains("Plejecenter Evigglad"),
        "the log says why and which units: {}",
        row.summary
    );
    let again = store
        .reconcile_proposals(
            &[draft(ProposalKind::Link, Some("a"), Some("2"), 9.0)],
            EVEN_LATER,
            "t",
        )
        .unwrap();
    assert_eq!(
        (again.added, again.already_decided),
        (1, 0),
        "after an unlink the matcher may propose the pair again"
    );
    let approve = last_row(&store, "approve");
    let err = store.undo(approve.id, None, "AB", EVEN_LATER).unwrap_err();
    assert!(
        err.to_string().contains("fjernet"),
        "an approval whose link was since removed is not silently undone: {err}"
    );
}

#[test]
fn per_field_update_approval_puts_only_the_chosen_field_in_the_worklist() {
    let mut store = world();
    store
        .reconcile_proposals(&[update_draft()], NOW, "t")
        .unwrap();
    let p = only(&store, ProposalKind::Update);
    for (fields, why) in [
        (vec!["phone".to_string()], "a field the proposal lacks"),
        (vec![], "no field at all"),
    ] {
        let err = store
            .approve_chosen(
                p.id,
                &ApprovalChoice {
                    fields: Some(fields),
                    new_unit: None,
                },
                "AB",
                "user",
                LATER,
            )
            .unwrap_err();
        assert_eq!(err.code(), "conflict", "{why} is refused: {err}");
    }
    store
        .approve_chosen(
            p.id,
            &ApprovalChoice {
                fields: Some(vec!["address".into()]),
                new_unit: None,
            },
            "AB",
            "user",
            LATER,
        )
        .unwrap();
    let items = pending_outbox(&store);
    assert_eq!(items.len(), 1);
    let changes = items[0].payload["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "only the chosen field: {changes:?}");
    assert_eq!(changes[0]["field"], "address");
    let row = last_row(&store, "approve");
    assert!(
        row.summary.contains("ikke taget: navn"),
        "the log names the field not taken: {}",
        row.summary
    );
    let after: serde_json::Value = serde_json::from_str(row.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["not_taken"][0]["field"], "name");
    let before: serde_json::Value = serde_json::from_str(row.before.as_deref().unwrap()).unwrap();
    assert_eq!(
        before["changes"].as_array().unwrap().len(),
        2,
        "before holds both changes"
    );

    let mut name_only = update_draft();
    name_only.changes.truncate(1);
    let again = store
        .reconcile_proposals(&[name_only], EVEN_LATER, "t")
        .unwrap();
    assert_eq!(
        (again.added, again.already_decided),
        (0, 1),
        "a field change that was not taken is not proposed again"
    );
    let mut new_drift = update_draft();
    new_drift.changes.truncate(1);
    new_drift.changes[0].org_value = Some("Evigglad Plejecenter".into());
    let again = store
        .reconcile_proposals(&[new_drift], EVEN_LATER, "t")
        .unwrap();
    assert_eq!(again.added, 1, "a new drift of the same field is proposed");
}

#[test]
fn an_edited_creation_replaces_the_proposed_fields_and_undo_restores_them() {
    let mut store = world();
    store
        .reconcile_proposals(&[create_draft()], NOW, "t")
        .unwrap();
    let p = only(&store, ProposalKind::Create);
    let edited = NewSorUnit {
        name: "Genoptræningscenter Nord".into(),
        type_code: Some("546811000005109".into()),
        address: Some(Address {
            street: "Nordskrænt".into(),
            number: Some("11".into()),
            postcode: Some("1234".into()),
            city: Some("Korsbæk".into()),
            ..Default::default()
        }),
        parent_sor_id: Some("1".into()),
    };
    let row = store
        .approve_chosen(
            p.id,
            &ApprovalChoice {
                fields: None,
                new_unit: Some(edited.clone()),
            },
            "AB",
            "user",
            LATER,
        )
        .unwrap();
    assert_eq!(row.new_unit.as_ref(), Some(&edited));
    assert_eq!(
        pending_outbox(&store)[0].payload["unit"]["name"],
        "Genoptræningscenter Nord",
        "the worklist gets the edited fields"
    );
    let log = last_row(&store, "approve");
    assert!(
        log.before
            .as_deref()
            .unwrap()
            .contains("\"name\":\"Genoptræning Nord\"")
            && log
                .after
                .as_deref()
                .unwrap()
                .contains("Genoptræningscenter Nord"),
        "before/after in the log: {:?} / {:?}",
        log.before,
        log.after
    );
    store.undo(log.id, None, "AB", EVEN_LATER).unwrap();
    assert_eq!(
        store.proposal(p.id).unwrap().new_unit.unwrap().name,
        "Genoptræning Nord",
        "undo gives the proposal its proposed fields back"
    );
}

#[test]
fn undoing_a_link_brings_back_the_proposals_it_withdrew() {
    let mut store = world();
    let competitors = || {
        [
            draft(ProposalKind::Link, Some("a"), Some("2"), 9.0),
            // The same ORG unit with another SOR unit, and the same SOR unit with another ORG unit.
            draft(ProposalKind::Link, Some("a"), Some("3"), 4.0),
            draft(ProposalKind::Link, Some("b"), Some("2"), 3.0),
        ]
    };
    store.reconcile_proposals(&competitors(), NOW, "t").unwrap();
    let new_ids = |store: &Store| -> Vec<i64> {
        let mut ids: Vec<i64> = store
            .proposals(&ProposalQuery {
                status: Some(ProposalStatus::New),
                kind: None,
            })
            .unwrap()
            .iter()
            .map(|p| p.id)
            .collect();
        ids.sort();
        ids
    };
    let all = new_ids(&store);
    assert_eq!(all.len(), 3);
    let chosen = all[0];

    // An approval withdraws the two competitors; undoing it brings all three back.
    store
        .decide(chosen, true, None, "AB", "user", LATER)
        .unwrap();
    assert!(new_ids(&store).is_empty(), "both competitors are withdrawn");
    let approve = last_row(&store, "approve");
    let undo = store.undo(approve.id, None, "AB", LATER).unwrap();
    assert_eq!(new_ids(&store), all, "the undo restores the competitors");
    assert!(
        undo.after
            .as_deref()
            .unwrap_or("")
            .contains("proposals_restored"),
        "the undo row says what it restored: {:?}",
        undo.after
    );

    // The same for a manual link, except for a competitor whose unit was linked in between.
    store.link_manual("a", "2", "AB", LATER).unwrap();
    assert!(new_ids(&store).is_empty());
    let manual = last_row(&store, "link");
    store.link_manual("b", "3", "AB", LATER).unwrap();
    store.undo(manual.id, None, "AB", EVEN_LATER).unwrap();
    let restored = new_ids(&store);
    assert!(
        restored.contains(&chosen) && restored.len() == 1,
        "a-2 is back; a-3 and b-2 stay withdrawn, as 3 and b are linked now: {restored:?}"
    );
}

#[test]
fn only_in_sor_withdraws_the_delete_proposal_and_is_never_proposed_again() {
    let mut store = world();
    store
        .reconcile_proposals(
            &[draft(ProposalKind::Delete, None, Some("3"), 0.0)],
            NOW,
            "t",
        )
        .unwrap();
    let p = only(&store, ProposalKind::Delete);
    let err = store
        .set_only_in_sor("404", true, None, "AB", LATER)
        .unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
    store
        .set_only_in_sor("3", true, Some("teknisk lokationsnummer"), "AB", LATER)
        .unwrap();
    assert_eq!(
        store.proposal(p.id).unwrap().status,
        ProposalStatus::Withdrawn
    );
    assert_eq!(store.only_in_sor_ids().unwrap(), ["3"]);
    assert!(
        store.kept_sor().unwrap().contains(&"3".to_string()),
        "the matcher is told to keep it"
    );
    let err = store
        .set_only_in_sor("3", true, None, "AB", LATER)
        .unwrap_err();
    assert!(err.to_string().contains("allerede"), "{err}");

    let mark = last_row(&store, "only_in_sor");
    store.undo(mark.id, None, "AB", EVEN_LATER).unwrap();
    assert!(store.only_in_sor_ids().unwrap().is_empty());
    assert_eq!(
        store.proposal(p.id).unwrap().status,
        ProposalStatus::New,
        "undoing the mark restores the delete proposal it withdrew"
    );
}

#[test]
fn a_dry_run_batch_does_exactly_what_the_real_batch_does() {
    let mut store = world();
    store
        .reconcile_proposals(
            &[
                draft(ProposalKind::Link, Some("a"), Some("2"), 9.0),
                // Competes with the first: approving that withdraws this one.
                draft(ProposalKind::Link, Some("a"), Some("3"), 8.0),
                create_draft(),
            ],
            NOW,
            "t",
        )
        .unwrap();
    let ids: Vec<(i64, String)> = store
        .proposals(&ProposalQuery::default())
        .unwrap()
        .iter()
        .map(|p| (p.id, "AB".to_string()))
        .collect();
    let log_rows = store.log_all().unwrap().len();
    let dry = store.approve_many(&ids, "user", LATER, true).unwrap();
    assert_eq!(
        store.log_all().unwrap().len(),
        log_rows,
        "a dry run leaves no trace"
    );
    assert!(store.links().unwrap().is_empty());
    let real = store.approve_many(&ids, "user", LATER, false).unwrap();
    assert_eq!(dry.approved, real.approved);
    assert_eq!(real.approved.len(), 2, "{:?}", real.skipped);
    assert_eq!(real.skipped.len(), 1, "the competing link is skipped");
    assert!(
        real.skipped[0].1.to_string().contains("trukket tilbage"),
        "with the reason: {}",
        real.skipped[0].1
    );
}

#[test]
fn the_log_filters_by_unit_and_action_and_counts_the_matches() {
    let mut store = world();
    store
        .reconcile_proposals(
            &[
                draft(ProposalKind::Link, Some("a"), Some("2"), 9.0),
                draft(ProposalKind::Delete, None, Some("3"), 0.0),
            ],
            NOW,
            "t",
        )
        .unwrap();
    let link = only(&store, ProposalKind::Link);
    store
        .decide(link.id, true, None, "AB", "user", LATER)
        .unwrap();
    store.unlink("a", "2", None, "AB", LATER).unwrap();
    let about = |unit: &str| {
        let q = LogQuery {
            entity_id: Some(unit.into()),
            ..Default::default()
        };
        let rows = store.log(&q).unwrap();
        assert_eq!(store.log_count(&q).unwrap(), rows.len() as u64);
        rows.iter().map(|e| e.action.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        about("2"),
        ["unlink", "approve"],
        "the SOR unit's rows: its link proposal's approval and the unlink"
    );
    assert_eq!(about("a"), ["unlink", "approve"]);
    assert!(
        !about("3").contains(&"approve".to_string()),
        "another unit's rows are not included"
    );
    let q = LogQuery {
        from: Some(LATER.into()),
        to: Some(EVEN_LATER.into()),
        limit: Some(1),
        ..Default::default()
    };
    assert_eq!(store.log(&q).unwrap().len(), 1, "a page of one row");
    assert_eq!(
        store.log_count(&q).unwrap(),
        2,
        "the count ignores the page: approve and unlink happened in the window"
    );
}
