// The peer side of Rapport's benchmarks (docs/performance.md), with inkjs on a gen-stories
// .ink story: the same work Rapport's benchmark examples do on the same story.
//
//   node bench.js search    /tmp/stories/story_1000.ink   # every reachable state
//   node bench.js play      /tmp/stories/story_1000.ink   # long play-throughs for 2 s
//   node bench.js enumerate /tmp/stories/story_1000.ink   # the first 100,000 runs
//   node bench.js search    /tmp/stories/story_10000.ink 600   # stop after 600 s
//
// Prints one JSON line: compile time, the counts that prove it did the same work as
// Rapport, and the rate. With a time limit, search and enumerate stop when it is reached and
// print "finished": false with the rate so far. Restoring a state uses inkjs's save/restore API
// (state.ToJson / state.LoadJson), the way Rapport's search and enumeration clone a run.
const fs = require("fs");
const { Compiler } = require("inkjs/full");

const [mode, file, limit] = process.argv.slice(2);
const limitSecs = limit === undefined ? Infinity : Number(limit);
let finished = true;
function outOfTime() {
  if (elapsed() < limitSecs) return false;
  finished = false;
  return true;
}
if (!["search", "play", "enumerate"].includes(mode) || !file) {
  console.error("usage: node bench.js search|play|enumerate STORY.ink [SECONDS]");
  process.exit(2);
}
const source = fs.readFileSync(file, "utf8");
let t0 = process.hrtime.bigint();
const story = new Compiler(source).Compile();
const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e9;

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

// A state is what Rapport's search keys on for the same story: the scene and the three
// variables. (ink also tracks visit counts for its once-only choices; they are part of its
// saved state but not of this key, so this explores no more states than Rapport does.)
function search() {
  advance(story);
  const seen = new Set([key(story)]);
  const queue = [story.state.ToJson()];
  let states = 0;
  let steps = 0;
  // A moving head instead of shift(): the queue grows to hundreds of thousands of states.
  let head = 0;
  while (head < queue.length && !(states % 100 === 0 && outOfTime())) {
    const saved = queue[head];
    queue[head++] = undefined;
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
  return { states, steps, states_per_s: states / elapsed() };
}

// Rapport's throughput example: even runs always take the first choice, odd runs the last.
function play() {
  let runs = 0;
  let turns = 0;
  const firstRuns = [];
  while (elapsed() < 2) {
    story.ResetState();
    advance(story);
    let length = 0;
    while (story.currentChoices.length > 0) {
      story.ChooseChoiceIndex(runs % 2 === 0 ? 0 : story.currentChoices.length - 1);
      advance(story);
      length += 1;
    }
    if (firstRuns.length < 2) firstRuns.push(length);
    turns += length;
    runs += 1;
  }
  return { runs, turns, first_runs: firstRuns, turns_per_s: turns / elapsed() };
}

// Rapport's enumeration: depth first, first choice first, every finished run recorded with
// its choices and final variables, stopped at 100,000 runs.
function enumerate() {
  const max = 100000;
  advance(story);
  const stack = [{ saved: story.state.ToJson(), picks: [] }];
  const records = [];
  let turns = 0;
  while (stack.length > 0 && records.length < max && !(records.length % 100 === 0 && outOfTime())) {
    const { saved, picks, ended } = stack.pop();
    if (ended) {
      records.push({ picks, vars: ended });
      turns += picks.length;
      continue;
    }
    story.state.LoadJson(saved);
    const n = story.currentChoices.length;
    for (let i = n - 1; i >= 0; i--) {
      story.state.LoadJson(saved);
      story.ChooseChoiceIndex(i);
      advance(story);
      const next = picks.concat([i + 1]);
      if (story.currentChoices.length === 0) {
        stack.push({ picks: next, ended: vars.map((v) => story.variablesState[v]) });
      } else {
        stack.push({ saved: story.state.ToJson(), picks: next });
      }
    }
  }
  return { runs: records.length, turns, runs_per_s: records.length / elapsed() };
}

t0 = process.hrtime.bigint();
const result = { search, play, enumerate }[mode]();
console.log(
  JSON.stringify({ engine: "inkjs", mode, file, compile_ms: compileMs, ...result, finished, seconds: elapsed() })
);
