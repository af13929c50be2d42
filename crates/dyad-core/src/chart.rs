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

pub const DEFAULT_SIZE: (u32, u32) = (1000, 560);

/// Draws the comparison to `path` (`.png` or `.svg`).
pub fn draw_comparison(c: &Comparison, path: &Path, size: (u32, u32)) -> Result<()> {
    register_font();
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("png") => {
            let root = BitMapBackend::new(path, size).into_drawing_area();
            draw(root, c)
        }
        Some("svg") => {
            let root = SVGBackend::new(path, size).into_drawing_area();
            draw(root, c)
        }
        _ => bail!("{}: chart format must be .png or .svg", path.display()),
    }
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, c: &Comparison) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| anyhow!("drawing chart: {e:?}");
    root.fill(&WHITE).map_err(e)?;
    let (Some(&first), Some(&last)) = (c.periods.first(), c.periods.last()) else {
        bail!("nothing to draw: the scored file has no dated statements");
    };
    let last = if last > first { last } else { first + chrono::Duration::days(1) };
    let unit = match c.every {
        Every::Day => "day",
        Every::Week => "week",
        Every::Month => "month",
        Every::Quarter => "quarter",
        Every::Year => "year",
    };
    let date_format = match c.every {
        Every::Day | Every::Week => "%Y-%m-%d",
        Every::Month | Every::Quarter => "%Y-%m",
        Every::Year => "%Y",
    };
    // The legend gets its own strip under the plot so it never hides data.
    let height = root.dim_in_pixel().1;
    let (plot, legend) = root.split_vertically(height.saturating_sub(36));
    let mut chart = ChartBuilder::on(&plot)
        .caption(format!("Tension by {unit} (0 = cooperative, 100 = hostile; shaded: 95% interval)"), ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(first..last, 0f64..100f64)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("period start")
        .y_desc("tension")
        .x_labels(10)
        .x_label_formatter(&|d| d.format(date_format).to_string())
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    for (i, (ser, label)) in c.series.iter().zip(&c.labels).enumerate() {
        let color = Palette99::pick(i).to_rgba();
        // Lines join consecutive periods only: a period without statements breaks the line
        // rather than inventing a value across it.
        let mut runs: Vec<Vec<(chrono::NaiveDate, f64)>> = vec![Vec::new()];
        for r in ser {
            match r.tension {
                Some(t) => runs.last_mut().unwrap().push((r.period, t)),
                None if !runs.last().unwrap().is_empty() => runs.push(Vec::new()),
                None => {}
            }
        }
        let points: Vec<(chrono::NaiveDate, f64)> = runs.iter().flatten().copied().collect();
        // 95 % bands: a shaded polygon over consecutive periods with an interval, a bar alone.
        let tension_band = |r: &crate::series::SeriesRow| {
            r.ci.map(|(lo, hi)| (r.period, crate::series::tension_of(hi), crate::series::tension_of(lo)))
        };
        let mut bands: Vec<Vec<(chrono::NaiveDate, f64, f64)>> = vec![Vec::new()];
        for r in ser {
            match tension_band(r) {
                Some(b) => bands.last_mut().unwrap().push(b),
                None if !bands.last().unwrap().is_empty() => bands.push(Vec::new()),
                None => {}
            }
        }
        for band in bands.iter().filter(|b| !b.is_empty()) {
            if band.len() == 1 {
                let (p, lo, hi) = band[0];
                chart.draw_series(std::iter::once(PathElement::new(vec![(p, lo), (p, hi)], color.mix(0.4).stroke_width(2)))).map_err(e)?;
            } else {
                let mut poly: Vec<(chrono::NaiveDate, f64)> = band.iter().map(|b| (b.0, b.1)).collect();
                poly.extend(band.iter().rev().map(|b| (b.0, b.2)));
                chart.draw_series(std::iter::once(Polygon::new(poly, color.mix(0.15).filled()))).map_err(e)?;
            }
        }
        chart
            .draw_series(runs.into_iter().filter(|r| r.len() > 1).map(|r| PathElement::new(r, color.stroke_width(2))))
            .map_err(e)?;
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, color.filled()))).map_err(e)?;
        // Spikes (`--spikes`): a black ring around the point.
        chart
            .draw_series(ser.iter().filter(|r| r.spike).filter_map(|r| Some(Circle::new((r.period, r.tension?), 9, BLACK.stroke_width(2)))))
            .map_err(e)?;
        let x = 70 + 220 * i as i32;
        legend.draw(&PathElement::new(vec![(x, 14), (x + 24, 14)], color.stroke_width(3))).map_err(e)?;
        legend.draw(&Text::new(label.clone(), (x + 32, 5), ("sans-serif", 16))).map_err(e)?;
    }
    if c.series.iter().flatten().any(|r| r.spike) {
        let x = 70 + 220 * c.series.len() as i32;
        legend.draw(&Circle::new((x + 12, 14), 7, BLACK.stroke_width(2))).map_err(e)?;
        legend.draw(&Text::new("spike".to_string(), (x + 32, 5), ("sans-serif", 16))).map_err(e)?;
    }
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
        draw_comparison(&c, &svg, DEFAULT_SIZE).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("\nspike\n") && text.contains("r=\"9\""), "no spike mark in the SVG");
        let png = dir.path().join("c.png");
        draw_comparison(&c, &png, DEFAULT_SIZE).unwrap();
        let black = |p: &Path| image::open(p).unwrap().to_rgb8().pixels().filter(|p| p.0 == [0, 0, 0]).count();
        let with_ring = black(&png);
        // Without --spikes there is no ring and no legend entry: fewer black pixels.
        let calm = crate::compare::compare(&scored, &SeriesOptions { spikes: None, ..opts }).unwrap();
        draw_comparison(&calm, &svg, DEFAULT_SIZE).unwrap();
        assert!(!std::fs::read_to_string(&svg).unwrap().contains("\nspike\n"));
        draw_comparison(&calm, &png, DEFAULT_SIZE).unwrap();
        assert!(with_ring > black(&png) + 50, "the rings add black pixels: {with_ring} vs {}", black(&png));
    }
}
