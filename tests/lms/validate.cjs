// Reads a JSON array of xAPI statements on stdin; prints each statement's warnings from
// Learning Locker's validator as JSON ({"index": N, "warnings": [...]}) and exits 1 if any.
"use strict";
const validate = require("xapi-validation").default;
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const statements = JSON.parse(input);
  let bad = 0;
  statements.forEach((statement, index) => {
    const warnings = validate(statement).map((w) => ({
      path: w.path, message: w.message || String(w), data: w.data,
    }));
    if (warnings.length > 0) {
      bad += 1;
      console.log(JSON.stringify({ index, warnings }));
    }
  });
  console.log(`${statements.length - bad} valid, ${bad} invalid`);
  process.exit(bad > 0 ? 1 : 0);
});
