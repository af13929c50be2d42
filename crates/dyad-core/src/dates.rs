//! Date parsing shared by ingest, the CLI and the series stage.
use chrono::{Datelike, NaiveDate};

/// serde: a date in any form [`parse_date`] reads (scored files from other tools may write
/// `2025-02-04T00:00:00`).
pub fn deserialize_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = <String as serde::Deserialize>::deserialize(d)?;
    parse_date(&s).ok_or_else(|| serde::de::Error::custom(format!("unreadable date {s:?}")))
}

/// Parses the date forms found in news archives: `2025-02-04`, `2025-02-04T10:00:00Z`,
/// `2025/02/04`, `20250204`, `February 4, 2025`, `4 February 2025`, `2025年2月4日`; dashes
/// typeset as en dashes, em dashes or minus signs (`2025–02–04`) are read as hyphens. Never
/// panics on any input (dates are cut on characters, not bytes).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s: String = s.trim().chars().map(|c| if matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}') { '-' } else { c }).collect();
    let s = s.as_str();
    if let Some(head) = s.get(..10) {
        for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
            if let Ok(d) = NaiveDate::parse_from_str(head, fmt) {
                return Some(d);
            }
        }
    }
    for fmt in ["%Y%m%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%b. %d, %Y", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

/// The dates a news archive can hold: from 1800 to a year after today. Anything else is a
/// data error (a `0001-01-01` placeholder, a year typed as `2O25`→`225`), and one such row would
/// stretch every series over centuries of empty periods.
pub fn plausible_news_date(d: NaiveDate) -> Result<NaiveDate, String> {
    let earliest = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
    let latest = chrono::Local::now().date_naive() + chrono::Duration::days(366);
    if d < earliest || d > latest {
        return Err(format!("impossible date {d} for a news article (accepted: {earliest} to {latest})"));
    }
    Ok(d)
}

/// Days since 1970-01-01, polars' physical representation of a `Date`.
pub fn to_epoch_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
}

pub fn from_epoch_days(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days as i64)
}

/// A calendar period length for time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl std::str::FromStr for Every {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "1d" | "day" | "daily" => Ok(Every::Day),
            "1w" | "week" | "weekly" => Ok(Every::Week),
            "1mo" | "month" | "monthly" => Ok(Every::Month),
            "1q" | "quarter" | "quarterly" => Ok(Every::Quarter),
            "1y" | "year" | "yearly" => Ok(Every::Year),
            other => Err(format!("unknown period {other:?}: use 1d, 1w, 1mo, 1q or 1y")),
        }
    }
}

impl Every {
    /// The period's name in prose: "day", "week", "month", "quarter", "year".
    pub fn unit_name(self) -> &'static str {
        match self {
            Every::Day => "day",
            Every::Week => "week",
            Every::Month => "month",
            Every::Quarter => "quarter",
            Every::Year => "year",
        }
    }

    /// The first day of the period holding `d` (weeks start on Monday, ISO 8601).
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        match self {
            Every::Day => d,
            Every::Week => d - chrono::Duration::days(d.weekday().num_days_from_monday() as i64),
            Every::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap(),
            Every::Quarter => NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1).unwrap(),
            Every::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1).unwrap(),
        }
    }

    /// The start of the period after the one starting at `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Every::Day => start + chrono::Duration::days(1),
            Every::Week => start + chrono::Duration::days(7),
            Every::Month => start.checked_add_months(chrono::Months::new(1)).unwrap(),
            Every::Quarter => start.checked_add_months(chrono::Months::new(3)).unwrap(),
            Every::Year => start.checked_add_months(chrono::Months::new(12)).unwrap(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let d = NaiveDate::from_ymd_opt(2025, 2, 4).unwrap();
        for s in ["2025-02-04", "2025-02-04T10:00:00Z", "2025/02/04", "20250204", "February 4, 2025", "4 February 2025"] {
            assert_eq!(parse_date(s), Some(d), "{s}");
        }
        assert_eq!(parse_date("yesterday"), None);
        // Typeset dashes and CJK dates, and no panic on multi-byte text around byte 10.
        assert_eq!(parse_date("2025\u{2013}02\u{2013}04"), Some(d));
        assert_eq!(parse_date("2025年2月4日"), Some(d));
        assert_eq!(parse_date("2020年1月1日のニュース"), None);
        assert_eq!(parse_date("ニュース 2025-02-04"), None);
        assert!(plausible_news_date(NaiveDate::from_ymd_opt(1, 1, 1).unwrap()).is_err());
        assert!(plausible_news_date(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()).is_ok());
        assert_eq!(parse_date("2025-13-40"), None);
    }

    #[test]
    fn period_starts() {
        let d = NaiveDate::from_ymd_opt(2025, 2, 6).unwrap(); // a Thursday
        assert_eq!(Every::Week.start_of(d), NaiveDate::from_ymd_opt(2025, 2, 3).unwrap());
        assert_eq!(Every::Month.start_of(d), NaiveDate::from_ymd_opt(2025, 2, 1).unwrap());
        assert_eq!(Every::Quarter.start_of(NaiveDate::from_ymd_opt(2025, 8, 30).unwrap()), NaiveDate::from_ymd_opt(2025, 7, 1).unwrap());
        assert_eq!(Every::Year.start_of(d), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(Every::Month.next(NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(from_epoch_days(to_epoch_days(d)), d);
        assert!("2w".parse::<Every>().is_err());
    }
}
