//! The store's behaviour as the API sees it: snapshots, proposals, decisions, links, migrations.

#[path = "store/decisions.rs"]
mod decisions;

use sorkomp_model::*;
use sorkomp_store::{OutboxConfirmation, ProposalQuery, Store, StoreError, SCHEMA_VERSION};

const NOW: &str = "2026-11-26T10:00:00Z";
const LATER: &str = "2026-11-27T10:00:00Z";

fn sor(id: &str, name: &str, owner: &str, level: SorLevel) -> SorEntity {
    SorEntity {
        sor_id: id.into(),
        level: Some(level),
        parent_id: if level == SorLevel::Owner {
            None
        } else {
            Some(owner.into())
        },
        owner_id: owner.into(),
        name: name.into(),
        postal_address: Some(Address {
            street: "Byvej".into(),
            number: Some("12".into()),
            postcode: Some("1234".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn org(uuid: &str, name: &str, status: OrgStatus) -> OrgUnit {
    OrgUnit {
        uuid: uuid.into(),
        name: name.into(),
        user_key: None,
        parent_uuid: None,
        status,
        valid_from: None,
        valid_to: None,
        addresses: vec![OrgAddress {
            role: AddressRole::Postadresse,
            role_title: "Postadresse".into(),
            text: "Byvej 12, 1234 Korsbæk".into(),
            parsed: None,
        }],
        kle: vec![KleTask {
            number: "27.42.00".into(),
            title: "Plejeboliger".into(),
            role: "Ansvarlig".into(),
        }],
    }
}

fn import(store: &mut Store, entities: &[SorEntity], now: &str) -> sorkomp_store::SorImportSummary {
    let mut imp = store.begin_sor_import().unwrap();
    for e in entities {
        imp.add(e).unwrap();
    }
    imp.finish(store, now, "test", "test.xml", Some("1"))
        .unwrap()
}

fn draft(kind: ProposalKind, org: Option<&str>, sor: Option<&str>, score: f64) -> ProposalDraft {
    ProposalDraft {
        kind,
        org_uuid: org.map(Into::into),
        sor_id: sor.map(Into::into),
        score,
        explanation: Explanation {
            summary: "test".into(),
            ..Default::default()
        },
        changes: vec![],
        new_unit: None,
    }
}

#[test]
fn a_new_database_has_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("sub/dir/sorkomp.db")).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        SCHEMA_VERSION,
        "missing directories are created and migrated"
    );
}

fn page_size(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap()
}

#[test]
fn a_new_database_gets_16_kib_pages_and_an_older_one_keeps_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.sqlite");
    drop(Store::open(&new).unwrap());
    assert_eq!(page_size(&new), 16384, "large pages for the SOR snapshot");

    // A database created by an earlier version (4 KiB pages) opens, migrates and keeps them.
    let old = dir.path().join("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        conn.execute_batch("PRAGMA page_size = 4096; CREATE TABLE earlier(x); DROP TABLE earlier;")
            .unwrap();
    }
    let store = Store::open(&old).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    assert_eq!(page_size(&old), 4096);
}

#[test]
fn a_newer_database_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    drop(Store::open(&path).unwrap());
    set_user_version(&path, SCHEMA_VERSION + 5);
    let err = Store::open(&path)
        .err()
        .expect("a newer schema must be refused");
    assert_eq!(err.code(), "db_newer_schema");
    assert!(
        err.to_string().contains("nyere version"),
        "the message says why: {err}"
    );
}

/// Sets user_version the way a newer SOR-komponent would have left it.
fn set_user_version(path: &std::path::Path, v: i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "user_version", v).unwrap();
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_corrupt_and_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let garbage = b"this is not a sqlite database, just some bytes that fill the header......................................................";
    std::fs::write(&path, garbage).unwrap();
    let err = Store::open(&path).err().expect("garbage must be refused");
    assert_eq!(err.code(), "db_corrupt", "{err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        garbage,
        "the file is left as it was"
    );
}

#[test]
fn a_second_instance_on_the_same_database_gets_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let _first = Store::open(&path).unwrap();
    let err = Store::open(&path).err().expect("the second open must fail");
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(err.to_string().contains("allerede åben"), "{err}");
}

#[test]
fn a_missing_parent_directory_that_cannot_be_created_is_reported() {
    let err = Store::open(std::path::Path::new("/proc/no-such-dir/db.sqlite"))
        .err()
        .expect("must fail");
    assert_eq!(err.code(), "db_unopenable", "{err}");
}

#[test]
fn sor_import_replaces_the_snapshot_and_logs_changes_of_the_municipality() {
    let mut store = Store::open_in_memory().unwrap();
    let first = import(
        &mut store,
        &[
            sor("1", "Korsbæk Kommune", "1", SorLevel::Owner),
            sor("2", "Plejecenter Evigglad", "1", SorLevel::Unit),
        ],
        NOW,
    );
    assert_eq!((first.owners, first.units), (1, 1));
    let same = import(
        &mut store,
        &[
            sor("1", "Korsbæk Kommune", "1", SorLevel::Owner),
            sor("2", "Plejecenter Evigglad", "1", SorLevel::Unit),
        ],
        NOW,
    );
    assert!(
        same.unchanged,
        "a second import of the same data changes nothing"
    );
    let mut renamed = sor("2", "Plejecentret Evigglad", "1", SorLevel::Unit);
    renamed.to_date = Some("2026-12-01".into());
    let next = import(
        &mut store,
        &[
            sor("1", "Korsbæk Kommune", "1", SorLevel::Owner),
            renamed,
            sor("3", "Ny enhed", "1", SorLevel::Unit),
        ],
        LATER,
    );
    let whats: Vec<&str> = next
        .municipality_changes
        .iter()
        .map(|c| c.what.as_str())
        .collect();
    assert!(
        whats.contains(&"renamed") && whats.contains(&"closed") && whats.contains(&"appeared"),
        "{whats:?}"
    );
    assert_eq!(
        store.sor_entity("2").unwrap().unwrap().name,
        "Plejecentret Evigglad"
    );
    let log = store.log_all().unwrap();
    assert!(log.iter().any(|e| e.source == "sync"
        && e.action == "renamed"
        && e.summary.contains("Plejecentret Evigglad")));
    assert_eq!(store.sor_counts().unwrap().get("unit"), Some(&2));
}

#[test]
fn an_abandoned_sor_import_keeps_the_previous_snapshot() {
    let mut store = Store::open_in_memory().unwrap();
    import(
        &mut store,
        &[sor("1", "Korsbæk Kommune", "1", SorLevel::Owner)],
        NOW,
    );
    {
        let mut imp = store.begin_sor_import().unwrap();
        imp.add(&sor("9", "Halvt importeret", "9", SorLevel::Owner))
            .unwrap();
        // dropped without finish, as when the parser fails half-way
    }
    assert!(
        store.sor_entity("9").unwrap().is_none(),
        "nothing partial is visible"
    );
    assert_eq!(
        store.sor_entity("1").unwrap().unwrap().name,
        "Korsbæk Kommune",
        "the old snapshot survives"
    );
}

/// The SOR snapshot files beside the database `db` (`<db>-sor-<n>`).
fn snapshot_files(db: &std::path::Path) -> Vec<String> {
    let prefix = format!("{}-sor-", db.file_name().unwrap().to_str().unwrap());
    let mut names: Vec<String> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    names.sort();
    names
}

#[test]
fn each_import_leaves_exactly_one_snapshot_file_and_an_abandoned_one_leaves_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sorkomp.db");
    let mut store = Store::open(&db).unwrap();
    assert_eq!(
        snapshot_files(&db).len(),
        1,
        "a new database has an empty snapshot"
    );
    for (round, name) in ["Første", "Anden", "Tredje"].into_iter().enumerate() {
        import(&mut store, &[sor("1", name, "1", SorLevel::Owner)], NOW);
        assert_eq!(
            snapshot_files(&db).len(),
            1,
            "import {round} replaced the previous file: {:?}",
            snapshot_files(&db)
        );
        assert_eq!(store.sor_entity("1").unwrap().unwrap().name, name);
    }
    let before = snapshot_files(&db);
    import(&mut store, &[sor("1", "Tredje", "1", SorLevel::Owner)], NOW);
    assert_eq!(
        snapshot_files(&db),
        before,
        "an unchanged file keeps the current one"
    );
    {
        let mut imp = store.begin_sor_import().unwrap();
        imp.add(&sor("9", "Halvt importeret", "9", SorLevel::Owner))
            .unwrap();
    }
    assert_eq!(
        snapshot_files(&db),
        before,
        "an abandoned import deletes its file"
    );
}

#[test]
fn the_sor_data_survive_a_reopen_in_a_folder_with_danish_letters_and_spaces() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("Søren Ærø's data").join("sorkomp.db");
    {
        let mut store = Store::open(&db).unwrap();
        import(
            &mut store,
            &[sor("1", "Korsbæk Kommune", "1", SorLevel::Owner)],
            NOW,
        );
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(
        store.sor_entity("1").unwrap().unwrap().name,
        "Korsbæk Kommune"
    );
    assert_eq!(snapshot_files(&db).len(), 1);
}

#[test]
fn a_file_left_by_an_import_cut_short_is_deleted_when_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sorkomp.db");
    let mut store = Store::open(&db).unwrap();
    import(
        &mut store,
        &[sor("1", "Korsbæk Kommune", "1", SorLevel::Owner)],
        NOW,
    );
    let current = snapshot_files(&db);
    let mut imp = store.begin_sor_import().unwrap();
    imp.add(&sor("9", "Halvt importeret", "9", SorLevel::Owner))
        .unwrap();
    // As if the process died here: nothing runs the import's clean-up.
    std::mem::forget(imp);
    drop(store);
    assert_eq!(
        snapshot_files(&db).len(),
        2,
        "the half-written file is still there"
    );

    let store = Store::open(&db).unwrap();
    assert_eq!(
        snapshot_files(&db),
        current,
        "only the named snapshot is kept"
    );
    assert_eq!(
        store.sor_entity("1").unwrap().unwrap().name,
        "Korsbæk Kommune",
        "the previous snapshot is the current one"
    );
    assert!(store.sor_entity("9").unwrap().is_none());
}

#[test]
fn a_version_5_database_moves_its_sor_snapshot_to_a_file_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v5.db");
    let entity = sor("7", "Plejecenter Solgården", "1", SorLevel::Unit);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        for sql in [
            include_str!("../migrations/0001_initial.sql"),
            include_str!("../migrations/0002_decisions.sql"),
            include_str!("../migrations/0003_outbox.sql"),
            include_str!("../migrations/0004_learning.sql"),
            include_str!("../migrations/0005_sor_columns.sql"),
        ] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute(
            "INSERT INTO sor_entity(sor_id, level, parent_id, owner_id, name, data)
             VALUES (?1, 'unit', '1', '1', ?2, ?3)",
            [
                &entity.sor_id,
                &entity.name,
                &serde_json::to_string(&entity).unwrap(),
            ],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 5).unwrap();
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(store.sor_entity("7").unwrap().as_ref(), Some(&entity));
    drop(store);
    assert_eq!(snapshot_files(&db).len(), 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sor_entity%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the main database no longer holds SOR rows");
}

#[test]
fn duplicate_sor_ids_abort_the_import() {
    let mut store = Store::open_in_memory().unwrap();
    import(
        &mut store,
        &[sor("1", "Korsbæk Kommune", "1", SorLevel::Owner)],
        NOW,
    );
    let mut imp = store.begin_sor_import().unwrap();
    imp.add(&sor("5", "A", "5", SorLevel::Owner)).unwrap();
    let err = imp
        .add(&sor("5", "B", "5", SorLevel::Owner))
        .expect_err("the second row with the same id is refused at once");
    assert_eq!(err.code(), "conflict");
    assert!(
        err.to_string().contains("SOR-id 5 forekommer flere gange"),
        "the message names the id: {err}"
    );
    drop(imp);
    assert!(
        store.sor_entity("1").unwrap().is_some(),
        "the old snapshot survives"
    );
}

#[test]
fn proposals_are_reconciled_not_duplicated() {
    let mut store = Store::open_in_memory().unwrap();
    let s1 = store
        .reconcile_proposals(
            &[
                draft(ProposalKind::Link, Some("a"), Some("1"), 5.0),
                draft(ProposalKind::Create, Some("b"), None, 1.0),
            ],
            NOW,
            "t",
        )
        .unwrap();
    assert_eq!(s1.added, 2);
    let s2 = store
        .reconcile_proposals(
            &[draft(ProposalKind::Link, Some("a"), Some("1"), 6.0)],
            LATER,
            "t",
        )
        .unwrap();
    assert_eq!(
        (s2.added, s2.updated, s2.withdrawn),
        (0, 1, 1),
        "same link refreshed, the vanished create withdrawn"
    );
    let open = store
        .proposals(&ProposalQuery {
            status: Some(ProposalStatus::New),
            kind: None,
        })
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].score, 6.0);
}

#[test]
fn approving_a_link_registers_it_and_a_rejected_pair_is_not_proposed_again() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .reconcile_proposals(
            &[
                draft(ProposalKind::Link, Some("a"), Some("1"), 5.0),
                draft(ProposalKind::Link, Some("b"), Some("2"), 5.0),
            ],
            NOW,
            "t",
        )
        .unwrap();
    let ps = store.proposals(&ProposalQuery::default()).unwrap();
    let approved = store
        .decide(ps[0].id, true, None, "AB", "user", LATER)
        .unwrap();
    assert_eq!(approved.status, ProposalStatus::Approved);
    assert_eq!(approved.decided_by.as_deref(), Some("AB"));
    assert_eq!(store.links().unwrap().len(), 1);
    store
        .decide(
            ps[1].id,
            false,
            Some("forkert adresse"),
            "AB",
            "user",
            LATER,
        )
        .unwrap();
    let again = store
        .reconcile_proposals(
            &[draft(ProposalKind::Link, Some("b"), Some("2"), 5.0)],
            LATER,
            "t",
        )
        .unwrap();
    assert_eq!(
        (again.added, again.already_decided),
        (0, 1),
        "a rejected pair is never proposed again"
    );
    let err = store
        .decide(ps[0].id, false, None, "AB", "user", LATER)
        .unwrap_err();
    assert_eq!(err.code(), "already_decided");
    let log = store.log_all().unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "reject" && e.summary.contains("forkert adresse")),
        "the reason is logged"
    );
}

#[test]
fn approving_create_delete_update_fills_the_worklist() {
    let mut store = Store::open_in_memory().unwrap();
    let mut upd = draft(ProposalKind::Update, Some("a"), Some("1"), 1.0);
    upd.changes = vec![FieldChange {
        field: "name".into(),
        sor_value: Some("Gl".into()),
        org_value: Some("Ny".into()),
    }];
    store
        .reconcile_proposals(
            &[
                draft(ProposalKind::Create, Some("c"), None, 1.0),
                draft(ProposalKind::Delete, None, Some("9"), 1.0),
                upd,
            ],
            NOW,
            "t",
        )
        .unwrap();
    for p in store.proposals(&ProposalQuery::default()).unwrap() {
        store.decide(p.id, true, None, "AB", "user", LATER).unwrap();
    }
    let mut actions: Vec<String> = store
        .outbox(None)
        .unwrap()
        .into_iter()
        .map(|o| o.action)
        .collect();
    actions.sort();
    assert_eq!(actions, ["close_unit", "create_unit", "update_unit"]);
}

#[test]
fn a_manual_link_needs_both_units_and_withdraws_competing_proposals() {
    let mut store = Store::open_in_memory().unwrap();
    import(
        &mut store,
        &[
            sor("1", "Korsbæk Kommune", "1", SorLevel::Owner),
            sor("2", "Plejecenter Evigglad", "1", SorLevel::Unit),
        ],
        NOW,
    );
    store
        .replace_org_snapshot(
            &[org("a", "Plejecenter Evigglad", OrgStatus::Aktiv)],
            &[],
            NOW,
            "t",
            "test",
        )
        .unwrap();
    store
        .reconcile_proposals(
            &[draft(ProposalKind::Create, Some("a"), None, 1.0)],
            NOW,
            "t",
        )
        .unwrap();
    let err = store.link_manual("a", "404", "AB", LATER).unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
    store.link_manual("a", "2", "AB", LATER).unwrap();
    assert!(store
        .proposals(&ProposalQuery {
            status: Some(ProposalStatus::New),
            kind: None
        })
        .unwrap()
        .is_empty());
    let err = store.link_manual("a", "1", "AB", LATER).unwrap_err();
    assert_eq!(err.code(), "conflict", "a unit has at most one active link");
}

#[test]
fn org_snapshot_round_trips_with_addresses_and_kle() {
    let mut store = Store::open_in_memory().unwrap();
    let units = vec![
        org("a", "Plejecenter Evigglad", OrgStatus::Aktiv),
        org("b", "Gammelt Hus", OrgStatus::Inaktiv),
    ];
    let s = store
        .replace_org_snapshot(&units, &[], NOW, "t", "test")
        .unwrap();
    assert_eq!((s.active, s.inactive), (1, 1));
    let back = store.org_units().unwrap();
    assert_eq!(back.len(), 2);
    let a = back.iter().find(|u| u.uuid == "a").unwrap();
    assert_eq!(a, &units[0], "units come back exactly as stored");
}

#[test]
fn a_version_1_database_upgrades_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../migrations/0001_initial.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO setting(key, value) VALUES ('municipality_cvr', '29189900')",
            [],
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        store.setting("municipality_cvr").unwrap().as_deref(),
        Some("29189900"),
        "the old data survives the upgrade"
    );
    store
        .set_rule("create", "Oprettelser", true, "AB", NOW)
        .unwrap();
    assert_eq!(
        store.rule_settings().unwrap().get("create"),
        Some(&true),
        "the new tables work"
    );
}

#[test]
fn a_version_1_database_with_a_worklist_upgrades_and_keeps_its_items() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../migrations/0001_initial.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO proposal(id, kind, status, sor_id, score, explanation, created_at, updated_at)
             VALUES (1, 'delete', 'approved', '9', 1.0, '{}', 'x', 'x');
             INSERT INTO outbox(proposal_id, action, payload, status, created_at, updated_at)
             VALUES (1, 'close_unit', '{\"sor_id\":\"9\"}', 'pending', 'x', 'x');",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let items = store.outbox(None).unwrap();
    assert_eq!(items.len(), 1, "the item survives the upgrade");
    assert_eq!(items[0].action, "close_unit");
    assert_eq!(items[0].status, "pending");
    assert_eq!(items[0].done_at, None, "new columns start empty");
}

#[test]
fn a_worklist_item_goes_pending_done_confirmed_and_each_step_is_logged() {
    let mut store = Store::open_in_memory().unwrap();
    let id = closing_item(&mut store);
    let done = store
        .set_outbox_done(id, true, "Opgave udført", "AB", LATER)
        .unwrap();
    assert_eq!(done.status, "done");
    assert_eq!(done.done_by.as_deref(), Some("AB"));
    assert_eq!(done.done_at.as_deref(), Some(LATER));
    let log = store.log_all().unwrap();
    let last = log.last().unwrap();
    assert_eq!(
        (
            last.action.as_str(),
            last.source.as_str(),
            last.who.as_str()
        ),
        ("outbox_done", "user", "AB")
    );

    let confirmation = OutboxConfirmation {
        id,
        sor_id: Some("9".into()),
        summary: "Opgave bekræftet".into(),
    };
    let n = store
        .confirm_outbox(std::slice::from_ref(&confirmation), "sync-bruger", LATER)
        .unwrap();
    assert_eq!(n, 1);
    let item = store.outbox_item(id).unwrap();
    assert_eq!(item.status, "confirmed");
    assert_eq!(item.confirmed_sor_id.as_deref(), Some("9"));
    let last = store.log_all().unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.source.as_str()),
        ("outbox_confirmed", "sync")
    );

    assert_eq!(
        store.confirm_outbox(&[confirmation], "x", LATER).unwrap(),
        0,
        "a confirmed item is not confirmed (or logged) twice"
    );
    let err = store
        .set_outbox_done(id, false, "fortryd", "AB", LATER)
        .unwrap_err();
    assert_eq!(
        err.code(),
        "conflict",
        "a confirmed item cannot go back: {err}"
    );
}

/// The worklist item of an approved delete proposal.
fn closing_item(store: &mut Store) -> i64 {
    store
        .reconcile_proposals(
            &[draft(ProposalKind::Delete, None, Some("9"), 1.0)],
            NOW,
            "t",
        )
        .unwrap();
    let p = store.proposals(&ProposalQuery::default()).unwrap()[0].id;
    store.decide(p, true, None, "AB", "user", NOW).unwrap();
    store.outbox(Some("pending")).unwrap()[0].id
}
