/* Runs the lab's worker (cnnexplain/viz/lab_worker.js) in Node for tests/test_lab.py, as the
 * page runs it: the worker modules in one global scope (a worker's `self`), messages in and out.
 *
 *   node lab_worker_driver.js task.json result.json
 *
 * The task: {runs: [{settings, network}], steps (batches to step each run, or "all"), folder}.
 * The result, per run: the messages' types, the kernels of "ready" and of the last batch, the
 * last metrics and verdicts, and the run's .safetensors history (downloaded, then opened again)
 * in the folder.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const VIZ = path.join(__dirname, "..", "cnnexplain", "viz");
const MODULES = ["network.js", "lines.js", "kernel_tests.js", "history_writer.js", "lab_worker.js"];

/* A fresh global scope per run, as every worker has its own; without MessageChannel, so that
 * nothing keeps Node running (the worker falls back to setTimeout). */
function startWorker() {
  const scope = { atob, btoa, TextEncoder, TextDecoder, setTimeout, console };
  scope.self = scope;
  const outbox = [];
  scope.postMessage = (message) => outbox.push(message);
  vm.createContext(scope);
  for (const name of MODULES) vm.runInContext(fs.readFileSync(path.join(VIZ, name), "utf8"), scope, { filename: name });
  return { send: (data) => scope.onmessage({ data }), outbox };
}

function runOne(spec, steps, folder, index) {
  const worker = startWorker();
  worker.send({ type: "start", settings: spec.settings, network: spec.network });
  const ready = worker.outbox.find((m) => m.type === "ready");
  if (!ready) return { error: worker.outbox.map((m) => m.message || m.type).join("; ") };
  const limit = steps === "all" ? Infinity : steps;
  for (let i = 0; i < limit && !worker.outbox.some((m) => m.type === "done" || m.type === "error"); i++) {
    worker.send({ type: "step" });
  }
  const batches = worker.outbox.filter((m) => m.type === "batch");
  const last = batches[batches.length - 1];
  worker.send({ type: "download" });
  const history = worker.outbox.find((m) => m.type === "history");
  const file = `run-${index}.safetensors`;
  if (history) fs.writeFileSync(path.join(folder, file), Buffer.from(history.bytes));
  const reader = startWorker();
  if (history) reader.send({ type: "open", bytes: history.bytes.slice().buffer, tolerance: spec.settings.tolerance });
  const opened = reader.outbox[0] || null;
  return {
    types: worker.outbox.map((m) => m.type),
    errors: worker.outbox.filter((m) => m.type === "error").map((m) => m.message),
    start: Array.from(ready.kernels),
    readyVerdicts: ready.verdicts,
    kernels: last ? Array.from(last.kernels) : null,
    losses: batches.map((m) => m.loss),
    metrics: batches.filter((m) => m.metrics).map((m) => m.metrics),
    verdicts: last ? last.verdicts : null,
    nTrain: ready.nTrain,
    file: history ? file : null,
    opened: opened && opened.type === "opened" ? { verdicts: opened.history.verdicts, metrics: opened.history.metrics, last: Array.from(opened.history.firstLayer.last) } : opened
  };
}

const [taskFile, resultFile] = process.argv.slice(2);
const task = JSON.parse(fs.readFileSync(taskFile, "utf8"));
const runs = task.runs.map((spec, i) => runOne(spec, task.steps, task.folder, i));
fs.writeFileSync(resultFile, JSON.stringify({ runs }));
