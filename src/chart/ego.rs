//! Ego networks: the people one typical member of each cohort trusts at the
//! end of the run, drawn side by side.
//!
//! The layout is a fixed function of the data, so the same file always
//! gives the same picture: the member sits in the centre; the people they
//! trust are placed in order of trust (most trusted at twelve o'clock, each
//! next one a golden angle further clockwise, so the few closest ties never
//! crowd together), nearer the centre the more they are trusted, with a
//! ring at the "trusted" threshold. Line width and darkness show trust.

use std::f64::consts::PI;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Ego, RunData};
use super::style::{
    frame, grid, Drawn, Header, LegendItem, Look, Mark, GRID, INK, MUTED, NON_MEMBER,
};
use super::{join, sentence, variant_prefix};

/// Distance from the centre, as a share of the panel radius, of someone
/// trusted `trust`: 1 → near the centre, 0 → the rim.
fn radius_share(trust: f64) -> f64 {
    1.0 - 0.78 * trust.clamp(0.0, 1.0)
}

/// The golden angle: successive alters are this far apart, which spreads
/// any run of them evenly around the circle.
const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;

/// Direction of the `i`-th most trusted alter (y down): clockwise from
/// twelve o'clock.
fn angle(i: usize) -> f64 {
    -PI / 2.0 + GOLDEN_ANGLE * i as f64
}

/// Pixel position of an alter around `centre`.
fn position(centre: (i32, i32), radius: f64, i: usize, trust: f64) -> (i32, i32) {
    let r = radius * radius_share(trust);
    let a = angle(i);
    (
        centre.0 + (r * a.cos()).round() as i32,
        centre.1 + (r * a.sin()).round() as i32,
    )
}

/// Ties between alters weaker than this are not drawn.
const LINK_FLOOR: f64 = 0.1;

/// The most ego networks drawn.
const MAX_PANELS: usize = 9;

/// `ego_networks`: one panel per (variant, cohort) ego.
pub fn draw<DB: DrawingBackend>(
    data: &RunData,
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    title: &str,
) -> Result<()> {
    let mut legend = super::cohort_legend(data, Mark::Dot);
    legend.push(LegendItem::new(Mark::Dot(NON_MEMBER), "not a member"));
    legend.push(LegendItem::new(
        Mark::Dashed(MUTED),
        format!(
            "trusted (trust ≥ {})",
            data.scenario.relationships.trusted_at
        ),
    ));
    let replicate = data.egos.first().map_or(0, |e| e.replicate);
    let egos: usize = data.egos.iter().map(|f| f.egos.len()).sum();
    let shown = if egos > MAX_PANELS {
        format!(" The first {MAX_PANELS} of {egos} series are drawn.")
    } else {
        String::new()
    };
    let subtitle = format!(
        "Replicate {replicate}, end of year {}: in each cohort, the member with the median number of trusted ties, and the people they trust most (up to 40). Nearer the centre, thicker and darker lines: more trust.{shown}",
        data.years()
    );
    let area = frame(
        root,
        look,
        &Header {
            title,
            subtitle: &subtitle,
            legend: &legend,
        },
    )?;
    let panels: Vec<(usize, &Ego)> = data
        .egos
        .iter()
        .flat_map(|f| {
            f.egos.iter().filter_map(move |e| {
                let s = data.series_of(&f.variant, &e.cohort)?;
                Some((s, e))
            })
        })
        .collect();
    // Beyond nine, panels grow too small to read (a [focal] design has
    // 30 series); the first nine are drawn and the subtitle says so.
    let panels = &panels[..panels.len().min(MAX_PANELS)];
    let areas = grid(&area, panels.len());
    let headings: Vec<String> = panels
        .iter()
        .map(|(s, e)| format!("{}: {} trusted ties", data.series[*s].label, e.trusted_ties))
        .collect();
    let style = match areas.first() {
        Some(a) => {
            look.fitted_panel_title(a, &headings, a.dim_in_pixel().0 as i32 - look.px(16.0))?
        }
        None => look.panel_title(INK),
    };
    let style = style.pos(Pos::new(HPos::Center, VPos::Top));
    for (((s, ego), panel), heading) in panels.iter().zip(&areas).zip(&headings) {
        draw_ego(data, panel, look, *s, ego, heading, &style)?;
    }
    Ok(())
}

fn draw_ego<DB: DrawingBackend>(
    data: &RunData,
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    series: usize,
    ego: &Ego,
    heading: &str,
    style: &TextStyle,
) -> Result<()> {
    let id = &data.series[series];
    let colour = data.colour(series);
    let (w, h) = area.dim_in_pixel();
    area.draw_text(heading, style, ((w / 2) as i32, look.px(6.0)))
        .drawn()?;
    // Below the heading: the circle, then a line for the note.
    let top = look.px(52.0);
    let note_h = look.px(40.0);
    let free_h = (h as i32 - top - note_h).max(1);
    let radius = f64::from(w.min(free_h as u32)) * 0.46;
    let body = area.split_vertically(top).1;
    let centre = ((w / 2) as i32, free_h / 2);
    // Nodes scale with the panel, so many small panels stay legible.
    let node = (radius * 0.04).max(3.0).round() as i32;
    let n = ego.alters.len();

    // Guide: the rim and the trusted threshold.
    body.draw(&Circle::new(
        centre,
        radius.round() as i32,
        GRID.stroke_width(look.upx(2.0)),
    ))
    .drawn()?;
    let trusted_r = radius * radius_share(data.scenario.relationships.trusted_at);
    dashed_circle(&body, look, centre, trusted_r)?;

    if n == 0 {
        let style = look
            .legend()
            .color(&MUTED)
            .pos(Pos::new(HPos::Center, VPos::Top));
        body.draw_text(
            "no one with any trust yet",
            &style,
            (centre.0, centre.1 + look.px(40.0)),
        )
        .drawn()?;
    }
    let at: Vec<(i32, i32)> = ego
        .alters
        .iter()
        .enumerate()
        .map(|(i, a)| position(centre, radius, i, a.trust))
        .collect();
    // Ties between the ego's contacts: faint unless trusted, and the
    // barely-there ones left out so the picture does not become a hairball.
    for l in ego.links.iter().filter(|l| l.trust >= LINK_FLOOR) {
        let (Some(&p), Some(&q)) = (at.get(l.a), at.get(l.b)) else {
            continue;
        };
        let t = l.trust.clamp(0.0, 1.0);
        let width = look.upx(1.0 + 3.0 * t);
        body.draw(&PathElement::new(
            vec![p, q],
            MUTED.mix(0.08 + 0.3 * t).stroke_width(width),
        ))
        .drawn()?;
    }
    for (a, &p) in ego.alters.iter().zip(&at) {
        let t = a.trust.clamp(0.0, 1.0);
        let width = look.upx(1.0 + 10.0 * t);
        body.draw(&PathElement::new(
            vec![centre, p],
            INK.mix(0.25 + 0.65 * t).stroke_width(width),
        ))
        .drawn()?;
    }
    for (a, &p) in ego.alters.iter().zip(&at) {
        let c = data
            .series_of(&id.variant, &a.cohort)
            .map_or(NON_MEMBER, |s| data.colour(s));
        body.draw(&Circle::new(p, node + look.px(3.0), WHITE.filled()))
            .drawn()?;
        body.draw(&Circle::new(p, node, c.filled())).drawn()?;
    }
    body.draw(&Circle::new(centre, node * 2 + look.px(4.0), INK.filled()))
        .drawn()?;
    body.draw(&Circle::new(centre, node * 2, colour.filled()))
        .drawn()?;
    // Trusted means past the threshold; the people drawn are those with
    // any trust at all, so say which is which.
    let inside = ego
        .alters
        .iter()
        .filter(|a| a.trust >= data.scenario.relationships.trusted_at)
        .count();
    let note = match inside {
        0 => format!("{n} people with some trust drawn, none yet trusted"),
        k => format!("{n} people with some trust drawn, {k} trusted (inside the dashed circle)"),
    };
    body.draw_text(
        &note,
        &look.note().pos(Pos::new(HPos::Center, VPos::Bottom)),
        (centre.0, h as i32 - top - look.px(4.0)),
    )
    .drawn()?;
    Ok(())
}

/// A dashed circle, as short arcs (plotters has no dashed circle).
fn dashed_circle<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    centre: (i32, i32),
    r: f64,
) -> Result<()> {
    let dashes = 48;
    for d in 0..dashes {
        let a0 = 2.0 * PI * d as f64 / dashes as f64;
        let a1 = a0 + PI / dashes as f64;
        let pts: Vec<(i32, i32)> = (0..=4)
            .map(|k| {
                let a = a0 + (a1 - a0) * k as f64 / 4.0;
                (
                    centre.0 + (r * a.cos()).round() as i32,
                    centre.1 + (r * a.sin()).round() as i32,
                )
            })
            .collect();
        area.draw(&PathElement::new(pts, MUTED.stroke_width(look.upx(2.0))))
            .drawn()?;
    }
    Ok(())
}

/// Caption of `ego_networks`.
pub fn caption(data: &RunData) -> String {
    let replicate = data.egos.first().map_or(0, |f| f.replicate);
    let clauses: Vec<String> = data
        .egos
        .iter()
        .filter_map(|f| {
            let v = data
                .results
                .variants
                .iter()
                .position(|a| a.name == f.variant)?;
            // Most trusted ties first; the data decides the order.
            let mut egos: Vec<&Ego> = f
                .egos
                .iter()
                .filter(|e| data.series_of(&f.variant, &e.cohort).is_some())
                .collect();
            egos.sort_by_key(|e| std::cmp::Reverse(e.trusted_ties));
            let parts: Vec<String> = egos
                .iter()
                .enumerate()
                .map(|(k, e)| {
                    let ties = format!(
                        "{} trusted tie{}",
                        e.trusted_ties,
                        if e.trusted_ties == 1 { "" } else { "s" }
                    );
                    if k == 0 {
                        format!("the typical {} member ends the run with {ties}", e.cohort)
                    } else {
                        format!("the typical {} member with {ties}", e.cohort)
                    }
                })
                .collect();
            (!parts.is_empty())
                .then(|| sentence(&format!("{}{}.", variant_prefix(data, v), join(&parts))))
        })
        .collect();
    if clauses.is_empty() {
        return "No ego networks were recorded for this run.".into();
    }
    format!(
        "{} (Typical: the member with the median number of trusted ties in replicate {replicate}.)",
        clauses.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_trust_sits_nearer_the_centre_and_the_first_alter_at_twelve() {
        assert!(radius_share(0.9) < radius_share(0.1));
        let p = position((100, 100), 50.0, 0, 0.0);
        assert_eq!(p, (100, 50));
        // The next alter is a golden angle (≈137.5°) clockwise: lower right.
        let q = position((100, 100), 50.0, 1, 0.0);
        assert!(q.0 > 100 && q.1 > 100, "{q:?}");
    }
}
