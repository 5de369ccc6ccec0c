//! Parse, then validate: raw TOML/CSV into model types, collecting every problem.

use crate::diag::{Diagnostic, Diagnostics, Locator};
use crate::table;
use crate::{Files, Loaded};
use astana_model::{
    iso, AlignmentRow, Bloc, Code, FlowKind, FlowRecord, Membership, Period, Scenario, Source,
    WORLD,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use toml::Spanned;

/// Unknown keys are found by `keys::unknown_keys` (all of them, with suggestions), so serde
/// ignores them here.
#[derive(Deserialize)]
struct RawScenario {
    name: String,
    focal: Spanned<String>,
    default_year: i32,
    #[serde(default)]
    description: String,
    #[serde(default)]
    vectors: Vec<Spanned<String>>,
    #[serde(default)]
    rollup: Vec<Spanned<String>>,
    files: RawFiles,
    #[serde(default)]
    blocs: BTreeMap<String, RawBloc>,
    #[serde(default)]
    brief: RawBrief,
    #[serde(default)]
    corridor: RawCorridor,
}

/// `[brief]`: the brief's country-specific texts (all optional).
#[derive(Deserialize, Default)]
struct RawBrief {
    #[serde(default)]
    alignment_note: String,
    #[serde(default)]
    fdi_reporter: String,
    #[serde(default)]
    mediation: String,
    #[serde(default)]
    mediation_heading: String,
    #[serde(default)]
    trade_gap: String,
    #[serde(default)]
    un_group: Option<Spanned<String>>,
}

/// `[corridor]`: the corridor the brief follows (all optional).
#[derive(Deserialize, Default)]
struct RawCorridor {
    #[serde(default)]
    name: String,
    #[serde(default)]
    family: String,
    #[serde(default)]
    from: Vec<Spanned<String>>,
    #[serde(default)]
    to: Option<Spanned<String>>,
    #[serde(default)]
    volumes: String,
    #[serde(default)]
    volumes_name: String,
    #[serde(default)]
    routes_from: Option<Spanned<String>>,
    #[serde(default)]
    routes_to: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct RawFiles {
    sources: String,
    flows: String,
    #[serde(default)]
    products: Option<String>,
    #[serde(default)]
    memberships: Option<String>,
    #[serde(default)]
    alignment: Option<String>,
    #[serde(default)]
    power: Vec<String>,
    #[serde(default)]
    tenure: Option<String>,
    #[serde(default)]
    negotiation: Vec<String>,
    #[serde(default)]
    corridor_nodes: Option<String>,
    #[serde(default)]
    corridor_links: Option<String>,
    #[serde(default)]
    volumes: Option<String>,
    #[serde(default)]
    forum: Option<String>,
}

#[derive(Deserialize)]
struct RawBloc {
    name: String,
    source: Spanned<String>,
    members: Vec<Spanned<String>>,
}

const TOML_FILE: &str = "scenario.toml";

pub(crate) fn load(files: &Files) -> Result<Loaded, Diagnostics> {
    let mut diags = Diagnostics::default();
    let text = files.read(TOML_FILE).map_err(|d| Diagnostics(vec![d]))?;
    diags.0.extend(crate::keys::unknown_keys(
        TOML_FILE,
        &text,
        crate::keys::SCENARIO_KEYS,
    ));
    // One locator for every error in scenario.toml: they cost one pass over the file.
    let mut loc = Locator::new(&text);
    let raw: RawScenario = match toml::from_str(&text) {
        Ok(r) => r,
        Err(e) => {
            let msg = e.message();
            // serde reports schema problems (unknown or missing keys) through the parser;
            // only real syntax errors are "malformed".
            let schema = [
                "unknown field",
                "missing field",
                "invalid type",
                "unknown variant",
            ]
            .iter()
            .any(|p| msg.starts_with(p));
            let text_msg = if schema {
                msg.trim().to_string()
            } else {
                format!("malformed TOML: {}", msg.trim())
            };
            let mut d = Diagnostic::error(TOML_FILE, text_msg)
                .hint("see data/scenarios/kazakhstan/scenario.toml for a complete example");
            if let Some(span) = e.span() {
                d = d.at(&mut loc, span.start, span.end - span.start);
            }
            diags.push(d);
            return Err(diags);
        }
    };

    // Blocs first: flow partners and memberships may name them.
    let mut blocs = Vec::new();
    // One suggestion search per distinct unknown code, however often it is repeated.
    let mut unknown: HashMap<String, Diagnostic> = HashMap::new();
    for (id, b) in &raw.blocs {
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        let field = format!("blocs.{id}.members");
        for m in &b.members {
            let code = m.get_ref();
            if !iso::is_alpha3(code) {
                let d = unknown
                    .entry(code.clone())
                    .or_insert_with(|| unknown_code(code, "", "unknown bloc member"))
                    .clone()
                    .field(&field);
                diags.push(d.at(&mut loc, m.span().start, m.span().len()));
            } else if !seen.insert(code.clone()) {
                diags.push(
                    Diagnostic::error(TOML_FILE, format!("duplicate bloc member `{code}`"))
                        .field(&field)
                        .at(&mut loc, m.span().start, m.span().len()),
                );
            }
            members.push(code.clone());
        }
        blocs.push((
            Bloc {
                id: id.clone(),
                name: b.name.clone(),
                members,
                source: b.source.get_ref().clone(),
            },
            b.source.span(),
        ));
    }
    let bloc_ids: HashSet<String> = blocs.iter().map(|(b, _)| b.id.clone()).collect();
    for (b, _) in &blocs {
        if Code::new(&b.id).is_none() {
            diags.push(
                Diagnostic::error(TOML_FILE, format!("bloc id `{}` is too long", b.id))
                    .field("blocs")
                    .hint(format!("use at most {} characters, e.g. `EU27`", Code::MAX)),
            );
        }
        if iso::is_alpha3(&b.id) || b.id == WORLD {
            diags.push(
                Diagnostic::error(
                    TOML_FILE,
                    format!("bloc id `{}` is also a country code", b.id),
                )
                .field("blocs")
                .hint("choose an id that is not an ISO 3166 alpha-3 code, e.g. `EU27`"),
            );
        }
    }

    let focal = raw.focal.get_ref().clone();
    if !iso::is_alpha3(&focal) {
        diags.push(unknown_code(&focal, "focal", "unknown ISO3 code").at(
            &mut loc,
            raw.focal.span().start,
            raw.focal.span().len(),
        ));
    }
    for v in &raw.vectors {
        if !iso::is_alpha3(v.get_ref()) && !bloc_ids.contains(v.get_ref()) {
            diags.push(
                unknown_code(v.get_ref(), "vectors", "not a country code nor a bloc id").at(
                    &mut loc,
                    v.span().start,
                    v.span().len(),
                ),
            );
        }
    }
    for r in &raw.rollup {
        if !bloc_ids.contains(r.get_ref()) {
            diags.push(
                Diagnostic::error(TOML_FILE, format!("unknown bloc `{}`", r.get_ref()))
                    .field("rollup")
                    .at(&mut loc, r.span().start, r.span().len())
                    .hint("every roll-up entry must be a [blocs.ID] table in this file"),
            );
        }
    }

    // Sources.
    let sources = match files.read(&raw.files.sources) {
        Ok(t) => read_sources(&raw.files.sources, &t, &mut diags),
        Err(d) => {
            diags.push(d.or_field("files.sources"));
            Vec::new()
        }
    };
    // Looked up once per row of every table (millions in a flows file): a fast hasher.
    let source_ids: foldhash::HashSet<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    for (b, span) in &blocs {
        if !source_ids.contains(b.source.as_str()) {
            diags.push(
                unresolved_source(TOML_FILE, &b.source, &raw.files.sources)
                    .field(&format!("blocs.{}.source", b.id))
                    .at(&mut loc, span.start, span.len()),
            );
        }
    }
    let resolver = Resolver {
        sources: Some((&raw.files.sources, source_ids)),
        blocs: &bloc_ids,
    };

    let flows = match files.read(&raw.files.flows) {
        Ok(t) => read_flows(&raw.files.flows, &t, &resolver, &mut diags),
        Err(d) => {
            diags.push(d.or_field("files.flows"));
            Vec::new()
        }
    };
    let products = match &raw.files.products {
        Some(name) => match files.read(name) {
            Ok(t) => crate::products::read(name, &t, &resolver, &mut diags),
            Err(d) => {
                diags.push(d.or_field("files.products"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let memberships = match &raw.files.memberships {
        Some(name) => match files.read(name) {
            Ok(t) => read_memberships(name, &t, &resolver, &mut diags),
            Err(d) => {
                diags.push(d.or_field("files.memberships"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let alignment = match &raw.files.alignment {
        Some(name) => match files.read(name) {
            Ok(t) => read_alignment(name, &t, &resolver, &mut diags),
            Err(d) => {
                diags.push(d.or_field("files.alignment"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };

    // Voting games: parsed here so that `scenario check` reports their errors too.
    let mut games = Vec::new();
    for name in &raw.files.power {
        match files.read(name) {
            Ok(t) => {
                if let Err(errs) = astana_voting_power::Game::from_toml(name, &t) {
                    for e in errs.0 {
                        let mut d = Diagnostic::error(name, e.message.clone());
                        d.line = Some(e.line);
                        d.column = Some(e.column);
                        d.hint = e.hint.clone();
                        d.snippet = Some(e.snippet.clone());
                        // Game snippets come clipped; the caret column inside them is `caret`.
                        d.snippet_offset = e.column.saturating_sub(e.caret);
                        diags.push(d);
                    }
                }
                games.push((name.clone(), t));
            }
            Err(d) => diags.push(d.or_field("files.power")),
        }
    }
    let tenure = match &raw.files.tenure {
        Some(name) => match files.read(name) {
            Ok(t) => {
                match astana_voting_power::Tenure::from_toml(&t) {
                    Err(e) => diags.push(Diagnostic::error(name, e).field("files.tenure")),
                    // What the reader skipped (unknown groups, counts that are not counts).
                    Ok(_) => crate::tenure::check(name, &t, &mut diags),
                }
                Some(t)
            }
            Err(d) => {
                diags.push(d.or_field("files.tenure"));
                None
            }
        },
        None => None,
    };
    // Negotiation domains (native TOML), validated the same way.
    let mut negotiations = Vec::new();
    for name in &raw.files.negotiation {
        match files.read(name) {
            Ok(t) => {
                if let Err(errs) = astana_negotiation::native::read(name, &t) {
                    for e in errs.0 {
                        let mut d = Diagnostic::error(name, e.message.clone()).field(&e.element);
                        d.line = (e.line > 0).then_some(e.line);
                        d.column = (e.line > 0).then_some(e.column);
                        diags.push(d);
                    }
                }
                negotiations.push((name.clone(), t));
            }
            Err(d) => diags.push(d.or_field("files.negotiation")),
        }
    }
    // The corridor network: nodes and links are read, then checked against each other.
    let check = |file: &str, line: usize, id: &str, diags: &mut Diagnostics| {
        resolver.check_source(file, line, id, diags);
    };
    let mut corridor_nodes = Vec::new();
    let mut corridor_links = Vec::new();
    match (&raw.files.corridor_nodes, &raw.files.corridor_links) {
        (Some(nf), Some(lf)) => {
            let nodes = files
                .read(nf)
                .map(|t| crate::corridor::read_nodes(nf, &t, &check, &mut diags));
            let links = files
                .read(lf)
                .map(|t| crate::corridor::read_links(lf, &t, &check, &mut diags));
            match (nodes, links) {
                (Ok(nodes), Ok(links)) => {
                    crate::corridor::check_network(nf, &nodes, lf, &links, &mut diags);
                    corridor_nodes = nodes.into_iter().map(|(n, _)| n).collect();
                    corridor_links = links.into_iter().map(|(l, _)| l).collect();
                }
                (n, l) => {
                    for d in [n.err(), l.err()].into_iter().flatten() {
                        diags.push(d.or_field("files.corridor_nodes"));
                    }
                }
            }
        }
        (None, None) => {}
        _ => diags.push(
            Diagnostic::error(
                TOML_FILE,
                "give both corridor_nodes and corridor_links, or neither",
            )
            .field("files"),
        ),
    }
    let volumes = match &raw.files.volumes {
        Some(name) => match files.read(name) {
            Ok(t) => crate::corridor::read_volumes(name, &t, &check, &mut diags),
            Err(d) => {
                diags.push(d.or_field("files.volumes"));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    // An example forum folder: its files are carried as text, and checked here with the
    // scheduler's own reader so that `scenario check` gives the errors `forum check` gives.
    let mut forum = Vec::new();
    if let Some(dir) = &raw.files.forum {
        let dir = dir.trim_end_matches('/');
        let mut unread = Vec::new();
        for name in astana_forum_scheduler::model::FILES {
            match files.read(&format!("{dir}/{name}")) {
                Ok(t) => forum.push((name.to_string(), t)),
                Err(d) => {
                    diags.push(d.or_field("files.forum"));
                    unread.push(name);
                }
            }
        }
        let texts: Vec<(&str, &str)> = forum
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        if let Err(found) = astana_forum_scheduler::model::read(&texts) {
            // A file that could not be read is reported above, not again as "missing".
            for mut d in found.0 {
                if unread.contains(&d.file.as_str()) && d.line.is_none() {
                    continue;
                }
                // Named from the scenario folder, like every other file of the scenario.
                d.file = format!("{dir}/{}", d.file);
                diags.push(d);
            }
        }
    }
    // The corridor the brief follows should name places of the network (by id or name). A
    // warning, not an error: a replaced network (a generated grid, an edited export) leaves
    // the scenario usable, and the brief then says it has no bottleneck to show.
    let c = &raw.corridor;
    let named: Vec<(&str, &Spanned<String>)> = c
        .from
        .iter()
        .map(|f| ("corridor.from", f))
        .chain(c.to.iter().map(|t| ("corridor.to", t)))
        .chain(c.routes_from.iter().map(|t| ("corridor.routes_from", t)))
        .chain(c.routes_to.iter().map(|t| ("corridor.routes_to", t)))
        .collect();
    for (field, place) in named {
        let q = place.get_ref();
        // As the corridor engine finds places: the id, or the name's leading letters with
        // case, spaces and punctuation ignored ("Xi'an" for "Xi'an (Xinzhu …)").
        let fold = |t: &str| -> String {
            t.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let known = corridor_nodes.is_empty()
            || !fold(q).is_empty()
                && corridor_nodes.iter().any(|n| {
                    n.id.eq_ignore_ascii_case(q.trim()) || fold(&n.name).starts_with(&fold(q))
                });
        if !known {
            diags.push(
                Diagnostic::warning(
                    TOML_FILE,
                    format!(
                        "`{q}` is not a place of the corridor network: the brief leaves it out"
                    ),
                )
                .field(field)
                .at(&mut loc, place.span().start, place.span().len())
                .hint("use a node id or name of the corridor nodes file, e.g. POTI"),
            );
        }
    }
    let corridor_focus = astana_model::CorridorFocus {
        name: c.name.clone(),
        family: c.family.clone(),
        from: c.from.iter().map(|f| f.get_ref().clone()).collect(),
        to: c
            .to
            .as_ref()
            .map(|t| t.get_ref().clone())
            .unwrap_or_default(),
        volumes: c.volumes.clone(),
        volumes_name: c.volumes_name.clone(),
        routes_from: c
            .routes_from
            .as_ref()
            .map(|t| t.get_ref().clone())
            .unwrap_or_default(),
        routes_to: c
            .routes_to
            .as_ref()
            .map(|t| t.get_ref().clone())
            .unwrap_or_default(),
    };
    let b = raw.brief;
    // The electoral group must be one the tenure file counts seats for.
    if let (Some(g), Some(t)) = (
        &b.un_group,
        tenure
            .as_deref()
            .and_then(|t| astana_voting_power::Tenure::from_toml(t).ok()),
    ) {
        if !t.eligible.contains_key(g.get_ref()) {
            let known: Vec<&str> = t.eligible.keys().map(String::as_str).collect();
            diags.push(
                Diagnostic::error(TOML_FILE, format!("unknown UN group `{}`", g.get_ref()))
                    .field("brief.un_group")
                    .at(&mut loc, g.span().start, g.span().len())
                    .hint(format!("the tenure file's groups are {}", known.join(", "))),
            );
        }
    }
    let brief = astana_model::BriefTexts {
        un_group: b
            .un_group
            .as_ref()
            .map(|g| g.get_ref().trim().to_string())
            .unwrap_or_default(),
        alignment_note: b.alignment_note.trim().to_string(),
        fdi_reporter: b.fdi_reporter.trim().to_string(),
        mediation: b.mediation.trim().to_string(),
        mediation_heading: b.mediation_heading.trim().to_string(),
        trade_gap: b.trade_gap.trim().to_string(),
    };
    if diags.errors() > 0 {
        return Err(diags);
    }
    let scenario = Scenario {
        name: raw.name,
        focal,
        default_year: raw.default_year,
        description: raw.description.trim().to_string(),
        sources,
        flows,
        products,
        blocs: blocs.into_iter().map(|(b, _)| b).collect(),
        rollup: raw.rollup.into_iter().map(Spanned::into_inner).collect(),
        vectors: raw.vectors.into_iter().map(Spanned::into_inner).collect(),
        memberships,
        alignment,
        games,
        tenure,
        negotiations,
        corridor_nodes,
        corridor_links,
        volumes,
        forum,
        forum_dir: raw
            .files
            .forum
            .as_deref()
            .map(|d| d.trim_end_matches('/').to_string())
            .unwrap_or_default(),
        brief,
        corridor_focus,
    };
    // Completeness, on a scenario without errors only: each part of the brief without
    // data is a warning (the brief shows a notice there), so a skeleton passes the check
    // and says what to fill in.
    for g in scenario.gaps() {
        diags.push(
            Diagnostic::warning(&g.file, format!("{}: {}", g.title, g.why))
                .field(g.field)
                .hint(g.fill),
        );
    }
    Ok((scenario, diags))
}

pub(crate) fn load_bare_flows(name: &str, text: &str) -> Result<Loaded, Diagnostics> {
    let mut diags = Diagnostics::default();
    let blocs = HashSet::new();
    let resolver = Resolver {
        sources: None,
        blocs: &blocs,
    };
    let flows = read_flows(name, text, &resolver, &mut diags);
    if diags.errors() > 0 {
        return Err(diags);
    }
    let scenario = Scenario {
        name: name.to_string(),
        flows,
        ..Scenario::default()
    };
    Ok((scenario, diags))
}

/// Resolves source ids and partner codes while reading rows.
pub(crate) struct Resolver<'a> {
    /// The sources file name and its ids; `None` for a bare flows file (free-text source).
    sources: Option<(&'a str, foldhash::HashSet<&'a str>)>,
    blocs: &'a HashSet<String>,
}

impl Resolver<'_> {
    pub(crate) fn check_source(&self, file: &str, line: usize, id: &str, diags: &mut Diagnostics) {
        if id.is_empty() {
            diags.push(
                Diagnostic::error(file, "empty source")
                    .at_line(line)
                    .field("source")
                    .hint("every row needs the id of a row in sources.csv"),
            );
            return;
        }
        if let Some((src_file, ids)) = &self.sources {
            if !ids.contains(id) {
                diags.push(
                    unresolved_source(file, id, src_file)
                        .at_line(line)
                        .field("source"),
                );
            }
        }
    }

    fn is_partner(&self, code: &str) -> bool {
        iso::is_alpha3(code) || code == WORLD || self.blocs.contains(code)
    }
}

pub(crate) fn unknown_code(code: &str, field: &str, what: &str) -> Diagnostic {
    let hint = match iso::suggestions(code).as_slice() {
        [] => "use an ISO 3166-1 alpha-3 code such as KAZ, CHN or RUS".to_string(),
        s => format!("did you mean {}?", quoted_list(s)),
    };
    Diagnostic::error(TOML_FILE, format!("{what} `{code}`"))
        .field(field)
        .hint(hint)
}

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

fn unresolved_source(file: &str, id: &str, sources_file: &str) -> Diagnostic {
    let mut d = Diagnostic::error(file, format!("source `{id}` is not in {sources_file}"));
    d.hint = Some(format!(
        "add a row with id `{id}` to {sources_file}, or fix the id"
    ));
    d
}

pub(crate) fn required(
    file: &str,
    row: &table::Row,
    col: &str,
    diags: &mut Diagnostics,
) -> Option<String> {
    let v = row.get(col);
    if v.is_empty() {
        diags.push(
            Diagnostic::error(file, "empty value")
                .at_line(row.line)
                .field(col),
        );
        None
    } else {
        Some(v.to_string())
    }
}

fn read_sources(file: &str, text: &str, diags: &mut Diagnostics) -> Vec<Source> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    table::read(
        file,
        text,
        &["id", "title", "publisher", "url", "published"],
        &["note"],
        diags,
        |row, diags| {
            let Some(id) = required(file, row, "id", diags) else {
                return;
            };
            if let Some(first) = seen.insert(id.clone(), row.line) {
                diags.push(
                    Diagnostic::error(file, format!("duplicate source id `{id}`"))
                        .at_line(row.line)
                        .field("id")
                        .hint(format!("first defined on line {first}")),
                );
            }
            let url = row.get("url");
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                diags.push(
                    Diagnostic::error(file, format!("`{url}` is not a web address"))
                        .at_line(row.line)
                        .field("url")
                        .hint("every source needs an http:// or https:// URL"),
                );
            }
            let published = row.get("published");
            if !published.is_empty() && !is_date(published) {
                diags.push(
                    Diagnostic::error(file, format!("`{published}` is not a date"))
                        .at_line(row.line)
                        .field("published")
                        .hint("write YYYY, YYYY-MM or YYYY-MM-DD, or leave it empty when unknown"),
                );
            }
            required(file, row, "title", diags);
            out.push(Source {
                id,
                title: row.get("title").to_string(),
                publisher: row.get("publisher").to_string(),
                url: url.to_string(),
                published: published.to_string(),
                note: row.get("note").to_string(),
            });
        },
    );
    out
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => num(y, 4),
        [y, m] => num(y, 4) && num(m, 2),
        [y, m, d] => num(y, 4) && num(m, 2) && num(d, 2),
        _ => false,
    }
}

pub(crate) fn parse_year(
    file: &str,
    row: &table::Row,
    col: &str,
    diags: &mut Diagnostics,
) -> Option<i32> {
    let v = row.get(col);
    match v.parse::<i32>() {
        Ok(y) if (1900..=2100).contains(&y) => Some(y),
        _ => {
            diags.push(
                Diagnostic::error(file, format!("`{v}` is not a year"))
                    .at_line(row.line)
                    .field(col)
                    .hint("write a four-digit calendar year; put part-year figures in `period`"),
            );
            None
        }
    }
}

fn code_field<'r>(
    file: &str,
    row: &'r table::Row<'_>,
    col: &str,
    ok: impl Fn(&str) -> bool,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<&'r str> {
    let v = row.get(col);
    if ok(v) {
        return Some(v);
    }
    let mut d = unknown_code(v, col, what).at_line(row.line);
    d.file = file.to_string();
    diags.push(d);
    None
}

/// The largest `value_usd` accepted: a quadrillion dollars, ~30 times world trade. Any
/// sum of such values over a trade matrix stays finite, so shares and HHI never see
/// infinity or NaN.
pub(crate) const MAX_VALUE_USD: f64 = 1e15;

const FLOW_COLUMNS: [&str; 6] = ["year", "reporter", "partner", "flow", "value_usd", "source"];
const FLOW_OPTIONAL: [&str; 3] = ["period", "estimate", "note"];

fn read_flows(
    file: &str,
    text: &str,
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> Vec<FlowRecord> {
    let (out, lines) = match split_in_two(file, text) {
        // A large machine-written file: parse its two halves on two threads.
        Some((head, a, b)) => {
            let offset = a.bytes().filter(|c| *c == b'\n').count();
            let (first, second) = std::thread::scope(|s| {
                let second = s.spawn(|| parse_flows(file, &format!("{head}{b}"), resolver, 0));
                // The first half's vectors will take the second's rows too: size them once.
                let all = text.bytes().filter(|c| *c == b'\n').count();
                let first = parse_flows(file, &format!("{head}{a}"), resolver, all);
                (first, second.join())
            });
            match second {
                Ok(second) => {
                    let (mut out, mut lines, d1) = first;
                    let (out2, lines2, d2) = second;
                    diags.0.extend(d1.0);
                    diags.0.extend(d2.0.into_iter().map(|mut d| {
                        d.line = d.line.map(|l| l + offset);
                        d
                    }));
                    out.extend(out2);
                    lines.extend(lines2.into_iter().map(|l| l + offset));
                    (out, lines)
                }
                Err(_) => {
                    let (out, lines, d) = parse_flows(file, text, resolver, 0);
                    diags.0.extend(d.0);
                    (out, lines)
                }
            }
        }
        None => {
            let (out, lines, d) = parse_flows(file, text, resolver, 0);
            diags.0.extend(d.0);
            (out, lines)
        }
    };
    let dup = check_groups(file, &out, &lines, resolver, diags);
    if !dup.contains(&true) {
        return out;
    }
    out.into_iter()
        .zip(dup)
        .filter_map(|(f, d)| (!d).then_some(f))
        .collect()
}

/// Splits a large flows file into its header and two halves of whole lines, when that is
/// safe: no quoted fields (a newline inside quotes would be cut) and a valid header.
fn split_in_two<'t>(file: &str, text: &'t str) -> Option<(&'t str, &'t str, &'t str)> {
    if text.len() < (4 << 20) || text.contains('"') {
        return None;
    }
    let head_end = text.find('\n')? + 1;
    let (head, body) = text.split_at(head_end);
    let mut check = Diagnostics::default();
    table::read(
        file,
        head,
        &FLOW_COLUMNS,
        &FLOW_OPTIONAL,
        &mut check,
        |_, _| {},
    );
    if !check.0.is_empty() {
        return None;
    }
    let mid = body.len() / 2;
    let cut = mid + body[mid..].find('\n')? + 1;
    let (a, b) = body.split_at(cut);
    Some((head, a, b))
}

/// Parses flow rows (no cross-row checks): records, their lines, and the problems found.
/// `capacity` sizes the output (0: the number of lines in `text`).
fn parse_flows(
    file: &str,
    text: &str,
    resolver: &Resolver<'_>,
    capacity: usize,
) -> (Vec<FlowRecord>, Vec<usize>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let diags = &mut diags;
    let capacity = if capacity > 0 {
        capacity
    } else {
        text.bytes().filter(|b| *b == b'\n').count()
    };
    let mut out = Vec::with_capacity(capacity);
    let mut lines = Vec::with_capacity(capacity);
    table::read(
        file,
        text,
        &FLOW_COLUMNS,
        &FLOW_OPTIONAL,
        diags,
        |row, diags| {
            let year = parse_year(file, row, "year", diags);
            let period = match row.get("period").parse::<Period>() {
                Ok(p) => Some(p),
                Err(e) => {
                    diags.push(Diagnostic::error(file, e).at_line(row.line).field("period"));
                    None
                }
            };
            // Every accepted code is an ISO3 code, `WLD` or a bloc id checked to fit a `Code`.
            let reporter = code_field(
                file,
                row,
                "reporter",
                iso::is_alpha3,
                "unknown ISO3 code",
                diags,
            )
            .and_then(Code::new);
            let partner = code_field(
                file,
                row,
                "partner",
                |c| resolver.is_partner(c),
                "unknown ISO3 code",
                diags,
            )
            .and_then(Code::new);
            if let (Some(r), Some(p)) = (&reporter, &partner) {
                if r == p {
                    diags.push(
                        Diagnostic::error(file, format!("reporter and partner are both `{r}`"))
                            .at_line(row.line)
                            .field("partner"),
                    );
                }
            }
            let flow = match row.get("flow").parse::<FlowKind>() {
                Ok(f) => Some(f),
                Err(e) => {
                    diags.push(Diagnostic::error(file, e).at_line(row.line).field("flow"));
                    None
                }
            };
            let raw_value = row.get("value_usd");
            let value = match raw_value.parse::<f64>() {
                Ok(v) if v.is_finite() && v > MAX_VALUE_USD => {
                    diags.push(
                        Diagnostic::error(
                            file,
                            format!("`{raw_value}` US dollars is above the largest accepted value, 1e15"),
                        )
                        .at_line(row.line)
                        .field("value_usd")
                        .hint("world trade is about 3e13 a year; larger values are typos or another unit, and sums of values near the largest double overflow to infinity"),
                    );
                    None
                }
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                Ok(v) if v < 0.0 => {
                    diags.push(
                    Diagnostic::error(file, format!("negative value `{raw_value}`"))
                        .at_line(row.line)
                        .field("value_usd")
                        .hint("flows are gross amounts in US dollars; record a deficit as imports, not as a negative value"),
                );
                    None
                }
                _ => {
                    diags.push(
                        Diagnostic::error(file, format!("`{raw_value}` is not a number"))
                            .at_line(row.line)
                            .field("value_usd")
                            .hint("write plain US dollars without separators, e.g. 31400000000"),
                    );
                    None
                }
            };
            let estimate = match row.get("estimate") {
                "" | "no" => Some(false),
                "yes" => Some(true),
                other => {
                    diags.push(
                        Diagnostic::error(file, format!("`{other}` is not yes or no"))
                            .at_line(row.line)
                            .field("estimate"),
                    );
                    None
                }
            };
            let source = row.get("source").to_string();
            resolver.check_source(file, row.line, &source, diags);
            let (
                Some(year),
                Some(period),
                Some(reporter),
                Some(partner),
                Some(flow),
                Some(value),
                Some(estimate),
            ) = (year, period, reporter, partner, flow, value, estimate)
            else {
                return;
            };
            lines.push(row.line);
            out.push(FlowRecord {
                year,
                period,
                reporter,
                partner,
                flow,
                value_usd: value,
                estimate,
                source,
                note: row.get("note").to_string(),
            });
        },
    );
    (out, lines, std::mem::take(diags))
}

/// Finds duplicate keys (errors), world totals below the sum of named partners, and
/// published turnover far from exports + imports (warnings). Returns which rows are
/// duplicates.
///
/// Every check compares rows of one (year, period, reporter) only. A flows file may be a
/// whole trade matrix, usually written reporter by reporter: when each reporter-year is
/// contiguous it is checked in place, in cache; otherwise the rows are first ordered by
/// reporter-year.
fn check_groups(
    file: &str,
    flows: &[FlowRecord],
    lines: &[usize],
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> Vec<bool> {
    let group = |f: &FlowRecord| (f.year, f.period, f.reporter);
    let mut order: Vec<usize> = (0..flows.len()).collect();
    let contiguous = {
        let mut seen = std::collections::BTreeSet::new();
        order
            .chunk_by(|&a, &b| group(&flows[a]) == group(&flows[b]))
            .all(|run| seen.insert(group(&flows[run[0]])))
    };
    if !contiguous {
        order.sort_by_key(|&i| group(&flows[i]));
    }
    let mut dup = vec![false; flows.len()];
    let mut local: Vec<(FlowKind, Code, usize)> = Vec::new();
    for run in order.chunk_by(|&a, &b| group(&flows[a]) == group(&flows[b])) {
        local.clear();
        local.extend(run.iter().map(|&i| (flows[i].flow, flows[i].partner, i)));
        local.sort_unstable();
        for w in local.windows(2) {
            let ((fa, pa, a), (fb, pb, b)) = (w[0], w[1]);
            if fa == fb && pa == pb {
                dup[b] = true;
                let f = &flows[b];
                diags.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "duplicate row: {} {} {}→{} {}",
                            f.year, f.period, f.reporter, f.partner, f.flow
                        ),
                    )
                    .at_line(lines[b])
                    .hint(format!(
                        "line {} has the same year, period, reporter, partner and flow; keep one figure per series (a partner-side figure belongs under the partner as reporter)",
                        lines[a]
                    )),
                );
            }
        }
        // `local` is sorted, and the first row of a key is never the duplicate.
        let find = |kind: FlowKind, partner: Code| {
            let at = local.partition_point(|(k, p, _)| (*k, *p) < (kind, partner));
            local
                .get(at)
                .filter(|(k, p, _)| *k == kind && *p == partner)
                .map(|(_, _, i)| *i)
        };
        let world = Code::new(WORLD).unwrap_or_default();
        for kind in local
            .iter()
            .map(|(k, _, _)| *k)
            .collect::<std::collections::BTreeSet<_>>()
        {
            let Some(w) = find(kind, world) else {
                continue;
            };
            let named: f64 = local
                .iter()
                .filter(|(k, p, i)| {
                    *k == kind
                        && !dup[*i]
                        && iso::is_alpha3(p)
                        && !resolver.blocs.contains(p.as_str())
                })
                .map(|(_, _, i)| flows[*i].value_usd)
                .sum();
            let total = flows[w].value_usd;
            if named > total * 1.0001 {
                diags.push(
                    Diagnostic::warning(
                        file,
                        format!(
                            "named partners add up to {:.2}bn, more than the world total {:.2}bn",
                            named / 1e9,
                            total / 1e9
                        ),
                    )
                    .at_line(lines[w])
                    .field("value_usd")
                    .hint("the rest-of-world remainder would be negative; check the total's scope"),
                );
            }
        }
        for &(kind, partner, i) in &local {
            if kind != FlowKind::Turnover || dup[i] {
                continue;
            }
            let value = |k| find(k, partner).map(|j| flows[j].value_usd);
            if let (Some(x), Some(m)) = (value(FlowKind::Exports), value(FlowKind::Imports)) {
                let f = &flows[i];
                let sum = x + m;
                let gap = (sum - f.value_usd).abs();
                if gap > 0.015 * f.value_usd && gap > 0.1e9 {
                    diags.push(
                        Diagnostic::warning(
                            file,
                            format!(
                                "turnover {:.2}bn differs from exports + imports = {:.2}bn",
                                f.value_usd / 1e9,
                                sum / 1e9
                            ),
                        )
                        .at_line(lines[i])
                        .field("value_usd")
                        .hint("check that all three figures come from the same statistics"),
                    );
                }
            }
        }
    }
    dup
}

fn read_memberships(
    file: &str,
    text: &str,
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> Vec<Membership> {
    let mut out = Vec::new();
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    table::read(
        file,
        text,
        &["organization", "country", "iso3", "status", "source"],
        &["since", "until"],
        diags,
        |row, diags| {
            let iso3 = row.get("iso3");
            if !iso3.is_empty() && !iso::is_alpha3(iso3) && !resolver.blocs.contains(iso3) {
                let mut d = unknown_code(iso3, "iso3", "unknown ISO3 code").at_line(row.line);
                d.file = file.to_string();
                diags.push(d);
            }
            for col in ["since", "until"] {
                let v = row.get(col);
                if !v.is_empty() && !is_date(v) {
                    diags.push(
                        Diagnostic::error(file, format!("`{v}` is not a date"))
                            .at_line(row.line)
                            .field(col)
                            .hint("write YYYY, YYYY-MM or YYYY-MM-DD"),
                    );
                }
            }
            let org = required(file, row, "organization", diags).unwrap_or_default();
            required(file, row, "status", diags);
            resolver.check_source(file, row.line, row.get("source"), diags);
            let key = (
                org.clone(),
                row.get("country").to_string(),
                row.get("status").to_string(),
            );
            if let Some(first) = seen.insert(key, row.line) {
                diags.push(
                    Diagnostic::error(file, "duplicate row")
                        .at_line(row.line)
                        .hint(format!(
                            "line {first} has the same organization, country and status"
                        )),
                );
            }
            out.push(Membership {
                organization: org,
                country: row.get("country").to_string(),
                iso3: iso3.to_string(),
                status: row.get("status").to_string(),
                since: row.get("since").to_string(),
                until: row.get("until").to_string(),
                source: row.get("source").to_string(),
            });
        },
    );
    out
}

fn read_alignment(
    file: &str,
    text: &str,
    resolver: &Resolver<'_>,
    diags: &mut Diagnostics,
) -> Vec<AlignmentRow> {
    let mut out = Vec::new();
    let mut seen: HashMap<(i32, String, String), usize> = HashMap::new();
    table::read(
        file,
        text,
        &[
            "year",
            "country",
            "partner",
            "roll_calls",
            "identical",
            "half",
            "source",
        ],
        &[],
        diags,
        |row, diags| {
            let year = parse_year(file, row, "year", diags);
            let country = code_field(
                file,
                row,
                "country",
                iso::is_alpha3,
                "unknown ISO3 code",
                diags,
            );
            let partner = code_field(
                file,
                row,
                "partner",
                iso::is_alpha3,
                "unknown ISO3 code",
                diags,
            );
            let mut counts = [0u32; 3];
            let mut ok = true;
            for (i, col) in ["roll_calls", "identical", "half"].into_iter().enumerate() {
                match row.get(col).parse::<u32>() {
                    Ok(n) => counts[i] = n,
                    Err(_) => {
                        ok = false;
                        diags.push(
                            Diagnostic::error(
                                file,
                                format!("`{}` is not a non-negative whole number", row.get(col)),
                            )
                            .at_line(row.line)
                            .field(col),
                        );
                    }
                }
            }
            if ok && counts[1] + counts[2] > counts[0] {
                ok = false;
                diags.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "identical ({}) + half ({}) exceeds roll_calls ({})",
                            counts[1], counts[2], counts[0]
                        ),
                    )
                    .at_line(row.line)
                    .field("identical"),
                );
            }
            resolver.check_source(file, row.line, row.get("source"), diags);
            let (Some(year), Some(country), Some(partner), true) = (year, country, partner, ok)
            else {
                return;
            };
            if let Some(first) =
                seen.insert((year, country.to_string(), partner.to_string()), row.line)
            {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!("duplicate row for {year} {country}–{partner}"),
                    )
                    .at_line(row.line)
                    .hint(format!("first on line {first}")),
                );
                return;
            }
            out.push(AlignmentRow {
                year,
                country: country.to_string(),
                partner: partner.to_string(),
                roll_calls: counts[0],
                identical: counts[1],
                half: counts[2],
                source: row.get("source").to_string(),
            });
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{unknown_keys, SCENARIO_KEYS};

    /// `keys::SCENARIO_KEYS` and the `Raw*` structs list the same keys: a file using every
    /// listed key has no unknown key, and each of them reaches the struct.
    #[test]
    fn the_key_list_matches_the_structs() {
        let files: Vec<String> = SCENARIO_KEYS
            .iter()
            .find(|(p, _)| *p == "files")
            .map(|(_, k)| k.iter().map(|k| format!("{k} = []")).collect())
            .unwrap_or_default();
        let text = format!(
            "name = \"n\"\nfocal = \"KAZ\"\ndefault_year = 2023\ndescription = \"d\"\nvectors = [\"CHN\"]\nrollup = [\"EU\"]\n[files]\n{}\n[blocs.EU]\nname = \"EU\"\nsource = \"s\"\nmembers = [\"DEU\"]\n",
            files.join("\n").replace(" = []", " = \"x\"").replace("power = \"x\"", "power = [\"x\"]").replace("negotiation = \"x\"", "negotiation = [\"x\"]")
        );
        assert!(unknown_keys(TOML_FILE, &text, SCENARIO_KEYS).is_empty());
        let raw: RawScenario = toml::from_str(&text).expect("every listed key parses");
        let f = &raw.files;
        assert!(!raw.description.is_empty() && !raw.vectors.is_empty() && !raw.rollup.is_empty());
        assert!(!f.power.is_empty() && !f.negotiation.is_empty());
        assert!([
            &f.memberships,
            &f.alignment,
            &f.tenure,
            &f.corridor_nodes,
            &f.corridor_links,
            &f.volumes,
            &f.forum
        ]
        .iter()
        .all(|o| o.is_some()));
        assert_eq!(raw.blocs["EU"].members.len(), 1);
    }
}
