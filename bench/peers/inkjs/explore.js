// Explores every reachable state of a gen-stories .ink story with inkjs, through its
// save/restore API: the peer side of Rapport's state-search benchmark.
//
//   node explore.js /tmp/stories/story_1000.ink
//
// A state is what Rapport's search keys on for the same story: the scene the story is in
// and the three variables. (ink also tracks visit counts for its once-only choices; they are
// part of its saved state but not of this key, so this explores no more states than
// Rapport does.) Prints compile time, states, steps and states/s.
const fs = require("fs");
const { Compiler } = require("inkjs/full");

const file = process.argv[2];
if (!file) {
  console.error("usage: node explore.js STORY.ink");
  process.exit(2);
}
const source = fs.readFileSync(file, "utf8");
let t0 = process.hrtime.bigint();
const story = new Compiler(source).Compile();
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;

const vars = ["frustration", "trust", "anxiety"];
// The scene is identified by the last line it printed (every scene's line is unique: it
// carries a ticket number).
let lastLine = "";
function advance(s) {
  while (s.canContinue) lastLine = s.Continue();
}
function key(s) {
  return lastLine + "|" + vars.map((v) => s.variablesState[v]).join(",");
}

t0 = process.hrtime.bigint();
advance(story);
const seen = new Set([key(story)]);
const queue = [story.state.ToJson()];
let states = 0;
let steps = 0;
while (queue.length > 0) {
  const saved = queue.shift();
  story.state.LoadJson(saved);
  states += 1;
  const n = story.currentChoices.length;
  for (let i = 0; i < n; i++) {
    story.state.LoadJson(saved);
    story.ChooseChoiceIndex(i);
    advance(story);
    steps += 1;
    if (story.currentChoices.length === 0) continue; // an ending
    const k = key(story);
    if (!seen.has(k)) {
      seen.add(k);
      queue.push(story.state.ToJson());
    }
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify({ engine: "inkjs", file, compile_ms: compileMs, states, steps, seconds: secs, states_per_s: states / secs })
);
