//! One `organisationEnhedListe` response page (live or saved) mapped into `OrgUnit`s.
//!
//! Every field is read as optional and checked by hand, so a missing field is reported with the
//! unit's uuid and the field's name instead of serde's "missing field at line 1 column 48213".
//! Unknown extra fields are ignored.

use serde::Deserialize;
use sorkomp_model::address::parse_address_text;
use sorkomp_model::{AddressRole, KleTask, OrgAddress, OrgStatus, OrgUnit};

use crate::FkOrgError;

/// A page larger than this is not a page of one municipality's units.
pub const MAX_PAGE_BYTES: u64 = 200 * 1024 * 1024;
/// Unit names, user keys, address texts and KLE titles longer than this are refused.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// The units of one response page and where the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgPage {
    pub units: Vec<OrgUnit>,
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
    /// GraphQL errors marked as warnings, and tasks skipped for lack of a KLE number (Danish).
    pub warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Response {
    data: Option<Data>,
    errors: Option<Vec<GqlError>>,
}

#[derive(Deserialize)]
struct GqlError {
    message: Option<String>,
    path: Option<Vec<serde_json::Value>>,
    extensions: Option<serde_json::Map<String, serde_json::Value>>,
}

impl GqlError {
    fn describe(&self) -> String {
        let mut s = self
            .message
            .clone()
            .unwrap_or_else(|| "(uden tekst)".into());
        if let Some(path) = &self.path {
            let p: Vec<String> = path
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect();
            s.push_str(&format!(" (sti: {})", p.join(".")));
        }
        s
    }

    /// A warning by the server's own marking (`extensions.severity`/`level`/`classification`).
    fn is_warning(&self) -> bool {
        let Some(ext) = &self.extensions else {
            return false;
        };
        ["severity", "level", "classification"].iter().any(|k| {
            ext.get(*k)
                .and_then(|v| v.as_str())
                .is_some_and(|v| v.eq_ignore_ascii_case("warning"))
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    organisation_enhed_liste: Option<Connection>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    edges: Option<Vec<Option<Edge>>>,
    page_info: Option<PageInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    end_cursor: Option<String>,
    has_next_page: Option<bool>,
}

#[derive(Deserialize)]
struct Edge {
    node: Option<Node>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    uuid: Option<String>,
    enhedsnavn: Option<String>,
    brugervendt_noegle: Option<String>,
    overordnet_enhed: Option<Ref>,
    tilstand: Option<Tilstand>,
    adresser: Option<Vec<Adresse>>,
    opgaver: Option<Vec<Opgave>>,
}

#[derive(Deserialize)]
struct Ref {
    uuid: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tilstand {
    status: Option<String>,
    fra_tidspunkt: Option<String>,
    til_tidspunkt: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Adresse {
    adresse_tekst: Option<String>,
    adresse_rolle_titel: Option<String>,
    klassifikation: Option<Klassifikation>,
}

#[derive(Deserialize)]
struct Klassifikation {
    rolle: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Opgave {
    kle_emne_nummer: Option<String>,
    kle_emne_titel: Option<String>,
    opgave_rolle_titel: Option<String>,
}

/// Parse one `organisationEnhedListe` response page. `source` names it in errors (a file
/// name, or "FK Organisation, AKTIV side 3").
pub fn parse_page(json: &[u8], source: &str) -> Result<OrgPage, FkOrgError> {
    if json.len() as u64 > MAX_PAGE_BYTES {
        return Err(FkOrgError::TooLarge {
            source_name: source.to_string(),
            bytes: json.len() as u64,
            limit: MAX_PAGE_BYTES,
        });
    }
    let response: Response = serde_json::from_slice(json).map_err(|e| FkOrgError::Json {
        source_name: source.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let mut warnings = Vec::new();
    let errors = response.errors.unwrap_or_default();
    let connection = response.data.and_then(|d| d.organisation_enhed_liste);
    let only_warnings = !errors.is_empty() && errors.iter().all(GqlError::is_warning);
    // Errors marked as warnings that come with data (the schema's "empty role title" case) do
    // not stop the import; any other error does.
    let usable = errors.is_empty() || (only_warnings && connection.is_some());
    if !usable {
        let messages: Vec<String> = errors.iter().map(GqlError::describe).collect();
        return Err(FkOrgError::GraphQl {
            source_name: source.to_string(),
            messages: messages.join("; "),
        });
    }
    for e in &errors {
        warnings.push(format!(
            "{source}: advarsel fra FK Organisation: {}",
            e.describe()
        ));
    }
    let missing = |field: &str| FkOrgError::MissingField {
        source_name: source.to_string(),
        uuid: None,
        field: field.to_string(),
    };
    let connection = connection.ok_or_else(|| missing("data.organisationEnhedListe"))?;
    let page_info = connection
        .page_info
        .ok_or_else(|| missing("organisationEnhedListe.pageInfo"))?;
    let has_next_page = page_info
        .has_next_page
        .ok_or_else(|| missing("pageInfo.hasNextPage"))?;
    if has_next_page && page_info.end_cursor.is_none() {
        return Err(missing("pageInfo.endCursor"));
    }
    let edges = connection
        .edges
        .ok_or_else(|| missing("organisationEnhedListe.edges"))?;
    let mut units = Vec::with_capacity(edges.len());
    for (i, edge) in edges.into_iter().enumerate() {
        let node = edge
            .and_then(|e| e.node)
            .ok_or_else(|| FkOrgError::MissingField {
                source_name: source.to_string(),
                uuid: None,
                field: format!("edges[{i}].node"),
            })?;
        units.push(map_node(node, i, source, &mut warnings)?);
    }
    Ok(OrgPage {
        units,
        has_next_page,
        end_cursor: page_info.end_cursor,
        warnings,
    })
}

/// `8b245dd5-8e1e-473c-8081-bee75b7d6f74`, any case.
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

struct UnitContext<'a> {
    source: &'a str,
    uuid: &'a str,
}

impl UnitContext<'_> {
    fn missing(&self, field: &str) -> FkOrgError {
        FkOrgError::MissingField {
            source_name: self.source.to_string(),
            uuid: Some(self.uuid.to_string()),
            field: field.to_string(),
        }
    }

    fn bad(&self, field: &str, value: &str, expected: &str) -> FkOrgError {
        FkOrgError::BadValue {
            source_name: self.source.to_string(),
            uuid: Some(self.uuid.to_string()),
            field: field.to_string(),
            value: value.chars().take(80).collect(),
            expected: expected.to_string(),
        }
    }

    /// Refuses absurdly long text.
    fn text(&self, field: &str, value: String) -> Result<String, FkOrgError> {
        let chars = value.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(FkOrgError::FieldTooLong {
                source_name: self.source.to_string(),
                uuid: Some(self.uuid.to_string()),
                field: field.to_string(),
                chars,
                limit: MAX_TEXT_CHARS,
            });
        }
        Ok(value)
    }

    fn uuid_field(&self, field: &str, value: String) -> Result<String, FkOrgError> {
        if is_uuid(&value) {
            Ok(value.to_ascii_lowercase())
        } else {
            Err(self.bad(field, &value, "forventede et UUID"))
        }
    }
}

fn map_node(
    node: Node,
    index: usize,
    source: &str,
    warnings: &mut Vec<String>,
) -> Result<OrgUnit, FkOrgError> {
    let raw_uuid = node.uuid.ok_or_else(|| FkOrgError::MissingField {
        source_name: source.to_string(),
        uuid: None,
        field: format!("edges[{index}].node.uuid"),
    })?;
    if !is_uuid(&raw_uuid) {
        return Err(FkOrgError::BadValue {
            source_name: source.to_string(),
            uuid: None,
            field: format!("edges[{index}].node.uuid"),
            value: raw_uuid.chars().take(80).collect(),
            expected: "forventede et UUID".into(),
        });
    }
    let uuid = raw_uuid.to_ascii_lowercase();
    let cx = UnitContext {
        source,
        uuid: &uuid,
    };
    let name = node.enhedsnavn.ok_or_else(|| cx.missing("enhedsnavn"))?;
    let name = cx.text("enhedsnavn", name.trim().to_string())?;
    if name.is_empty() {
        return Err(cx.bad("enhedsnavn", "", "navnet må ikke være tomt"));
    }
    let user_key = node
        .brugervendt_noegle
        .map(|k| cx.text("brugervendtNoegle", k))
        .transpose()?;
    let parent_uuid = match node.overordnet_enhed {
        None => None,
        Some(r) => {
            let p = r.uuid.ok_or_else(|| cx.missing("overordnetEnhed.uuid"))?;
            Some(cx.uuid_field("overordnetEnhed.uuid", p)?)
        }
    };
    let tilstand = node.tilstand.ok_or_else(|| cx.missing("tilstand"))?;
    let status_text = tilstand
        .status
        .ok_or_else(|| cx.missing("tilstand.status"))?;
    let status = OrgStatus::parse(&status_text).ok_or_else(|| {
        cx.bad(
            "tilstand.status",
            &status_text,
            "forventede AKTIV eller INAKTIV",
        )
    })?;
    let valid_from = tilstand
        .fra_tidspunkt
        .map(|t| check_time(&cx, "tilstand.fraTidspunkt", t))
        .transpose()?;
    let valid_to = tilstand
        .til_tidspunkt
        .map(|t| check_time(&cx, "tilstand.tilTidspunkt", t))
        .transpose()?;
    let adresser = node.adresser.ok_or_else(|| cx.missing("adresser"))?;
    let mut addresses = Vec::with_capacity(adresser.len());
    for (i, a) in adresser.into_iter().enumerate() {
        let field = |f: &str| format!("adresser[{i}].{f}");
        let text = a
            .adresse_tekst
            .ok_or_else(|| cx.missing(&field("adresseTekst")))?;
        let text = cx.text(&field("adresseTekst"), text)?;
        let role_uuid = a.klassifikation.and_then(|k| k.rolle);
        let role = AddressRole::classify(role_uuid.as_deref(), a.adresse_rolle_titel.as_deref());
        let parsed = match role {
            AddressRole::Postadresse | AddressRole::Henvendelsessted => {
                parse_address_text(&text).ok()
            }
            _ => None,
        };
        addresses.push(OrgAddress {
            role,
            role_title: a.adresse_rolle_titel.unwrap_or_default(),
            text,
            parsed,
        });
    }
    let opgaver = node.opgaver.ok_or_else(|| cx.missing("opgaver"))?;
    let mut kle = Vec::with_capacity(opgaver.len());
    for (i, o) in opgaver.into_iter().enumerate() {
        let Some(number) = o.kle_emne_nummer.map(|n| n.trim().to_string()) else {
            warnings.push(format!(
                "{source}: enhed {uuid}: opgave nr. {} har intet KLE-nummer og er sprunget over",
                i + 1
            ));
            continue;
        };
        if !is_kle_number(&number) {
            return Err(cx.bad(
                &format!("opgaver[{i}].kleEmneNummer"),
                &number,
                "forventede et KLE-nummer som 29, 29.18 eller 29.18.00",
            ));
        }
        let title = cx.text(
            &format!("opgaver[{i}].kleEmneTitel"),
            o.kle_emne_titel.unwrap_or_default(),
        )?;
        kle.push(KleTask {
            number,
            title,
            role: o.opgave_rolle_titel.unwrap_or_default(),
        });
    }
    Ok(OrgUnit {
        uuid,
        name,
        user_key,
        parent_uuid,
        status,
        valid_from,
        valid_to,
        addresses,
        kle,
    })
}

fn check_time(cx: &UnitContext, field: &str, value: String) -> Result<String, FkOrgError> {
    chrono::DateTime::parse_from_rfc3339(&value)
        .map(|_| value.clone())
        .map_err(|_| {
            cx.bad(
                field,
                &value,
                "forventede et tidspunkt som 2024-01-31T00:00:00+01:00",
            )
        })
}

/// `NN`, `NN.NN` or `NN.NN.NN`.
pub(crate) fn is_kle_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
}
