//! Comparison charts, PNG or SVG by extension, drawn with plotters. The font is compiled
//! in (DejaVu Sans, `data/fonts/`), so charts render the same on a machine with no fonts.
use crate::compare::Comparison;
use crate::dates::Every;
use anyhow::{anyhow, bail, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

const FONT: &[u8] = include_bytes!("../../../data/fonts/DejaVuSans.ttf");

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

pub const DEFAULT_SIZE: (u32, u32) = (1000, 600);

/// Okabe & Ito's colour-blind-safe palette, without its yellow (unreadable on white).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];
const GRID: RGBColor = RGBColor(225, 225, 225);
const SUBTLE: RGBColor = RGBColor(90, 90, 90);

/// Draws the comparison to `path` (`.png` or `.svg`). `source` is the chart's source line
/// (file, model, date range), printed under the plot.
pub fn draw_comparison(c: &Comparison, path: &Path, size: (u32, u32), source: &str) -> Result<()> {
    register_font();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => {
            let root = BitMapBackend::new(path, size).into_drawing_area();
            draw(root, c, source)
        }
        Some("svg") => {
            let root = SVGBackend::new(path, size).into_drawing_area();
            draw(root, c, source)
        }
        _ => bail!("{}: chart format must be .png or .svg", path.display()),
    }
}

/// The label of period `p` on the x axis.
pub fn period_label(every: Every, p: chrono::NaiveDate) -> String {
    match every {
        Every::Day | Every::Week => p.format("%Y-%m-%d").to_string(),
        Every::Month => p.format("%b %Y").to_string(),
        Every::Quarter => format!("Q{} {}", (chrono::Datelike::month(&p) - 1) / 3 + 1, chrono::Datelike::year(&p)),
        Every::Year => p.format("%Y").to_string(),
    }
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, c: &Comparison, source: &str) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing chart: {e:?}");
    root.fill(&WHITE).map_err(e)?;
    let n = c.periods.len();
    if n == 0 {
        bail!("nothing to draw: the scored file has no dated statements");
    }
    let unit = c.every.unit_name();
    // Title and subtitle above, legend and source line below: none of them covers data.
    let h = root.dim_in_pixel().1;
    let (head, rest) = root.split_vertically(64);
    let (plot, foot) = rest.split_vertically(h.saturating_sub(64 + 62));
    head.draw(&Text::new(format!("Tension by {unit}: {}", c.labels.join(", ")), (20, 10), ("sans-serif", 22).into_font().style(FontStyle::Bold)))
        .map_err(e)?;
    head.draw(&Text::new(
        "0 = every statement cooperative, 50 = neutral, 100 = every statement hostile; band: 95% interval".to_string(),
        (20, 40),
        ("sans-serif", 14).into_font().color(&SUBTLE),
    ))
    .map_err(e)?;
    // Periods are categories on the x axis: period k sits exactly on tick k (a date axis put
    // a yearly point on 1 January, between "nice" ticks chosen by the axis).
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(16)
        .margin_right(24)
        .margin_top(8)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..100f64)
        .map_err(e)?;
    let every = c.every;
    let periods = c.periods.clone();
    let label_at = move |v: &f64| {
        let k = v.round();
        if (v - k).abs() > 1e-6 || k < 0.0 || k as usize >= periods.len() {
            return String::new();
        }
        period_label(every, periods[k as usize])
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(SUBTLE.stroke_width(1))
        .x_labels(n.min(12))
        .y_labels(6)
        .x_label_formatter(&label_at)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style(("sans-serif", 14).into_font().color(&SUBTLE))
        .draw()
        .map_err(e)?;
    let x = |k: usize| k as f64;
    for (i, (ser, label)) in c.series.iter().zip(&c.labels).enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        // Lines join consecutive periods only: a period without statements breaks the line
        // rather than inventing a value across it.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        let mut bands: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new()];
        for (k, r) in ser.iter().enumerate() {
            match r.tension {
                Some(t) => runs.last_mut().unwrap().push((x(k), t)),
                None if !runs.last().unwrap().is_empty() => runs.push(Vec::new()),
                None => {}
            }
            match r.ci {
                Some((lo, hi)) => bands.last_mut().unwrap().push((x(k), crate::series::tension_of(hi), crate::series::tension_of(lo))),
                None if !bands.last().unwrap().is_empty() => bands.push(Vec::new()),
                None => {}
            }
        }
        // 95 % intervals: a light band over consecutive periods, edged by thin lines so that
        // overlapping pairs stay readable; a bar alone.
        for band in bands.iter().filter(|b| !b.is_empty()) {
            if band.len() == 1 {
                let (p, lo, hi) = band[0];
                chart.draw_series(std::iter::once(PathElement::new(vec![(p, lo), (p, hi)], color.mix(0.5).stroke_width(2)))).map_err(e)?;
            } else {
                let mut poly: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.1)).collect();
                poly.extend(band.iter().rev().map(|b| (b.0, b.2)));
                chart.draw_series(std::iter::once(Polygon::new(poly, color.mix(0.10).filled()))).map_err(e)?;
                for edge in [band.iter().map(|b| (b.0, b.1)).collect::<Vec<_>>(), band.iter().map(|b| (b.0, b.2)).collect()] {
                    chart.draw_series(std::iter::once(PathElement::new(edge, color.mix(0.35).stroke_width(1)))).map_err(e)?;
                }
            }
        }
        let points: Vec<(f64, f64)> = runs.iter().flatten().copied().collect();
        chart
            .draw_series(runs.into_iter().filter(|r| r.len() > 1).map(|r| PathElement::new(r, color.stroke_width(2))))
            .map_err(e)?;
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, color.filled()))).map_err(e)?;
        // Spikes (`--spikes`): a black ring around the point.
        chart
            .draw_series(
                ser.iter().enumerate().filter(|(_, r)| r.spike).filter_map(|(k, r)| Some(Circle::new((x(k), r.tension?), 9, BLACK.stroke_width(2)))),
            )
            .map_err(e)?;
        let lx = 76 + 220 * i as i32;
        foot.draw(&PathElement::new(vec![(lx, 12), (lx + 24, 12)], color.stroke_width(3))).map_err(e)?;
        foot.draw(&Text::new(label.clone(), (lx + 32, 3), ("sans-serif", 16))).map_err(e)?;
    }
    if c.series.iter().flatten().any(|r| r.spike) {
        let lx = 76 + 220 * c.series.len() as i32;
        foot.draw(&Circle::new((lx + 12, 12), 7, BLACK.stroke_width(2))).map_err(e)?;
        foot.draw(&Text::new("spike".to_string(), (lx + 32, 3), ("sans-serif", 16))).map_err(e)?;
    }
    foot.draw(&Text::new(source.to_string(), (20, 38), ("sans-serif", 13).into_font().color(&SUBTLE))).map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::SeriesOptions;
    use crate::store::tests::row;

    #[test]
    fn spikes_are_ringed_and_named_in_the_legend() {
        // Eight calm months with three statements each, then a hostile one.
        let mut rows = Vec::new();
        for m in 1..=8 {
            let wobble = 0.05 * (m % 3) as f64;
            for (k, s) in [0.5, 0.6, 0.4].iter().enumerate() {
                rows.push(row(&format!("a{m}{k}"), &format!("2025-{m:02}-1{k}"), "IRN", "AZE", s + wobble));
            }
        }
        for k in 0..3 {
            rows.push(row(&format!("b{k}"), &format!("2025-09-1{k}"), "IRN", "AZE", -0.9));
        }
        let scored = crate::store::rows_to_frame(&rows).unwrap();
        let opts = SeriesOptions { spikes: Some(2.0), ..crate::series::tests::opts(Every::Month, false, &[("IRN", "AZE")]) };
        let c = crate::compare::compare(&scored, &opts).unwrap();
        assert!(c.series[0].last().unwrap().spike);
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("c.svg");
        draw_comparison(&c, &svg, DEFAULT_SIZE, "Source: test").unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("\nspike\n") && text.contains("r=\"9\""), "no spike mark in the SVG");
        let png = dir.path().join("c.png");
        draw_comparison(&c, &png, DEFAULT_SIZE, "Source: test").unwrap();
        let black = |p: &Path| image::open(p).unwrap().to_rgb8().pixels().filter(|p| p.0 == [0, 0, 0]).count();
        let with_ring = black(&png);
        // Without --spikes there is no ring and no legend entry: fewer black pixels.
        let calm = crate::compare::compare(&scored, &SeriesOptions { spikes: None, ..opts }).unwrap();
        draw_comparison(&calm, &svg, DEFAULT_SIZE, "Source: test").unwrap();
        assert!(!std::fs::read_to_string(&svg).unwrap().contains("\nspike\n"));
        draw_comparison(&calm, &png, DEFAULT_SIZE, "Source: test").unwrap();
        assert!(with_ring > black(&png) + 50, "the rings add black pixels: {with_ring} vs {}", black(&png));
    }

    /// Each point sits on its own period's tick (yearly points used to drift toward the next
    /// year's tick), the image has the size asked for, and no colour is the palette's yellow.
    #[test]
    fn points_sit_on_their_period_ticks() {
        let mut rows = Vec::new();
        for (y, s) in [(2019, 0.5), (2020, -0.5), (2021, 0.2), (2022, 0.8)] {
            for k in 0..3 {
                rows.push(row(&format!("a{y}{k}"), &format!("{y}-0{}-15", k + 6), "USA", "RUS", s));
            }
        }
        let scored = crate::store::rows_to_frame(&rows).unwrap();
        let opts = crate::series::tests::opts(Every::Year, false, &[("USA", "RUS")]);
        let c = crate::compare::compare(&scored, &opts).unwrap();
        assert_eq!(c.periods.len(), 4);
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("c.svg");
        draw_comparison(&c, &svg, DEFAULT_SIZE, "Source: test").unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        let attr = |el: &str, name: &str| -> Option<f64> {
            let at = el.find(&format!(" {name}=\""))? + name.len() + 3;
            el[at..].split('"').next()?.parse().ok()
        };
        let circles: Vec<f64> = text.split("<circle").skip(1).filter(|el| attr(el, "r") == Some(4.0)).filter_map(|el| attr(el, "cx")).collect();
        assert_eq!(circles.len(), 4, "{text}");
        for (k, year) in ["2019", "2020", "2021", "2022"].iter().enumerate() {
            let label = text.split("<text").find(|el| el.contains(&format!(">\n{year}\n<"))).unwrap_or_else(|| panic!("no tick label {year}"));
            assert!(label.contains("text-anchor=\"middle\""), "tick labels are centred on their tick");
            let lx = attr(label, "x").unwrap();
            assert!((circles[k] - lx).abs() <= 1.0, "{year}: point at x={} but its tick at x={lx}", circles[k]);
        }
        // Evenly spaced: the periods are categories.
        let gaps: Vec<f64> = circles.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|g| (g - gaps[0]).abs() < 1.5), "{gaps:?}");
        assert!(!text.to_ascii_uppercase().contains("#F0E442"), "no yellow");
        assert!(text.contains("Source: test") && text.contains("Tension by year"), "source line and title");
        let png = dir.path().join("c.png");
        draw_comparison(&c, &png, (800, 480), "Source: test").unwrap();
        let img = image::open(&png).unwrap();
        assert_eq!((img.width(), img.height()), (800, 480));
    }
}
