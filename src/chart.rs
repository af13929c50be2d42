//! Comparison charts, PNG or SVG by extension, drawn with plotters. The font is compiled
//! in (DejaVu Sans, `data/fonts/`), so charts render the same on a machine with no fonts.
use crate::compare::Comparison;
use anyhow::{anyhow, bail, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

const FONT: &[u8] = include_bytes!("../data/fonts/DejaVuSans.ttf");

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
    let title = format!("Tension by {:?} (0 = cooperative, 100 = hostile)", c.every).to_lowercase().replacen('t', "T", 1);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(first..last, 0f64..100f64)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("period")
        .y_desc("tension")
        .x_label_formatter(&|d| d.format("%Y-%m-%d").to_string())
        .label_style(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    for (i, (ser, label)) in c.series.iter().zip(&c.labels).enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let points: Vec<(chrono::NaiveDate, f64)> = ser.iter().filter_map(|r| r.tension.map(|t| (r.period, t))).collect();
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
        chart
            .draw_series(runs.into_iter().filter(|r| r.len() > 1).map(|r| PathElement::new(r, color.stroke_width(2))))
            .map_err(e)?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        chart.draw_series(points.iter().map(|p| Circle::new(*p, 4, color.filled()))).map_err(e)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}
