//! The HTTP side: routes, the access token, request limits, and errors a
//! page can show.
//!
//! | route | what |
//! |---|---|
//! | `GET /` (`/page.js`, `/page.css`) | the page, compiled into the binary |
//! | `GET /api/config` | the scenario's name, question and controls |
//! | `POST /api/run` | settings in; the run's messages out as server-sent events |
//! | `POST /api/pin` | pin (or unpin) the latest finished run as the baseline |
//! | `GET /api/scenario.toml` | the current settings as a scenario file |
//! | `GET /api/report.html` | the latest finished run's report |
//!
//! Every request passes [`guard`] (the token, when one is required), and
//! bodies are limited to [`MAX_BODY`] bytes. A bad setting is answered
//! 400 with the scenario's own message, as JSON `{"error": "…"}`.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, Query, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::runs::{Refused, Runs};
use super::{page, Base, Caps};
use crate::scenario::Control;

/// Largest request body: settings are a few dozen short keys and values.
pub const MAX_BODY: usize = 16 * 1024;

/// Longest client id a page may send.
pub const MAX_CLIENT_ID: usize = 64;

/// What every handler shares.
#[derive(Clone)]
pub struct State(Arc<Shared>);

struct Shared {
    base: Base,
    caps: Caps,
    token: Option<String>,
    runs: Arc<Runs>,
}

impl State {
    /// The state of a server of `base`, held to `caps`, requiring `token`
    /// if given, simulating on `pool`.
    pub fn new(
        base: Base,
        caps: Caps,
        token: Option<String>,
        pool: Arc<rayon::ThreadPool>,
    ) -> State {
        let runs = Arc::new(Runs::new(caps.max_runs, pool));
        State(Arc::new(Shared {
            base,
            caps,
            token,
            runs,
        }))
    }
}

/// The application: every route behind the token guard and the body limit.
pub fn router(state: State) -> Router {
    Router::new()
        .route("/", get(|| async { page::html() }))
        .route("/page.js", get(|| async { page::js() }))
        .route("/page.css", get(|| async { page::css() }))
        .route("/api/config", get(config))
        .route("/api/run", post(run))
        .route("/api/pin", post(pin))
        .route("/api/scenario.toml", get(scenario_toml))
        .route("/api/report.html", get(report))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// An error a page shows: a status and a message, sent as
/// `{"error": "…"}`.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body {
            error: String,
        }
        (self.0, Json(Body { error: self.1 })).into_response()
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

/// The token a request carries in its query string, if any.
fn token_of(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Lets a request through only with the access token, when one is
/// required: 403 otherwise, before any other work.
async fn guard(
    axum::extract::State(state): axum::extract::State<State>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(expected) = &state.0.token {
        let given = token_of(request.uri().query()).unwrap_or("");
        if !same(given.as_bytes(), expected.as_bytes()) {
            return ApiError(
                StatusCode::FORBIDDEN,
                "this server needs the access token of the URL it printed (…?token=…)".into(),
            )
            .into_response();
        }
    }
    next.run(request).await
}

/// Compares without stopping at the first difference, so the time taken
/// says nothing about how much of a guess was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A page's identity, checked: letters, digits, '-' and '_'.
fn client_id(id: &str) -> Result<&str, ApiError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_CLIENT_ID
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(id)
    } else {
        Err(bad(format!(
            "client = {}: expected 1 to {MAX_CLIENT_ID} letters, digits, '-' or '_'",
            crate::scenario::read::shown(id)
        )))
    }
}

/// A control as the page draws it, with the scenario's value.
#[derive(Serialize)]
struct ControlView {
    #[serde(flatten)]
    control: Control,
    value: Option<toml::Value>,
}

#[derive(Serialize)]
struct Config {
    name: String,
    description: String,
    years: u32,
    replicates: u32,
    currency: String,
    controls: Vec<ControlView>,
    max_population: u64,
    max_replicates: u32,
}

async fn config(axum::extract::State(state): axum::extract::State<State>) -> Json<Config> {
    let s = &state.0.base.scenario;
    Json(Config {
        name: s.simulation.name.clone(),
        description: s.simulation.description.clone(),
        years: s.simulation.years,
        replicates: s.simulation.replicates,
        currency: s.economy.currency.clone(),
        controls: s
            .controls()
            .into_iter()
            .map(|c| ControlView {
                value: s.control_value(&c.key),
                control: c,
            })
            .collect(),
        max_population: state.0.caps.max_population,
        max_replicates: state.0.caps.max_replicates,
    })
}

/// A run request: the page's id and its settings (control key → value).
#[derive(Deserialize)]
struct RunRequest {
    client: String,
    #[serde(default)]
    settings: BTreeMap<String, serde_json::Value>,
}

/// A setting's value as `--set` takes it: a number as written, a word as
/// itself.
fn setting(key: &str, value: &serde_json::Value) -> Result<String, ApiError> {
    match value {
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        other => Err(bad(format!(
            "{} = {other}: expected a number or a word",
            crate::scenario::read::shown(key)
        ))),
    }
}

fn rejected(r: JsonRejection) -> ApiError {
    let status = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::BAD_REQUEST
    };
    ApiError(status, format!("the request: {}", r.body_text()))
}

/// Validates the settings, starts the run (cancelling the page's previous
/// one) and streams its messages.
async fn run(
    axum::extract::State(state): axum::extract::State<State>,
    body: Result<Json<RunRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body.map_err(rejected)?;
    let id = client_id(&request.client)?;
    let settings = request
        .settings
        .iter()
        .map(|(k, v)| Ok((k.clone(), setting(k, v)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let scenario = state
        .0
        .base
        .with_settings(&settings, &state.0.caps)
        .map_err(bad)?;
    let rx = state
        .0
        .runs
        .start(id, scenario)
        .await
        .map_err(|e| match e {
            Refused::Busy => ApiError(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the server is running as many runs as it allows ({}); try again in a moment",
                    state.0.caps.max_runs
                ),
            ),
        })?;
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let message = rx.recv().await?;
        Some((Ok::<_, Infallible>(Event::default().data(message)), rx))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}

#[derive(Deserialize)]
struct PinRequest {
    client: String,
    on: bool,
}

async fn pin(
    axum::extract::State(state): axum::extract::State<State>,
    body: Result<Json<PinRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let Json(request) = body.map_err(rejected)?;
    let id = client_id(&request.client)?;
    if state.0.runs.pin(id, request.on) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError(
            StatusCode::CONFLICT,
            "nothing to pin yet: wait for the run to finish".into(),
        ))
    }
}

#[derive(Deserialize)]
struct ClientQuery {
    client: String,
}

/// Sends `body` as a file to save.
fn download(body: String, content_type: &'static str, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The scenario of the page's latest accepted settings (the server's own
/// before any), as `netgrow run` writes it into `scenario.toml`.
async fn scenario_toml(
    axum::extract::State(state): axum::extract::State<State>,
    Query(q): Query<ClientQuery>,
) -> Result<Response, ApiError> {
    let id = client_id(&q.client)?;
    let scenario = state
        .0
        .runs
        .scenario(id)
        .unwrap_or_else(|| state.0.base.scenario.clone());
    let text = crate::output::scenario_text(&scenario)
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")))?;
    let name = format!("{}.toml", scenario.simulation.name);
    Ok(download(text, "application/toml; charset=utf-8", &name))
}

/// The report of the page's latest finished run.
async fn report(
    axum::extract::State(state): axum::extract::State<State>,
    Query(q): Query<ClientQuery>,
) -> Result<Response, ApiError> {
    let id = client_id(&q.client)?;
    let finished = state.0.runs.finished(id).ok_or_else(|| {
        ApiError(
            StatusCode::CONFLICT,
            "no finished run yet: wait for the run to finish".into(),
        )
    })?;
    let name = format!(
        "{}-report.html",
        finished.experiment.scenario.simulation.name
    );
    let html =
        tokio::task::spawn_blocking(move || super::report::report_html(&finished.experiment))
            .await
            .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
            .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")))?;
    Ok(download(html, "text/html; charset=utf-8", &name))
}
