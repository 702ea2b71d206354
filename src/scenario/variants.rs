//! `[[variants]]` and the arms of a `[focal]` design: each a set of
//! overrides applied to the base scenario, then read like a scenario of its
//! own.

use super::read::Reader;
use super::tree::{Node, Origin, Value};
use super::write::to_toml_value;
use super::{read_scenario, Focal, Variant};

pub(super) fn read_variants(r: &mut Reader, root: &Node, node: &Node, stem: &str) -> Vec<Variant> {
    let items = r.array(
        node,
        "variants".into(),
        "an array of tables ([[variants]] name = \"…\" set = { … })",
    );
    let mut variants: Vec<Variant> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let t = r.table(item, format!("variants[{i}]"));
        r.require(&t, "name", item, "expected a name for this variant");
        let name = r.string(&t, "name", &format!("variant {}", i + 1));
        if variants.iter().any(|v| v.name == name) {
            r.error(
                t.key("name"),
                t.get("name"),
                "expected a name not used by another variant",
            );
        }
        let description = r.string(&t, "description", "");
        let mut set = Vec::new();
        if let Some(set_node) = t.get("set") {
            // Every key of `set` is taken; unknown ones surface when the
            // variant's scenario is read.
            let st = r.table(set_node, t.key("set"));
            set.extend(
                st.entries()
                    .iter()
                    .map(|(key, _, value)| (key.clone(), value.clone())),
            );
        }
        let prefix = t.key("set");
        r.finish(t);
        variants.push(resolve_variant(
            r,
            root,
            (name, description),
            (&prefix, &set),
            stem,
        ));
    }
    variants
}

/// The variant (named and described) of the scenario in `root`: `set`
/// (dotted keys and their values, written under `prefix`) applied, then
/// read like a scenario of its own.
fn resolve_variant(
    r: &mut Reader,
    root: &Node,
    (name, description): (String, String),
    (prefix, set): (&str, &[(String, Node)]),
    stem: &str,
) -> Variant {
    let mut tree = root.clone();
    if let Value::Table(entries) = &mut tree.value {
        entries.retain(|(k, _, _)| k != "variants");
    }
    let mut table = toml::Table::new();
    for (key, value) in set {
        let path: Vec<&str> = key.split('.').map(str::trim).collect();
        if let Err(why) = tree.set_path(&path, value.clone()) {
            r.error(
                format!("{prefix}.{key}"),
                Some(value),
                format!("cannot set: a parent key {why}"),
            );
        }
        table.insert(key.clone(), to_toml_value(&value.value));
    }
    let mut vr = Reader::default();
    let resolved = read_scenario(&mut vr, &tree, stem, false);
    for mut d in vr.diagnostics {
        if !r.diagnostics.contains(&d) {
            d.key = format!("{} (in variant \"{name}\")", d.key);
            r.diagnostics.push(d);
        }
    }
    Variant {
        name,
        description,
        set: table,
        resolved: Box::new(resolved),
    }
}

/// The arms of a `[focal]` design: for each culture of the room, each
/// strategy the focal members follow, as variants of the scenario.
pub(super) fn focal_variants(
    r: &mut Reader,
    root: &Node,
    focal: &Focal,
    stem: &str,
) -> Vec<Variant> {
    let mut variants = Vec::new();
    for &networkers in &focal.culture {
        for strategy in &focal.arms {
            let name = Focal::arm_name(strategy, networkers);
            let set: Vec<(String, Node)> = vec![
                (
                    "focal.strategy".to_string(),
                    Node {
                        value: Value::String(strategy.clone()),
                        origin: Origin::Default,
                    },
                ),
                (
                    "room.networkers".to_string(),
                    Node {
                        value: Value::Float(networkers),
                        origin: Origin::Default,
                    },
                ),
            ];
            variants.push(resolve_variant(
                r,
                root,
                (name, String::new()),
                ("focal", &set),
                stem,
            ));
        }
    }
    variants
}
