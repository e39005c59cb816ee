//! The streaming parser of SOR's XML export.
//!
//! Elements are recognised by namespace URI + local name, never by prefix: real files bind the
//! same URI to different prefixes (`xkom` is the 2006 address schema in one file and the 2005
//! e-mail schema in another). Only the stack of open elements and the chain of ancestor
//! entities is held, plus the set of SOR ids seen (for duplicate detection), so memory stays flat
//! however large the file is.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::PrefixDeclaration;
use quick_xml::Reader;
use sorkomp_model::{Address, SorEntity, SorLevel};

use crate::error::{Location, SorError};
use crate::input::{Pieces, Window};

/// Default namespace of format v1; in v2 the unchanged elements keep it.
pub const NS_SOR_V1: &str = "urn:oio:sundhedsstyrelsen:organisation:1.0.0";
/// Default namespace of format v2.
pub const NS_SOR_V2: &str = "urn:oio:nsi:2.0.0";
const NS_DKCC: &[u8] = b"http://rep.oio.dk/ebxml/xml/schemas/dkcc/2003/02/13/";
const NS_DKCC2005: &[u8] = b"http://rep.oio.dk/ebxml/xml/schemas/dkcc/2005/03/15/";
const NS_CPR: &[u8] = b"http://rep.oio.dk/cpr.dk/xml/schemas/core/2005/03/18/";
const NS_CVR: &[u8] = b"http://rep.oio.dk/cvr.dk/xml/schemas/2005/03/22/";
const NS_XKOM2005: &[u8] = b"http://rep.oio.dk/xkom.dk/xml/schemas/2005/03/15/";
const NS_XKOM2006: &[u8] = b"http://rep.oio.dk/xkom.dk/xml/schemas/2006/01/06/";

/// The version of the export format, read from the root element's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SorFormat {
    V1,
    V2,
}

/// What the file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SorHeader {
    pub format: SorFormat,
    /// `CreatedAtTime` as written (an xs:dateTime).
    pub created_at: Option<String>,
    /// `SnapshotDate` (ISO date).
    pub snapshot_date: Option<String>,
}

/// Streams entities in document order (parents before children); calls `on_entity` for each.
/// `source` is the file name used in error messages.
///
/// Some checks can only finish at the end of the file (a `GeographicalParentSorIdentifier` may
/// point forward), so an `Err` can come after entities were delivered: the caller must treat the
/// whole read as failed and discard them (the store imports in one transaction).
/// An `Err` from `on_entity` stops the read and is returned as is.
pub fn read_entities<R: Read>(
    reader: R,
    source: &str,
    on_entity: impl FnMut(SorEntity) -> Result<(), SorError>,
) -> Result<SorHeader, SorError> {
    let mut input = Pieces::new(reader);
    Parser {
        source,
        window: input.window(),
        stack: Vec::with_capacity(32),
        names: Vec::with_capacity(1024),
        known: Known::default(),
        name_starts: Vec::with_capacity(32),
        bindings: Vec::with_capacity(16),
        wrappers: Vec::with_capacity(16),
        ancestors: Vec::with_capacity(16),
        draft: None,
        text: String::new(),
        seen: HashMap::default(),
        pending_geo: Vec::new(),
        header: None,
        root_closed: false,
        held: None,
        on_entity,
    }
    .run(&mut input)
}

/// `part` as text, when it lies within `piece` (a piece found to be valid UTF-8).
fn str_within<'p>(piece: Option<&'p str>, part: &[u8]) -> Option<&'p str> {
    let piece = piece?;
    let start = (part.as_ptr() as usize).checked_sub(piece.as_ptr() as usize)?;
    piece.get(start..start.checked_add(part.len())?)
}

/// A syntax error that only says the input ended inside a construct.
fn is_unfinished(e: &quick_xml::Error) -> bool {
    use quick_xml::errors::SyntaxError as S;
    matches!(
        e,
        quick_xml::Error::Syntax(
            S::UnclosedTag
                | S::UnclosedComment
                | S::UnclosedCData
                | S::UnclosedDoctype
                | S::UnclosedPIOrXmlDecl
        )
    )
}

/// Where an element sits: decides what its children mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    Wrapper(SorLevel),
    Entity,
    Ean,
    EanOption,
    Address(AddrKind),
    Virtual,
    Status,
    GeoParent,
    Replacement(Replacement),
    Field(Field),
    Skip,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddrKind {
    Postal,
    Visiting,
    Activity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Replacement {
    Replaces,
    ReplacedBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddrPart {
    Street,
    Number,
    Floor,
    Door,
    Postcode,
    City,
    Municipality,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    CreatedAt,
    SnapshotDate,
    SorId,
    Name,
    TypeCode,
    Shak,
    LocalCode,
    Cvr,
    Ean,
    EanInherited,
    Address(AddrKind, AddrPart),
    Phone,
    Email,
    Website,
    FromDate,
    ToDate,
    UpdatedAt,
    FirstFromDate,
    GeoParentId,
}

/// The namespace family an element belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Sor,
    Dkcc,
    Dkcc2005,
    Cpr,
    Cvr,
    Xkom,
    Other,
}

fn ns_of(uri: &[u8]) -> Ns {
    if uri == NS_SOR_V2.as_bytes() || uri == NS_SOR_V1.as_bytes() {
        Ns::Sor
    } else if uri == NS_DKCC {
        Ns::Dkcc
    } else if uri == NS_DKCC2005 {
        Ns::Dkcc2005
    } else if uri == NS_CPR {
        Ns::Cpr
    } else if uri == NS_CVR {
        Ns::Cvr
    } else if uri == NS_XKOM2005 || uri == NS_XKOM2006 {
        Ns::Xkom
    } else {
        Ns::Other
    }
}

/// A namespace declaration in scope (`xmlns:prefix="uri"`, or `xmlns="uri"` with an empty
/// prefix), made by the element at `depth` (its place in the parser's stack).
#[derive(Debug)]
struct Binding {
    prefix: Box<[u8]>,
    /// Empty for `xmlns=""`, which removes the default namespace.
    uri: Box<[u8]>,
    ns: Ns,
    depth: usize,
}

/// The namespace of an element's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved<'a> {
    Bound(Ns, &'a [u8]),
    Unbound,
}

/// The URI the `xml` prefix is bound to by definition.
const NS_XML: &[u8] = b"http://www.w3.org/XML/1998/namespace";

/// An entity being read: its own values, before inheritance.
#[derive(Debug, Default)]
struct Draft {
    level: Option<SorLevel>,
    at: u64,
    sor_id: Option<String>,
    name: Option<String>,
    type_code: Option<String>,
    shak: Option<String>,
    local_code: Option<String>,
    cvr: Option<String>,
    ean: Option<String>,
    ean_inherited_flag: Option<bool>,
    postal: Option<Address>,
    visiting: Option<Address>,
    activity: Option<Address>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    from_date: Option<String>,
    to_date: Option<String>,
    updated_at: Option<String>,
    first_from_date: Option<String>,
    geo_parent: Option<String>,
    replaces: Vec<String>,
    replaced_by: Vec<String>,
}

/// What children inherit from an entity.
#[derive(Debug)]
struct Ancestor {
    sor_id: String,
    postal: Option<Address>,
    ean: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
}

/// An open `*Entity` wrapper element.
#[derive(Debug)]
struct Wrapper {
    level: SorLevel,
    at: u64,
    ancestors_before: usize,
    /// Its entity element has been read (children may follow).
    has_entity: bool,
}

struct Parser<'s, F> {
    source: &'s str,
    /// The bytes being parsed, and those before them within reach for error locations.
    window: Rc<RefCell<Window>>,
    stack: Vec<Ctx>,
    /// The names of the open elements (as written, prefix included), one after the other;
    /// `name_starts` has where each begins. End tags are checked against them.
    names: Vec<u8>,
    name_starts: Vec<usize>,
    /// What elements without attributes meant under each parent, while no namespace changes.
    known: Known,
    /// Namespace declarations of the open elements that are read (skipped subtrees declare
    /// nothing the parser needs, so their attributes are never looked at).
    bindings: Vec<Binding>,
    wrappers: Vec<Wrapper>,
    ancestors: Vec<Ancestor>,
    draft: Option<Draft>,
    text: String,
    /// SOR id -> line where it was first seen.
    seen: HashMap<u64, u64, BuildIdHasher>,
    /// (referring entity, referenced id, where) for geographical parents not yet seen.
    pending_geo: Vec<(String, String, Location)>,
    header: Option<SorHeader>,
    root_closed: bool,
    /// The last entity read, held back until it is known whether children follow: only then
    /// are its inheritable values copied into `ancestors` (most entities have no children).
    held: Option<SorEntity>,
    on_entity: F,
}

fn level_words(level: SorLevel) -> (&'static str, &'static str) {
    match level {
        SorLevel::Owner => ("InstitutionOwnerEntity", "InstitutionOwner"),
        SorLevel::Institution => ("HealthInstitutionEntity", "HealthInstitution"),
        SorLevel::Unit => ("OrganizationalUnitEntity", "OrganizationalUnit"),
    }
}

fn is_structural(local: &[u8]) -> bool {
    matches!(
        local,
        b"InstitutionOwnerEntity"
            | b"HealthInstitutionEntity"
            | b"OrganizationalUnitEntity"
            | b"InstitutionOwner"
            | b"HealthInstitution"
            | b"OrganizationalUnit"
    )
}

fn display_name(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.name().as_ref()).into_owned()
}

impl<'s, F: FnMut(SorEntity) -> Result<(), SorError>> Parser<'s, F> {
    fn at(&self, pos: u64) -> Location {
        let (line, column) = self.window.borrow().locate(pos);
        Location {
            file: self.source.to_string(),
            line,
            column,
        }
    }

    fn format_err(&self, pos: u64, problem: impl Into<String>) -> SorError {
        SorError::Format {
            at: self.at(pos),
            problem: problem.into(),
        }
    }

    fn run<R: Read>(mut self, input: &mut Pieces<R>) -> Result<SorHeader, SorError> {
        loop {
            let piece = input.next().map_err(|e| {
                // Where reading stopped: the end of what was read.
                let at = self.window.borrow().read_to();
                self.read_error(e, at)
            })?;
            let (offset, last) = (piece.offset, piece.last);
            let window = Rc::clone(&self.window);
            let window = window.borrow();
            let bytes = &window.unparsed()[..piece.len];
            // One UTF-8 check for the whole piece, instead of one per text; a piece that fails
            // it is checked text by text, so the error names the first bad text.
            let utf8 = simdutf8::basic::from_utf8(bytes).ok();
            let mut xml = Reader::from_reader(bytes);
            let config = xml.config_mut();
            config.expand_empty_elements = false;
            // End tags are checked against the parser's own stack of names: a piece's reader
            // sees only the elements that end in it.
            config.check_end_names = false;
            config.allow_unmatched_ends = true;
            config.trim_text(false);
            let (consumed, cut_short) = loop {
                // White space between elements (half of all events) is skipped inside
                // quick-xml, except in a field's text, where every character counts
                // ("A &amp; B"), and outside the root element, where positions of declarations
                // are reported as read.
                xml.config_mut().trim_text_start = !self.stack.is_empty() && !self.capturing();
                let before = xml.buffer_position();
                let event = match xml.read_event() {
                    Ok(Event::Eof) => break (bytes.len(), false),
                    Ok(ev) => ev,
                    // A comment, CDATA or processing instruction with a `<` inside, cut short
                    // by the end of the piece: read again with the next one.
                    Err(e) if !last && is_unfinished(&e) => break (before as usize, true),
                    Err(e) => return Err(self.xml_error(e, offset + xml.error_position())),
                };
                // Where the event begins (after any skipped white space): its end minus its
                // markup.
                let after = offset + xml.buffer_position();
                let markup =
                    |content: usize, extra: u64| after.saturating_sub(content as u64 + extra);
                let pos = match &event {
                    Event::Start(e) => markup(e.len(), 2),
                    Event::Empty(e) => markup(e.len(), 3),
                    Event::End(e) => markup(e.len(), 3),
                    Event::Text(t) => markup(t.len(), 0),
                    Event::GeneralRef(r) => markup(r.len(), 2),
                    Event::CData(t) => markup(t.len(), 12),
                    _ => offset + before,
                };
                self.event(event, pos, utf8)?;
            };
            drop(window);
            input.consume(consumed, cut_short);
            if last {
                return self.finish(offset + consumed as u64);
            }
        }
    }

    /// Handles one event; `utf8` is the piece it lies in, if that is valid UTF-8. Inlined into
    /// the read loop: a call per event cost ~4% of the parse.
    #[inline(always)]
    fn event(&mut self, event: Event, pos: u64, utf8: Option<&str>) -> Result<(), SorError> {
        match event {
            Event::Start(e) => self.start(&e, pos)?,
            Event::End(e) => self.end(e.name().as_ref(), pos)?,
            Event::Empty(e) => {
                self.start(&e, pos)?;
                self.end(e.name().as_ref(), pos)?;
            }
            Event::Text(t) if !self.capturing() => {
                // Whitespace between elements: only check it is valid UTF-8.
                if str_within(utf8, &t).is_none()
                    && !t.is_ascii()
                    && std::str::from_utf8(&t).is_err()
                {
                    return Err(self.format_err(pos, INVALID_UTF8));
                }
            }
            Event::Text(t) => self.capture(&t, utf8, pos)?,
            Event::CData(t) => self.capture(&t, utf8, pos)?,
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match r.as_ref() {
                        b"amp" => '&',
                        b"lt" => '<',
                        b"gt" => '>',
                        b"quot" => '"',
                        b"apos" => '\'',
                        other => {
                            return Err(self.format_err(
                                pos,
                                format!(
                                    "ukendt entitet '&{};' (SOR-filer bruger kun XML's faste entiteter)",
                                    String::from_utf8_lossy(other)
                                ),
                            ))
                        }
                    },
                    Err(_) => return Err(self.format_err(pos, "ugyldig tegnreference (&#...;)")),
                };
                let mut tmp = [0u8; 4];
                self.push_text(c.encode_utf8(&mut tmp));
            }
            Event::DocType(_) => {
                return Err(self.format_err(
                    pos,
                    "filen indeholder en DOCTYPE-erklæring; SOR-filer har ingen, og den afvises \
                     for at undgå entitetsudvidelse (en 'XML-bombe')",
                ))
            }
            Event::Decl(d) => {
                if let Some(Ok(enc)) = d.encoding() {
                    let enc = String::from_utf8_lossy(&enc).to_ascii_lowercase();
                    if enc != "utf-8" && enc != "utf8" {
                        return Err(self.format_err(
                            pos,
                            format!("filen er erklæret som '{enc}'; kun UTF-8 understøttes"),
                        ));
                    }
                }
            }
            Event::PI(_) | Event::Comment(_) | Event::Eof => {}
        }
        Ok(())
    }

    fn read_error(&self, err: std::io::Error, pos: u64) -> SorError {
        self.format_err(pos, format!("filen kunne ikke læses: {err}"))
    }

    fn capturing(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Ctx::Field(_)) | Some(Ctx::Replacement(_))
        )
    }

    /// Keeps the text `part` of a field, checked as UTF-8 unless its piece (`utf8`) was.
    fn capture(&mut self, part: &[u8], utf8: Option<&str>, pos: u64) -> Result<(), SorError> {
        let text = match str_within(utf8, part) {
            Some(text) => text,
            None => std::str::from_utf8(part).map_err(|_| self.format_err(pos, INVALID_UTF8))?,
        };
        self.push_text(text);
        Ok(())
    }

    fn push_text(&mut self, s: &str) {
        if self.capturing() {
            self.text.push_str(s);
        }
    }

    fn xml_error(&self, e: quick_xml::Error, pos: u64) -> SorError {
        use quick_xml::errors::{IllFormedError, SyntaxError};
        use quick_xml::Error as X;
        let problem = match e {
            X::Syntax(
                SyntaxError::UnclosedTag
                | SyntaxError::UnclosedComment
                | SyntaxError::UnclosedCData
                | SyntaxError::UnclosedDoctype
                | SyntaxError::UnclosedPIOrXmlDecl,
            ) => "filen slutter midt i et tag (afkortet fil?)".to_string(),
            X::Syntax(SyntaxError::InvalidBangMarkup) => {
                "ugyldig XML: '<!' som hverken er en kommentar, CDATA eller DOCTYPE".to_string()
            }
            X::IllFormed(IllFormedError::UnclosedReference) => {
                "et '&' uden afsluttende ';' (skriv &amp; for et og-tegn)".to_string()
            }
            X::IllFormed(other) => format!("ugyldig XML: {other}"),
            X::Encoding(_) => INVALID_UTF8.to_string(),
            X::Escape(_) => "ugyldig tegnreference eller entitet".to_string(),
            X::InvalidAttr(a) => format!("ugyldig attribut: {a}"),
            X::Namespace(n) => format!("ugyldig brug af navnerum: {n}"),
            X::Io(io) => format!("filen kunne ikke læses: {io}"),
        };
        self.format_err(pos, problem)
    }

    /// Reads the namespace declarations on `e` (made at `depth`) and resolves its name.
    fn enter<'b>(
        &'b mut self,
        e: &BytesStart,
        depth: usize,
        pos: u64,
    ) -> Result<Resolved<'b>, SorError> {
        // Most elements have no attributes; only those with some can declare a namespace.
        if !e.attributes_raw().is_empty() {
            for attr in e.attributes().with_checks(false) {
                let Ok(attr) = attr else { break };
                let prefix: &[u8] = match attr.key.as_namespace_binding() {
                    None => continue,
                    Some(PrefixDeclaration::Default) => b"",
                    Some(PrefixDeclaration::Named(p)) => p,
                };
                let uri: &[u8] = &attr.value;
                let misuse = match prefix {
                    b"xmlns" => true,
                    b"xml" => uri != NS_XML,
                    b"" => false,
                    _ => uri.is_empty(),
                };
                if misuse {
                    return Err(self.format_err(
                        pos,
                        format!(
                            "ugyldig brug af navnerum: xmlns:{}=\"{}\"",
                            String::from_utf8_lossy(prefix),
                            String::from_utf8_lossy(uri)
                        ),
                    ));
                }
                self.known.forget();
                self.bindings.push(Binding {
                    prefix: prefix.into(),
                    uri: uri.into(),
                    ns: ns_of(uri),
                    depth,
                });
            }
        }
        let name = e.name();
        let prefix = name.prefix().map_or(&b""[..], |p| p.into_inner());
        let found = self
            .bindings
            .iter()
            .rev()
            .find(|b| b.prefix.len() == prefix.len() && &*b.prefix == prefix);
        match found {
            Some(b) if b.uri.is_empty() => Ok(Resolved::Unbound),
            Some(b) => Ok(Resolved::Bound(b.ns, &b.uri)),
            None if prefix.is_empty() => Ok(Resolved::Unbound),
            None if prefix == b"xml" => Ok(Resolved::Bound(Ns::Other, NS_XML)),
            None => Err(self.format_err(
                pos,
                format!(
                    "præfikset '{}' er ikke erklæret med et navnerum (xmlns)",
                    String::from_utf8_lossy(prefix)
                ),
            )),
        }
    }

    fn start(&mut self, e: &BytesStart, pos: u64) -> Result<(), SorError> {
        self.name_starts.push(self.names.len());
        self.names.extend_from_slice(e.name().as_ref());
        let Some(&parent) = self.stack.last() else {
            return self.start_root(e, pos);
        };
        if parent == Ctx::Skip {
            self.stack.push(Ctx::Skip);
            return Ok(());
        }
        // An element without attributes declares no namespace, so what it means under this
        // parent was worked out before, unless the namespaces in scope have changed since.
        let plain = e.attributes_raw().is_empty();
        let known = if plain {
            self.known.get(parent, e.name().as_ref())
        } else {
            None
        };
        let child = match known {
            Some(child) => child,
            None => {
                let ns = match self.enter(e, self.stack.len() + 1, pos)? {
                    Resolved::Bound(ns, _) => ns,
                    Resolved::Unbound => Ns::Other,
                };
                let local = e.local_name();
                match child_of(parent, ns, local.as_ref()) {
                    Some(child) => {
                        if plain {
                            self.known.put(parent, e.name().as_ref(), child);
                        }
                        child
                    }
                    None => self.structural_child(e, parent, pos)?,
                }
            }
        };
        match (parent, child) {
            (Ctx::Entity, Ctx::Address(kind)) => self.address(kind),
            (Ctx::Replacement(_), _) | (_, Ctx::Field(_)) => self.text.clear(),
            _ => {}
        }
        self.push(child)
    }

    /// A child that changes the parser's state: an entity or its wrapper (or one misplaced).
    fn structural_child(&mut self, e: &BytesStart, parent: Ctx, pos: u64) -> Result<Ctx, SorError> {
        match parent {
            Ctx::Root => self.structural(e, pos, None),
            Ctx::Wrapper(level) => self.structural(e, pos, Some(level)),
            _ => {
                let inside = self
                    .draft
                    .as_ref()
                    .and_then(|d| d.level)
                    .map_or("en enhed", |l| level_words(l).1);
                Err(self.format_err(
                    pos,
                    format!(
                        "<{}> står inde i {inside}; underenheder skal stå efter den, ikke i den",
                        display_name(e)
                    ),
                ))
            }
        }
    }

    fn push(&mut self, ctx: Ctx) -> Result<(), SorError> {
        self.stack.push(ctx);
        Ok(())
    }

    fn start_root(&mut self, e: &BytesStart, pos: u64) -> Result<(), SorError> {
        if self.root_closed {
            return Err(self.format_err(
                pos,
                format!(
                    "elementet <{}> står efter SorTree er lukket; en SOR-fil har ét rodelement",
                    display_name(e)
                ),
            ));
        }
        let uri = match self.enter(e, 1, pos)? {
            Resolved::Bound(_, uri) => String::from_utf8_lossy(uri).into_owned(),
            Resolved::Unbound => String::new(),
        };
        let local = e.local_name();
        let format = match uri.as_str() {
            NS_SOR_V2 => Some(SorFormat::V2),
            NS_SOR_V1 => Some(SorFormat::V1),
            _ => None,
        };
        match (format, local.as_ref()) {
            (Some(format), b"SorTree") => {
                self.header = Some(SorHeader {
                    format,
                    created_at: None,
                    snapshot_date: None,
                });
                self.push(Ctx::Root)
            }
            _ => {
                let ns_text = if uri.is_empty() {
                    "uden navnerum".to_string()
                } else {
                    format!("i navnerummet '{uri}'")
                };
                Err(self.format_err(
                    pos,
                    format!(
                        "ikke en SOR-fil: rodelementet er <{}> {ns_text}; forventede SorTree i \
                         navnerummet {NS_SOR_V2} (format 2) eller {NS_SOR_V1} (format 1)",
                        display_name(e)
                    ),
                ))
            }
        }
    }

    /// An entity or wrapper element (in SOR's namespace) as a child of SorTree or of an
    /// `*Entity` wrapper (`parent` is the wrapper's level).
    fn structural(
        &mut self,
        e: &BytesStart,
        pos: u64,
        parent: Option<SorLevel>,
    ) -> Result<Ctx, SorError> {
        let (wrapper_of, entity_of) = match e.local_name().as_ref() {
            b"InstitutionOwnerEntity" => (Some(SorLevel::Owner), None),
            b"HealthInstitutionEntity" => (Some(SorLevel::Institution), None),
            b"OrganizationalUnitEntity" => (Some(SorLevel::Unit), None),
            b"InstitutionOwner" => (None, Some(SorLevel::Owner)),
            b"HealthInstitution" => (None, Some(SorLevel::Institution)),
            b"OrganizationalUnit" => (None, Some(SorLevel::Unit)),
            _ => return Ok(Ctx::Skip),
        };
        // Only for the error messages; built when one is.
        let where_text = || match parent {
            None => "direkte under SorTree".to_string(),
            Some(l) => format!("inde i {}", level_words(l).0),
        };
        if let Some(level) = wrapper_of {
            let allowed = matches!(
                (parent, level),
                (None, SorLevel::Owner)
                    | (Some(SorLevel::Owner), SorLevel::Institution)
                    | (Some(SorLevel::Institution | SorLevel::Unit), SorLevel::Unit)
            );
            if !allowed {
                let expected = match level {
                    SorLevel::Owner => "direkte under SorTree",
                    SorLevel::Institution => "inde i en InstitutionOwnerEntity",
                    SorLevel::Unit => {
                        "inde i en HealthInstitutionEntity eller OrganizationalUnitEntity"
                    }
                };
                return Err(self.format_err(
                    pos,
                    format!(
                        "{} står {}; den skal stå {expected} (enhedens overordnede mangler)",
                        level_words(level).0,
                        where_text()
                    ),
                ));
            }
            if let Some(w) = self.wrappers.last() {
                if !w.has_entity {
                    return Err(self.format_err(
                        pos,
                        format!(
                            "{} står før sin overordnede {} i {} (enhedens overordnede mangler)",
                            level_words(level).0,
                            level_words(w.level).1,
                            level_words(w.level).0
                        ),
                    ));
                }
            }
            // A child follows: the entity read last is its parent.
            self.deliver_held(true)?;
            self.wrappers.push(Wrapper {
                level,
                at: pos,
                ancestors_before: self.ancestors.len(),
                has_entity: false,
            });
            return Ok(Ctx::Wrapper(level));
        }
        let level = entity_of.unwrap_or(SorLevel::Unit);
        let ok = parent == Some(level) && self.wrappers.last().is_some_and(|w| !w.has_entity);
        if !ok {
            let problem = if parent == Some(level) {
                format!(
                    "{} forekommer to gange i samme {}",
                    level_words(level).1,
                    level_words(level).0
                )
            } else {
                format!(
                    "{} står {}; den skal stå først i en {}",
                    level_words(level).1,
                    where_text(),
                    level_words(level).0
                )
            };
            return Err(self.format_err(pos, problem));
        }
        self.draft = Some(Draft {
            level: Some(level),
            at: pos,
            ..Draft::default()
        });
        Ok(Ctx::Entity)
    }

    /// An address element of the entity: the address exists, even if all its parts are empty.
    fn address(&mut self, kind: AddrKind) {
        if let Some(d) = self.draft.as_mut() {
            let slot = match kind {
                AddrKind::Postal => &mut d.postal,
                AddrKind::Visiting => &mut d.visiting,
                AddrKind::Activity => &mut d.activity,
            };
            slot.get_or_insert_with(Address::default);
        }
    }

    fn end(&mut self, name: &[u8], pos: u64) -> Result<(), SorError> {
        let Some(start) = self.name_starts.pop() else {
            return Err(self.format_err(
                pos,
                format!(
                    "slut-tagget </{}> har intet start-tag",
                    String::from_utf8_lossy(name)
                ),
            ));
        };
        if self.names[start..] != *name {
            return Err(self.format_err(
                pos,
                format!(
                    "slut-tagget </{}> passer ikke; forventede </{}>",
                    String::from_utf8_lossy(name),
                    String::from_utf8_lossy(&self.names[start..])
                ),
            ));
        }
        self.names.truncate(start);
        let Some(ctx) = self.stack.pop() else {
            return Ok(());
        };
        while self
            .bindings
            .last()
            .is_some_and(|b| b.depth > self.stack.len())
        {
            self.bindings.pop();
            self.known.forget();
        }
        match ctx {
            Ctx::Field(field) => self.store_field(field, pos),
            Ctx::Replacement(r) => {
                let id = self.text.trim_ascii();
                if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
                    if let Some(d) = self.draft.as_mut() {
                        match r {
                            Replacement::Replaces => d.replaces.push(id.to_string()),
                            Replacement::ReplacedBy => d.replaced_by.push(id.to_string()),
                        }
                    }
                }
                self.text.clear();
                Ok(())
            }
            Ctx::Entity => self.finish_entity(),
            Ctx::Wrapper(level) => {
                // No child followed the entity held back, if any: it is delivered as it is.
                self.deliver_held(false)?;
                let w = self.wrappers.pop();
                if let Some(w) = w {
                    if !w.has_entity {
                        return Err(self.format_err(
                            w.at,
                            format!(
                                "{} indeholder ingen {}",
                                level_words(level).0,
                                level_words(level).1
                            ),
                        ));
                    }
                    self.ancestors.truncate(w.ancestors_before);
                }
                Ok(())
            }
            Ctx::Root => {
                self.root_closed = true;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn store_field(&mut self, field: Field, pos: u64) -> Result<(), SorError> {
        let text = std::mem::take(&mut self.text);
        // XML's white space is ASCII (space, tab, CR, LF); a no-break space is part of a value.
        let result = self.store_value(field, text.trim_ascii(), pos);
        // The capture buffer is kept (cleared) so its capacity serves the next field.
        self.text = text;
        self.text.clear();
        result
    }

    /// Stores one field's trimmed text, allocating only the string that is kept.
    fn store_value(&mut self, field: Field, value: &str, pos: u64) -> Result<(), SorError> {
        if value.is_empty() {
            return Ok(());
        }
        if let Field::CreatedAt | Field::SnapshotDate = field {
            if let Some(h) = self.header.as_mut() {
                match field {
                    Field::CreatedAt => h.created_at = Some(value.to_string()),
                    _ => h.snapshot_date = Some(value.to_string()),
                }
            }
            return Ok(());
        }
        if let Field::FromDate | Field::ToDate | Field::UpdatedAt | Field::FirstFromDate = field {
            let Some(date) = iso_date(value) else {
                let id = self.draft_id();
                return Err(SorError::Entity {
                    at: self.at(pos),
                    sor_id: id,
                    problem: format!(
                        "datoen '{value}' er ikke en gyldig dato (forventede ÅÅÅÅ-MM-DD)"
                    ),
                });
            };
            if let Some(d) = self.draft.as_mut() {
                let slot = match field {
                    Field::FromDate => &mut d.from_date,
                    Field::ToDate => &mut d.to_date,
                    Field::UpdatedAt => &mut d.updated_at,
                    _ => &mut d.first_from_date,
                };
                *slot = Some(date.to_string());
            }
            return Ok(());
        }
        let Some(d) = self.draft.as_mut() else {
            return Ok(());
        };
        if let Field::EanInherited = field {
            d.ean_inherited_flag = Some(value == "true" || value == "1");
            return Ok(());
        }
        let value = value.to_string();
        match field {
            Field::SorId => d.sor_id = Some(value),
            Field::Name => d.name = Some(value),
            Field::TypeCode => d.type_code = Some(value),
            Field::Shak => d.shak = Some(value),
            Field::LocalCode => d.local_code = Some(value),
            Field::Cvr => d.cvr = Some(value),
            Field::Ean => d.ean = Some(value),
            Field::Phone => d.phone = Some(value),
            Field::Email => d.email = Some(value),
            Field::Website => d.website = Some(value),
            Field::GeoParentId => d.geo_parent = Some(value),
            Field::Address(kind, part) => {
                let slot = match kind {
                    AddrKind::Postal => &mut d.postal,
                    AddrKind::Visiting => &mut d.visiting,
                    AddrKind::Activity => &mut d.activity,
                };
                let a = slot.get_or_insert_with(Address::default);
                match part {
                    AddrPart::Street => a.street = value,
                    AddrPart::Number => a.number = Some(value),
                    AddrPart::Floor => a.floor = Some(value),
                    AddrPart::Door => a.door = Some(value),
                    AddrPart::Postcode => a.postcode = Some(value),
                    AddrPart::City => a.city = Some(value),
                    AddrPart::Municipality => a.municipality_code = Some(value),
                }
            }
            Field::CreatedAt
            | Field::SnapshotDate
            | Field::EanInherited
            | Field::FromDate
            | Field::ToDate
            | Field::UpdatedAt
            | Field::FirstFromDate => {}
        }
        Ok(())
    }

    fn draft_id(&self) -> String {
        self.draft
            .as_ref()
            .and_then(|d| d.sor_id.clone())
            .unwrap_or_else(|| "(uden SorIdentifier)".to_string())
    }

    fn finish_entity(&mut self) -> Result<(), SorError> {
        let Some(d) = self.draft.take() else {
            return Ok(());
        };
        let level = d.level.unwrap_or(SorLevel::Unit);
        let element = level_words(level).1;
        let Some(sor_id) = d.sor_id else {
            let named = d.name.map(|n| format!(" ('{n}')")).unwrap_or_default();
            return Err(
                self.format_err(d.at, format!("{element}{named} mangler sit SorIdentifier"))
            );
        };
        let key = parse_sor_id(&sor_id).ok_or_else(|| {
            self.format_err(
                d.at,
                format!(
                    "{element} har SorIdentifier '{sor_id}', som ikke er et SOR-id (forventede et heltal på højst 18 cifre)"
                ),
            )
        })?;
        // Only the line is kept per entity; a full location is built when it is needed.
        let line = self.window.borrow().line(d.at);
        if let Some(first_line) = self.seen.insert(key, line) {
            return Err(SorError::Entity {
                at: self.at(d.at),
                sor_id,
                problem: format!(
                    "SOR-id'et forekommer to gange i filen (første gang i linje {first_line})"
                ),
            });
        }
        let Some(name) = d.name else {
            return Err(SorError::Entity {
                at: self.at(d.at),
                sor_id,
                problem: format!("{element} mangler sit navn (EntityName)"),
            });
        };
        if let Some(geo) = d.geo_parent {
            let known = parse_sor_id(&geo).is_some_and(|g| self.seen.contains_key(&g));
            if !known {
                let at = self.at(d.at);
                self.pending_geo.push((sor_id.clone(), geo, at));
            }
        }
        let parent = self.ancestors.last();
        let parent_id = parent.map(|p| p.sor_id.clone());
        let owner_id = self
            .ancestors
            .first()
            .map(|p| p.sor_id.clone())
            .unwrap_or_else(|| sor_id.clone());

        let (ean, ean_inherited) = match (d.ean, d.ean_inherited_flag) {
            (Some(own), _) => (Some(own), false),
            (None, Some(false)) => (None, false),
            (None, _) => match parent.and_then(|p| p.ean.clone()) {
                Some(e) => (Some(e), true),
                None => (None, false),
            },
        };
        let own_postal = d.postal.filter(|a| *a != Address::default());
        let (postal, postal_inherited) = match own_postal {
            Some(a) => (Some(a), false),
            None => match parent.and_then(|p| p.postal.clone()) {
                Some(a) => (Some(a), true),
                None => (None, false),
            },
        };
        let own_visiting = d.visiting.filter(|a| *a != Address::default());
        let (visiting, visiting_inherited) = match own_visiting {
            Some(a) => (Some(a), false),
            None => (postal.clone(), postal.is_some()),
        };
        let has_telecom = d.phone.is_some() || d.email.is_some() || d.website.is_some();
        let (phone, email, website, telecom_inherited) = match parent {
            Some(p) if !has_telecom => {
                let any = p.phone.is_some() || p.email.is_some() || p.website.is_some();
                (p.phone.clone(), p.email.clone(), p.website.clone(), any)
            }
            _ => (d.phone, d.email, d.website, false),
        };
        if let Some(w) = self.wrappers.last_mut() {
            w.has_entity = true;
        }
        self.deliver_held(false)?;
        self.held = Some(SorEntity {
            sor_id,
            level: Some(level),
            parent_id,
            owner_id,
            name,
            type_code: d.type_code,
            ean,
            ean_inherited,
            shak: d.shak,
            local_code: d.local_code,
            cvr: d.cvr,
            postal_address: postal,
            postal_inherited,
            visiting_address: visiting,
            visiting_inherited,
            activity_address: d.activity.filter(|a| *a != Address::default()),
            phone,
            email,
            website,
            telecom_inherited,
            from_date: d.from_date,
            to_date: d.to_date,
            updated_at: d.updated_at,
            first_from_date: d.first_from_date,
            replaces: d.replaces,
            replaced_by: d.replaced_by,
        });
        Ok(())
    }

    /// Hands the entity held back to the caller; first, when children follow, keeps what
    /// they inherit from it.
    fn deliver_held(&mut self, has_children: bool) -> Result<(), SorError> {
        let Some(e) = self.held.take() else {
            return Ok(());
        };
        if has_children {
            self.ancestors.push(Ancestor {
                sor_id: e.sor_id.clone(),
                postal: e.postal_address.clone(),
                ean: e.ean.clone(),
                phone: e.phone.clone(),
                email: e.email.clone(),
                website: e.website.clone(),
            });
        }
        (self.on_entity)(e)
    }

    fn finish(mut self, pos: u64) -> Result<SorHeader, SorError> {
        if let Some(open) = self.stack.last() {
            let what = match open {
                Ctx::Root => "SorTree".to_string(),
                Ctx::Wrapper(l) => level_words(*l).0.to_string(),
                Ctx::Entity => self
                    .draft
                    .as_ref()
                    .and_then(|d| d.level)
                    .map(|l| level_words(l).1.to_string())
                    .unwrap_or_else(|| "en enhed".to_string()),
                _ => "et element".to_string(),
            };
            return Err(self.format_err(
                pos,
                format!(
                    "filen slutter midt i {what} ({} elementer er ikke lukket; afkortet fil?)",
                    self.stack.len()
                ),
            ));
        }
        self.deliver_held(false)?;
        let Some(header) = self.header.take() else {
            return Err(self.format_err(
                pos,
                "filen indeholder intet XML-element; forventede SOR's XML-eksport (SorTree)",
            ));
        };
        if let Some((sor_id, geo, at)) = self
            .pending_geo
            .into_iter()
            .find(|(_, geo, _)| !parse_sor_id(geo).is_some_and(|g| self.seen.contains_key(&g)))
        {
            return Err(SorError::Entity {
                at,
                sor_id,
                problem: format!(
                    "GeographicalParentSorIdentifier {geo} peger på en enhed, der ikke findes i filen"
                ),
            });
        }
        Ok(header)
    }
}

/// What a child element (namespace `ns`, local name `local`) means under `parent`; `None` for
/// an entity or its wrapper, which change the parser's state ([`Parser::structural_child`]).
/// The answer depends on nothing else, so it can be remembered ([`Known`]).
fn child_of(parent: Ctx, ns: Ns, local: &[u8]) -> Option<Ctx> {
    let child = match parent {
        Ctx::Root => match (ns, local) {
            (Ns::Sor, b"CreatedAtTime") => Ctx::Field(Field::CreatedAt),
            (Ns::Sor, b"SnapshotDate") => Ctx::Field(Field::SnapshotDate),
            (Ns::Sor, _) if is_structural(local) => return None,
            _ => Ctx::Skip,
        },
        Ctx::Wrapper(_) | Ctx::Entity if ns == Ns::Sor && is_structural(local) => return None,
        Ctx::Wrapper(_) => Ctx::Skip,
        Ctx::Entity => entity_child(ns, local),
        Ctx::Ean => match (ns, local) {
            (Ns::Sor, b"EanLocationCode") => Ctx::Field(Field::Ean),
            _ => Ctx::Skip,
        },
        Ctx::EanOption => match (ns, local) {
            (Ns::Sor, b"EntityInheritedIndicator" | b"EntityInheritanceIndicator") => {
                Ctx::Field(Field::EanInherited)
            }
            (Ns::Sor, b"EanLocationCodeEntity") => Ctx::Ean,
            (Ns::Sor, b"EanLocationCode") => Ctx::Field(Field::Ean),
            _ => Ctx::Skip,
        },
        Ctx::Address(kind) => {
            let part = match (ns, local) {
                (Ns::Xkom, b"AddressPostal") => return Some(Ctx::Address(kind)),
                (Ns::Dkcc2005, b"StreetName") => Some(AddrPart::Street),
                (Ns::Dkcc, b"StreetBuildingIdentifier") => Some(AddrPart::Number),
                (Ns::Dkcc, b"FloorIdentifier") => Some(AddrPart::Floor),
                (Ns::Dkcc, b"SuiteIdentifier") => Some(AddrPart::Door),
                (Ns::Dkcc2005, b"PostCodeIdentifier") => Some(AddrPart::Postcode),
                (Ns::Dkcc2005, b"DistrictName") => Some(AddrPart::City),
                (Ns::Cpr, b"MunicipalityCode") => Some(AddrPart::Municipality),
                _ => None,
            };
            part.map_or(Ctx::Skip, |p| Ctx::Field(Field::Address(kind, p)))
        }
        Ctx::Virtual => match (ns, local) {
            (Ns::Sor, b"TelephoneNumberIdentifier") => Ctx::Field(Field::Phone),
            (Ns::Xkom | Ns::Sor, b"EmailAddressIdentifier") => Ctx::Field(Field::Email),
            (Ns::Sor, b"Website") => Ctx::Field(Field::Website),
            _ => Ctx::Skip,
        },
        Ctx::Status => match (ns, local) {
            (Ns::Sor, b"FromDate") => Ctx::Field(Field::FromDate),
            (Ns::Sor, b"ToDate") => Ctx::Field(Field::ToDate),
            (Ns::Sor, b"UpdatedAt") => Ctx::Field(Field::UpdatedAt),
            (Ns::Sor, b"FirstFromDate") => Ctx::Field(Field::FirstFromDate),
            _ => Ctx::Skip,
        },
        Ctx::GeoParent => match (ns, local) {
            (Ns::Sor, b"GeographicalParentSorIdentifier") => Ctx::Field(Field::GeoParentId),
            _ => Ctx::Skip,
        },
        // Collections of SOR ids; the id is the text of each leaf.
        Ctx::Replacement(r) => Ctx::Replacement(r),
        Ctx::Field(_) | Ctx::Skip => Ctx::Skip,
    };
    Some(child)
}

fn entity_child(ns: Ns, local: &[u8]) -> Ctx {
    match (ns, local) {
        (Ns::Sor, b"SorIdentifier") => Ctx::Field(Field::SorId),
        (Ns::Sor, b"EntityName") => Ctx::Field(Field::Name),
        (Ns::Sor, b"EntityTypeIdentifier" | b"OwnerType" | b"InstitutionType" | b"UnitType") => {
            Ctx::Field(Field::TypeCode)
        }
        (Ns::Sor, b"ShakIdentifier") => Ctx::Field(Field::Shak),
        (Ns::Sor, b"LocalCode") => Ctx::Field(Field::LocalCode),
        (Ns::Cvr, b"CVRnumberIdentifier") => Ctx::Field(Field::Cvr),
        (Ns::Sor, b"EanLocationCodeEntity") => Ctx::Ean,
        (Ns::Sor, b"OptionalEanLocationCode" | b"EanLocationCodeOption") => Ctx::EanOption,
        (Ns::Sor, b"PostalAddressInformation") => Ctx::Address(AddrKind::Postal),
        (Ns::Sor, b"VisitingAddressInformation") => Ctx::Address(AddrKind::Visiting),
        (Ns::Sor, b"ActivityAddressInformation") => Ctx::Address(AddrKind::Activity),
        (Ns::Sor, b"VirtualAddressInformation") => Ctx::Virtual,
        (Ns::Sor, b"SorStatus") => Ctx::Status,
        (Ns::Sor, b"GeographicalParent") => Ctx::GeoParent,
        (Ns::Sor, b"ReplacesEntityCollection") => Ctx::Replacement(Replacement::Replaces),
        (Ns::Sor, b"ReplacedByEntityCollection") => Ctx::Replacement(Replacement::ReplacedBy),
        _ => Ctx::Skip,
    }
}

/// Remembers what an element name (as written, prefix included) means under a parent context,
/// so that the usual elements are recognised with one lookup instead of resolving their
/// namespace and comparing local names. A small table (a file uses a few dozen names): a name
/// that finds both its slots taken replaces the second, and is worked out again when asked.
/// Valid while the namespaces in scope stay the same; [`Known::forget`] when they change.
#[derive(Default)]
struct Known {
    slots: Vec<Option<KnownChild>>,
}

#[derive(Clone)]
struct KnownChild {
    /// [`parent_code`] of the parent.
    parent: u64,
    qname: Box<[u8]>,
    child: Ctx,
}

/// Slots of [`Known`]: a name may sit in either of two neighbours (`slot`, `slot ^ 1`).
const KNOWN_SLOTS: usize = 1024;

/// A number per parent context, for [`Known`]: parents with equal numbers give their children
/// the same meaning in [`child_of`] (every field gives [`Ctx::Skip`]).
fn parent_code(ctx: Ctx) -> u64 {
    let kind = |k: AddrKind| k as u64;
    match ctx {
        Ctx::Root => 1,
        Ctx::Wrapper(level) => 2 + level as u64,
        Ctx::Entity => 6,
        Ctx::Ean => 7,
        Ctx::EanOption => 8,
        Ctx::Address(k) => 9 + kind(k),
        Ctx::Virtual => 13,
        Ctx::Status => 14,
        Ctx::GeoParent => 15,
        Ctx::Replacement(r) => 16 + r as u64,
        Ctx::Field(_) => 18,
        Ctx::Skip => 19,
    }
}

impl Known {
    fn slot(parent: u64, qname: &[u8]) -> usize {
        let word = |b: &[u8]| match b.get(..8) {
            Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
            None => b.iter().fold(0, |w, &c| w << 8 | u64::from(c)),
        };
        let head = word(qname);
        let tail = word(&qname[qname.len().saturating_sub(8)..]);
        let mixed = (parent ^ (qname.len() as u64) << 8 ^ head.rotate_left(17) ^ tail)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 54) as usize % KNOWN_SLOTS
    }

    fn get(&self, parent: Ctx, qname: &[u8]) -> Option<Ctx> {
        let parent = parent_code(parent);
        let slot = Self::slot(parent, qname);
        for i in [slot, slot ^ 1] {
            if let Some(Some(k)) = self.slots.get(i) {
                if k.parent == parent && *k.qname == *qname {
                    return Some(k.child);
                }
            }
        }
        None
    }

    fn put(&mut self, parent: Ctx, qname: &[u8], child: Ctx) {
        if self.slots.is_empty() {
            self.slots.resize(KNOWN_SLOTS, None);
        }
        let parent = parent_code(parent);
        let slot = Self::slot(parent, qname);
        let free = if self.slots[slot].is_none() {
            slot
        } else {
            slot ^ 1
        };
        self.slots[free] = Some(KnownChild {
            parent,
            qname: qname.into(),
            child,
        });
    }

    fn forget(&mut self) {
        self.slots.clear();
    }
}

/// Hashes a SOR id (already a well-spread number) with one multiplication instead of SipHash;
/// the keys come from the file, but a skewed file can only slow its own import down.
#[derive(Default, Clone, Copy)]
struct BuildIdHasher;

impl std::hash::BuildHasher for BuildIdHasher {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

const INVALID_UTF8: &str =
    "ugyldig UTF-8 (tegn, der ikke er gyldig UTF-8; SOR-filer skal være UTF-8-kodet)";

/// A SOR id: decimal digits only, at most 18 (fits a signed 64-bit `long`).
fn parse_sor_id(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD`, optionally followed by a time or time zone (xs:date / xs:dateTime).
fn iso_date(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    if b.len() < 10 {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(|c| c.is_ascii_digit());
    if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)) {
        return None;
    }
    let two = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let (month, day) = (two(5), two(8));
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if b.len() > 10 && !matches!(b[10], b'T' | b'Z' | b'+' | b'-') {
        return None;
    }
    Some(&s[..10])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_date(input: &str, expected: Option<&str>) {
        assert_eq!(
            iso_date(input),
            expected,
            "date {input:?} should normalise to {expected:?}"
        );
    }

    #[test]
    fn dates_are_iso_with_optional_zone() {
        check_date("2019-04-12", Some("2019-04-12"));
        check_date("2019-04-12+02:00", Some("2019-04-12"));
        check_date("2019-04-12T01:00:29", Some("2019-04-12"));
        check_date("12-04-2019", None);
        check_date("2019-13-01", None);
        check_date("2019-04-12x", None);
        check_date("2019", None);
    }

    fn check_id(input: &str, expected: Option<u64>) {
        assert_eq!(parse_sor_id(input), expected, "SOR id {input:?}");
    }

    #[test]
    fn sor_ids_are_decimal_longs() {
        check_id("698471000016005", Some(698471000016005));
        check_id("11000016002", Some(11000016002));
        check_id("", None);
        check_id("12a", None);
        check_id("-5", None);
        check_id("1234567890123456789", None);
    }
}
