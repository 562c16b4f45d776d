//! Learning platforms: the files an LMS imports to launch Rapport's web player, and the
//! addresses (IRIs) that name a course's activities in every statement.
//!
//! Consumes resolved scenarios and the public address of `rapport serve` (`--url`);
//! produces a cmi5 course structure ([`cmi5`]) and SCORM 1.2 packages ([`scorm`]) as bytes.
//! Writing them to disk is the caller's job. Pure: the same scenarios give the same bytes.

pub mod cmi5;
pub mod scorm;
pub mod xapi;

use crate::scenario::Scenario;

/// The public address of the server, without a trailing slash.
#[must_use]
pub fn base(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// The IRI of a scenario as an activity (the cmi5 AU id and the xAPI object id).
#[must_use]
pub fn activity_iri(base_url: &str, scenario_id: &str) -> String {
    format!("{}/scenarios/{scenario_id}", base(base_url))
}

/// The IRI of the course made of every exported scenario.
#[must_use]
pub fn course_iri(base_url: &str) -> String {
    format!("{}/course", base(base_url))
}

/// Where the player of a scenario is served.
#[must_use]
pub fn player_url(base_url: &str, scenario_id: &str) -> String {
    format!("{}/play/{scenario_id}", base(base_url))
}

/// The pass mark as a fraction (cmi5's `masteryScore`, SCORM's `masteryscore` ÷ 100), or
/// `None` when the scenario has no rubric.
#[must_use]
pub fn mastery(scenario: &Scenario) -> Option<i64> {
    scenario.rubric.as_ref().map(|r| r.pass_mark.clamp(0, 100))
}

/// The scenario's brief as plain text (its interpolations as at the start).
#[must_use]
pub fn description(scenario: &Scenario) -> String {
    scenario
        .brief
        .as_ref()
        .map(|b| crate::runtime::State::initial(scenario).render(scenario, b))
        .unwrap_or_default()
}

/// Escapes text for XML content and attribute values.
#[must_use]
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a base URL is one an LMS can reach: absolute `http(s)`, no query or fragment.
///
/// # Errors
/// Says what is wrong with the URL.
pub fn check_base(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("`{url}` is not an http(s) address; give the address trainees open, such as https://training.example.com")
        })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`{url}` has no host name"));
    }
    if url.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!(
            "`{url}` must be a plain address, without a query, a fragment, spaces or quotes"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(
            xml("a<b & \"c\" 'd'>\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
    }

    #[test]
    fn base_urls_must_be_absolute_http() {
        assert!(check_base("https://lms.example.com/rapport").is_ok());
        assert!(check_base("http://127.0.0.1:8080/").is_ok());
        assert!(check_base("ftp://x").is_err());
        assert!(check_base("https://").is_err());
        assert!(check_base("https://x/?a=1").is_err());
        assert_eq!(
            activity_iri("https://x.org/r/", "jake"),
            "https://x.org/r/scenarios/jake"
        );
    }
}
