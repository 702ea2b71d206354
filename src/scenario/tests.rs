//! Tests of scenario reading: defaults, round trips, and one test per class
//! of bad input.

use super::source::name_from;
use super::tree::Origin;
use super::*;
use crate::population::network::NetworkModel;

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_str(text, "test.toml", "test", &[])
}

fn problems(text: &str) -> Vec<Diagnostic> {
    match load(text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(ScenarioError::Invalid { diagnostics, .. }) => diagnostics,
        Err(e) => panic!("unexpected error {e}"),
    }
}

fn one_problem(text: &str) -> Diagnostic {
    let mut d = problems(text);
    assert_eq!(d.len(), 1, "expected one problem, got {d:#?}");
    d.remove(0)
}

#[test]
fn an_empty_file_is_the_default_scenario() {
    let s = load("").unwrap();
    assert_eq!(s.simulation.name, "test");
    assert_eq!(s.population.size, 10_000);
    assert_eq!(s.population.acquaintances, 250);
    assert_eq!(s.population.close_ties, 15);
    assert!(s.population.professions.len() >= 30);
    assert_eq!(s.cohort_names(), ["connecting", "networking"]);
    assert_eq!(s.arms().len(), 1);
}

#[test]
fn a_three_line_scenario_is_useful() {
    let s = load("[population]\nsize = 2000\n[groups]\ncount = 25\n").unwrap();
    assert_eq!(s.population.size, 2000);
    assert_eq!(s.groups.count, 25);
}

#[test]
fn resolved_output_reads_back_identically() {
    let text = r#"
[simulation]
name = "round-trip"
seed = 77
[population]
size = 3000
network = "communities"
extra_professions = [{ name = "juggler", demand = 0.2, job_value = { dist = "triangular", min = 100, mode = 200, max = 900 } }]
[population.traits]
generosity = { dist = "uniform", min = 0.1, max = 0.4 }
sociability = 1.0
[strategies.giver]
based_on = "networking"
generosity = 0.9
[cohorts.givers]
strategy = "giver"
members = 40
[cohorts.connecting]
members = 40
[[variants]]
name = "closed"
set = { "groups.format" = "closed", "groups.annual_fee" = 600 }
[[variants]]
name = "slow trust"
description = "trust takes twice as long"
set = { "relationships.hours_to_trust" = 16.0 }
"#;
    let s = load(text).unwrap();
    let again = load(&s.try_to_toml().unwrap()).unwrap();
    assert_eq!(s, again);
    assert_eq!(s.try_to_toml().unwrap(), again.try_to_toml().unwrap());
    assert_eq!(again.variants.len(), 2);
    assert!(again.variants[0].resolved.groups.closed());
    assert_eq!(
        again.variants[1].resolved.relationships.hours_to_trust,
        16.0
    );
    assert_eq!(again.population.professions.last().unwrap().name, "juggler");
}

#[test]
fn overrides_apply_and_are_checked_like_the_file() {
    let o = [Override::parse("population.size=5000").unwrap()];
    let s = Scenario::from_str("", "t.toml", "t", &o).unwrap();
    assert_eq!(s.population.size, 5000);

    let o = [Override::parse("economy.repeat_rate=1.7").unwrap()];
    let Err(ScenarioError::Invalid { diagnostics, .. }) = Scenario::from_str("", "t.toml", "t", &o)
    else {
        panic!("1.7 is not a probability")
    };
    assert_eq!(diagnostics[0].key, "economy.repeat_rate");
    assert_eq!(
        diagnostics[0].origin,
        Origin::Set("economy.repeat_rate=1.7".into())
    );
    assert!(diagnostics[0].to_string().contains("between 0 and 1"));

    assert!(Override::parse("population.size").is_err());
    assert!(Override::parse("=3").is_err());
    assert!(Override::parse("a..b=3").is_err());
}

#[test]
fn syntax_errors_have_positions() {
    let d = problems("[population]\nsize = = 3\n");
    assert!(
        d.iter()
            .all(|d| matches!(d.origin, Origin::File { line: 2, .. })),
        "{d:#?}"
    );
}

#[test]
fn wrong_types_name_key_value_position_and_expectation() {
    let d = one_problem("[population]\nsize = \"big\"\n");
    assert_eq!(d.key, "population.size");
    assert_eq!(d.value.as_deref(), Some("\"big\""));
    assert_eq!(d.origin, Origin::File { line: 2, column: 8 });
    assert!(
        d.message.contains("whole number of people"),
        "{}",
        d.message
    );
}

#[test]
fn probabilities_out_of_range_are_caught() {
    let d = one_problem("[economy]\nrepeat_rate = 1.7\n");
    assert_eq!(d.key, "economy.repeat_rate");
    assert_eq!(d.value.as_deref(), Some("1.7"));
    assert!(d.message.contains("probability"));
}

#[test]
fn negative_sizes_are_caught() {
    let d = one_problem("[population]\nsize = -5\n");
    assert_eq!(d.key, "population.size");
    assert!(
        d.message.contains("at least 2") || d.message.contains("from 2"),
        "{}",
        d.message
    );
}

#[test]
fn unknown_keys_get_a_suggestion() {
    let d = one_problem("[population]\nacquaintence = 300\n");
    assert_eq!(d.key, "population.acquaintence");
    assert!(
        d.message.contains("did you mean `acquaintances`"),
        "{}",
        d.message
    );
    let d = one_problem("[popluation]\nsize = 3\n");
    assert!(
        d.message.contains("did you mean `population`"),
        "{}",
        d.message
    );
}

#[test]
fn categorical_keys_read_as_their_types_and_write_back_as_their_words() {
    let text = r#"
[population]
network = "friends_of_friends"
[groups]
format = "closed"
cadence = "fortnightly"
seats = 10
[output]
chart_format = "svg"
[strategies.networking]
partner_choice = "liked"
[strategies.pitcher]
based_on = "connecting"
[strategies.warm]
based_on = "networking"
[cohorts.pitchers]
strategy = "pitcher"
members = 10
[cohorts.warm]
strategy = "warm"
members = 10
"#;
    let s = load(text).unwrap();
    assert_eq!(s.population.network, NetworkKind::FriendsOfFriends);
    assert!(matches!(
        s.network_model(),
        NetworkModel::FriendsOfFriends { .. }
    ));
    assert_eq!(s.groups.format, GroupFormat::Closed);
    assert_eq!(s.groups.cadence_weeks(), 2);
    assert_eq!(s.output.chart_format, ChartFormat::Svg);
    let choice = |name: &str| s.strategy(name).map(|st| st.partner_choice);
    // A new strategy takes its base's partner choice, as changed so far.
    assert_eq!(choice("pitcher"), Some(PartnerChoice::Strangers));
    assert_eq!(choice("warm"), Some(PartnerChoice::Liked));
    assert_eq!(choice("stay_home"), Some(PartnerChoice::Mixed));
    let written = s.try_to_toml().unwrap();
    for line in [
        "network = \"friends_of_friends\"",
        "format = \"closed\"",
        "cadence = \"fortnightly\"",
        "chart_format = \"svg\"",
        "partner_choice = \"liked\"",
        "partner_choice = \"strangers\"",
    ] {
        assert!(written.lines().any(|l| l == line), "{line} in\n{written}");
    }
    assert_eq!(load(&written).unwrap(), s);
}

#[test]
fn a_word_outside_a_fixed_set_is_refused_naming_every_word() {
    let cases = [
        (
            "[population]\nnetwork = \"smal_world\"\n",
            "population.network",
            "expected one of \"small_world\", \"communities\", \"friends_of_friends\" (did you mean \"small_world\"?)",
        ),
        (
            "[groups]\ncadence = 2\n",
            "groups.cadence",
            "expected one of \"weekly\", \"fortnightly\", \"monthly\", found an integer",
        ),
        (
            "[output]\nchart_format = \"gif\"\n",
            "output.chart_format",
            "expected one of \"png\", \"svg\", \"both\"",
        ),
        (
            "[strategies.networking]\npartner_choice = \"likde\"\n",
            "strategies.networking.partner_choice",
            "expected one of \"strangers\", \"liked\", \"mixed\" (did you mean \"liked\"?)",
        ),
        (
            "[population.traits]\ngenerosity = { dist = \"betta\", alpha = 2, beta = 5 }\n",
            "population.traits.generosity.dist",
            "expected one of \"normal\", \"lognormal\", \"uniform\", \"beta\", \"triangular\" (did you mean \"beta\"?)",
        ),
        (
            "[population.traits]\ngenerosity = { alpha = 2, beta = 5 }\n",
            "population.traits.generosity.dist",
            "missing; expected one of normal, lognormal, uniform, beta, triangular",
        ),
    ];
    for (text, key, message) in cases {
        let d = one_problem(text);
        assert_eq!((d.key.as_str(), d.message.as_str()), (key, message));
    }
}

#[test]
fn unknown_choices_get_a_suggestion() {
    let d = one_problem("[groups]\nformat = \"clsoed\"\n");
    assert_eq!(d.key, "groups.format");
    assert!(
        d.message.contains("did you mean \"closed\""),
        "{}",
        d.message
    );
}

#[test]
fn contradictions_between_keys_are_caught() {
    let d = one_problem("[population]\nacquaintances = 20\nclose_ties = 30\n");
    assert_eq!(d.key, "population.close_ties");
    let d = one_problem("[population]\nacquaintances = 10\n");
    assert_eq!(d.key, "population.acquaintances");
    assert!(d.message.contains("close_ties"), "{}", d.message);
    let d = one_problem("[population]\nsize = 100\nacquaintances = 10\nclose_ties = 5\n[groups]\ncount = 10\nseats = 20\n[cohorts.networking]\nmembers=50");
    assert_eq!(d.key, "groups.count");
    assert!(d.message.contains("group seats"));
    let d = one_problem("[groups]\ncount = 2\nseats = 10\n");
    assert_eq!(d.key, "cohorts");
    let d = one_problem("[groups]\nformat = \"closed\"\nseats = 60\ncount = 20\n");
    assert_eq!(d.key, "groups.seats");
    let d = one_problem("[population]\nsize = 100\nacquaintances = 100\n[groups]\ncount=1\n[cohorts.networking]\nmembers=10");
    assert_eq!(d.key, "population.acquaintances");
}

#[test]
fn bad_distributions_are_caught() {
    let d = one_problem(
        "[population.traits]\ngenerosity = { dist = \"beta\", alpha = -1, beta = 2 }\n",
    );
    assert_eq!(d.key, "population.traits.generosity.alpha");
    let d = one_problem(
        "[population.traits]\nsociability = { dist = \"uniform\", min = 3, max = 1 }\n",
    );
    assert!(d.message.contains("min ≤ max"));
    let d = one_problem("[population.traits]\nsociability = { dist = \"gamma\", mean = 1 }\n");
    assert!(d.key.ends_with("sociability.dist"), "{d:?}");
    let d = one_problem("[population.traits]\ngenerosity = 1.5\n");
    assert!(d.message.contains("probability"));
}

#[test]
fn cohorts_must_name_a_strategy() {
    let d = one_problem("[cohorts.pitchers]\nstrategy = \"conecting\"\nmembers = 10\n");
    assert_eq!(d.key, "cohorts.pitchers.strategy");
    assert!(
        d.message.contains("did you mean \"connecting\""),
        "{}",
        d.message
    );
}

#[test]
fn variant_errors_point_at_the_variant() {
    let d = one_problem("[[variants]]\nname = \"a\"\nset = { \"groups.format\" = \"clsoed\" }\n");
    assert!(
        d.key.contains("groups.format") && d.key.contains("variant \"a\""),
        "{d:?}"
    );
    assert_eq!(
        d.origin,
        Origin::File {
            line: 3,
            column: 27
        }
    );
    let d = one_problem("[[variants]]\nname = \"a\"\nset = { \"groups.formt\" = \"closed\" }\n");
    assert!(d.message.contains("did you mean `format`"), "{d:?}");
}

#[test]
fn all_errors_in_a_file_are_reported_together() {
    let d = problems(
        "[simulation]\nyears = 0\n[population]\nrewire = 2\n[economy]\nmax_hops = 0\nrepeat_rat = 0.5\n",
    );
    let keys: Vec<&str> = d.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "simulation.years",
            "population.rewire",
            "economy.max_hops",
            "economy.repeat_rat"
        ]
    );
}

#[test]
fn error_text_names_the_file() {
    let e = load("[economy]\nrepeat_rate = 2\n")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("scenario test.toml has 1 problem:"), "{e}");
    assert!(
        e.contains("economy.repeat_rate = 2 (line 2, column 15): expected a probability"),
        "{e}"
    );
}

#[test]
fn seeds_read_exactly_as_integers_or_digit_strings() {
    let seed =
        |text: &str| load(&format!("[simulation]\nseed = {text}\n")).map(|s| s.simulation.seed);
    assert_eq!(seed("123456789012345678").unwrap(), 123_456_789_012_345_678);
    assert_eq!(seed("\"18446744073709551615\"").unwrap(), u64::MAX);
    assert_eq!(seed("18446744073709551615").unwrap(), u64::MAX);
    for bad in [
        "-1",
        "18446744073709551616",
        "\"12a\"",
        "\"\"",
        "1e17",
        "0.5",
    ] {
        assert!(seed(bad).is_err(), "{bad}");
    }
    // Written back: an integer while TOML has one, digits beyond.
    let s = load("[simulation]\nseed = \"18446744073709551615\"\n").unwrap();
    assert!(s
        .try_to_toml()
        .unwrap()
        .contains("\nseed = \"18446744073709551615\"\n"));
    assert_eq!(load(&s.try_to_toml().unwrap()).unwrap(), s);
}

#[test]
fn a_name_is_a_safe_word() {
    for good in ["a", "city-2024_v1.2", "réseau", &"n".repeat(MAX_NAME_CHARS)] {
        assert_eq!(name_problem(good), None, "{good}");
    }
    for bad in [
        "",
        ".",
        "..",
        "a b",
        "a/b",
        "a\\b",
        "$(x)",
        "a\u{202e}b",
        "tab\t",
        &"n".repeat(MAX_NAME_CHARS + 1),
    ] {
        assert!(name_problem(bad).is_some(), "{bad:?}");
    }
    assert_eq!(name_from("my scenario (v2)"), "my-scenario--v2-");
    assert_eq!(name_from(".."), "scenario");
}

#[test]
fn strategies_must_be_followed_by_some_cohort() {
    let d = one_problem("[strategies.networkng]\ngenerosity = 0.2\n");
    assert_eq!(d.key, "strategies.networkng");
    assert!(
        d.message.contains("did you mean \"networking\""),
        "{}",
        d.message
    );
    // Followed in a variant, or by a cohort a sweep gives it to: used.
    load("[strategies.giver]\n[[variants]]\nname = \"g\"\nset = { \"cohorts.networking.strategy\" = \"giver\" }\n")
        .unwrap();
    load("[strategies.giver]\n[sweep.vary]\n\"cohorts.networking.strategy\" = \"networking,giver\"\n")
        .unwrap();
    // A variant's own misspelt strategy is caught too.
    let d = one_problem(
        "[[variants]]\nname = \"v\"\nset = { \"strategies.netwrking.generosity\" = 0.2 }\n",
    );
    assert_eq!(d.key, "strategies.netwrking");
    // Built-in strategies no cohort follows are fine.
    load("[cohorts.networking]\nmembers = 10\n").unwrap();
}

#[test]
fn overrides_change_only_cohorts_and_strategies_that_exist() {
    let set = |arg: &str| Scenario::from_str("", "t.toml", "t", &[Override::parse(arg).unwrap()]);
    let s = set("cohorts.networking.members=50").unwrap();
    assert_eq!(s.cohort_names(), ["connecting", "networking"]);
    assert_eq!(s.cohorts[1].1.members, 50);
    for arg in [
        "cohorts.netwroking.members=50",
        "strategies.giver.generosity=0.5",
    ] {
        let e = set(arg).unwrap_err().to_string();
        assert!(e.contains("there is no"), "{e}");
    }
}

#[test]
fn unknown_keys_list_each_known_key_once() {
    let d = one_problem("[[variants]]\nname = \"v\"\nyears = 4\nset = {}\n");
    assert!(
        d.message
            .ends_with("expected one of: name, description, set"),
        "{}",
        d.message
    );
}

mod never_panics {
    //! The loader must answer every input with a scenario or an error,
    //! never a panic: arbitrary bytes, and arbitrary well-formed TOML built
    //! from the real section and key names with values of every type.

    use crate::scenario::{Override, Scenario};
    use proptest::prelude::*;

    const SECTIONS: [&str; 10] = [
        "simulation",
        "population",
        "population.traits",
        "groups",
        "relationships",
        "economy",
        "output",
        "strategies.connecting",
        "strategies.mine",
        "cohorts.networking",
    ];
    const KEYS: [&str; 24] = [
        "size",
        "acquaintances",
        "close_ties",
        "network",
        "rewire",
        "years",
        "replicates",
        "seed",
        "count",
        "seats",
        "format",
        "cadence",
        "hours_to_trust",
        "generosity",
        "memory_half_life_weeks",
        "max_hops",
        "repeat_rate",
        "strategy",
        "members",
        "patience_meetings",
        "professions",
        "dist",
        "name",
        "set",
    ];

    fn value() -> impl Strategy<Value = toml::Value> {
        let leaf = prop_oneof![
            any::<i64>().prop_map(toml::Value::Integer),
            (-3i64..300).prop_map(toml::Value::Integer),
            any::<f64>().prop_map(toml::Value::Float),
            (-2.0f64..2.0).prop_map(toml::Value::Float),
            any::<bool>().prop_map(toml::Value::Boolean),
            "[a-z_ .]{0,12}".prop_map(toml::Value::String),
            prop_oneof![
                Just("lognormal"),
                Just("beta"),
                Just("closed"),
                Just("communities"),
                Just("connecting")
            ]
            .prop_map(|s| toml::Value::String(s.to_string())),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
                prop::collection::vec((prop::sample::select(&KEYS[..]), inner), 0..5).prop_map(
                    |kv| {
                        toml::Value::Table(
                            kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                        )
                    }
                ),
            ]
        })
    }

    fn document() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop::sample::select(&SECTIONS[..]),
                prop::sample::select(&KEYS[..]),
                value(),
            ),
            0..12,
        )
        .prop_map(|entries| {
            let mut root = toml::Table::new();
            for (section, key, value) in entries {
                let mut table = &mut root;
                for part in section.split('.') {
                    let entry = table
                        .entry(part.to_string())
                        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
                    if !entry.is_table() {
                        *entry = toml::Value::Table(toml::Table::new());
                    }
                    table = entry.as_table_mut().expect("just made a table");
                }
                table.insert(key.to_string(), value);
            }
            toml::to_string(&root).unwrap_or_default()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = Scenario::from_str(&text, "fuzz.toml", "fuzz", &[]);
        }

        #[test]
        fn arbitrary_well_formed_toml(text in document()) {
            if let Ok(s) = Scenario::from_str(&text, "fuzz.toml", "fuzz", &[]) {
                // Whatever loads must also round-trip.
                let again = Scenario::from_str(&s.try_to_toml().unwrap(), "again.toml", "fuzz", &[]);
                prop_assert!(again.is_ok(), "{:?}", again.err());
                prop_assert_eq!(again.ok(), Some(s));
            }
        }

        #[test]
        fn arbitrary_overrides(key in "[a-z_.]{0,30}", value in "[ -~]{0,20}") {
            if let Ok(o) = Override::parse(&format!("{key}={value}")) {
                let _ = Scenario::from_str("", "t.toml", "t", &[o]);
            }
        }
    }
}
