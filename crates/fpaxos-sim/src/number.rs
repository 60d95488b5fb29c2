//! Numbers for people: the one digit-grouping rule of the CLI, the page and the explorer's
//! verdicts.

/// `1234567` -> `"1,234,567"`.
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as a message quotes it: plain decimals where they are short, and scientific
/// notation for the very small and the very large, so that `1e-300` is not printed as three
/// hundred digits.
pub fn quoted(x: f64) -> String {
    if x == 0.0 || !x.is_finite() || (1e-4..1e15).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::{grouped, quoted};

    #[test]
    fn quotes_extremes_in_scientific_notation() {
        assert_eq!(quoted(0.0), "0");
        assert_eq!(quoted(0.5), "0.5");
        assert_eq!(quoted(-2.0), "-2");
        assert_eq!(quoted(1e6), "1000000");
        assert_eq!(quoted(1e-300), "1e-300");
        assert_eq!(quoted(-1.5e20), "-1.5e20");
        assert_eq!(quoted(f64::NAN), "NaN");
        assert_eq!(quoted(f64::INFINITY), "inf");
    }

    #[test]
    fn groups_digits_by_three_from_the_right() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(8_185_143), "8,185,143");
        assert_eq!(grouped(100_000_000), "100,000,000");
        assert_eq!(grouped(u64::MAX), "18,446,744,073,709,551,615");
    }
}
