//! SCORM 1.2 packages: one zip per scenario, holding an `imsmanifest.xml` and a launch page.
//!
//! The launch page finds the LMS's SCORM API (`API`, in a parent frame or the opener), calls
//! `LMSInitialize`, reads `cmi.core.student_id` and `cmi.core.student_name` as the learner,
//! and opens the web player of `rapport serve` in a frame. When the player reaches its
//! debrief it posts the result to the launch page (`postMessage`, checked by origin and
//! source frame), which sets `cmi.core.lesson_status` (passed/failed, or completed without a
//! rubric; incomplete until then), `cmi.core.score.raw/min/max` (the percentage, 0 to 100)
//! and `cmi.core.session_time`, then `LMSCommit`; leaving the page calls `LMSFinish` once.

use std::io::Write as _;

use super::{description, mastery, player_url, xml};
use crate::scenario::Scenario;

/// The launch page's name inside the package.
pub const LAUNCH: &str = "launch.html";

/// The manifest of a scenario's package.
#[must_use]
pub fn manifest(scenario: &Scenario) -> String {
    let id = xml(&scenario.id);
    let title = xml(&scenario.title);
    let mastery = mastery(scenario)
        .map(|m| format!("\n        <adlcp:masteryscore>{m}</adlcp:masteryscore>"))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="rapport-{id}" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org-{id}">
    <organization identifier="org-{id}">
      <title>{title}</title>
      <item identifier="item-{id}" identifierref="res-{id}" isvisible="true">
        <title>{title}</title>{mastery}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-{id}" type="webcontent" adlcp:scormtype="sco" href="{LAUNCH}">
      <file href="{LAUNCH}"/>
    </resource>
  </resources>
</manifest>
"#
    )
}

/// The launch page of a scenario's package, opening the player at `base_url`.
#[must_use]
pub fn launch_page(base_url: &str, scenario: &Scenario) -> String {
    let player = player_url(base_url, &scenario.id);
    // JSON string literals are valid JavaScript; `</` is escaped so that no value can
    // close the script element.
    let js_string = |s: &str| {
        serde_json::to_string(s)
            .unwrap_or_default()
            .replace("</", "<\\/")
    };
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  html, body {{ margin: 0; height: 100%; font-family: system-ui, sans-serif; }}
  iframe {{ border: 0; width: 100%; height: 100%; display: block; }}
  #status {{ padding: 1rem; }}
</style>
</head>
<body>
<p id="status" role="status">{brief}</p>
<iframe id="player" title="{title}" hidden></iframe>
<script>
(function () {{
  "use strict";
  var PLAYER = {player};
  var ORIGIN = new URL(PLAYER).origin;
  var started = Date.now();
  var finished = false;

  function findApi(win) {{
    for (var hops = 0; win && hops < 8; hops++) {{
      try {{ if (win.API) {{ return win.API; }} }} catch (e) {{ return null; }}
      if (win.parent === win) {{ break; }}
      win = win.parent;
    }}
    return null;
  }}
  var api = findApi(window) || (window.opener ? findApi(window.opener) : null);
  var status = document.getElementById("status");
  var frame = document.getElementById("player");

  function get(name) {{ return api ? String(api.LMSGetValue(name) || "") : ""; }}
  function set(name, value) {{ if (api) {{ api.LMSSetValue(name, String(value)); }} }}
  function sessionTime() {{
    var s = Math.max(0, (Date.now() - started) / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    function pad(n, w) {{ n = String(n); while (n.length < w) {{ n = "0" + n; }} return n; }}
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(sec.toFixed(2), 5);
  }}
  function finish() {{
    if (!api || finished) {{ return; }}
    finished = true;
    set("cmi.core.session_time", sessionTime());
    api.LMSCommit("");
    api.LMSFinish("");
  }}

  if (!api) {{
    status.textContent = "This course must be opened from your learning platform (no SCORM API was found).";
    return;
  }}
  api.LMSInitialize("");
  var previous = get("cmi.core.lesson_status");
  if (previous === "" || previous === "not attempted") {{
    set("cmi.core.lesson_status", "incomplete");
    api.LMSCommit("");
  }}
  var learner = get("cmi.core.student_id");
  var name = get("cmi.core.student_name");
  frame.src = PLAYER + "?embed=scorm&origin=" + encodeURIComponent(window.location.origin === "null" ? "*" : window.location.origin) +
    "&learner=" + encodeURIComponent(learner) + "&name=" + encodeURIComponent(name);
  frame.hidden = false;
  status.hidden = true;

  window.addEventListener("message", function (event) {{
    if (event.origin !== ORIGIN || event.source !== frame.contentWindow) {{ return; }}
    var data = event.data;
    if (!data || data.type !== "rapport:result") {{ return; }}
    if (typeof data.percent === "number") {{
      set("cmi.core.score.min", 0);
      set("cmi.core.score.max", 100);
      set("cmi.core.score.raw", Math.round(Math.max(0, Math.min(100, data.percent))));
    }}
    var lesson = data.passed === true ? "passed" : data.passed === false ? "failed" : "completed";
    set("cmi.core.lesson_status", lesson);
    set("cmi.core.session_time", sessionTime());
    api.LMSCommit("");
  }});
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
}})();
</script>
</body>
</html>
"#,
        title = xml(&scenario.title),
        brief = xml(&description(scenario)),
        player = js_string(&player),
    )
}

/// The zip of a scenario's package: `imsmanifest.xml` and the launch page, stored with a
/// fixed timestamp so that the same scenario gives the same bytes.
///
/// # Errors
/// Only if the zip writer fails on memory (it writes to a buffer).
pub fn package(base_url: &str, scenario: &Scenario) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, text) in [
        ("imsmanifest.xml", manifest(scenario)),
        (LAUNCH, launch_page(base_url, scenario)),
    ] {
        zip.start_file(name, options)
            .map_err(|e| format!("cannot add {name} to the package: {e}"))?;
        zip.write_all(text.as_bytes())
            .map_err(|e| format!("cannot add {name} to the package: {e}"))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| format!("cannot finish the package: {e}"))?;
    Ok(cursor.into_inner())
}
