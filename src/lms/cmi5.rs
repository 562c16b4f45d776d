//! The cmi5 course structure (`cmi5.xml`): one assignable unit (AU) per scenario, launched
//! at the web player, with the rubric's pass mark as its mastery score.
//!
//! An LMS that speaks cmi5 imports this file; it then launches each AU at its `url` with the
//! cmi5 launch parameters (`endpoint`, `fetch`, `actor`, `registration`, `activityId`).

use std::fmt::Write as _;

use super::{activity_iri, course_iri, description, mastery, player_url, xml};
use crate::scenario::Scenario;

/// The course structure for `scenarios`, in the order given.
#[must_use]
pub fn course_structure(base_url: &str, title: &str, scenarios: &[&Scenario]) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(
        "<courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">\n",
    );
    let _ = writeln!(out, "  <course id=\"{}\">", xml(&course_iri(base_url)));
    let _ = writeln!(out, "    <title>{}</title>", lang(title));
    let _ = writeln!(
        out,
        "    <description>{}</description>",
        lang(&format!(
            "{} role-play conversations, graded by Rapport.",
            scenarios.len()
        ))
    );
    out.push_str("  </course>\n");
    for scenario in scenarios {
        let mut attributes = format!(
            "id=\"{}\" launchMethod=\"AnyWindow\"",
            xml(&activity_iri(base_url, &scenario.id))
        );
        match mastery(scenario) {
            Some(mark) => {
                let _ = write!(
                    attributes,
                    " moveOn=\"CompletedAndPassed\" masteryScore=\"{}\"",
                    fraction(mark)
                );
            }
            None => attributes.push_str(" moveOn=\"Completed\""),
        }
        let _ = writeln!(out, "  <au {attributes}>");
        let _ = writeln!(out, "    <title>{}</title>", lang(&scenario.title));
        let _ = writeln!(
            out,
            "    <description>{}</description>",
            lang(&description(scenario))
        );
        let _ = writeln!(
            out,
            "    <url>{}</url>",
            xml(&player_url(base_url, &scenario.id))
        );
        out.push_str("  </au>\n");
    }
    out.push_str("</courseStructure>\n");
    out
}

/// `70` → `0.7`, `100` → `1`, `0` → `0` (a decimal in 0..1, as cmi5 asks).
fn fraction(percent: i64) -> String {
    match percent {
        p if p >= 100 => "1".to_string(),
        p if p <= 0 => "0".to_string(),
        p => format!("0.{p:02}").trim_end_matches('0').to_string(),
    }
}

fn lang(text: &str) -> String {
    format!("<langstring lang=\"en-US\">{}</langstring>", xml(text))
}

#[cfg(test)]
mod tests {
    use super::fraction;

    #[test]
    fn mastery_scores_are_fractions() {
        assert_eq!(fraction(70), "0.7");
        assert_eq!(fraction(75), "0.75");
        assert_eq!(fraction(5), "0.05");
        assert_eq!(fraction(100), "1");
        assert_eq!(fraction(0), "0");
    }
}
