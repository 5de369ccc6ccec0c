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
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {h}" role="img" aria-label="{}">"#,
        esc(title)
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
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
}

/// A band between two series (e.g. lower and upper bounds), drawn under the lines.
pub struct Band {
    /// CSS colour (drawn translucent).
    pub color: &'static str,
    /// (x, low, high) points.
    pub points: Vec<(f64, f64, f64)>,
}

/// A line chart with x in years and y formatted by `fmt_y`.
pub fn lines(
    series: &[Series],
    bands: &[Band],
    width: f64,
    height: f64,
    y_range: (f64, f64),
    fmt_y: &dyn Fn(f64) -> String,
    title: &str,
) -> String {
    let (ml, mr, mt, mb) = (52.0, 190.0, 12.0, 28.0);
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
    } else {
        (x0 - 1.0, x0 + 1.0)
    };
    let (y0, y1) = y_range;
    let pw = width - ml - mr;
    let ph = height - mt - mb;
    let sx = |x: f64| ml + (x - x0) / (x1 - x0) * pw;
    let sy = |y: f64| mt + ph - (y - y0) / (y1 - y0) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        esc(title)
    );
    for i in 0..=4 {
        let y = y0 + (y1 - y0) * f64::from(i) / 4.0;
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
    let span = (x1 - x0).round() as i64;
    let step = if span > 16 {
        4
    } else if span > 8 {
        2
    } else {
        1
    };
    let mut x = x0.round() as i64;
    while x as f64 <= x1 {
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{}" text-anchor="middle">{x}</text>"#,
            sx(x as f64),
            height - 8.0
        );
        x += step;
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
        for (i, (x, y)) in ser.points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if i == 0 { "M" } else { "L" },
                sx(*x),
                sy(*y)
            );
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
        for (x, y) in &ser.points {
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
    let (lon0, lon1, lat0, lat1) = window;
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    let scale = width / ((lon1 - lon0) * k);
    let height = (lat1 - lat0) * scale;
    let px = |lon: f64| (lon - lon0) * k * scale;
    let py = |lat: f64| (lat1 - lat) * scale;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="map" viewBox="0 0 {width:.0} {height:.0}" role="img" aria-label="{}"><rect class="sea" width="{width:.0}" height="{height:.0}"/>"#,
        esc(title)
    );
    let mut labels = String::new();
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
                            let _ = write!(
                                labels,
                                r#"<text class="maplbl" x="{cx:.0}" y="{cy:.0}" text-anchor="middle">{}</text>"#,
                                esc(label)
                            );
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
    s.push_str(&labels);
    s.push_str(&overlay(&|lon, lat| (px(lon), py(lat))));
    s.push_str("</svg>");
    s
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
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}">"#,
        esc(title)
    );
    for i in 0..=4 {
        let v = f64::from(i) / 4.0;
        let _ = write!(
            s,
            r#"<line class="grid" x1="{ml}" x2="{}" y1="{:.1}" y2="{:.1}"/><text class="tick" x="{}" y="{:.1}" text-anchor="end">{v:.2}</text><line class="grid" x1="{:.1}" x2="{:.1}" y1="{mt}" y2="{}"/><text class="tick" x="{:.1}" y="{}" text-anchor="middle">{v:.2}</text>"#,
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
