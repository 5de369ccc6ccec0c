//! Small hand-written SVG charts: horizontal bars, lines, and a map. No dependencies, so
//! the brief stays one self-contained file.

use std::fmt::Write;

/// Escapes text for HTML and SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One bar of [`hbar`].
pub struct Bar {
    /// Text left of the bar.
    pub label: String,
    /// Length, relative to the longest bar.
    pub value: f64,
    /// Text printed after the bar.
    pub text: String,
    /// CSS class: `bar`, `bar focal`, `bar rest`, `bar est` …
    pub class: &'static str,
}

/// A horizontal bar chart, `width` px wide.
pub fn hbar(bars: &[Bar], width: f64, title: &str) -> String {
    let row = 26.0;
    let label_w = 190.0;
    let text_w = 120.0;
    let h = row * bars.len() as f64 + 10.0;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1e-12);
    let plot = width - label_w - text_w;
    let desc: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect();
    let mut s = open(
        "chart",
        width,
        h,
        title,
        &format!("{title}. {}", desc.join("; ")),
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let w = (b.value / max * plot).max(1.0);
        let _ = write!(
            s,
            r#"<text class="lbl" x="{}" y="{}" text-anchor="end">{}</text><rect class="{}" x="{label_w}" y="{}" width="{w:.1}" height="{}" rx="2"/><text class="val" x="{}" y="{}">{}</text>"#,
            label_w - 8.0,
            y + 16.0,
            esc(&b.label),
            b.class,
            y + 3.0,
            row - 8.0,
            label_w + w + 6.0,
            y + 16.0,
            esc(&b.text)
        );
    }
    s.push_str("</svg>");
    s
}

/// One line of [`lines`].
pub struct Series {
    /// Legend text.
    pub name: String,
    /// CSS colour.
    pub color: &'static str,
    /// Dashed line (e.g. an upper bound or another source).
    pub dashed: bool,
    /// (x, y) points; a NaN y is a break: no data there, so the line stops and starts again
    /// after it (e.g. a year without UN roll calls).
    pub points: Vec<(f64, f64)>,
}

/// A band between two series (e.g. lower and upper bounds), drawn under the lines.
pub struct Band {
    /// CSS colour (drawn translucent).
    pub color: &'static str,
    /// (x, low, high) points.
    pub points: Vec<(f64, f64, f64)>,
}

/// A line chart with x in years and y formatted by `fmt_y` (which carries the unit).
pub fn lines(
    series: &[Series],
    bands: &[Band],
    width: f64,
    height: f64,
    y_range: (f64, f64),
    fmt_y: &dyn Fn(f64) -> String,
    title: &str,
) -> String {
    lines_axes(
        series,
        bands,
        (width, height),
        y_range,
        fmt_y,
        title,
        ("year", ""),
    )
}

/// [`lines`] with axis titles (x, y), each with its unit: the y axis is widened to 1-2-5
/// ticks covering `y_range` ([`nice_ticks`]), gridlines exactly at the labelled values; x
/// ticks at 1-2-5 steps inside the data's range (years print as years).
pub fn lines_axes(
    series: &[Series],
    bands: &[Band],
    (width, height): (f64, f64),
    y_range: (f64, f64),
    fmt_y: &dyn Fn(f64) -> String,
    title: &str,
    axes: (&str, &str),
) -> String {
    let (ml, mr, mt, mb) = (
        if axes.1.is_empty() { 52.0 } else { 68.0 },
        190.0,
        12.0,
        if axes.0.is_empty() { 28.0 } else { 42.0 },
    );
    let xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(bands.iter().flat_map(|b| b.points.iter().map(|p| p.0)))
        .collect();
    let (x0, x1) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    let (x0, x1) = if x1 > x0 {
        (x0, x1)
    } else if x0 <= x1 {
        (x0 - 1.0, x0 + 1.0)
    } else {
        (0.0, 1.0)
    };
    let yt = nice_ticks(y_range.0, y_range.1, 6);
    let (y0, y1) = match (yt.first(), yt.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => (y_range.0, y_range.0 + 1.0),
    };
    let pw = width - ml - mr;
    let ph = height - mt - mb;
    let sx = |x: f64| ml + (x - x0) / (x1 - x0) * pw;
    let sy = |y: f64| mt + ph - (y - y0) / (y1 - y0) * ph;
    let desc: Vec<String> = series
        .iter()
        .filter_map(|ser| {
            let (first, last) = (ser.points.first()?, ser.points.last()?);
            let max = ser.points.iter().map(|p| p.1).fold(f64::MIN, f64::max);
            Some(format!(
                "{}: {} at {} to {} at {} (highest {})",
                ser.name,
                fmt_y(first.1),
                num(first.0),
                fmt_y(last.1),
                num(last.0),
                fmt_y(max)
            ))
        })
        .collect();
    let mut s = open(
        "chart",
        width,
        height,
        title,
        &format!(
            "{title}. x: {}; y: {}. {}",
            if axes.0.is_empty() { "—" } else { axes.0 },
            if axes.1.is_empty() {
                "see tick labels"
            } else {
                axes.1
            },
            desc.join("; ")
        ),
    );
    for &y in &yt {
        let _ = write!(
            s,
            r#"<line class="grid" x1="{ml}" x2="{}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            ml + pw,
            sy(y),
            sy(y),
            ml - 6.0,
            sy(y) + 4.0,
            esc(&fmt_y(y))
        );
    }
    let years = axes.0 == "year";
    // Whole-number data (years, revisions) step by whole numbers at least.
    let whole = years || xs.iter().all(|x| x.fract() == 0.0);
    let xt: Vec<f64> = inner_ticks(x0, x1, 8)
        .into_iter()
        .filter(|x| !whole || x.fract() == 0.0)
        .collect();
    for &x in &xt {
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            sx(x),
            mt + ph + 16.0,
            if years { format!("{x:.0}") } else { num(x) }
        );
    }
    if !axes.0.is_empty() {
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            ml + pw / 2.0,
            height - 4.0,
            esc(axes.0)
        );
    }
    if !axes.1.is_empty() {
        let _ = write!(
            s,
            r#"<text class="tick" x="12" y="{:.1}" transform="rotate(-90 12 {:.1})" text-anchor="middle">{}</text>"#,
            mt + ph / 2.0,
            mt + ph / 2.0,
            esc(axes.1)
        );
    }
    for b in bands {
        let mut d = String::new();
        for (i, (x, lo, _)) in b.points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if i == 0 { "M" } else { "L" },
                sx(*x),
                sy(*lo)
            );
        }
        for (x, _, hi) in b.points.iter().rev() {
            let _ = write!(d, "L{:.1},{:.1} ", sx(*x), sy(*hi));
        }
        let _ = write!(s, r#"<path d="{d}Z" fill="{}" opacity="0.18"/>"#, b.color);
    }
    let mut legend_y = mt + 10.0;
    for ser in series {
        if ser.points.is_empty() {
            continue;
        }
        let mut d = String::new();
        let mut pen_up = true;
        for (x, y) in &ser.points {
            if y.is_nan() {
                pen_up = true;
                continue;
            }
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if pen_up { "M" } else { "L" },
                sx(*x),
                sy(*y)
            );
            pen_up = false;
        }
        let dash = if ser.dashed {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<path d="{d}" fill="none" stroke="{}" stroke-width="2.2"{dash}/>"#,
            ser.color
        );
        for (x, y) in ser.points.iter().filter(|p| !p.1.is_nan()) {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{}: {} ({})</title></circle>"#,
                sx(*x),
                sy(*y),
                ser.color,
                esc(&ser.name),
                esc(&fmt_y(*y)),
                x
            );
        }
        let _ = write!(
            s,
            r#"<line x1="{}" x2="{}" y1="{legend_y}" y2="{legend_y}" stroke="{}" stroke-width="2.2"{dash}/><text class="legend" x="{}" y="{}">{}</text>"#,
            width - mr + 12.0,
            width - mr + 32.0,
            ser.color,
            width - mr + 38.0,
            legend_y + 4.0,
            esc(&ser.name)
        );
        legend_y += 18.0;
    }
    s.push_str("</svg>");
    s
}

/// One country outline: ISO3 and rings of (lon, lat).
pub struct Shape {
    /// ISO 3166 alpha-3 code.
    pub iso3: String,
    /// Country name.
    pub name: String,
    /// Outline rings of (lon, lat).
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// How to colour and label one country on the map.
pub struct MapStyle {
    /// CSS fill.
    pub fill: String,
    /// Tooltip.
    pub title: String,
    /// Text written on the country.
    pub label: Option<String>,
}

/// An equirectangular map of the window `lon0..lon1`, `lat0..lat1`, scaled by cos(mid lat).
pub fn map(
    shapes: &[Shape],
    window: (f64, f64, f64, f64),
    width: f64,
    style: &dyn Fn(&str) -> Option<MapStyle>,
    title: &str,
) -> String {
    map_with(shapes, window, width, style, title, &|_| String::new())
}

/// Projects (lon, lat) to map coordinates, for drawing on top of a map.
pub type Project<'a> = &'a dyn Fn(f64, f64) -> (f64, f64);

/// [`map`] with extra SVG drawn over the land, given the projection.
pub fn map_with(
    shapes: &[Shape],
    window: (f64, f64, f64, f64),
    width: f64,
    style: &dyn Fn(&str) -> Option<MapStyle>,
    title: &str,
    overlay: &dyn Fn(Project<'_>) -> String,
) -> String {
    map_described(shapes, window, width, style, title, "", overlay)
}

/// [`map_with`] whose text alternative (`<desc>`) adds `desc` to the styled countries'
/// tooltips. Country labels sit at the centre of the largest ring's box or just above or
/// below it, larger countries first, never overlapping ([`place_labels`]).
pub fn map_described(
    shapes: &[Shape],
    window: (f64, f64, f64, f64),
    width: f64,
    style: &dyn Fn(&str) -> Option<MapStyle>,
    title: &str,
    desc: &str,
    overlay: &dyn Fn(Project<'_>) -> String,
) -> String {
    let (lon0, lon1, lat0, lat1) = window;
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    let scale = width / ((lon1 - lon0) * k);
    let height = (lat1 - lat0) * scale;
    let px = |lon: f64| (lon - lon0) * k * scale;
    let py = |lat: f64| (lat1 - lat) * scale;
    let mut s = String::new();
    let mut wanted: Vec<(f64, String, f64, f64)> = Vec::new();
    let mut styled: Vec<String> = Vec::new();
    for shape in shapes {
        let visible = shape.rings.iter().flatten().any(|(lon, lat)| {
            *lon > lon0 - 20.0 && *lon < lon1 + 20.0 && *lat > lat0 - 20.0 && *lat < lat1 + 20.0
        });
        if !visible {
            continue;
        }
        let st = style(&shape.iso3);
        let mut d = String::new();
        for ring in &shape.rings {
            for (i, (lon, lat)) in ring.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{:.1} {:.1}",
                    if i == 0 { "M" } else { "L" },
                    px(*lon),
                    py(*lat)
                );
            }
            d.push('Z');
        }
        match &st {
            Some(st) => {
                let _ = write!(
                    s,
                    r#"<path class="land on" d="{d}" style="fill:{}"><title>{}</title></path>"#,
                    st.fill,
                    esc(&st.title)
                );
                styled.push(st.title.clone());
                if let Some(label) = &st.label {
                    // Label at the centre of the largest ring's bounding box.
                    if let Some(ring) = shape.rings.iter().max_by_key(|r| r.len()) {
                        let (a, b, c, e) = ring
                            .iter()
                            .filter(|(x, y)| *x >= lon0 && *x <= lon1 && *y >= lat0 && *y <= lat1)
                            .fold(
                                (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
                                |(a, b, c, e), (x, y)| (a.min(*x), b.max(*x), c.min(*y), e.max(*y)),
                            );
                        let (cx, cy) = (px((a + b) / 2.0), py((c + e) / 2.0));
                        if cx > 0.0 && cx < width && cy > 0.0 && cy < height {
                            wanted.push(((b - a) * (e - c), label.clone(), cx, cy));
                        }
                    }
                }
            }
            None => {
                let _ = write!(
                    s,
                    r#"<path class="land" d="{d}"><title>{}</title></path>"#,
                    esc(&shape.name)
                );
            }
        }
    }
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let size = 11.0;
    let requests: Vec<_> = wanted
        .into_iter()
        .map(|(_, text, x, y)| {
            let y = y + 4.0;
            let c = (0..5)
                .map(|i| {
                    let dy = [0.0, -1.2, 1.2, -2.4, 2.4][i] * size;
                    (x, y + dy, "middle")
                })
                .collect();
            (text, c)
        })
        .collect();
    let placed = place_labels(&requests, size, (0.0, 0.0, width, height), &[]);
    let mut labels = String::new();
    for p in &placed {
        let _ = write!(
            labels,
            r#"<text class="maplbl" x="{:.0}" y="{:.0}" text-anchor="middle">{}</text>"#,
            p.x,
            p.y,
            esc(&p.text)
        );
    }
    let full_desc = [desc.to_string(), styled.join("; ")]
        .into_iter()
        .filter(|d| !d.is_empty())
        .collect::<Vec<_>>()
        .join(". ");
    let mut out = open(
        "map",
        width,
        height,
        title,
        &format!("{title}. {full_desc}"),
    );
    let _ = write!(
        out,
        r#"<rect class="sea" width="{width:.0}" height="{height:.0}"/>"#
    );
    out.push_str(&s);
    out.push_str(&labels);
    out.push_str(&overlay(&|lon, lat| (px(lon), py(lat))));
    out.push_str("</svg>");
    out
}

/// One layer of a scatter plot.
pub struct Dots {
    /// Legend text.
    pub name: String,
    /// CSS colour.
    pub color: &'static str,
    /// Dot radius.
    pub radius: f64,
    /// (x, y, tooltip)
    pub points: Vec<(f64, f64, String)>,
}

/// A scatter plot on [0, 1] × [0, 1] (utilities), layers drawn in order.
pub fn scatter(
    layers: &[Dots],
    width: f64,
    height: f64,
    axes: (&str, &str),
    title: &str,
) -> String {
    let (ml, mr, mt, mb) = (52.0, 190.0, 12.0, 40.0);
    let pw = width - ml - mr;
    let ph = height - mt - mb;
    let sx = |x: f64| ml + x * pw;
    let sy = |y: f64| mt + ph - y * ph;
    let desc: Vec<String> = layers
        .iter()
        .map(|l| format!("{}: {} points", l.name, l.points.len()))
        .collect();
    let mut s = open(
        "chart",
        width,
        height,
        title,
        &format!("{title}. x: {}; y: {}. {}", axes.0, axes.1, desc.join("; ")),
    );
    for i in 0..=5 {
        let v = f64::from(i) / 5.0;
        let _ = write!(
            s,
            r#"<line class="grid" x1="{ml}" x2="{}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{v:.1}</text><line class="grid" x1="{:.1}" x2="{:.1}" y1="{mt}" y2="{}"/><text class="tick" x="{:.1}" y="{}" text-anchor="middle">{v:.1}</text>"#,
            ml + pw,
            sy(v),
            sy(v),
            ml - 6.0,
            sy(v) + 4.0,
            sx(v),
            sx(v),
            mt + ph,
            sx(v),
            mt + ph + 16.0
        );
    }
    let _ = write!(
        s,
        r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{}</text><text class="tick" x="12" y="{:.1}" transform="rotate(-90 12 {:.1})" text-anchor="middle">{}</text>"#,
        ml + pw / 2.0,
        height - 4.0,
        esc(axes.0),
        mt + ph / 2.0,
        mt + ph / 2.0,
        esc(axes.1)
    );
    let mut legend_y = mt + 10.0;
    for layer in layers {
        for (x, y, tip) in &layer.points {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="{}"><title>{}</title></circle>"#,
                sx(*x),
                sy(*y),
                layer.radius,
                layer.color,
                esc(tip)
            );
        }
        let _ = write!(
            s,
            r#"<circle cx="{}" cy="{legend_y}" r="{}" fill="{}"/><text class="legend" x="{}" y="{}">{}</text>"#,
            width - mr + 20.0,
            layer.radius.max(3.0),
            layer.color,
            width - mr + 32.0,
            legend_y + 4.0,
            esc(&layer.name)
        );
        legend_y += 18.0;
    }
    s.push_str("</svg>");
    s
}

/// Axis ticks at a 1-2-5 step (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) covering `lo..=hi` in at
/// most `max_steps` steps: the axis runs from the first tick to the last, so every gridline
/// sits exactly at a labelled value. A degenerate or non-finite range gets `[lo]`.
pub fn nice_ticks(lo: f64, hi: f64, max_steps: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || max_steps == 0 {
        return vec![lo];
    }
    let raw = (hi - lo) / max_steps as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let mut step = mag;
    // The smallest 1-2-5 step at which the ticks fit in `max_steps` steps.
    for m in [1.0, 2.0, 5.0, 10.0, 20.0] {
        step = m * mag;
        let n = (hi / step - 1e-9).ceil() - (lo / step + 1e-9).floor();
        if n <= max_steps as f64 {
            break;
        }
    }
    let (a, b) = (
        (lo / step + 1e-9).floor() as i64,
        (hi / step - 1e-9).ceil() as i64,
    );
    // Multiply, not accumulate, so 0.1 steps print as 0.3, not 0.30000000000000004.
    (a..=b).map(|i| i as f64 * step).collect()
}

/// Ticks at a 1-2-5 step strictly inside `lo..=hi` (for an x axis framed by its data).
fn inner_ticks(lo: f64, hi: f64, max_steps: usize) -> Vec<f64> {
    nice_ticks(lo, hi, max_steps)
        .into_iter()
        .filter(|x| *x >= lo - 1e-9 && *x <= hi + 1e-9)
        .collect()
}

/// A label's box in SVG coordinates: (x0, y0, x1, y1).
pub type LabelBox = (f64, f64, f64, f64);

/// Estimated box of `text` at font size `size` with its anchor at (x, y): ~0.6 em per
/// character (the brief's sans-serif), a little more than the cap height above the baseline.
pub fn text_box(text: &str, size: f64, x: f64, y: f64, anchor: &str) -> LabelBox {
    let w = text.chars().count() as f64 * size * 0.6;
    let x0 = match anchor {
        "middle" => x - w / 2.0,
        "end" => x - w,
        _ => x,
    };
    (x0, y - size * 0.85, x0 + w, y + size * 0.25)
}

/// Whether two boxes intersect.
pub fn overlaps(a: LabelBox, b: LabelBox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// A candidate label position: baseline anchor (x, y) and `text-anchor`.
pub type Spot = (f64, f64, &'static str);

/// A label placed by [`place_labels`]: its text, anchor point and `text-anchor`.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    /// The text.
    pub text: String,
    /// Baseline anchor x.
    pub x: f64,
    /// Baseline y.
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
    /// Its box.
    pub bbox: LabelBox,
}

/// Greedy label placement: in the order given (most important first), each label takes the
/// first of its candidate positions whose box stays inside `frame`, misses every label
/// placed before and every box in `avoid` (markers); a label with no free position is
/// left out (its marker keeps its tooltip). Candidates: (x, y, anchor).
pub fn place_labels(
    labels: &[(String, Vec<Spot>)],
    size: f64,
    frame: LabelBox,
    avoid: &[LabelBox],
) -> Vec<Placed> {
    let mut out: Vec<Placed> = Vec::new();
    for (text, candidates) in labels {
        let free = candidates.iter().find_map(|&(x, y, anchor)| {
            let b = text_box(text, size, x, y, anchor);
            let inside = b.0 >= frame.0 && b.1 >= frame.1 && b.2 <= frame.2 && b.3 <= frame.3;
            (inside
                && !out.iter().any(|p| overlaps(p.bbox, b))
                && !avoid.iter().any(|a| overlaps(*a, b)))
            .then_some(Placed {
                text: text.clone(),
                x,
                y,
                anchor,
                bbox: b,
            })
        });
        out.extend(free);
    }
    out
}

/// The eight positions around a marker at (x, y) of radius `r`, right first (the
/// cartographic preference), for a label of font size `size`.
pub fn around(x: f64, y: f64, r: f64, size: f64) -> Vec<Spot> {
    let g = r + 2.0;
    // Baselines of the middle row and of the rows just above and below it.
    let mid = y + size * 0.35;
    let (up, down) = (mid - size * 1.15, mid + size * 1.15);
    vec![
        (x + g, mid, "start"),
        (x - g, mid, "end"),
        (x + g * 0.5, up, "start"),
        (x + g * 0.5, down, "start"),
        (x - g * 0.5, up, "end"),
        (x - g * 0.5, down, "end"),
        (x, up - size * 0.2, "middle"),
        (x, down + size * 0.2, "middle"),
    ]
}

/// Placed labels as SVG text with a white halo, so they read over lines and land.
pub fn labels_svg(placed: &[Placed], size: f64, class: &str) -> String {
    let mut s = String::new();
    for p in placed {
        let _ = write!(
            s,
            r##"<text class="{class}" x="{:.1}" y="{:.1}" text-anchor="{}" font-size="{size}" fill="#1d2733" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</text>"##,
            p.x,
            p.y,
            p.anchor,
            esc(&p.text)
        );
    }
    s
}

/// The opening `<svg>` of a chart with its accessible name and text alternative.
pub(crate) fn open(class: &str, width: f64, height: f64, title: &str, desc: &str) -> String {
    format!(
        r#"<svg class="{class}" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="{t}"><title>{t}</title><desc>{}</desc>"#,
        esc(desc),
        t = esc(title)
    )
}

/// A number for a text alternative: up to 3 significant decimals, no trailing zeros.
/// A number with at most three decimals and no trailing zeros: tick labels stay short
/// ("2") while data values keep their precision ("2.764").
pub(crate) fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_1_2_5_steps_covering_the_range() {
        assert_eq!(nice_ticks(0.0, 13.0, 6), vec![0.0, 5.0, 10.0, 15.0]);
        assert_eq!(
            nice_ticks(0.0, 1.0, 6),
            vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
        assert_eq!(
            nice_ticks(0.0, 0.6, 6),
            vec![
                0.0,
                0.1,
                0.2,
                0.30000000000000004,
                0.4,
                0.5,
                0.6000000000000001
            ]
        );
        assert_eq!(
            nice_ticks(0.0, 120.0, 6),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0]
        );
        assert_eq!(
            nice_ticks(2.0, 3.0, 6),
            vec![2.0, 2.2, 2.4000000000000004, 2.6, 2.8000000000000003, 3.0]
        );
        assert_eq!(nice_ticks(1.0, 1.0, 6), vec![1.0]);
        assert_eq!(nice_ticks(f64::NAN, 1.0, 6).len(), 1);
        assert_eq!(
            inner_ticks(2014.0, 2030.0, 8),
            vec![2014.0, 2016.0, 2018.0, 2020.0, 2022.0, 2024.0, 2026.0, 2028.0, 2030.0]
        );
    }

    #[test]
    fn placed_labels_never_overlap() {
        // Twenty labels on one spot: the greedy placement keeps those that fit, apart.
        let labels: Vec<_> = (0..20)
            .map(|i| {
                (
                    format!("Place {i}"),
                    around(100.0 + f64::from(i), 100.0, 3.0, 11.0),
                )
            })
            .collect();
        let placed = place_labels(&labels, 11.0, (0.0, 0.0, 400.0, 300.0), &[]);
        assert!(placed.len() >= 4, "{} placed", placed.len());
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!overlaps(a.bbox, b.bbox), "{a:?} overlaps {b:?}");
            }
        }
    }
}
