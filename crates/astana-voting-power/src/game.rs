//! Voting games: players with named weights and a rule that is a boolean formula of
//! threshold clauses, read from TOML and reduced to exact integer thresholds.

use crate::error::{GameError, GameErrors};
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};
use std::collections::BTreeMap;

/// A rule: `and` binds tighter than `or`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// All must hold.
    And(Vec<Rule>),
    /// One must hold.
    Or(Vec<Rule>),
    /// `weights[dim](S) >= threshold`, in the scaled integer units of that dimension.
    Clause {
        /// Index into [`Game::dims`].
        dim: usize,
        /// Smallest winning weight.
        threshold: u128,
    },
}

impl Rule {
    /// Whether a coalition with these weight sums (one per dimension) wins.
    pub fn wins(&self, sums: &[u128]) -> bool {
        match self {
            Rule::And(v) => v.iter().all(|r| r.wins(sums)),
            Rule::Or(v) => v.iter().any(|r| r.wins(sums)),
            Rule::Clause { dim, threshold } => sums[*dim] >= *threshold,
        }
    }

    /// The single clause this rule is, if it is one.
    pub fn as_clause(&self) -> Option<(usize, u128)> {
        match self {
            Rule::Clause { dim, threshold } => Some((*dim, *threshold)),
            Rule::And(v) | Rule::Or(v) if v.len() == 1 => v[0].as_clause(),
            _ => None,
        }
    }

    /// All clauses, as (dimension, threshold), if the rule is a pure conjunction.
    pub fn conjunction(&self) -> Option<Vec<(usize, u128)>> {
        match self {
            Rule::Clause { dim, threshold } => Some(vec![(*dim, *threshold)]),
            Rule::And(v) => {
                let mut out = Vec::new();
                for r in v {
                    out.extend(r.conjunction()?);
                }
                Some(out)
            }
            Rule::Or(v) if v.len() == 1 => v[0].conjunction(),
            Rule::Or(_) => None,
        }
    }
}

/// A validated game.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Game {
    /// Display name.
    pub name: String,
    /// Free-text source, if given.
    pub source: String,
    /// Player ids, in file order.
    pub players: Vec<String>,
    /// Names of the weight dimensions the rule uses (`count` included when used).
    pub dims: Vec<String>,
    /// `weights[d][i]`: player `i`'s weight in dimension `d`, scaled to integers.
    pub weights: Vec<Vec<u128>>,
    /// The rule over those dimensions.
    pub rule: Rule,
}

impl Game {
    /// Number of players.
    pub fn n(&self) -> usize {
        self.players.len()
    }

    /// Whether coalition `members` (player indices) wins.
    pub fn wins_set(&self, members: &[usize]) -> bool {
        let sums: Vec<u128> = self
            .weights
            .iter()
            .map(|w| members.iter().map(|&i| w[i]).sum())
            .collect();
        self.rule.wins(&sums)
    }

    /// A plain weighted game `[quota; weights]` with integer weights.
    pub fn weighted(name: &str, players: Vec<String>, weights: Vec<u128>, quota: u128) -> Game {
        Game {
            name: name.to_string(),
            source: String::new(),
            players,
            dims: vec!["weight".to_string()],
            weights: vec![weights],
            rule: Rule::Clause {
                dim: 0,
                threshold: quota,
            },
        }
    }

    /// Why no player can have power, if so: every coalition wins (the empty one too), or
    /// none does (not even all players together). The indices are then undefined (0/0).
    pub fn no_decision(&self) -> Option<String> {
        let zero = vec![0u128; self.dims.len()];
        if self.rule.wins(&zero) {
            return Some(
                "every coalition wins, even the empty one (a quota of 0?): no player can make a difference, so the indices are undefined".to_string(),
            );
        }
        let totals: Vec<u128> = self
            .weights
            .iter()
            .map(|w| w.iter().fold(0u128, |a, &x| a.saturating_add(x)))
            .collect();
        if !self.rule.wins(&totals) {
            return Some(
                "no coalition wins, not even all players together (a quota above the total weight?): the indices are undefined".to_string(),
            );
        }
        None
    }

    /// Reads a game from TOML text. `file` names it in errors.
    ///
    /// # Errors
    /// Every problem found, each with line, column and a caret under the bad text.
    pub fn from_toml(file: &str, text: &str) -> Result<Game, GameErrors> {
        parse(file, text)
    }
}

// ---------------------------------------------------------------------------------------
// Exact decimals: a TOML number as mantissa / 10^scale.

#[derive(Clone, Debug, PartialEq, Eq)]
struct Decimal {
    mantissa: BigUint,
    scale: u32,
}

impl Decimal {
    fn parse(s: &str) -> Option<Decimal> {
        let s = s.trim().trim_start_matches('+').replace('_', "");
        let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits = format!("{int}{frac}");
        let mantissa = if digits.is_empty() {
            BigUint::zero()
        } else {
            digits.parse().ok()?
        };
        Some(Decimal {
            mantissa,
            scale: u32::try_from(frac.len()).ok()?,
        })
    }

    /// The value times 10^to_scale (to_scale ≥ self.scale).
    fn scaled(&self, to_scale: u32) -> BigUint {
        &self.mantissa * BigUint::from(10u32).pow(to_scale - self.scale)
    }
}

/// Most digits a number may have (weights and quotas are counted in exact integers).
const MAX_DIGITS: usize = 60;

impl Decimal {
    /// Reads a TOML decimal literal exactly, exponent included (`1.5e3`, `2_000`, `+7`).
    fn literal(s: &str) -> Result<Decimal, String> {
        let t = s.trim();
        let (base, exp) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let Some(d) = Decimal::parse(base) else {
            return Err(format!("`{t}` is not a non-negative number"));
        };
        if d.mantissa.bits() > 200 || d.scale as usize > MAX_DIGITS {
            return Err(format!("`{t}` has more than {MAX_DIGITS} digits"));
        }
        let exp: i64 = match exp {
            None => 0,
            Some(e) => e
                .replace('_', "")
                .parse()
                .map_err(|_| format!("`{t}` is not a number"))?,
        };
        if exp.unsigned_abs() > MAX_DIGITS as u64 {
            return Err(format!("`{t}` is too large or too finely divided"));
        }
        let mut scale = i64::from(d.scale) - exp;
        // Trailing zeros after the point say nothing: `5.00` is 5, not 500 hundredths.
        let mut d = d;
        let ten = BigUint::from(10u32);
        while scale > 0 && !d.mantissa.is_zero() && (&d.mantissa % &ten).is_zero() {
            d.mantissa /= &ten;
            scale -= 1;
        }
        if d.mantissa.is_zero() {
            scale = 0;
        }
        Ok(if scale >= 0 {
            Decimal {
                mantissa: d.mantissa,
                scale: scale as u32,
            }
        } else {
            Decimal {
                mantissa: d.mantissa * BigUint::from(10u32).pow((-scale) as u32),
                scale: 0,
            }
        })
    }
}

/// A number of the file, exactly: integers as they are, floats from their literal text
/// (`raw`, when found), since a float has lost digits beyond 2^53 or 17 significant ones.
fn exact_number<'t>(
    v: &toml::Value,
    raw: impl FnOnce() -> Option<&'t str>,
) -> Result<Decimal, String> {
    match v {
        toml::Value::Integer(i) if *i >= 0 => Decimal::literal(&i.to_string()),
        toml::Value::Integer(i) => Err(format!("`{i}` is negative")),
        toml::Value::Float(f) if f.is_nan() => Err("`nan` is not a number".to_string()),
        toml::Value::Float(f) if f.is_infinite() => Err(format!("`{f}` is not finite")),
        toml::Value::Float(f) if *f < 0.0 => Err(format!("`{f}` is negative")),
        toml::Value::Float(f) => {
            // The literal as written, cut at a comment or the end of an inline table.
            let lit = raw().map(|r| {
                r.split(|c: char| c.is_whitespace() || matches!(c, '#' | ',' | '}' | ']'))
                    .next()
                    .unwrap_or("")
            });
            match lit.map(Decimal::literal) {
                Some(Ok(d))
                    if lit.and_then(|l| l.replace('_', "").parse::<f64>().ok()) == Some(*f) =>
                {
                    Ok(d)
                }
                Some(Err(e)) => Err(e),
                _ => Err(format!(
                    "`{f}` cannot be read exactly here; write it as `key = value` on its own line"
                )),
            }
        }
        _ => Err("not a number".to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// The rule language.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Num(String),
    Pct,
    Ge,
    Gt,
    And,
    Or,
    LParen,
    RParen,
}

/// A raw clause before thresholds are resolved.
#[derive(Clone, Debug)]
enum RawRule {
    And(Vec<RawRule>),
    Or(Vec<RawRule>),
    Clause {
        weight: String,
        weight_at: (usize, usize),
        strict: bool,
        quota: Decimal,
        percent: bool,
        quota_at: (usize, usize),
    },
}

struct RuleError {
    at: (usize, usize),
    message: String,
    hint: Option<String>,
}

/// A token and its (byte offset, length) in the rule text.
type Spanned = (Tok, (usize, usize));

fn lex(src: &str) -> Result<Vec<Spanned>, RuleError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let tok = match c {
            b'(' => {
                i += 1;
                Tok::LParen
            }
            b')' => {
                i += 1;
                Tok::RParen
            }
            b'%' => {
                i += 1;
                Tok::Pct
            }
            b'>' if b.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Ge
            }
            b'>' => {
                i += 1;
                Tok::Gt
            }
            b'0'..=b'9' | b'.' => {
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
                    i += 1;
                }
                Tok::Num(src[start..i].to_string())
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-')
                {
                    i += 1;
                }
                match &src[start..i] {
                    "and" | "AND" => Tok::And,
                    "or" | "OR" => Tok::Or,
                    w => Tok::Ident(w.to_string()),
                }
            }
            _ => {
                let len = src[i..].chars().next().map_or(1, char::len_utf8);
                return Err(RuleError {
                    at: (i, len),
                    message: format!("unexpected `{}` in the rule", &src[i..i + len]),
                    hint: Some(
                        "a rule is clauses like `count >= 9` or `population >= 65%` joined by `and`, `or` and parentheses"
                            .to_string(),
                    ),
                });
            }
        };
        out.push((tok, (start, i - start)));
    }
    Ok(out)
}

/// Deepest nesting of parentheses in a rule: deeper rules are refused rather than parsed
/// (and evaluated) by recursion that could overflow the stack.
pub const MAX_NESTING: usize = 64;

struct Parser<'a> {
    toks: &'a [Spanned],
    pos: usize,
    end: usize,
    /// Parentheses open at the current position.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn at(&self) -> (usize, usize) {
        self.toks.get(self.pos).map_or((self.end, 1), |t| t.1)
    }

    fn expr(&mut self) -> Result<RawRule, RuleError> {
        let mut terms = vec![self.term()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            terms.push(self.term()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            RawRule::Or(terms)
        })
    }

    fn term(&mut self) -> Result<RawRule, RuleError> {
        let mut factors = vec![self.factor()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            factors.push(self.factor()?);
        }
        Ok(if factors.len() == 1 {
            factors.remove(0)
        } else {
            RawRule::And(factors)
        })
    }

    fn factor(&mut self) -> Result<RawRule, RuleError> {
        if self.peek() == Some(&Tok::LParen) {
            let open = self.at();
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return Err(RuleError {
                    at: open,
                    message: format!("the rule nests parentheses more than {MAX_NESTING} deep"),
                    hint: Some(
                        "no voting rule needs this; remove redundant parentheses".to_string(),
                    ),
                });
            }
            let inner = self.expr()?;
            self.depth -= 1;
            if self.peek() != Some(&Tok::RParen) {
                return Err(RuleError {
                    at: open,
                    message: "this parenthesis is never closed".to_string(),
                    hint: Some("add `)`".to_string()),
                });
            }
            self.pos += 1;
            return Ok(inner);
        }
        let Some(Tok::Ident(weight)) = self.peek().cloned() else {
            return Err(RuleError {
                at: self.at(),
                message: "expected a weight name such as `count` or `votes`".to_string(),
                hint: Some("a clause reads `WEIGHT >= QUOTA`, e.g. `count >= 9`".to_string()),
            });
        };
        let weight_at = self.at();
        self.pos += 1;
        let strict = match self.peek() {
            Some(Tok::Ge) => false,
            Some(Tok::Gt) => true,
            _ => {
                return Err(RuleError {
                    at: self.at(),
                    message: format!("expected `>=` or `>` after `{weight}`"),
                    hint: Some("a clause reads `WEIGHT >= QUOTA`, e.g. `count >= 9`".to_string()),
                })
            }
        };
        self.pos += 1;
        let quota_at = self.at();
        let Some(Tok::Num(q)) = self.peek().cloned() else {
            return Err(RuleError {
                at: quota_at,
                message: "expected a non-negative number or a percentage".to_string(),
                hint: Some("e.g. `9`, `270` or `65%`".to_string()),
            });
        };
        let Some(quota) = Decimal::parse(&q) else {
            return Err(RuleError {
                at: quota_at,
                message: format!("`{q}` is not a number"),
                hint: None,
            });
        };
        self.pos += 1;
        let percent = self.peek() == Some(&Tok::Pct);
        if percent {
            self.pos += 1;
        }
        Ok(RawRule::Clause {
            weight,
            weight_at,
            strict,
            quota,
            percent,
            quota_at,
        })
    }
}

fn parse_rule(src: &str) -> Result<RawRule, RuleError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(RuleError {
            at: (0, 1),
            message: "the rule is empty".to_string(),
            hint: Some("e.g. `rule = \"count >= 9\"`".to_string()),
        });
    }
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end: src.len(),
        depth: 0,
    };
    let r = p.expr()?;
    if p.pos < toks.len() {
        return Err(RuleError {
            at: p.at(),
            message: "unexpected text after a complete rule".to_string(),
            hint: Some("join clauses with `and` or `or`".to_string()),
        });
    }
    Ok(r)
}

fn check_percentages(r: &RawRule, bad: &mut dyn FnMut((usize, usize), String)) {
    match r {
        RawRule::And(v) | RawRule::Or(v) => v.iter().for_each(|x| check_percentages(x, bad)),
        RawRule::Clause {
            quota,
            percent: true,
            quota_at,
            ..
        } if quota.mantissa > BigUint::from(100u32) * BigUint::from(10u32).pow(quota.scale) => {
            bad(*quota_at, quota.to_string());
        }
        RawRule::Clause { .. } => {}
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.mantissa.to_string();
        let s = self.scale as usize;
        if s == 0 {
            return f.write_str(&digits);
        }
        let padded = format!("{digits:0>width$}", width = s + 1);
        let (int, frac) = padded.split_at(padded.len() - s);
        write!(f, "{int}.{frac}")
    }
}

fn weights_named(r: &RawRule, out: &mut Vec<(String, (usize, usize))>) {
    match r {
        RawRule::And(v) | RawRule::Or(v) => v.iter().for_each(|x| weights_named(x, out)),
        RawRule::Clause {
            weight, weight_at, ..
        } => out.push((weight.clone(), *weight_at)),
    }
}

// ---------------------------------------------------------------------------------------
// TOML → Game.

/// Top-level keys of a game file.
const TOP_KEYS: [&str; 6] = ["name", "source", "rule", "quota", "unused", "player"];

fn parse(file: &str, text: &str) -> Result<Game, GameErrors> {
    let mut errors: Vec<GameError> = Vec::new();
    let index = astana_model::text::LineIndex::new(text);
    let err = |msg: String, span: std::ops::Range<usize>, hint: Option<String>| {
        GameError::at(file, &index, span, msg, hint)
    };
    let doc: toml::Spanned<toml::Table> = match toml::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..1);
            return Err(GameErrors(vec![err(
                format!("malformed TOML: {}", e.message().trim()),
                span,
                None,
            )]));
        }
    };
    // Spans of keys and values come from a second, spanned view of the same text.
    let spans: SpanIndex = SpanIndex::new(text);
    let raw_value =
        |table: Option<usize>, key: &str| spans.find(table, key).map(|e| &text[e.3.clone()]);
    let table = doc.into_inner();
    let mut name = String::from("game");
    let mut source = String::new();
    let mut rule_text: Option<String> = None;
    let mut quota: Option<toml::Value> = None;
    let mut unused: Vec<String> = Vec::new();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("name", toml::Value::String(s)) => name = s.clone(),
            ("source", toml::Value::String(s)) => source = s.clone(),
            ("rule", toml::Value::String(s)) => rule_text = Some(s.clone()),
            ("quota", v) => quota = Some(v.clone()),
            ("player", toml::Value::Array(_)) => {}
            ("unused", toml::Value::Array(a)) if a.iter().all(toml::Value::is_str) => {
                unused = a.iter().filter_map(|v| v.as_str().map(String::from)).collect();
            }
            ("unused", _) => errors.push(err(
                "`unused` must be a list of weight names".to_string(),
                spans.value(key),
                Some("e.g. `unused = [\"permanent\"]`".to_string()),
            )),
            ("name" | "source" | "rule", _) => errors.push(err(
                format!("`{key}` must be a string"),
                spans.key(key),
                None,
            )),
            _ => errors.push(err(
                format!("unknown field `{key}`"),
                spans.key(key),
                Some(match astana_model::text::closest(key, TOP_KEYS) {
                    Some(k) => format!("did you mean `{k}`?"),
                    None => "a game has `name`, `source`, `rule` (or `quota`), `unused` and `[[player]]` tables".to_string(),
                }),
            )),
        }
    }
    // The rule: explicit, or the `quota` + `weight` shorthand.
    let rule_span = match (&rule_text, &quota) {
        (Some(_), None) => spans.value("rule"),
        _ => spans.value("quota"),
    };
    // Offsets inside the rule string map to the file after the opening quote.
    let rule_at = |(s, l): (usize, usize)| match (&rule_text, &quota) {
        (Some(_), None) => rule_span.start + 1 + s..rule_span.start + 1 + s + l,
        _ => rule_span.clone(),
    };
    let raw: Option<RawRule> = match (&rule_text, &quota) {
        (Some(r), None) => match parse_rule(r) {
            Ok(r) => Some(r),
            Err(e) => {
                errors.push(err(e.message, rule_at(e.at), e.hint));
                None
            }
        },
        (None, Some(q)) => match exact_number(q, || raw_value(None, "quota")) {
            Ok(quota) => Some(RawRule::Clause {
                weight: "weight".to_string(),
                weight_at: (0, 1),
                strict: false,
                quota,
                percent: false,
                quota_at: (0, 1),
            }),
            Err(e) => {
                errors.push(err(
                    format!("`quota` must be a non-negative number: {e}"),
                    rule_span.clone(),
                    None,
                ));
                None
            }
        },
        (Some(_), Some(_)) => {
            errors.push(err(
                "give either `rule` or `quota`, not both".to_string(),
                spans.key("quota"),
                Some("`quota = Q` is short for `rule = \"weight >= Q\"`".to_string()),
            ));
            None
        }
        (None, None) => {
            errors.push(err(
                "no `rule`".to_string(),
                0..1,
                Some(
                    "add e.g. `rule = \"count >= 9\"`, or `quota = 270` with a `weight` per player"
                        .to_string(),
                ),
            ));
            None
        }
    };
    // The weights the rule uses, each once, with its first place in the rule.
    let mut used: Vec<(String, (usize, usize))> = Vec::new();
    if let Some(r) = &raw {
        check_percentages(r, &mut |at, q| {
            errors.push(err(
                format!("`{q}%` is more than 100%"),
                rule_at(at),
                Some(
                    "a percentage quota is a share of the weight's total, at most 100%".to_string(),
                ),
            ));
        });
        let mut all = Vec::new();
        weights_named(r, &mut all);
        for (w, at) in all {
            if !used.iter().any(|(u, _)| *u == w) {
                used.push((w, at));
            }
        }
    }
    let rule_names: Vec<&str> = used.iter().map(|(w, _)| w.as_str()).collect();
    let players_raw: Vec<&toml::Table> = match table.get("player") {
        Some(toml::Value::Array(a)) => a.iter().filter_map(|v| v.as_table()).collect(),
        _ => Vec::new(),
    };
    if players_raw.is_empty() {
        errors.push(err(
            "no players".to_string(),
            0..text.lines().next().map_or(1, str::len).max(1),
            Some("add `[[player]]` tables, each with an `id` and its weights".to_string()),
        ));
    }
    // Players and their weights (exact decimals).
    let mut players = Vec::new();
    let mut weights: Vec<BTreeMap<String, Decimal>> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (k, p) in players_raw.iter().enumerate() {
        let id = match p.get("id") {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(toml::Value::Integer(i)) => i.to_string(),
            _ => {
                errors.push(err(
                    format!("player {} has no `id`", k + 1),
                    spans.player(k),
                    Some("give every `[[player]]` an `id = \"...\"`".to_string()),
                ));
                format!("#{}", k + 1)
            }
        };
        if let Some(first) = seen.insert(id.clone(), k) {
            errors.push(err(
                format!("duplicate player id `{id}`"),
                spans.player_key(k, "id"),
                Some(format!("player {} already has this id", first + 1)),
            ));
        }
        let mut w = BTreeMap::new();
        for (key, v) in *p {
            if key == "id" || key == "name" {
                continue;
            }
            // A key the rule does not use is a typo unless declared information only: a
            // misspelt weight would otherwise silently count as 0.
            if raw.is_some() && !rule_names.contains(&key.as_str()) && !unused.contains(key) {
                let candidates = rule_names.iter().copied().chain(["id", "name"]);
                errors.push(err(
                    format!("`{key}` of player `{id}` is not a weight the rule uses"),
                    spans.player_key(k, key),
                    Some(match astana_model::text::closest(key, candidates) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!(
                            "the rule uses {}; list weights kept for information only in `unused = [\"{key}\"]`",
                            if rule_names.is_empty() { "no weights".to_string() } else { rule_names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ") }
                        ),
                    }),
                ));
                continue;
            }
            match exact_number(v, || raw_value(Some(k), key)) {
                Ok(d) => {
                    w.insert(key.clone(), d);
                }
                Err(e) => {
                    errors.push(err(
                        format!("weight `{key}` of player `{id}`: {e}"),
                        spans.player_key(k, key),
                        Some("weights are non-negative numbers".to_string()),
                    ));
                }
            }
        }
        players.push(id);
        weights.push(w);
    }
    let known: std::collections::BTreeSet<&str> = weights
        .iter()
        .flat_map(|w| w.keys().map(String::as_str))
        .chain(["count"])
        .collect();
    for (w, at) in &used {
        if !known.contains(w.as_str()) {
            let hint = match astana_model::text::closest(w, known.iter().copied()) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!(
                    "players have: {}",
                    known.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            };
            errors.push(err(
                format!("unknown weight `{w}` in the rule (no player has it)"),
                rule_at(*at),
                Some(hint),
            ));
        }
    }
    let Some(raw) = raw else {
        return Err(GameErrors(errors));
    };
    if !errors.is_empty() {
        return Err(GameErrors(errors));
    }
    // Dimensions: each used weight, scaled to integers exactly.
    let dims: Vec<String> = used.iter().map(|(w, _)| w.clone()).collect();
    let mut scales = Vec::new();
    let mut int_weights = Vec::new();
    for d in &dims {
        let values: Vec<Decimal> = weights
            .iter()
            .map(|w| {
                if d == "count" && !w.contains_key("count") {
                    Decimal {
                        mantissa: BigUint::from(1u32),
                        scale: 0,
                    }
                } else {
                    w.get(d).cloned().unwrap_or(Decimal {
                        mantissa: BigUint::zero(),
                        scale: 0,
                    })
                }
            })
            .collect();
        let scale = values.iter().map(|v| v.scale).max().unwrap_or(0);
        let ints: Vec<BigUint> = values.iter().map(|v| v.scaled(scale)).collect();
        let total: BigUint = ints.iter().sum();
        if total.bits() > 100 {
            errors.push(err(
                format!("the weights `{d}` are too large or too finely divided"),
                0..1,
                Some("use fewer decimals or a coarser unit (e.g. thousands)".to_string()),
            ));
            continue;
        }
        scales.push(scale);
        int_weights.push(
            ints.iter()
                .map(|x| x.to_u128().unwrap_or(0))
                .collect::<Vec<u128>>(),
        );
    }
    if !errors.is_empty() {
        return Err(GameErrors(errors));
    }
    let rule = resolve(&raw, &dims, &scales, &int_weights);
    let game = Game {
        name,
        source,
        players,
        dims,
        weights: int_weights,
        rule,
    };
    if let Some(why) = game.no_decision() {
        return Err(GameErrors(vec![err(
            why,
            rule_span,
            Some("check the quotas against the players' weights".to_string()),
        )]));
    }
    Ok(game)
}

/// Integer threshold of each clause, compared exactly: `W >= q` with W and q scaled to the
/// same power of ten, `W >= p%` as `100·W >= p·total`.
fn resolve(r: &RawRule, dims: &[String], scales: &[u32], weights: &[Vec<u128>]) -> Rule {
    match r {
        RawRule::And(v) => Rule::And(
            v.iter()
                .map(|x| resolve(x, dims, scales, weights))
                .collect(),
        ),
        RawRule::Or(v) => Rule::Or(
            v.iter()
                .map(|x| resolve(x, dims, scales, weights))
                .collect(),
        ),
        RawRule::Clause {
            weight,
            strict,
            quota,
            percent,
            ..
        } => {
            let dim = dims.iter().position(|d| d == weight).unwrap_or(0);
            let s = scales[dim];
            // threshold = quota expressed in W's integer units, as numerator / denominator.
            let (num, den) = if *percent {
                let total: BigUint = weights[dim].iter().map(|&x| BigUint::from(x)).sum();
                (
                    &quota.mantissa * total,
                    BigUint::from(100u32) * BigUint::from(10u32).pow(quota.scale),
                )
            } else {
                let common = s.max(quota.scale);
                (
                    quota.scaled(common) * BigUint::from(10u32).pow(common - quota.scale)
                        / BigUint::from(10u32).pow(common - quota.scale),
                    BigUint::from(10u32).pow(common - s),
                )
            };
            // W >= num/den  <=>  W >= ceil(num/den);  W > num/den  <=>  W >= floor(num/den) + 1.
            let (q, rem) = num.div_rem(&den);
            let t = if *strict {
                q + 1u32
            } else if rem.is_zero() {
                q
            } else {
                q + 1u32
            };
            Rule::Clause {
                dim,
                threshold: t.to_u128().unwrap_or(u128::MAX),
            }
        }
    }
}

/// (table, key, key span, value span): `table` is the `[[player]]` index, `None` at the top.
type Entry = (
    Option<usize>,
    String,
    std::ops::Range<usize>,
    std::ops::Range<usize>,
);

/// Finds byte spans of keys and values in the TOML text, for error messages. A textual
/// scan is enough: the text already parsed as TOML.
struct SpanIndex {
    /// (key, key span, value span) per line, with the `[[player]]` table it falls in.
    entries: Vec<Entry>,
    /// (table, key) → first entry, so that lookups stay cheap on files of many players.
    first: std::collections::HashMap<(Option<usize>, String), usize>,
    /// Span of each `[[player]]` header.
    headers: Vec<std::ops::Range<usize>>,
}

impl SpanIndex {
    fn new(text: &str) -> SpanIndex {
        let mut entries = Vec::new();
        let mut headers = Vec::new();
        let mut table: Option<usize> = None;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if trimmed.starts_with("[[player]]") {
                headers.push(offset + indent..offset + indent + 10);
                table = Some(headers.len() - 1);
            } else if trimmed.starts_with('[') {
                table = None;
            } else if let Some(eq) = trimmed.find('=') {
                let key = trimmed[..eq].trim().trim_matches('"');
                let key_start = offset + indent;
                let value = trimmed[eq + 1..].trim_end();
                let value_text = value.trim_start();
                let value_start = offset + indent + eq + 1 + (value.len() - value_text.len());
                entries.push((
                    table,
                    key.to_string(),
                    key_start..key_start + key.len().max(1),
                    value_start..value_start + value_text.len().max(1),
                ));
            }
            offset += line.len();
        }
        let mut first = std::collections::HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            first.entry((e.0, e.1.clone())).or_insert(i);
        }
        SpanIndex {
            entries,
            headers,
            first,
        }
    }

    fn find(&self, table: Option<usize>, key: &str) -> Option<&Entry> {
        self.first
            .get(&(table, key.to_string()))
            .map(|&i| &self.entries[i])
    }

    fn key(&self, key: &str) -> std::ops::Range<usize> {
        self.find(None, key).map_or(0..1, |e| e.2.clone())
    }

    fn value(&self, key: &str) -> std::ops::Range<usize> {
        self.find(None, key).map_or(0..1, |e| e.3.clone())
    }

    fn player(&self, k: usize) -> std::ops::Range<usize> {
        self.headers.get(k).cloned().unwrap_or(0..1)
    }

    /// The span of `key = value` in the `k`-th `[[player]]` table.
    fn player_key(&self, k: usize, key: &str) -> std::ops::Range<usize> {
        self.find(Some(k), key)
            .map_or_else(|| self.player(k), |e| e.2.start..e.3.end)
    }
}
