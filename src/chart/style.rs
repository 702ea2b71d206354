//! The look every chart shares: the embedded font, the colour-blind-safe
//! palette, sizes that scale with the image, and the header (title,
//! subtitle, legend) drawn above the data so a legend never covers it.

use std::sync::OnceLock;

use anyhow::{anyhow, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontDesc, FontFamily, FontStyle};

/// The font family every text element names. Registering the embedded font
/// under the generic name means SVG viewers without DejaVu still pick a
/// sans-serif face of similar width.
pub const FAMILY: &str = "sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the embedded fonts with plotters (once per process), so text
/// renders identically on machines without system fonts.
pub fn register_fonts() -> Result<()> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        register_font(FAMILY, FontStyle::Normal, REGULAR)
            .map_err(|_| "the embedded DejaVu Sans font is invalid".to_string())?;
        register_font(FAMILY, FontStyle::Bold, BOLD)
            .map_err(|_| "the embedded DejaVu Sans Bold font is invalid".to_string())
    })
    .clone()
    .map_err(|e| anyhow!(e))
}

/// Okabe & Ito's palette, distinguishable with every common form of colour
/// blindness; yellow last because thin yellow lines vanish on white.
const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of series `i` (a cohort within a variant) in every chart.
pub fn series_colour(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// People outside every cohort (ego networks).
pub const NON_MEMBER: RGBColor = RGBColor(0xA0, 0xA0, 0xA0);
/// Text and axes.
pub const INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
/// Secondary text, annotations.
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
/// Bars that describe the whole population rather than a cohort.
pub const NEUTRAL: RGBColor = RGBColor(0x4D, 0x4D, 0x4D);

/// Design size of chart titles.
const TITLE: f64 = 46.0;

/// Design size of panel titles.
const PANEL_TITLE: f64 = 34.0;

/// Sizes for one image: everything is designed at 1600×1000 and scaled.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    scale: f64,
}

impl Look {
    /// The look for an image of `width` × `height` pixels.
    pub fn new(width: u32, height: u32) -> Look {
        let scale = (f64::from(width) / 1600.0).min(f64::from(height) / 1000.0);
        Look {
            scale: scale.max(0.25),
        }
    }

    /// A length designed at 1600×1000, in this image's pixels.
    pub fn px(&self, x: f64) -> i32 {
        ((x * self.scale).round() as i32).max(1)
    }

    /// As [`Look::px`], unsigned.
    pub fn upx(&self, x: f64) -> u32 {
        self.px(x).unsigned_abs()
    }

    fn font(&self, size: f64, bold: bool, colour: RGBColor) -> TextStyle<'static> {
        // The style must be given at construction: `FontDesc::style` keeps
        // the regular face's glyphs.
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        FontDesc::new(FontFamily::Name(FAMILY), size * self.scale, style).color(&colour)
    }

    pub fn title(&self) -> TextStyle<'static> {
        self.font(TITLE, true, INK)
    }

    /// The title style, shrunk (to at most 70% of its size) until `text`
    /// fits in two lines of `max` pixels; with those lines.
    pub fn fitted_title<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        text: &str,
        max: i32,
    ) -> Result<(TextStyle<'static>, Vec<String>)> {
        let mut size = TITLE;
        loop {
            let style = self.font(size, true, INK);
            let lines = wrap(area, text, &style, max)?;
            if lines.len() <= 2 || size <= TITLE * 0.7 {
                return Ok((style, lines));
            }
            size -= 3.0;
        }
    }

    pub fn subtitle(&self) -> TextStyle<'static> {
        self.font(27.0, false, MUTED)
    }

    pub fn panel_title(&self, colour: RGBColor) -> TextStyle<'static> {
        self.font(PANEL_TITLE, true, colour)
    }

    /// The panel-title style, shrunk (to at most 60% of its size) until the
    /// widest of `texts` fits in `max` pixels, so headings of many small
    /// panels never overlap and all share one size.
    pub fn fitted_panel_title<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        texts: &[String],
        max: i32,
    ) -> Result<TextStyle<'static>> {
        let mut size = PANEL_TITLE;
        loop {
            let style = self.font(size, true, INK);
            let mut widest = 0;
            for t in texts {
                widest = widest.max(area.estimate_text_size(t, &style).drawn()?.0 as i32);
            }
            if widest <= max || size <= PANEL_TITLE * 0.6 {
                return Ok(style);
            }
            size -= 2.0;
        }
    }

    pub fn axis_desc(&self) -> TextStyle<'static> {
        self.font(31.0, false, INK)
    }

    pub fn tick(&self) -> TextStyle<'static> {
        self.font(28.0, false, INK)
    }

    pub fn legend(&self) -> TextStyle<'static> {
        self.font(30.0, false, INK)
    }

    pub fn note(&self) -> TextStyle<'static> {
        self.font(26.0, false, MUTED)
    }

    pub fn value_label(&self) -> TextStyle<'static> {
        self.font(25.0, false, INK)
    }

    /// Width of data lines.
    pub fn line(&self) -> u32 {
        self.upx(5.0)
    }

    /// Outer margin.
    pub fn margin(&self) -> i32 {
        self.px(28.0)
    }
}

/// How a legend entry is drawn.
#[derive(Clone, Copy, Debug)]
pub enum Mark {
    /// A thick line over a pale band (a mean with its interval).
    Line(RGBColor),
    /// A filled box (bars).
    Swatch(RGBColor),
    /// A filled circle (nodes).
    Dot(RGBColor),
    /// A dashed line (reference lines, annotations).
    Dashed(RGBColor),
}

/// One legend entry.
#[derive(Clone, Debug)]
pub struct LegendItem {
    pub mark: Mark,
    pub label: String,
}

impl LegendItem {
    pub fn new(mark: Mark, label: impl Into<String>) -> LegendItem {
        LegendItem {
            mark,
            label: label.into(),
        }
    }
}

/// The text above a chart.
pub struct Header<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub legend: &'a [LegendItem],
}

/// Maps a plotters error (whose type depends on the backend) to anyhow.
pub trait Drawn<T> {
    fn drawn(self) -> Result<T>;
}

impl<T, E: std::fmt::Display> Drawn<T> for std::result::Result<T, E> {
    fn drawn(self) -> Result<T> {
        self.map_err(|e| anyhow!("cannot draw the chart: {e}"))
    }
}

/// Clears `root`, draws the header and returns the area left for data.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    look: &Look,
    header: &Header,
) -> Result<DrawingArea<DB, Shift>> {
    root.fill(&WHITE).drawn()?;
    let (width, _) = root.dim_in_pixel();
    let m = look.margin();
    let mut y = m;
    // A title states a message, which may take two lines.
    let (title, lines) = look.fitted_title(root, header.title, width as i32 - 2 * m)?;
    let line_height = f64::from(title.font.get_size() as i32) * 1.25;
    for line in lines {
        root.draw_text(&line, &title, (m, y)).drawn()?;
        y += line_height.round() as i32;
    }
    y += look.px(4.0);
    if !header.subtitle.is_empty() {
        let style = look.subtitle();
        for line in wrap(root, header.subtitle, &style, width as i32 - 2 * m)? {
            root.draw_text(&line, &style, (m, y)).drawn()?;
            y += look.px(36.0);
        }
        y += look.px(6.0);
    }
    if !header.legend.is_empty() {
        y += look.px(8.0);
        // A legend of many series (a [focal] design has 30) stops at 40% of
        // the height, so that the data keep room; the rest are counted.
        let (_, height) = root.dim_in_pixel();
        let y_max = height as i32 * 2 / 5;
        y = legend(root, look, header.legend, m, (y, y_max), width as i32 - m)?;
    }
    y += look.px(10.0);
    Ok(root.split_vertically(y).1)
}

/// Writes `heading` at the top of `area` and returns the area below it: a
/// panel of a chart split in two or more.
pub fn titled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    heading: &str,
) -> Result<DrawingArea<DB, Shift>> {
    area.draw_text(
        heading,
        &look.panel_title(INK),
        (look.px(30.0), look.px(4.0)),
    )
    .drawn()?;
    Ok(area.split_vertically(look.px(52.0)).1)
}

/// Breaks `text` into lines no wider than `max` pixels, at spaces.
pub fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max: i32,
) -> Result<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        let (w, _) = area.estimate_text_size(&candidate, style).drawn()?;
        if w as i32 > max && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Lays legend entries out left to right from (`x0`, `y`), wrapping before
/// `x_max`; returns the y below the last row.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    items: &[LegendItem],
    x0: i32,
    (mut y, y_max): (i32, i32),
    x_max: i32,
) -> Result<i32> {
    let style = look.legend();
    let centred = style.pos(Pos::new(HPos::Left, VPos::Center));
    let swatch = look.px(54.0);
    let gap = look.px(14.0);
    let spacing = look.px(44.0);
    let row = look.px(46.0);
    let mut x = x0;
    for (i, item) in items.iter().enumerate() {
        let (tw, _) = area.estimate_text_size(&item.label, &style).drawn()?;
        let w = swatch + gap + tw as i32;
        if x > x0 && x + w > x_max {
            x = x0;
            y += row;
            if y + 2 * row > y_max {
                let more = format!("… and {} more (see the CSV files)", items.len() - i);
                area.draw_text(&more, &centred, (x, y + row / 2)).drawn()?;
                break;
            }
        }
        let mid = y + row / 2;
        draw_mark(area, look, item.mark, (x, mid), swatch)?;
        area.draw_text(
            &item.label,
            &centred,
            (x + swatch + gap, mid + look.px(2.0)),
        )
        .drawn()?;
        x += w + spacing;
    }
    Ok(y + row)
}

/// Draws a legend mark whose left end is at `at`, vertically centred there.
fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    look: &Look,
    mark: Mark,
    (x, y): (i32, i32),
    w: i32,
) -> Result<()> {
    match mark {
        Mark::Line(c) => {
            let h = look.px(13.0);
            area.draw(&Rectangle::new(
                [(x, y - h), (x + w, y + h)],
                c.mix(0.22).filled(),
            ))
            .drawn()?;
            area.draw(&PathElement::new(
                vec![(x, y), (x + w, y)],
                c.stroke_width(look.line()),
            ))
            .drawn()
        }
        Mark::Swatch(c) => {
            let h = look.px(15.0);
            area.draw(&Rectangle::new(
                [(x + w / 4, y - h), (x + w, y + h)],
                c.filled(),
            ))
            .drawn()
        }
        Mark::Dot(c) => area
            .draw(&Circle::new((x + w / 2, y), look.px(13.0), c.filled()))
            .drawn(),
        Mark::Dashed(c) => {
            let dash = w / 5;
            for i in (0..5).step_by(2) {
                let a = x + i * dash;
                area.draw(&PathElement::new(
                    vec![(a, y), (a + dash, y)],
                    c.stroke_width(look.upx(3.0)),
                ))
                .drawn()?;
            }
            Ok(())
        }
    }
}

/// The legend entries of every series drawn as lines with bands.
pub fn series_legend(labels: &[(usize, String)]) -> Vec<LegendItem> {
    labels
        .iter()
        .map(|(i, l)| LegendItem::new(Mark::Line(series_colour(*i)), l.clone()))
        .collect()
}

/// Splits `area` into `n` panels, at most three to a row.
pub fn grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: usize,
) -> Vec<DrawingArea<DB, Shift>> {
    if n == 0 {
        return Vec::new();
    }
    let rows = n.div_ceil(3);
    let cols = n.div_ceil(rows);
    let mut panels = area.split_evenly((rows, cols));
    panels.truncate(n);
    panels
}

/// A linear axis whose labelled ticks are given, not guessed: months on
/// whole years, one tick per category. (plotters' own `with_key_points`
/// cannot take a label formatter on an f64 axis.)
#[derive(Clone, Debug)]
pub struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    pub fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked {
            lo: range.start,
            hi: range.end,
            ticks,
        }
    }

    /// `n` categories at 0, 1, … n − 1, a tick each, with half a category
    /// of room at either end.
    pub fn categories(n: usize) -> Ticked {
        Ticked::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect())
    }
}

/// The label of the category at `x` on a [`Ticked::categories`] axis, or
/// nothing between or beyond them.
pub fn category_label(labels: &[String], x: f64) -> String {
    let i = x.round();
    if i >= 0.0 && (i as usize) < labels.len() {
        labels[i as usize].clone()
    } else {
        String::new()
    }
}

impl plotters::coord::ranged1d::Ranged for Ticked {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        if self.hi == self.lo {
            return (limit.0 + limit.1) / 2;
        }
        let share = (v - self.lo) / (self.hi - self.lo);
        limit.0 + (f64::from(limit.1 - limit.0) * share + 1e-3).floor() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Only the given ticks: no light grid lines in between.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// A plotting area with [`Ticked`] x and a linear y: what most panels draw
/// on.
pub type Plot<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<Ticked, plotters::coord::types::RangedCoordf64>>;

/// Gives a chart's axes the common look: descriptions and tick labels in
/// their faces, pale grid lines at the labelled ticks only, dark axes.
pub fn axes_look<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>,
    look: &Look,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    X: plotters::coord::ranged1d::Ranged,
    Y: plotters::coord::ranged1d::Ranged,
    DB: DrawingBackend,
{
    mesh.axis_desc_style(look.axis_desc())
        .label_style(look.tick())
        .bold_line_style(GRID.stroke_width(look.upx(1.5)))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(look.upx(2.0)))
}

/// A 95% band: the area between `low` and `high` at each `(x, low, high)`,
/// pale in `colour`, drawn only when there are at least two points.
pub fn band<DB: DrawingBackend>(
    chart: &mut Plot<DB>,
    points: &[(f64, f64, f64)],
    colour: RGBColor,
) -> Result<()> {
    let outline: Vec<(f64, f64)> = points
        .iter()
        .map(|&(x, _, high)| (x, high))
        .chain(points.iter().rev().map(|&(x, low, _)| (x, low)))
        .collect();
    if outline.len() > 2 {
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                colour.mix(0.22).filled(),
            )))
            .drawn()?;
    }
    Ok(())
}

/// A dashed line through `points`: a reference value, an event, a base
/// scenario.
pub fn dashed<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    look: &Look,
    points: Vec<(f64, f64)>,
    colour: RGBColor,
) -> Result<()>
where
    DB: DrawingBackend,
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
{
    chart
        .draw_series(DashedLineSeries::new(
            points,
            look.px(14.0),
            look.px(10.0),
            colour.stroke_width(look.upx(3.0)),
        ))
        .drawn()?;
    Ok(())
}
