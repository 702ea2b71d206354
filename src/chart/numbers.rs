//! How numbers are written on charts and in the report: fixed formats, so
//! the same data always gives the same bytes, a true minus sign (−5, not
//! -5) as typeset text has it, a dash for "not available" instead of `NaN`,
//! and intervals written "£0 to £3,890" or "97.0 to 101.0", both ends to
//! the same precision. Data files never use these: they keep ASCII and
//! plain numbers.

/// Shown for a number that is not available.
pub const NONE: &str = "–";

/// The minus sign of typeset text (U+2212), which a reader does not take
/// for a hyphen.
pub const MINUS: char = '−';

/// `x` with `decimals` decimals.
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return NONE.to_string();
    }
    let s = format!("{:.decimals$}", x.abs());
    // No "−0.0" for tiny negatives rounded to zero.
    if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("{MINUS}{s}")
    } else {
        s
    }
}

/// `x` with `decimals` decimals and thousands separators: 12,345 or
/// 1,234.5.
pub fn grouped(x: f64, decimals: usize) -> String {
    let s = fixed(x, decimals);
    if !x.is_finite() {
        return s;
    }
    let (sign, body) = match s.strip_prefix(MINUS) {
        Some(rest) => (MINUS.to_string(), rest),
        None => (String::new(), s.as_str()),
    };
    let (whole, fraction) = body
        .split_once('.')
        .map_or((body, None), |(w, f)| (w, Some(f)));
    let mut out = sign;
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `x` rounded to a whole number with thousands separators: 12,345.
pub fn thousands(x: f64) -> String {
    grouped(x, 0)
}

/// The decimals [`amount`] gives `x`.
fn amount_decimals(x: f64) -> usize {
    if !x.is_finite() || x.abs() >= 100.0 {
        0
    } else if x.abs() < 10.0 {
        2
    } else {
        1
    }
}

/// The decimals [`money`] gives `x`.
fn money_decimals(x: f64) -> usize {
    if x.is_finite() && x.abs() < 10.0 {
        2
    } else {
        0
    }
}

/// The decimals both ends of an interval get: the finer of the two, an end
/// at exactly zero asking for none.
fn common_decimals(lo: f64, hi: f64, of: fn(f64) -> usize) -> usize {
    let d = |x: f64| if x == 0.0 { 0 } else { of(x) };
    d(lo).max(d(hi))
}

/// An interval of amounts, both ends to the same precision: "97.0 to
/// 101.0", "0.12 to 0.50", "1,200 to 3,400".
pub fn interval(lo: f64, hi: f64) -> String {
    let d = common_decimals(lo, hi, amount_decimals);
    format!("{} to {}", grouped(lo, d), grouped(hi, d))
}

/// An interval of money, both ends to the same precision: "£0 to £3,890",
/// "−£1,250 to £400", "£0.50 to £4.20".
pub fn money_interval(currency: &str, lo: f64, hi: f64) -> String {
    let d = common_decimals(lo, hi, money_decimals);
    let end = |x: f64| {
        let body = grouped(x, d);
        match body.strip_prefix(MINUS) {
            Some(rest) => format!("{MINUS}{currency}{rest}"),
            None if x.is_finite() => format!("{currency}{body}"),
            None => body,
        }
    };
    format!("{} to {}", end(lo), end(hi))
}

/// An amount of money: whole units with separators (£12,345), or pence
/// for amounts under ten (£4.50); a loss is signed before the currency
/// (−£1,234), as in the tables of differences.
pub fn money(currency: &str, x: f64) -> String {
    if !x.is_finite() {
        NONE.to_string()
    } else if x < 0.0
        && money(currency, -x)
            .chars()
            .any(|c| c.is_ascii_digit() && c != '0')
    {
        format!("{MINUS}{}", money(currency, -x))
    } else if x < 0.0 {
        money(currency, 0.0)
    } else if x < 10.0 {
        format!("{currency}{}", fixed(x, 2))
    } else {
        format!("{currency}{}", thousands(x))
    }
}

/// Money in few characters, for bar labels and axes: £950, £1.2k, £58k,
/// £1.3m.
pub fn money_short(currency: &str, x: f64) -> String {
    if !x.is_finite() {
        return NONE.to_string();
    }
    let a = x.abs();
    let body = if a >= 1e6 {
        format!("{}m", trim(fixed(a / 1e6, 1)))
    } else if a >= 1e4 {
        format!("{}k", fixed(a / 1e3, 0))
    } else if a >= 1e3 {
        format!("{}k", trim(fixed(a / 1e3, 1)))
    } else {
        fixed(a, 0)
    };
    let sign = if x < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
        MINUS.to_string()
    } else {
        String::new()
    };
    format!("{sign}{currency}{body}")
}

/// Drops a trailing ".0".
fn trim(s: String) -> String {
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// A share (0–1) as a percentage: 72%, 0.4%, 0%.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        NONE.to_string()
    } else if share > 0.0 && share < 0.01 {
        format!("{}%", fixed(share * 100.0, 1))
    } else {
        format!("{}%", fixed(share * 100.0, 0))
    }
}

/// A count or rate with sensible precision: 2 decimals under 10, 1 under
/// 100, whole numbers with separators beyond.
pub fn amount(x: f64) -> String {
    if !x.is_finite() {
        NONE.to_string()
    } else if x.abs() < 10.0 {
        fixed(x, 2)
    } else if x.abs() < 100.0 {
        fixed(x, 1)
    } else {
        thousands(x)
    }
}

/// A parameter as written in a scenario: up to two decimals, trailing
/// zeros dropped (2.5, 4, 0.25).
pub fn plain(x: f64) -> String {
    if !x.is_finite() {
        return NONE.to_string();
    }
    let s = fixed(x, 2);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == MINUS.to_string() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A count that is usually whole (referrals of one member): no decimals
/// when whole, else as [`amount`].
pub fn count(x: f64) -> String {
    if x.is_finite() && (x - x.round()).abs() < 1e-9 {
        thousands(x)
    } else {
        amount(x)
    }
}

/// An axis tick label for a range spanning `span`.
pub fn tick(x: f64, span: f64) -> String {
    if span >= 10.0 {
        thousands(x)
    } else if span >= 1.0 {
        trim(fixed(x, 1))
    } else {
        fixed(x, 2)
    }
}

/// An axis tick label for money on a range up to `max`.
pub fn money_tick(currency: &str, x: f64, max: f64) -> String {
    if max >= 1e4 {
        money_short(currency, x)
    } else {
        let body = thousands(x);
        match body.strip_prefix(MINUS) {
            Some(rest) => format!("{MINUS}{currency}{rest}"),
            None => format!("{currency}{body}"),
        }
    }
}

/// "3.1 times" for a ratio of two positive amounts.
pub fn times(a: f64, b: f64) -> String {
    format!("{} times", fixed(a / b, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits_and_keeps_the_sign() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1234.0), "1,234");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(-45_000.0), "−45,000");
        assert_eq!(grouped(-1234.56, 1), "−1,234.6");
        assert_eq!(thousands(f64::NAN), NONE);
    }

    #[test]
    fn money_is_short_on_charts_and_exact_in_tables() {
        assert_eq!(money("£", 58_123.4), "£58,123");
        assert_eq!(money("£", 4.5), "£4.50");
        assert_eq!(money("£", -18_294.2), "−£18,294");
        assert_eq!(money("£", -0.001), "£0.00");
        assert_eq!(money_short("£", 950.0), "£950");
        assert_eq!(money_short("£", 1_260.0), "£1.3k");
        assert_eq!(money_short("£", 2_000.0), "£2k");
        assert_eq!(money_short("£", 58_123.0), "£58k");
        assert_eq!(money_short("€", 1_300_000.0), "€1.3m");
    }

    #[test]
    fn chart_numbers_use_a_true_minus_and_never_a_hyphen() {
        assert_eq!(money_short("£", -5_000.0), "−£5k");
        assert_eq!(money_tick("£", -5_000.0, 20_000.0), "−£5k");
        assert_eq!(money_tick("£", -500.0, 2_000.0), "−£500");
        assert_eq!(tick(-2.5, 5.0), "−2.5");
        assert_eq!(amount(-0.25), "−0.25");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(money_short("£", -0.2), "£0");
        for x in [-1e7, -12_345.0, -50.0, -1.5, -0.01] {
            for s in [
                amount(x),
                money("£", x),
                money_short("£", x),
                plain(x),
                tick(x, 1.0),
            ] {
                assert!(!s.contains('-'), "{s}");
            }
        }
    }

    #[test]
    fn both_ends_of_an_interval_have_the_same_precision() {
        assert_eq!(money_interval("£", 0.0, 3_890.0), "£0 to £3,890");
        assert_eq!(money_interval("£", 4.5, 12.0), "£4.50 to £12.00");
        assert_eq!(money_interval("£", -1_250.4, 400.0), "−£1,250 to £400");
        assert_eq!(interval(97.0, 101.0), "97.0 to 101.0");
        assert_eq!(interval(0.0, 0.5), "0.00 to 0.50");
        assert_eq!(interval(1_200.0, 3_400.0), "1,200 to 3,400");
        assert_eq!(interval(-2.0, 3.0), "−2.00 to 3.00");
    }

    #[test]
    fn small_shares_keep_a_decimal_and_zero_is_not_negative() {
        assert_eq!(percent(0.004), "0.4%");
        assert_eq!(percent(0.72), "72%");
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(times(3.1, 1.0), "3.1 times");
        assert_eq!(plain(2.5), "2.5");
        assert_eq!(plain(4.0), "4");
        assert_eq!(plain(0.25), "0.25");
        assert_eq!(plain(0.0), "0");
        assert_eq!(count(15.0), "15");
        assert_eq!(count(2.25), "2.25");
    }
}
