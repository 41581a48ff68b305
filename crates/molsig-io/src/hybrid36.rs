//! Hybrid-36 integers, the PDB convention for serial numbers (5 columns) and residue numbers
//! (4 columns) that outgrow their decimal fields.
//!
//! For a field of width `w`, values below `10^w` are written in decimal. The next `26 * 36^(w-1)`
//! values are written in base 36 with digits `0-9A-Z` starting at `A000…` (so `A0000` is 100,000 for
//! width 5 and `A000` is 10,000 for width 4), and the `26 * 36^(w-1)` values after those in base 36
//! with digits `0-9a-z` starting at `a000…`. Upper- and lower-case digits never mix in one number.

/// Decodes a hybrid-36 field of `width` characters (5 for atom serials, 4 for residue numbers).
///
/// Surrounding spaces are ignored. Decimal numbers (optionally signed) are accepted at any length;
/// a base-36 number must fill the whole field. Returns `None` for blank or malformed fields,
/// including the `*****` that some writers put in place of serials that do not fit.
pub(crate) fn decode(field: &[u8], width: u32) -> Option<i64> {
    let t = field.trim_ascii();
    let (&first, _) = t.split_first()?;
    if first.is_ascii_digit() || first == b'-' || first == b'+' {
        return decode_decimal(t);
    }
    if t.len() != width as usize || !(1..=12).contains(&width) {
        return None;
    }
    let upper = first.is_ascii_uppercase();
    if !upper && !first.is_ascii_lowercase() {
        return None;
    }
    let mut value: i64 = 0;
    for &b in t {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' if upper => b - b'A' + 10,
            b'a'..=b'z' if !upper => b - b'a' + 10,
            _ => return None,
        };
        value = value * 36 + i64::from(digit);
    }
    let block = 36_i64.pow(width - 1);
    let decimal_limit = 10_i64.pow(width);
    // Upper case: `A000…` (10 * 36^(w-1)) maps to 10^w. Lower case continues after the upper-case
    // range of 26 * 36^(w-1) values: `a000…` maps to 10^w + 26 * 36^(w-1).
    let offset = if upper { -10 * block } else { 16 * block };
    Some(value + offset + decimal_limit)
}

/// Parses a plain decimal integer with optional surrounding spaces (no hybrid-36).
pub(crate) fn decimal(field: &[u8]) -> Option<i64> {
    decode_decimal(field.trim_ascii())
}

/// Parses an optionally signed run of ASCII decimal digits (no spaces inside).
fn decode_decimal(t: &[u8]) -> Option<i64> {
    let (negative, digits) = match t.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, t),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(b - b'0');
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decimal_values() {
        assert_eq!(decode(b"    1", 5), Some(1));
        assert_eq!(decode(b"99999", 5), Some(99_999));
        assert_eq!(decode(b" 9999", 5), Some(9_999));
        assert_eq!(decode(b"9999", 4), Some(9_999));
        assert_eq!(decode(b"  -5", 4), Some(-5));
        assert_eq!(decode(b"   0", 4), Some(0));
    }

    #[test]
    fn five_wide_boundaries() {
        assert_eq!(decode(b"A0000", 5), Some(100_000));
        assert_eq!(decode(b"A0001", 5), Some(100_001));
        // The last upper-case value: 10^5 + 26 * 36^4 - 1.
        assert_eq!(decode(b"ZZZZZ", 5), Some(43_770_015));
        assert_eq!(decode(b"a0000", 5), Some(43_770_016));
        // The last representable value: 10^5 + 2 * 26 * 36^4 - 1.
        assert_eq!(decode(b"zzzzz", 5), Some(87_440_031));
    }

    #[test]
    fn four_wide_boundaries() {
        assert_eq!(decode(b"A000", 4), Some(10_000));
        assert_eq!(decode(b"ZZZZ", 4), Some(10_000 + 26 * 36 * 36 * 36 - 1));
        assert_eq!(decode(b"a000", 4), Some(10_000 + 26 * 36 * 36 * 36));
        assert_eq!(decode(b"zzzz", 4), Some(10_000 + 2 * 26 * 36 * 36 * 36 - 1));
    }

    #[test]
    fn consecutive_values_are_consecutive() {
        // 99,999 is followed by A0000; A000Z by A0010.
        assert_eq!(decode(b"A000Z", 5), Some(100_035));
        assert_eq!(decode(b"A0010", 5), Some(100_036));
    }

    #[test]
    fn malformed_fields() {
        for bad in [
            &b""[..],
            b"     ",
            b"*****",
            b"A000a",
            b"a000A",
            b"A000",
            b" A00",
            b"1 2",
            b"-",
            b"12x",
            b"\xff\xfe",
            b"#0000",
        ] {
            assert_eq!(decode(bad, 5), None, "{bad:?}");
        }
        assert_eq!(decode(b"A0000", 4), None);
        assert_eq!(decode(b"A000", 0), None);
    }
}
