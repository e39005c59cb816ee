//! The bundled demo municipality, Korsbæk (from the original slide), in the real input formats:
//! a SOR v2 export and two saved FK Organisation response pages. One pair (the dental care) is
//! linked from the start so that the queue also shows an update proposal.

use crate::{Api, ApiResult, MatchReport};

const DEMO_CVR: &str = "29189900";
const DEMO_SOR_XML: &[u8] = include_bytes!("../../../../assets/demo/sor/Sor.xml");
const DEMO_ORG_PAGES: &[(&str, &[u8])] = &[
    (
        "demo/fkorg/aktiv-0001.json",
        include_bytes!("../../../../assets/demo/fkorg/aktiv-0001.json"),
    ),
    (
        "demo/fkorg/inaktiv-0001.json",
        include_bytes!("../../../../assets/demo/fkorg/inaktiv-0001.json"),
    ),
];
/// Den Kommunale Tandpleje (ORG) <-> Tandplejen Korsbæk (SOR): linked before the demo starts.
const DEMO_LINK: (&str, &str) = ("a376abe8-038f-5a8e-86ec-5ec358eac93d", "91081000016008");

pub(crate) fn load(api: &Api) -> ApiResult<MatchReport> {
    api.init(DEMO_CVR)?;
    api.import_sor_reader(DEMO_SOR_XML, "demo/sor/Sor.xml")?;
    let mut pages = Vec::new();
    for (name, bytes) in DEMO_ORG_PAGES {
        pages.push((name.to_string(), sorkomp_fkorg::parse_page(bytes, name)?));
    }
    let snapshot = sorkomp_fkorg::OrgSnapshot::from_pages(pages)?;
    api.store_org_snapshot(snapshot.units, "demo/fkorg")?;
    let already_linked = api
        .store()
        .links()?
        .iter()
        .any(|l| l.org_uuid == DEMO_LINK.0);
    if !already_linked {
        api.link(DEMO_LINK.0, DEMO_LINK.1)?;
    }
    api.run_match()
}
