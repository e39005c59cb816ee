//! "Manuel oprettelse": a SOR unit ordered by hand from an ORG unit, with fields the
//! administrator reviews first.

use std::collections::HashMap;

use sorkomp_matcher::covers;
use sorkomp_model::{NewSorUnit, OrgUnit, ProposalKind, ProposalStatus};

use crate::decisions::{validate_unit, ApprovalEdit};
use crate::{Api, ApiError, ApiResult, ProposalView};

impl Api {
    /// The SOR fields a creation starts from: the ORG unit's name and postal address, the SOR
    /// unit type its KLE tasks call for (the KLE table's first matching row), and as parent the
    /// SOR entity linked to its nearest linked ancestor.
    pub fn draft_new_unit(&self, org_uuid: &str) -> ApiResult<NewSorUnit> {
        let store = self.store();
        let units: HashMap<String, OrgUnit> = store
            .org_units()?
            .into_iter()
            .map(|u| (u.uuid.clone(), u))
            .collect();
        let unit = units.get(org_uuid).ok_or_else(|| {
            ApiError::new(
                "not_found",
                format!(
                    "ORG-enheden {org_uuid} findes ikke i de hentede data fra FK Organisation."
                ),
            )
        })?;
        let rules = store.kle_rules()?;
        let type_code = rules
            .iter()
            .find(|r| unit.kle.iter().any(|k| covers(&r.kle_prefix, &k.number)))
            .map(|r| r.sor_type_code.clone());
        let linked: HashMap<String, String> = store
            .links()?
            .into_iter()
            .map(|l| (l.org_uuid, l.sor_id))
            .collect();
        let mut parent = None;
        let mut seen = 0;
        let mut at = unit.parent_uuid.clone();
        // The walk is bounded by the number of units, so a cycle in bad data cannot hang it.
        while let (Some(uuid), true) = (at, seen <= units.len()) {
            if let Some(sor_id) = linked.get(&uuid) {
                parent = Some(sor_id.clone());
                break;
            }
            at = units.get(&uuid).and_then(|u| u.parent_uuid.clone());
            seen += 1;
        }
        Ok(NewSorUnit {
            name: unit.name.clone(),
            type_code,
            address: unit.postal().and_then(|a| a.parsed.clone()),
            parent_sor_id: parent,
        })
    }

    /// Orders a SOR unit for an ORG unit by hand. An open create proposal for the unit is
    /// approved with these fields; otherwise a creation is recorded and approved at once, so the
    /// SOR worklist gets its item. Logged with who; undoable like any decision.
    pub fn create_manually(&self, org_uuid: &str, unit: &NewSorUnit) -> ApiResult<ProposalView> {
        let open = self
            .store()
            .proposals(&sorkomp_store::ProposalQuery {
                status: Some(ProposalStatus::New),
                kind: Some(ProposalKind::Create),
            })?
            .into_iter()
            .find(|p| p.org_uuid.as_deref() == Some(org_uuid));
        if let Some(p) = open {
            return self.approve_edited(
                p.id,
                &ApprovalEdit {
                    fields: None,
                    new_unit: Some(unit.clone()),
                },
            );
        }
        let now = self.now();
        let who = self.who()?;
        let id = {
            let mut store = self.store();
            let checked = validate_unit(unit, &store)?;
            store.create_manual(org_uuid, &checked, &who, &now)?.id
        };
        self.proposal(id)
    }
}
