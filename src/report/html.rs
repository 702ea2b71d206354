//! The HTML both reports are made of — a run's `report.html` and a sweep's:
//! escaping, the page around the sections, its style sheet, the question,
//! the charts inline and the method section that says how to reproduce the
//! numbers. Every page is self-contained and well-formed XML: every tag
//! closed, only XML's own entities, nothing loaded from anywhere.

use std::fmt::Write as _;

/// Escapes text for HTML (and XML).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// "" for one, "s" for any other number: "1 replicate", "2 replicates".
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The ends of a mean's 95% interval, when it has one: both finite, and
/// more than one replicate to take it from.
pub fn interval(low: f64, high: f64, n: usize) -> Option<(f64, f64)> {
    (low.is_finite() && high.is_finite() && n > 1).then_some((low, high))
}

/// What a page holds besides headings, lists, tables and figures; its style
/// sheet has rules for exactly these.
#[derive(Clone, Copy, Debug)]
pub struct Extras {
    /// A table of contents (`<nav>`), hidden in print.
    pub contents: bool,
    /// Colour swatches naming a series in a table.
    pub swatches: bool,
}

/// The page's style sheet: large type for a projector, numbers right-aligned
/// in tabular figures, figures kept whole on a printed page.
fn style_sheet(extras: Extras) -> String {
    let contents = if extras.contents {
        "nav ol { columns: 2; }\n"
    } else {
        ""
    };
    let swatches = if extras.swatches {
        "span.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.4em; vertical-align: -0.1em; border-radius: 2px; }\n"
    } else {
        ""
    };
    let print_contents = if extras.contents {
        " nav { display: none; }"
    } else {
        ""
    };
    format!(
        "
body {{ font-family: system-ui, 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 18px; line-height: 1.5; color: #1a1a1a; background: #fff; margin: 0; }}
main {{ max-width: 1200px; margin: 0 auto; padding: 1.5em 2em 4em; }}
h1 {{ font-size: 2em; margin-bottom: 0.2em; }}
h2 {{ font-size: 1.5em; margin-top: 2em; border-bottom: 2px solid #ddd; padding-bottom: 0.2em; }}
h3 {{ font-size: 1.2em; margin: 1.5em 0 0.5em; }}
p.meta {{ color: #555; margin-top: 0; }}
p.question {{ font-size: 1.25em; }}
{contents}table {{ border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.95em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.35em 0.7em; vertical-align: top; }}
th {{ text-align: left; background: #f4f4f4; overflow-wrap: anywhere; max-width: 16em; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
{swatches}figure {{ margin: 1em 0 2.5em; }}
figure svg {{ display: block; width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ font-size: 1.1em; margin-top: 0.5em; }}
code {{ background: #f4f4f4; padding: 0.1em 0.3em; border-radius: 3px; }}
div.handout figure svg {{ max-height: 11cm; }}
@page {{ size: A4; margin: 14mm; }}
@media print {{
body {{ font-size: 10pt; line-height: 1.35; }}
main {{ max-width: none; padding: 0; }}
h2 {{ margin-top: 1.2em; break-after: avoid; }}
h3 {{ break-after: avoid; }}
table {{ width: 100%; font-size: 7.5pt; table-layout: auto; }}
th, td {{ padding: 0.15em 0.3em; }}
td.n {{ white-space: normal; }}
tr, figure, table.headline {{ break-inside: avoid; }}
figure svg {{ border: none; max-height: 15cm; }}
div.handout figure svg {{ max-height: 9.5cm; }}
div.handout table {{ font-size: 8.5pt; }}
code {{ background: none; }}{print_contents}
}}
"
    )
}

/// Starts a page titled `title`: everything up to the opening of `<main>`.
pub fn begin_page(h: &mut String, title: &str, extras: Extras) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
        escape(title),
        style_sheet(extras)
    );
}

/// Closes what [`begin_page`] opened.
pub fn end_page(h: &mut String) {
    h.push_str("</main>\n</body>\n</html>\n");
}

/// Opens a section the table of contents can link to as `#id`.
pub fn begin_section(h: &mut String, id: &str, heading: &str) {
    let _ = writeln!(h, "<section id=\"{id}\">\n<h2>{}</h2>", escape(heading));
}

/// Closes what [`begin_section`] opened.
pub fn end_section(h: &mut String) {
    h.push_str("</section>\n");
}

/// A bulleted list of plain-text items.
pub fn bullets(h: &mut String, items: &[String]) {
    h.push_str("<ul>\n");
    for item in items {
        let _ = writeln!(h, "<li>{}</li>", escape(item));
    }
    h.push_str("</ul>\n");
}

/// The question the page answers: the scenario's own description, or
/// `otherwise` when it has none.
pub fn question(h: &mut String, description: &str, otherwise: &str) {
    let text = match description.trim() {
        "" => otherwise,
        text => text,
    };
    begin_section(h, "question", "The question");
    let _ = writeln!(h, "<p class=\"question\">{}</p>", escape(text));
    end_section(h);
}

/// Rewrites an SVG's root tag for inlining: scalable to the page width,
/// labelled for screen readers, and without the namespace attribute (HTML
/// puts `<svg>` in the SVG namespace by itself; dropping it keeps the file
/// free of any address).
pub fn inline_svg(svg: &str, label: &str) -> String {
    let body = svg.trim();
    let Some(start) = body.find("<svg") else {
        return String::new();
    };
    let Some(end) = body[start..].find('>').map(|e| start + e) else {
        return String::new();
    };
    let tag = &body[start..end];
    let attr = |name: &str| -> Option<&str> {
        let key = format!(" {name}=\"");
        let from = tag.find(&key)? + key.len();
        let len = tag[from..].find('"')?;
        Some(&tag[from..from + len])
    };
    let view_box = attr("viewBox").map_or_else(
        || {
            format!(
                "0 0 {} {}",
                attr("width").unwrap_or("1600"),
                attr("height").unwrap_or("1000")
            )
        },
        str::to_string,
    );
    format!(
        "<svg viewBox=\"{}\" width=\"100%\" role=\"img\" aria-label=\"{}\">{}",
        escape(&view_box),
        escape(label),
        &body[end + 1..]
    )
}

/// One chart on a page.
pub struct Figure<'a> {
    /// The chart's file name, and the figure's anchor.
    pub id: String,
    pub title: String,
    pub svg: &'a str,
    pub caption: String,
}

/// The charts section: each chart with its heading, its SVG inline and its
/// caption.
pub fn charts<'a>(h: &mut String, figures: impl IntoIterator<Item = Figure<'a>>) {
    begin_section(h, "charts", "Charts");
    for f in figures {
        let _ = writeln!(
            h,
            "<figure id=\"{}\">\n<h3>{}</h3>\n{}\n<figcaption>{}</figcaption>\n</figure>",
            f.id,
            escape(&f.title),
            inline_svg(f.svg, &f.title),
            escape(&f.caption)
        );
    }
    end_section(h);
}

/// How to reproduce a page's numbers: the last paragraph of its method
/// section.
pub struct Reproduction<'a> {
    /// The netgrow version that made the page.
    pub version: &'a str,
    /// What `scenario.toml` holds besides every default filled in (HTML).
    pub scenario_holds: &'a str,
    /// The command, run in the page's folder.
    pub command: &'a str,
    /// Any HTML after the command.
    pub then: &'a str,
}

/// The method section: how the numbers were made, then how to make them
/// again.
pub fn method(h: &mut String, items: &[String], how: &Reproduction) {
    begin_section(h, "method", "Method and reproduction");
    bullets(h, items);
    let _ = writeln!(
        h,
        "<p>Made with netgrow {}. <code>scenario.toml</code>, beside this report, is the scenario with every default filled in{}. To reproduce every number, run this in the folder that holds this report:</p>\n<pre><code>{}</code></pre>{}",
        escape(how.version),
        how.scenario_holds,
        how.command,
        how.then
    );
    end_section(h);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
    }

    #[test]
    fn inlined_svg_keeps_its_drawing_and_loses_its_size_and_namespace() {
        let svg = "<svg width=\"800\" height=\"500\" viewBox=\"0 0 800 500\" xmlns=\"http://www.w3.org/2000/svg\">\n<rect x=\"0\"/>\n</svg>\n";
        let out = inline_svg(svg, "A & B");
        assert!(out.starts_with(
            "<svg viewBox=\"0 0 800 500\" width=\"100%\" role=\"img\" aria-label=\"A &amp; B\">"
        ));
        assert!(out.contains("<rect x=\"0\"/>"));
        assert!(out.ends_with("</svg>"));
        assert!(!out.contains("http"));
    }

    #[test]
    fn a_page_without_contents_or_swatches_has_no_rules_for_them() {
        let plain = style_sheet(Extras {
            contents: false,
            swatches: false,
        });
        let full = style_sheet(Extras {
            contents: true,
            swatches: true,
        });
        assert!(!plain.contains("nav") && !plain.contains("swatch"));
        assert!(full.contains("nav ol") && full.contains("nav { display: none; }"));
        assert!(full.contains("@page") && full.contains("table { width: 100%"));
        assert!(full.contains("span.swatch"));
        assert_eq!(plain.matches('{').count(), plain.matches('}').count());
    }

    #[test]
    fn an_interval_needs_two_replicates_and_finite_ends() {
        assert_eq!(interval(1.0, 2.0, 2), Some((1.0, 2.0)));
        assert_eq!(interval(1.0, 2.0, 1), None);
        assert_eq!(interval(f64::NAN, 2.0, 5), None);
    }
}
