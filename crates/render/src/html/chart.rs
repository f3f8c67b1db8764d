//! Charts as inline SVG, drawn here from the report's points (no charting library, no script
//! needed to see them). Every chart is an `<svg class="chart" data-chart=ID>` whose series are
//! `<path class="series" data-series=NAME data-points=N>`, with its data range in `data-x0`,
//! `data-x1`, `data-y0`, `data-y1` so that the page's script can read values back on hover.

use std::fmt::Write;

use app::report::{Candles, Line};
use maud::{Markup, html};

pub const W: f64 = 900.0;
pub const H: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// How values read on an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    Pct,
    Num,
    Price,
}

pub fn fmt_value(v: f64, f: Fmt) -> String {
    match f {
        Fmt::Pct => format!("{:.1}%", v * 100.0),
        Fmt::Num | Fmt::Price => format!("{v:.2}"),
    }
}

/// Maps data to the plot area.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Frame {
    fn of(points: impl Iterator<Item = [f64; 2]>) -> Option<Frame> {
        let mut f: Option<Frame> = None;
        for [x, y] in points.filter(|p| p[0].is_finite() && p[1].is_finite()) {
            let g = f.get_or_insert(Frame {
                x0: x,
                x1: x,
                y0: y,
                y1: y,
            });
            g.x0 = g.x0.min(x);
            g.x1 = g.x1.max(x);
            g.y0 = g.y0.min(y);
            g.y1 = g.y1.max(y);
        }
        f.map(|mut g| {
            if g.x1 == g.x0 {
                g.x1 = g.x0 + 1.0;
            }
            if g.y1 == g.y0 {
                g.y0 -= 0.5f64.max(g.y0.abs() * 0.05);
                g.y1 += 0.5f64.max(g.y1.abs() * 0.05);
            }
            g
        })
    }

    pub fn px(&self, x: f64) -> f64 {
        LEFT + (x - self.x0) / (self.x1 - self.x0) * (W - LEFT - RIGHT)
    }

    pub fn py(&self, y: f64) -> f64 {
        TOP + (self.y1 - y) / (self.y1 - self.y0) * (H - TOP - BOTTOM)
    }
}

fn path(points: &[[f64; 2]], f: &Frame, ty: impl Fn(f64) -> f64) -> String {
    let mut d = String::with_capacity(points.len() * 14);
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1},{:.1}",
            if i == 0 { 'M' } else { 'L' },
            f.px(p[0]),
            f.py(ty(p[1]))
        );
    }
    d
}

fn date_label(ms: f64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}

/// Axes with 5 value ticks and 4 date ticks.
fn axes(f: &Frame, fmt: Fmt, dates: bool, ty_inv: impl Fn(f64) -> f64) -> Markup {
    html! {
        g.axes {
            @for i in 0..=4 {
                @let y = f.y0 + (f.y1 - f.y0) * f64::from(i) / 4.0;
                line.grid x1=(LEFT) x2=(W - RIGHT) y1=(format!("{:.1}", f.py(y))) y2=(format!("{:.1}", f.py(y))) {}
                text.tick x=(LEFT - 4.0) y=(format!("{:.1}", f.py(y) + 4.0)) text-anchor="end" { (fmt_value(ty_inv(y), fmt)) }
            }
            @if dates {
                @for i in 0..=3 {
                    @let x = f.x0 + (f.x1 - f.x0) * f64::from(i) / 3.0;
                    text.tick x=(format!("{:.1}", f.px(x))) y=(H - 8.0) text-anchor=(if i == 0 { "start" } else if i == 3 { "end" } else { "middle" }) { (date_label(x)) }
                }
            }
        }
    }
}

fn svg_open(id: &str, f: &Frame, fmt: Fmt, log: bool) -> String {
    format!(
        r#"<svg class="chart" data-chart="{id}" data-x0="{}" data-x1="{}" data-y0="{}" data-y1="{}" data-fmt="{}" data-log="{}" viewBox="0 0 {W} {H}" role="img">"#,
        f.x0,
        f.x1,
        f.y0,
        f.y1,
        match fmt {
            Fmt::Pct => "pct",
            Fmt::Num => "num",
            Fmt::Price => "price",
        },
        log
    )
}

fn empty(id: &str, why: &str) -> Markup {
    html! { p.empty data-chart=(id) { (why) } }
}

/// Lines over time. With `log`, y is drawn as ln(1 + y) (cumulative returns on a log scale).
/// `area`, when given, fills under the first series with that CSS class (`loss`, `held`).
pub fn lines(id: &str, series: &[&Line], fmt: Fmt, log: bool, area: Option<&str>) -> Markup {
    let ty = |y: f64| if log { (1.0 + y).max(1e-9).ln() } else { y };
    let inv = |y: f64| if log { y.exp() - 1.0 } else { y };
    let Some(f) = Frame::of(
        series
            .iter()
            .flat_map(|l| l.points.iter().map(|p| [p[0], ty(p[1])])),
    ) else {
        return empty(id, "no data to draw");
    };
    let mut s = svg_open(id, &f, fmt, log);
    s.push_str(&axes(&f, fmt, true, inv).into_string());
    for (i, l) in series.iter().enumerate() {
        let d = path(&l.points, &f, ty);
        if let Some(class) = area.filter(|_| i == 0 && !l.points.is_empty()) {
            let zero = f.py(0.0f64.clamp(f.y0, f.y1));
            let first = f.px(l.points[0][0]);
            let last = f.px(l.points[l.points.len() - 1][0]);
            let _ = write!(
                s,
                r#"<path class="area {class}" d="{d}L{last:.1},{zero:.1}L{first:.1},{zero:.1}Z"/>"#
            );
        }
        s.push_str(
            &html! {
                path.series.(format!("s{i}")) data-series=(l.name) data-points=(l.points.len()) d=(d) {}
            }
            .into_string(),
        );
    }
    s.push_str("</svg>");
    html! {
        figure {
            (maud::PreEscaped(s))
            @if series.len() > 1 {
                figcaption.legend {
                    @for (i, l) in series.iter().enumerate() {
                        span.(format!("k{i}")) { "■ " (l.name) } " "
                    }
                }
            }
        }
    }
}

/// Vertical bars, one per labelled value (yearly returns, a histogram, P&L per trade).
pub fn bars(id: &str, series: &str, values: &[(String, f64)], fmt: Fmt) -> Markup {
    if values.is_empty() {
        return empty(id, "nothing to draw");
    }
    let n = values.len() as f64;
    let pts = values
        .iter()
        .enumerate()
        .map(|(i, (_, v))| [i as f64, *v])
        .chain([[-0.5, 0.0], [n - 0.5, 0.0]]);
    let Some(f) = Frame::of(pts) else {
        return empty(id, "nothing to draw");
    };
    let width = ((W - LEFT - RIGHT) / n * 0.8).clamp(0.5, 48.0);
    let zero = f.py(0.0);
    let mut s = svg_open(id, &f, fmt, false);
    s.push_str(&axes(&f, fmt, false, |y| y).into_string());
    if values.len() > DENSE {
        dense_bars(&mut s, series, values, &f);
        return html! { figure { (maud::PreEscaped(s)) } };
    }
    let _ = write!(
        s,
        r#"<g class="series bars" data-series="{}" data-points="{}">"#,
        maud::html! { (series) }.into_string(),
        values.len()
    );
    for (i, (label, v)) in values.iter().enumerate() {
        let x = f.px(i as f64) - width / 2.0;
        let y = f.py(*v);
        let (top, h) = if y < zero {
            (y, zero - y)
        } else {
            (zero, y - zero)
        };
        s.push_str(
            &html! {
                rect.(if *v < 0.0 { "neg" } else { "pos" }) x=(format!("{x:.1}")) y=(format!("{top:.1}")) width=(format!("{width:.1}")) height=(format!("{:.1}", h.max(0.5))) {
                    title { (label) ": " (fmt_value(*v, fmt)) }
                }
            }
            .into_string(),
        );
    }
    s.push_str("</g>");
    if values.len() <= 24 {
        for (i, (label, _)) in values.iter().enumerate() {
            s.push_str(
                &html! {
                    text.tick x=(format!("{:.1}", f.px(i as f64))) y=(H - 8.0) text-anchor="middle" { (label) }
                }
                .into_string(),
            );
        }
    }
    s.push_str("</svg>");
    html! { figure { (maud::PreEscaped(s)) } }
}

/// Bars beyond this many are drawn as one min/max segment per pixel column (one path for gains,
/// one for losses) instead of a rectangle with a hover title each: a run's 20,000 trades stay a
/// few kilobytes and keep their extremes.
pub const DENSE: usize = 1_000;

fn dense_bars(s: &mut String, series: &str, values: &[(String, f64)], f: &Frame) {
    let columns = (W - LEFT - RIGHT) as usize;
    let mut hi = vec![0.0f64; columns + 1];
    let mut lo = vec![0.0f64; columns + 1];
    for (i, (_, v)) in values.iter().enumerate() {
        let c = ((f.px(i as f64) - LEFT).max(0.0) as usize).min(columns);
        hi[c] = hi[c].max(*v);
        lo[c] = lo[c].min(*v);
    }
    let zero = f.py(0.0);
    let mut pos = String::new();
    let mut neg = String::new();
    for c in 0..=columns {
        let x = LEFT + c as f64;
        if hi[c] > 0.0 {
            let _ = write!(pos, "M{x:.1},{zero:.1}V{:.1}", f.py(hi[c]));
        }
        if lo[c] < 0.0 {
            let _ = write!(neg, "M{x:.1},{zero:.1}V{:.1}", f.py(lo[c]));
        }
    }
    let _ = write!(
        s,
        r#"<g class="series bars dense" data-series="{}" data-points="{}"><path class="pos" d="{pos}"/><path class="neg" d="{neg}"/></g></svg>"#,
        html! { (series) }.into_string(),
        values.len()
    );
}

/// Candles with the run's fills marked; each marker's title is its fill and reason.
pub fn candles(id: &str, c: &Candles, max_markers: usize) -> Markup {
    let Some(f) = Frame::of(
        c.candles
            .iter()
            .flat_map(|k| [[k.x, k.low], [k.x, k.high]])
            .chain(c.markers.iter().map(|m| [m.x, m.price])),
    ) else {
        return empty(id, "no stored bars over the run's period");
    };
    let n = c.candles.len().max(1) as f64;
    let width = ((W - LEFT - RIGHT) / n * 0.7).max(0.6);
    let mut s = svg_open(id, &f, Fmt::Price, false);
    s.push_str(&axes(&f, Fmt::Price, true, |y| y).into_string());
    let _ = write!(
        s,
        r#"<g class="series candles" data-series="{}" data-points="{}">"#,
        html! { (c.symbol) }.into_string(),
        c.candles.len()
    );
    for k in &c.candles {
        let x = f.px(k.x);
        let (o, cl) = (f.py(k.open), f.py(k.close));
        let _ = write!(
            s,
            r#"<path class="{}" d="M{x:.1},{:.1}V{:.1}M{:.1},{:.1}h{width:.1}V{:.1}h-{width:.1}Z"/>"#,
            if k.close >= k.open { "up" } else { "down" },
            f.py(k.high),
            f.py(k.low),
            x - width / 2.0,
            o.min(cl),
            o.max(cl).max(o.min(cl) + 0.5),
        );
    }
    s.push_str("</g>");
    let shown = c.markers.len().min(max_markers);
    let _ = write!(
        s,
        r#"<g class="series markers" data-series="fills" data-points="{shown}">"#
    );
    for m in c.markers.iter().take(max_markers) {
        let (x, y) = (f.px(m.x), f.py(m.price));
        let up = matches!(m.action.as_str(), "buy" | "cover");
        let d = if up {
            format!("M{x:.1},{:.1}l5,8h-10Z", y)
        } else {
            format!("M{x:.1},{:.1}l5,-8h-10Z", y)
        };
        s.push_str(
            &html! {
                path.marker.(m.action) d=(d) { title { (m.label) } }
            }
            .into_string(),
        );
    }
    s.push_str("</g></svg>");
    html! { figure { (maud::PreEscaped(s)) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_bars_are_drawn_per_pixel_and_keep_their_extremes() {
        let values: Vec<(String, f64)> = (0..20_000)
            .map(|i| {
                (
                    format!("t{i}"),
                    if i == 12_345 {
                        -900.0
                    } else {
                        f64::from(i % 50) - 20.0
                    },
                )
            })
            .collect();
        let svg = bars("pnl", "P&L", &values, Fmt::Num).into_string();
        assert!(svg.len() < 60_000, "{} bytes", svg.len());
        assert!(svg.contains(r#"data-points="20000""#));
        assert!(!svg.contains("<title>"));
        // The deepest loss reaches the bottom of the plot.
        let bottom = format!("V{:.1}", H - BOTTOM);
        assert!(svg.contains(&bottom), "{bottom}");
        let few = bars("pnl", "P&L", &values[..10], Fmt::Num).into_string();
        assert_eq!(few.matches("<title>").count(), 10);
    }
}
