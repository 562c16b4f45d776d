// The browser test of `rapport serve`, run by the Rust test serve::browser (which starts the
// server and sets RAPPORT_URL and SCREENSHOTS). Debian's Chromium, headless, driven by
// playwright-core; axe-core checks every page it reaches (WCAG 2.2 A and AA rules).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const base = process.env.RAPPORT_URL;
const shots = process.env.SCREENSHOTS || ".";
if (!base) {
  throw new Error("set RAPPORT_URL to the server's address");
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function axe(page, where) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }),
  );
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  check(violations.length === 0, `axe found violations on ${where}:\n${violations.join("\n")}`);
  console.log(`axe: no violation on ${where} (${result.passes.length} rules passed)`);
}

// Picks an answer and waits for the next page (each turn has a new address).
async function answer(page, act) {
  const before = page.url();
  await Promise.all([page.waitForURL((u) => u.toString() !== before), act()]);
  await page.waitForLoadState("load");
}

async function text(page) {
  return (await page.locator("main").innerText()).replace(/\s+/g, " ");
}

async function noSideScroll(page, where) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  check(!wide, `${where} scrolls sideways`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  chromiumSandbox: false,
  args: [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

try {
  // Desktop: a practice run to the debrief.
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const page = await desktop.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(base + "/");
  await axe(page, "the scenario list");
  await page.getByRole("link", { name: "Jake's order is late" }).click();
  await page.getByLabel("Your name").fill("Browser Trainee");
  await page.getByLabel(/^Practice/).check();
  await axe(page, "the start page");
  await page.getByRole("button", { name: "Start" }).click();
  await page.waitForURL(/\/turn\?state=/);

  let body = await text(page);
  check(body.includes("Turn 1 · Practice mode · Browser Trainee"), `turn 1 not shown: ${body}`);
  check(body.includes("frustration 6/10"), "the frustration meter's text is missing");
  const meter = page.locator("meter#meter-frustration");
  check((await meter.getAttribute("value")) === "6", "the frustration <meter> is not at 6");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check(focused === "now", `focus is on ${focused}, not the customer's new line`);
  await axe(page, "turn 1");
  await page.screenshot({ path: join(shots, "desktop-turn.png"), fullPage: true });

  // Number keys pick an answer.
  await answer(page, () => page.keyboard.press("1"));
  body = await text(page);
  check(body.includes("Coach: You named the feeling, then offered to act"), "the coach note is missing");
  check(body.includes("frustration 4/10"), "the meter did not move to 4/10");
  const focusedLine = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
  check(focusedLine.includes("Jake"), `focus after the turn is not on Jake's line: ${focusedLine}`);

  // A reload mid-run resumes the same turn.
  await page.reload();
  body = await text(page);
  check(body.includes("Turn 2") && body.includes("Coach: You named the feeling"), "the reload lost the run");

  // Shortcuts can be turned off.
  await page.getByLabel("Number keys pick an answer").uncheck();
  await page.keyboard.press("2");
  await page.waitForTimeout(300);
  check((await text(page)).includes("Turn 2"), "a number key picked although shortcuts were off");
  await page.getByLabel("Number keys pick an answer").check();

  for (let turn = 2; turn <= 5; turn++) {
    await answer(page, () => page.locator('form.choices button[data-key="1"]').click());
  }
  body = await text(page);
  check(body.includes("Debrief"), `no debrief: ${body}`);
  check(body.includes("Ending: resolved (good)"), "the ending is missing");
  check(body.includes("Score: 17/19 (89.5%), passed (pass mark 70%)"), `the score is missing: ${body}`);
  check(await page.locator("section.debrief svg[role=img]").count() === 1, "the trajectory chart is missing");
  const onOutcome = await page.evaluate(() => document.activeElement && document.activeElement.className);
  check(onOutcome === "outcome", `focus at the end is on ${onOutcome}, not the debrief`);
  await page.locator("figure.chart").screenshot({ path: join(shots, "desktop-chart.png") });
  await axe(page, "the debrief");
  await page.screenshot({ path: join(shots, "desktop-debrief.png"), fullPage: true });
  check(errors.length === 0, `the page logged errors: ${errors.join("; ")}`);
  await desktop.close();

  // Phone: an assessment run, readable without sideways scrolling.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    bypassCSP: true,
  });
  const mobile = await phone.newPage();
  await mobile.goto(base + "/play/delayed_order");
  await mobile.getByLabel("Your name").fill("Phone Trainee");
  await mobile.getByLabel(/^Assessment/).check();
  await mobile.getByRole("button", { name: "Start" }).click();
  await mobile.waitForURL(/\/turn\?state=/);
  body = await text(mobile);
  check(body.includes("Assessment mode"), "not in assessment mode");
  check(await mobile.locator("meter").count() === 0, "meters shown in assessment mode");
  await noSideScroll(mobile, "the phone turn page");
  await axe(mobile, "an assessment turn on a phone");
  await mobile.screenshot({ path: join(shots, "phone-turn.png"), fullPage: true });
  for (const pick of [3, 1, 1, 1, 1, 1]) {
    await answer(mobile, () => mobile.locator(`form.choices button[data-key="${pick}"]`).tap());
  }
  body = await text(mobile);
  check(body.includes("Debrief") && body.includes("Score:"), `no debrief on the phone: ${body}`);
  check(!body.includes("Coach:"), "a coach note in assessment mode");
  await noSideScroll(mobile, "the phone debrief");
  await axe(mobile, "the debrief on a phone");
  await mobile.screenshot({ path: join(shots, "phone-debrief.png"), fullPage: true });
  await phone.close();
  console.log("browser test passed");
} finally {
  await browser.close();
}
