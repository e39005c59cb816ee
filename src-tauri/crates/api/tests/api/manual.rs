//! Manuel oprettelse: a SOR unit ordered by hand from an ORG unit.

use sorkomp_api::{Api, OutboxStatus, ProposalQuery};
use sorkomp_model::{ProposalKind, ProposalStatus};

fn demo() -> Api {
    let api = Api::open_in_memory().unwrap();
    api.set_who("AB").unwrap();
    api.load_demo().unwrap();
    api
}

#[test]
fn a_creation_ordered_by_hand_starts_from_the_org_unit_and_lands_on_the_worklist() {
    let api = demo();
    // A unit the matcher did not propose to create: an ORG unit already linked to SOR.
    let linked = api
        .proposals(&ProposalQuery {
            status: Some(ProposalStatus::New),
            kind: Some(ProposalKind::Link),
            text: None,
        })
        .unwrap()
        .into_iter()
        .find_map(|p| p.org)
        .expect("the demo proposes links");
    let draft = api.draft_new_unit(&linked.uuid).unwrap();
    assert_eq!(
        draft.name, linked.name,
        "the name comes from FK Organisation"
    );

    let mut empty = draft.clone();
    empty.name = "  ".into();
    empty.type_code = Some("42665001".into());
    let err = api.create_manually(&linked.uuid, &empty).unwrap_err();
    assert!(
        err.code == "invalid_unit" && err.message.contains("navn"),
        "an empty name is refused, naming the field: {err:?}"
    );
    assert!(
        api.outbox(None).unwrap().is_empty(),
        "a refused creation leaves nothing on the worklist"
    );

    let mut unit = draft;
    unit.name = "Træningscenter, bestilt i hånden".into();
    unit.type_code = Some("42665001".into());
    let done = api.create_manually(&linked.uuid, &unit).unwrap();
    assert_eq!(
        (done.kind, done.status, done.decided_by.as_deref()),
        (ProposalKind::Create, ProposalStatus::Approved, Some("AB")),
        "the creation is recorded as approved by the administrator"
    );
    let items = api.outbox(Some(OutboxStatus::Pending)).unwrap();
    assert!(
        items
            .iter()
            .any(|i| i.action == "create_unit"
                && i.title.contains("Træningscenter, bestilt i hånden")),
        "the worklist asks for the unit with the given name: {items:?}"
    );
}

#[test]
fn ordering_a_unit_the_matcher_proposed_approves_that_proposal_instead_of_a_second_one() {
    let api = demo();
    let open = api
        .proposals(&ProposalQuery {
            status: Some(ProposalStatus::New),
            kind: Some(ProposalKind::Create),
            text: None,
        })
        .unwrap();
    let proposed = open.first().expect("the demo proposes a creation").clone();
    let org = proposed
        .org_uuid
        .clone()
        .expect("a creation is for an ORG unit");
    let unit = api.draft_new_unit(&org).unwrap();
    assert_eq!(
        unit.type_code,
        proposed.new_unit.as_ref().unwrap().type_code,
        "the drafted type is the one the KLE table gives, as the matcher's proposal"
    );
    let done = api.create_manually(&org, &unit).unwrap();
    assert_eq!(
        done.id, proposed.id,
        "the open proposal is the one approved"
    );
    let creations = api
        .proposals(&ProposalQuery {
            status: None,
            kind: Some(ProposalKind::Create),
            text: None,
        })
        .unwrap();
    assert_eq!(
        creations
            .iter()
            .filter(|p| p.org_uuid.as_deref() == Some(&org))
            .count(),
        1,
        "no second creation for the same unit"
    );
}
