//! The detail pane of the STS-Org-data view: one FK Organisation unit with everything known
//! about it.

use serde::{Deserialize, Serialize};
use sorkomp_model::{Address, AddressRole, KleTask, OrgStatus};
use ts_rs::TS;

use crate::quality::{quality_tasks_of, QualityFacts, Tree};
use crate::{Api, ApiResult, QualityTask};

/// One address of a unit (FK Organisation's wide sense: postal, e-mail, phone, EAN, SOR code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrgAddressView {
    pub role: AddressRole,
    /// The role as FK Organisation names it.
    pub role_title: String,
    /// The original text.
    pub text: String,
    /// Street, number, floor, door, postcode and city, for postal roles that parse.
    pub parsed: Option<Address>,
    /// Why a postal address does not parse (Danish).
    pub parse_error: Option<String>,
}

/// The SOR unit an ORG unit is linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LinkedSor {
    pub sor_id: String,
    /// `None` when the SOR unit is not in the cached SOR data.
    pub name: Option<String>,
    /// Made by hand rather than approved from a proposal.
    pub manual: bool,
}

/// Everything the detail pane shows about one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OrgUnitDetail {
    pub uuid: String,
    pub name: String,
    /// brugervendtNoegle.
    pub user_key: Option<String>,
    pub status: OrgStatus,
    /// RFC 3339, from FK Organisation's `tilstand`.
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub parent_uuid: Option<String>,
    pub parent_name: Option<String>,
    /// The parents' names from the root, joined by " / ".
    pub path: String,
    pub children: u32,
    /// By role: Postadresse, Henvendelsessted, SOR, EAN, Telefon, E-mail, others; within a
    /// role in FK Organisation's order.
    pub addresses: Vec<OrgAddressView>,
    pub kle: Vec<KleTask>,
    /// The SOR code the unit carries in FK Organisation.
    pub sor_code: Option<String>,
    pub linked_sor: Option<LinkedSor>,
    /// Its "Klargør data i FK Organisation" tasks.
    pub quality: Vec<QualityTask>,
}

fn role_rank(role: &AddressRole) -> u8 {
    match role {
        AddressRole::Postadresse => 0,
        AddressRole::Henvendelsessted => 1,
        AddressRole::Sor => 2,
        AddressRole::Ean => 3,
        AddressRole::Telefon => 4,
        AddressRole::Email => 5,
        AddressRole::Other => 6,
    }
}

impl Api {
    /// One unit of the cached FK Organisation snapshot, or `None` when there is no such unit.
    pub fn org_unit(&self, uuid: &str) -> ApiResult<Option<OrgUnitDetail>> {
        let uuid = uuid.trim();
        let store = self.store();
        let units = store.org_units()?;
        let Some(unit) = units.iter().find(|u| u.uuid == uuid) else {
            return Ok(None);
        };
        let facts = QualityFacts::read(&store)?;
        let link = store.links()?.into_iter().find(|l| l.org_uuid == uuid);
        let linked_sor = match link {
            Some(l) => Some(LinkedSor {
                name: store.sor_entity(&l.sor_id)?.map(|e| e.name),
                sor_id: l.sor_id,
                manual: l.manual,
            }),
            None => None,
        };
        drop(store);
        let tree = Tree::new(&units);
        let mut addresses: Vec<OrgAddressView> = unit
            .addresses
            .iter()
            .map(|a| {
                let postal = matches!(
                    a.role,
                    AddressRole::Postadresse | AddressRole::Henvendelsessted
                );
                OrgAddressView {
                    role: a.role.clone(),
                    role_title: a.role_title.clone(),
                    text: a.text.clone(),
                    parsed: a.parsed.clone(),
                    parse_error: (postal && a.parsed.is_none())
                        .then(|| sorkomp_model::address::parse_address_text(&a.text).err())
                        .flatten()
                        .map(|e| e.to_string()),
                }
            })
            .collect();
        addresses.sort_by_key(|a| role_rank(&a.role));
        let quality = quality_tasks_of(&units, &facts)
            .into_iter()
            .filter(|t| t.org_uuid == uuid)
            .collect();
        Ok(Some(OrgUnitDetail {
            uuid: unit.uuid.clone(),
            name: unit.name.clone(),
            user_key: unit.user_key.clone(),
            status: unit.status,
            valid_from: unit.valid_from.clone(),
            valid_to: unit.valid_to.clone(),
            parent_uuid: unit.parent_uuid.clone(),
            parent_name: unit
                .parent_uuid
                .as_deref()
                .and_then(|p| tree.name(p))
                .map(str::to_owned),
            path: tree.path(uuid),
            children: units
                .iter()
                .filter(|u| u.parent_uuid.as_deref() == Some(uuid))
                .count() as u32,
            addresses,
            kle: unit.kle.clone(),
            sor_code: unit.sor_code().map(str::to_owned),
            linked_sor,
            quality,
        }))
    }
}
