//! xAPI statements about a trainee's run, following the cmi5 rules for an assignable unit.
//!
//! Pure: the caller (the web player's outbox) supplies the launch (actor, registration,
//! activity id, context template, session id), the times and each statement's id, and gets
//! JSON values to send to the LRS. The order cmi5 asks for is the caller's: `initialized`
//! first, one "allowed" `answered` statement per decision, then `completed`, then `passed` or
//! `failed` (when the scenario is graded), and `terminated` last.
//!
//! Defined statements (initialized, completed, passed, failed, terminated) carry the cmi5
//! category, the session id and the registration; `completed`, `passed` and `failed` also
//! carry the moveOn category. `answered` statements carry the context template and the
//! registration but not the cmi5 category (cmi5 §9.6.2: they are "allowed", not "defined").

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

/// The cmi5 category of defined statements.
pub const CATEGORY_CMI5: &str = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
/// The category of statements that count toward moveOn.
pub const CATEGORY_MOVEON: &str = "https://w3id.org/xapi/cmi5/context/categories/moveon";
/// The session id context extension.
pub const EXT_SESSION: &str = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
/// The mastery score context extension (on passed and failed, when the LMS gave one).
pub const EXT_MASTERY: &str = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

/// The verbs Rapport uses.
pub mod verb {
    pub const INITIALIZED: &str = "http://adlnet.gov/expapi/verbs/initialized";
    pub const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";
    pub const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
    pub const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
    pub const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
    pub const TERMINATED: &str = "http://adlnet.gov/expapi/verbs/terminated";
}

/// Who is playing, in which registration, as which activity.
#[derive(Clone, Debug, PartialEq)]
pub struct Launch {
    /// The xAPI Agent (from the cmi5 `actor` parameter, or [`agent_for`]).
    pub actor: Value,
    /// The cmi5 registration (a UUID).
    pub registration: String,
    /// The AU's activity id (the `activityId` launch parameter, or the scenario's IRI).
    pub activity_id: String,
    /// The LMS's `contextTemplate` from the launch data (an object; `{}` when none).
    pub context_template: Value,
    /// This launch's session id.
    pub session_id: String,
    /// The mastery score (0..1) the launch data set, if any.
    pub mastery_score: Option<f64>,
}

/// The Agent for a trainee who did not come through a cmi5 launch: an account on the server.
#[must_use]
pub fn agent_for(base_url: &str, learner_id: &str, name: &str) -> Value {
    let mut agent = json!({
        "objectType": "Agent",
        "account": {"homePage": super::base(base_url), "name": learner_id},
    });
    if !name.is_empty() {
        agent["name"] = Value::String(name.to_string());
    }
    agent
}

/// Formats 16 bytes (say, the start of a SHA-256 of the run id and the statement's place) as
/// a version 8 UUID (RFC 9562), so that a resent statement keeps its id.
#[must_use]
pub fn uuid(bytes: [u8; 16]) -> String {
    let mut b = bytes;
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = b.iter().fold(String::new(), |mut hex, x| {
        let _ = write!(hex, "{x:02x}");
        hex
    });
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// An ISO 8601 duration of whole milliseconds: `PT1M5.25S`.
#[must_use]
pub fn duration(millis: u64) -> String {
    let hours = millis / 3_600_000;
    let minutes = millis / 60_000 % 60;
    let seconds = millis / 1000 % 60;
    let ms = millis % 1000;
    let mut out = String::from("PT");
    if hours > 0 {
        let _ = write!(out, "{hours}H");
    }
    if minutes > 0 {
        let _ = write!(out, "{minutes}M");
    }
    if ms > 0 {
        let fraction = format!("{ms:03}");
        let _ = write!(out, "{seconds}.{}S", fraction.trim_end_matches('0'));
    } else if seconds > 0 || out == "PT" {
        let _ = write!(out, "{seconds}S");
    }
    out
}

/// One decision, for its `answered` statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision<'a> {
    /// 1-based turn.
    pub turn: usize,
    /// The scene the choice was made in.
    pub scene: &'a str,
    /// What the customer said before the choice (the interaction's description).
    pub prompt: &'a str,
    /// The choices offered, by a stable id (the choice's place in its scene) and text.
    pub offered: &'a [(String, String)],
    /// The id of the one taken.
    pub chosen: &'a str,
    pub tags: &'a [String],
    /// Each emotion's value after the turn, in declaration order.
    pub emotions: &'a [(String, i64)],
}

fn context(launch: &Launch, categories: &[&str], mastery: bool) -> Value {
    let mut context = match &launch.context_template {
        Value::Object(map) => Value::Object(map.clone()),
        _ => Value::Object(Map::new()),
    };
    context["registration"] = Value::String(launch.registration.clone());
    let extensions = context
        .as_object_mut()
        .map(|c| c.entry("extensions").or_insert_with(|| json!({})));
    if let Some(Value::Object(ext)) = extensions {
        ext.insert(
            EXT_SESSION.to_string(),
            Value::String(launch.session_id.clone()),
        );
        if mastery {
            if let Some(score) = launch.mastery_score {
                ext.insert(EXT_MASTERY.to_string(), json!(score));
            }
        }
    }
    if !categories.is_empty() {
        let activities = context
            .as_object_mut()
            .map(|c| c.entry("contextActivities").or_insert_with(|| json!({})));
        if let Some(Value::Object(activities)) = activities {
            let list = activities
                .entry("category")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                for id in categories {
                    if !list.iter().any(|a| a["id"] == *id) {
                        list.push(json!({"id": id, "objectType": "Activity"}));
                    }
                }
            }
        }
    }
    context
}

fn statement(
    launch: &Launch,
    id: &str,
    timestamp: &str,
    verb: &str,
    object: Value,
    result: Option<Value>,
    context: Value,
) -> Value {
    let display = verb.rsplit('/').next().unwrap_or(verb);
    let mut s = json!({
        "id": id,
        "timestamp": timestamp,
        "actor": launch.actor,
        "verb": {"id": verb, "display": {"en-US": display}},
    });
    s["object"] = object;
    s["context"] = context;
    if let Some(result) = result {
        s["result"] = result;
    }
    s
}

fn au(launch: &Launch) -> Value {
    json!({"objectType": "Activity", "id": launch.activity_id})
}

/// `initialized`: the first statement of a session.
#[must_use]
pub fn initialized(launch: &Launch, id: &str, timestamp: &str) -> Value {
    statement(
        launch,
        id,
        timestamp,
        verb::INITIALIZED,
        au(launch),
        None,
        context(launch, &[CATEGORY_CMI5], false),
    )
}

/// `answered`: one decision, with the choice's text and tags and the emotions after it.
#[must_use]
pub fn answered(
    launch: &Launch,
    base_url: &str,
    decision: &Decision<'_>,
    id: &str,
    timestamp: &str,
) -> Value {
    let base = super::base(base_url);
    let object = json!({
        "objectType": "Activity",
        "id": format!("{}/scenes/{}", launch.activity_id.trim_end_matches('/'), decision.scene),
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "name": {"en-US": decision.scene},
            "description": {"en-US": decision.prompt},
            "interactionType": "choice",
            "choices": decision.offered.iter().map(|(id, text)| json!({
                "id": id, "description": {"en-US": text},
            })).collect::<Vec<_>>(),
        },
    });
    let chosen_text = decision
        .offered
        .iter()
        .find(|(id, _)| id == decision.chosen)
        .map(|(_, text)| text.as_str())
        .unwrap_or_default();
    let emotions: Map<String, Value> = decision
        .emotions
        .iter()
        .map(|(name, value)| (name.clone(), json!(value)))
        .collect();
    let result = json!({
        "response": decision.chosen,
        "extensions": {
            format!("{base}/xapi/extensions/turn"): decision.turn,
            format!("{base}/xapi/extensions/choice-text"): chosen_text,
            format!("{base}/xapi/extensions/tags"): decision.tags,
            format!("{base}/xapi/extensions/emotions"): emotions,
        },
    });
    let mut context = context(launch, &[], false);
    context["contextActivities"]["parent"] = json!([au(launch)]);
    statement(
        launch,
        id,
        timestamp,
        verb::ANSWERED,
        object,
        Some(result),
        context,
    )
}

/// `completed`: the conversation reached an ending (no `success`, as cmi5 asks).
#[must_use]
pub fn completed(launch: &Launch, id: &str, timestamp: &str, millis: u64) -> Value {
    statement(
        launch,
        id,
        timestamp,
        verb::COMPLETED,
        au(launch),
        Some(json!({"completion": true, "duration": duration(millis)})),
        context(launch, &[CATEGORY_CMI5, CATEGORY_MOVEON], false),
    )
}

/// `passed` or `failed`, with the scaled score (0..1) and success.
#[must_use]
pub fn judged(
    launch: &Launch,
    id: &str,
    timestamp: &str,
    millis: u64,
    scaled: f64,
    passed: bool,
) -> Value {
    let verb = if passed { verb::PASSED } else { verb::FAILED };
    statement(
        launch,
        id,
        timestamp,
        verb,
        au(launch),
        Some(json!({
            "score": {"scaled": scaled.clamp(0.0, 1.0)},
            "success": passed,
            "duration": duration(millis),
        })),
        context(launch, &[CATEGORY_CMI5, CATEGORY_MOVEON], true),
    )
}

/// `terminated`: the last statement of a session.
#[must_use]
pub fn terminated(launch: &Launch, id: &str, timestamp: &str, millis: u64) -> Value {
    statement(
        launch,
        id,
        timestamp,
        verb::TERMINATED,
        au(launch),
        Some(json!({"duration": duration(millis)})),
        context(launch, &[CATEGORY_CMI5], false),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launch() -> Launch {
        Launch {
            actor: agent_for("https://t.example/", "u-1", "Ann"),
            registration: "9e4a7b4c-1f34-4a1b-9d2e-2b6c3f3e4d5a".into(),
            activity_id: "https://t.example/scenarios/jake".into(),
            context_template: json!({
                "contextActivities": {"grouping": [{"id": "https://lms.example/course/1"}]},
                "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "old"},
            }),
            session_id: "s-1".into(),
            mastery_score: Some(0.8),
        }
    }

    #[test]
    fn durations_are_iso_8601() {
        assert_eq!(duration(0), "PT0S");
        assert_eq!(duration(5_250), "PT5.25S");
        assert_eq!(duration(65_000), "PT1M5S");
        assert_eq!(duration(3_600_000), "PT1H");
        assert_eq!(duration(3_723_004), "PT1H2M3.004S");
    }

    #[test]
    fn uuids_are_version_8() {
        let id = uuid([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-8fff-bfff-ffffffffffff");
    }

    #[test]
    fn defined_statements_carry_the_cmi5_context() {
        let l = launch();
        let s = judged(&l, "id-1", "2026-12-03T10:00:00Z", 61_000, 0.9, true);
        assert_eq!(s["verb"]["id"], verb::PASSED);
        assert_eq!(s["result"]["success"], true);
        assert_eq!(s["result"]["score"]["scaled"], 0.9);
        assert!(s["result"].get("completion").is_none());
        assert_eq!(s["context"]["registration"], l.registration);
        assert_eq!(s["context"]["extensions"][EXT_SESSION], "s-1");
        assert_eq!(s["context"]["extensions"][EXT_MASTERY], 0.8);
        let categories: Vec<&str> = s["context"]["contextActivities"]["category"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(categories, [CATEGORY_CMI5, CATEGORY_MOVEON]);
        // The template's grouping is kept.
        assert_eq!(
            s["context"]["contextActivities"]["grouping"][0]["id"],
            "https://lms.example/course/1"
        );
        let c = completed(&l, "id-2", "2026-12-03T10:00:00Z", 1000);
        assert!(c["result"].get("success").is_none());
        assert_eq!(c["result"]["completion"], true);
    }

    #[test]
    fn answered_statements_are_allowed_not_defined() {
        let l = launch();
        let offered = vec![
            ("1".to_string(), "Sorry.".to_string()),
            ("2".to_string(), "Policy.".to_string()),
        ];
        let tags = vec!["apologise".to_string()];
        let emotions = vec![("frustration".to_string(), 4)];
        let d = Decision {
            turn: 1,
            scene: "opening",
            prompt: "Where is my order?",
            offered: &offered,
            chosen: "1",
            tags: &tags,
            emotions: &emotions,
        };
        let s = answered(&l, "https://t.example", &d, "id-3", "2026-12-03T10:00:00Z");
        assert_eq!(s["verb"]["id"], verb::ANSWERED);
        assert!(s["context"]["contextActivities"].get("category").is_none());
        assert_eq!(
            s["object"]["id"],
            "https://t.example/scenarios/jake/scenes/opening"
        );
        assert_eq!(s["result"]["response"], "1");
        assert_eq!(
            s["result"]["extensions"]["https://t.example/xapi/extensions/choice-text"],
            "Sorry."
        );
        assert_eq!(
            s["result"]["extensions"]["https://t.example/xapi/extensions/emotions"]["frustration"],
            4
        );
    }
}
