//! `[workshop]`: the controls `netgrow serve`'s page shows for a scenario —
//! which keys a trainer may move, over what range, in what steps, under
//! what plain label. Runs ignore it; a scenario without it gets a default
//! set ([`default_controls`]).
//!
//! A control names a scenario key the resolved scenario has, as a number
//! (a slider from `min` to `max` by `step`) or as a word (a selector among
//! `options`). One key more is accepted: `room.networkers`, the share of
//! networkers among the members, which in a scenario of `connecting` and
//! `networking` cohorts (rather than `[room]`) moves members from one
//! cohort to the other ([`Scenario::control_overrides`]).

use serde::Serialize;

use super::read::{Reader, Table};
use super::tree::{Node, Value};
use super::{Override, Scenario};

/// Most positions one slider may have: beyond it a step is too fine to
/// move with a key press.
pub const MAX_STEPS: f64 = 10_000.0;

/// Most controls one page shows.
pub const MAX_CONTROLS: usize = 40;

/// `[workshop]`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Workshop {
    pub controls: Vec<Control>,
}

/// One control of the page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Control {
    /// The scenario key it sets, dotted (`relationships.hours_to_trust`).
    pub key: String,
    /// What the room reads, in plain words.
    pub label: String,
    /// The unit shown after the value ("hours", "£/h"); may be empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// A slider's range and step (absent for a selector).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    /// A selector's words (empty for a slider).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

impl Control {
    fn slider(key: &str, label: &str, unit: &str, min: f64, max: f64, step: f64) -> Control {
        Control {
            key: key.into(),
            label: label.into(),
            unit: unit.into(),
            min: Some(min),
            max: Some(max),
            step: Some(step),
            options: Vec::new(),
        }
    }

    fn selector(key: &str, label: &str, options: &[&str]) -> Control {
        Control {
            key: key.into(),
            label: label.into(),
            unit: String::new(),
            min: None,
            max: None,
            step: None,
            options: options.iter().map(|o| o.to_string()).collect(),
        }
    }
}

/// The key of the share of networkers among the members.
pub const ROOM_SHARE: &str = "room.networkers";

/// The controls a scenario without `[workshop]` gets: the assumptions a
/// trainer moves most, those of them the scenario has.
pub fn default_controls(s: &Scenario) -> Vec<Control> {
    let mut all = vec![
        Control::slider(
            "relationships.hours_to_trust",
            "Hours together before trust",
            "hours",
            1.0,
            40.0,
            1.0,
        ),
        Control::slider(
            "strategies.networking.generosity",
            "Networkers' generosity (chance to pass on a referral)",
            "",
            0.0,
            1.0,
            0.05,
        ),
        Control::slider(
            "strategies.networking.one_to_ones_per_month",
            "Networkers' one-to-ones",
            "per month",
            0.0,
            8.0,
            0.5,
        ),
        Control::slider(
            "strategies.connecting.patience_meetings",
            "Connectors' patience: meetings without business before leaving",
            "meetings",
            1.0,
            20.0,
            1.0,
        ),
        Control::slider(
            "strategies.connecting.pitch_intensity",
            "Connectors' pitch intensity",
            "",
            0.0,
            1.0,
            0.05,
        ),
        Control::slider(
            "economy.needs_per_year",
            "Needs for a supplier, per person",
            "per year",
            0.5,
            12.0,
            0.5,
        ),
        Control::slider(
            "economy.value_of_time",
            "Value of an hour",
            &format!("{}/h", s.economy.currency),
            0.0,
            200.0,
            5.0,
        ),
        Control::slider(
            ROOM_SHARE,
            "Networkers in the room",
            "share",
            0.05,
            0.95,
            0.05,
        ),
        Control::selector("groups.format", "Group format", &["open", "closed"]),
        Control::selector(
            "groups.cadence",
            "Meetings",
            &["weekly", "fortnightly", "monthly"],
        ),
    ];
    all.retain(|c| {
        s.control_value(&c.key).is_some_and(|v| match v {
            toml::Value::String(v) => c.options.contains(&v),
            toml::Value::Integer(_) | toml::Value::Float(_) => c.min.is_some(),
            _ => false,
        })
    });
    all
}

impl Scenario {
    /// The controls of the page for this scenario: `[workshop]`'s, or the
    /// default set.
    pub fn controls(&self) -> Vec<Control> {
        match &self.workshop {
            Some(w) => w.controls.clone(),
            None => default_controls(self),
        }
    }

    /// The resolved value of a control's `key` (`None` if the scenario has
    /// no such key, or it is a table).
    pub fn control_value(&self, key: &str) -> Option<toml::Value> {
        if key == ROOM_SHARE {
            if let Some(room) = &self.room {
                return Some(toml::Value::Float(room.networkers));
            }
            let (n, c) = self.room_cohorts()?;
            let share = n as f64 / (n + c).max(1) as f64;
            return Some(toml::Value::Float(share));
        }
        let table = toml::Table::try_from(self).ok()?;
        let mut path = key.split('.');
        let mut value = table.get(path.next()?)?;
        for part in path {
            value = value.as_table()?.get(part)?;
        }
        (!value.is_table() && !value.is_array()).then(|| value.clone())
    }

    /// Members of the `networking` and `connecting` cohorts, if the
    /// scenario's members are exactly those two cohorts.
    fn room_cohorts(&self) -> Option<(u64, u64)> {
        let members = |name: &str| {
            self.cohorts
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, c)| c.members)
        };
        (self.cohorts.len() == 2).then_some(())?;
        Some((members("networking")?, members("connecting")?))
    }

    /// The `--set` overrides that set control `key` to `value` (TOML text):
    /// the key itself, or for [`ROOM_SHARE`] in a scenario of cohorts, the
    /// members of both cohorts.
    pub fn control_overrides(&self, key: &str, value: &str) -> Result<Vec<Override>, String> {
        if key == ROOM_SHARE && self.room.is_none() {
            if let Some((n, c)) = self.room_cohorts() {
                let share: f64 = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|x: &f64| (0.0..=1.0).contains(x))
                    .ok_or_else(|| {
                        format!(
                            "{key} = {}: expected a share of networkers from 0 to 1",
                            super::read::shown(value)
                        )
                    })?;
                let total = n + c;
                let networking = (total as f64 * share).round() as u64;
                return Ok(vec![
                    Override::parse(&format!("cohorts.networking.members={networking}"))?,
                    Override::parse(&format!(
                        "cohorts.connecting.members={}",
                        total - networking
                    ))?,
                ]);
            }
        }
        Ok(vec![Override::parse(&format!("{key}={value}"))?])
    }
}

/// Reads `[workshop]`, if present: its shape here, its keys against the
/// resolved scenario in [`check_workshop`].
pub(super) fn read_workshop(r: &mut Reader, top: &Table<'_>) -> Option<Workshop> {
    let node = top.get("workshop")?;
    let t = r.table(node, top.key("workshop"));
    let mut controls = Vec::new();
    match t.get("controls") {
        Some(list) => {
            let items = r.array(list, t.key("controls"), "an array of controls");
            if items.len() > MAX_CONTROLS {
                r.error(
                    t.key("controls"),
                    Some(list),
                    format!("expected at most {MAX_CONTROLS} controls"),
                );
            }
            for (i, item) in items.iter().enumerate() {
                if let Some(c) = read_control(r, item, format!("{}[{i}]", t.key("controls"))) {
                    controls.push(c);
                }
            }
        }
        None => r.require(&t, "controls", node, "expected a list of controls, each { key = \"…\", label = \"…\", min = …, max = …, step = … } or { key = \"…\", label = \"…\", options = [\"…\", …] }"),
    }
    r.finish(t);
    Some(Workshop { controls })
}

fn read_control(r: &mut Reader, node: &Node, path: String) -> Option<Control> {
    let t = r.table(node, path);
    let key = r.string(&t, "key", "");
    let label = r.string(&t, "label", "");
    let unit = r.string(&t, "unit", "");
    for (name, value) in [("key", &key), ("label", &label)] {
        if value.trim().is_empty() {
            r.error(
                t.key(name),
                t.get(name).or(Some(node)),
                format!("expected a non-empty {name}"),
            );
        }
    }
    let number = |r: &mut Reader, k: &'static str| {
        t.get(k)?;
        Some(r.f64(
            &t,
            k,
            f64::NAN,
            super::read::Check::Between(-1e15, 1e15, "units"),
        ))
    };
    let (min, max, step) = (number(r, "min"), number(r, "max"), number(r, "step"));
    let options: Vec<String> = match t.get("options") {
        Some(list) => r
            .array(list, t.key("options"), "an array of words")
            .iter()
            .filter_map(|o| match &o.value {
                Value::String(s) => Some(s.clone()),
                other => {
                    r.error(
                        t.key("options"),
                        Some(o),
                        format!("expected a word, found {}", other.type_name()),
                    );
                    None
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let slider = [min, max, step].iter().any(Option::is_some);
    match (slider, options.is_empty()) {
        (true, false) => r.error(
            t.key("options"),
            t.get("options"),
            "expected either min, max and step (a slider) or options (a selector), not both",
        ),
        (false, true) => r.error(
            t.key("min"),
            Some(node),
            "expected min, max and step (a slider) or options (a selector)",
        ),
        (true, true) => match (min, max, step) {
            (Some(lo), Some(hi), Some(step)) => {
                if lo.is_finite() && hi.is_finite() && lo >= hi {
                    r.error(
                        t.key("max"),
                        t.get("max"),
                        format!("expected more than min = {lo}"),
                    );
                } else if step.is_finite() && step <= 0.0 {
                    r.error(t.key("step"), t.get("step"), "expected a positive step");
                } else if (hi - lo) / step > MAX_STEPS {
                    r.error(
                        t.key("step"),
                        t.get("step"),
                        format!("expected at most {MAX_STEPS} steps from min = {lo} to max = {hi}"),
                    );
                }
            }
            _ => {
                for k in ["min", "max", "step"] {
                    r.require(&t, k, node, "a slider needs min, max and step");
                }
            }
        },
        (false, false) => {}
    }
    r.finish(t);
    Some(Control {
        key,
        label,
        unit,
        min,
        max,
        step,
        options,
    })
}

/// Checks each control's key against the resolved scenario: the key must
/// exist, hold a number for a slider (within its range) or a word for a
/// selector (among its options).
pub(super) fn check_workshop(r: &mut Reader, s: &Scenario) {
    let Some(w) = &s.workshop else { return };
    for (i, c) in w.controls.iter().enumerate() {
        let path = format!("workshop.controls[{i}].key");
        let shown = Node {
            value: Value::String(c.key.clone()),
            origin: super::tree::Origin::Default,
        };
        match (s.control_value(&c.key), c.min, c.max) {
            (None, _, _) => r.error(
                path,
                Some(&shown),
                "expected a key of the scenario holding a number or a word (as `netgrow validate` prints it), or room.networkers",
            ),
            (Some(v @ (toml::Value::Integer(_) | toml::Value::Float(_))), Some(lo), Some(hi)) => {
                let x = v.as_float().or(v.as_integer().map(|i| i as f64)).unwrap_or(f64::NAN);
                if !(lo..=hi).contains(&x) {
                    r.error(
                        path,
                        Some(&shown),
                        format!("the scenario's value {x} lies outside the slider's range: expected min ≤ {x} ≤ max, found min = {lo}, max = {hi}"),
                    );
                }
            }
            (Some(toml::Value::String(v)), None, None) if !c.options.is_empty() => {
                if !c.options.contains(&v) {
                    r.error(
                        path,
                        Some(&shown),
                        format!("the scenario's value \"{v}\" is not among the options: expected it listed in options"),
                    );
                }
            }
            (Some(v), _, _) => r.error(
                path,
                Some(&shown),
                format!(
                    "the key holds {}: expected a slider (min, max, step) for a number, a selector (options) for a word",
                    v.type_str()
                ),
            ),
        }
    }
}
