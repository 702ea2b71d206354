//! The page: one HTML file, its style sheet and its script, compiled into
//! the binary so the room needs no internet. The script is plain
//! JavaScript written for netgrow (no third-party code): it draws the
//! controls from `/api/config`, posts settings, reads the run's
//! server-sent events, and draws the charts as SVG by hand.

use axum::http::header;
use axum::response::IntoResponse;

const HTML: &str = include_str!("page.html");
const JS: &str = include_str!("page.js");
const CSS: &str = include_str!("page.css");

/// `GET /`.
pub fn html() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], HTML)
}

/// `GET /page.js`.
pub fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        JS,
    )
}

/// `GET /page.css`.
pub fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS)
}
