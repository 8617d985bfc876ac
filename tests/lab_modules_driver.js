/* Runs the lab's data modules (cnnexplain/viz/lines.js, kernel_tests.js, history_writer.js)
 * for tests/test_lines_js.py, test_kernel_tests_js.py and test_history_writer_js.py, in Node.
 *
 *   node lab_modules_driver.js task.json result.json
 *
 * The task's "task" field names what to do (TASKS below). Small arrays travel as JSON; large
 * ones (images, files) as raw little-endian files in the task's "folder", named in the result.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const VIZ = path.join(__dirname, "..", "cnnexplain", "viz");
const MODULES = {
  lines: ["lines.js", "cnnexplainLines"],
  kernel_tests: ["kernel_tests.js", "cnnexplainKernelTests"],
  history_writer: ["history_writer.js", "cnnexplainHistory"]
};
const load = (name) => require(path.join(VIZ, MODULES[name][0]));

function writeRaw(folder, name, typed) {
  fs.writeFileSync(path.join(folder, name), Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength));
  return name;
}

function readRaw(folder, name, Type) {
  const bytes = fs.readFileSync(path.join(folder, name));
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function caught(fn) {
  try {
    fn();
    return null;
  } catch (e) {
    return e.name + ": " + e.message;
  }
}

// -- lines.js --------------------------------------------------------------------------------
/* Draws of defaultRng(seed), in the order given: each {method, args}. */
function rng(task) {
  const lines = load("lines");
  return {
    results: task.cases.map((c) => {
      const g = lines.defaultRng(c.seed);
      return c.draws.map((d) => {
        const out = d.method === "permutation" ? g.permutation(d.args[0]) : g[d.method](...d.args);
        return writeRaw(task.folder, `${c.name}-${d.name}.f64`, Float64Array.from(out));
      });
    })
  };
}

/* makeLines on each case's options, then splitLines and shuffleLabels of the result. */
function makeLines(task) {
  const lines = load("lines");
  return {
    results: task.cases.map((c, i) => {
      const data = lines.makeLines(c.options);
      const out = {
        n: data.n, size: data.size, classes: data.classes, config: data.config,
        images: writeRaw(task.folder, `images-${i}.f32`, data.images), labels: Array.from(data.labels)
      };
      if (c.split) {
        const parts = lines.splitLines(data, c.split);
        out.split = {};
        for (const part of ["train", "test"]) {
          const p = parts[part];
          out.split[part] = {
            n: p.n, size: p.size, classes: p.classes, config: p.config, indices: Array.from(p.indices), labels: Array.from(p.labels),
            images: writeRaw(task.folder, `images-${i}-${part}.f32`, p.images)
          };
        }
      }
      if (c.shuffle_seed !== undefined) out.shuffled = Array.from(lines.shuffleLabels(data.labels, c.shuffle_seed));
      return out;
    })
  };
}

/* Calls that must fail: each case a function of the module and its arguments. */
function lineErrors(task) {
  const lines = load("lines");
  const calls = {
    makeLines: (args) => lines.makeLines(...args),
    splitLines: (args) => lines.splitLines(lines.makeLines(args[0]), args[1]),
    shuffleLabels: (args) => lines.shuffleLabels(Int32Array.from(args[0]), args[1]),
    shuffleLabelsPlain: (args) => lines.shuffleLabels(args[0], args[1])
  };
  return { results: task.cases.map((c) => caught(() => calls[c.call](c.args))) };
}

/* A module in a bare context, as a Web Worker has it (no window, module or require), from its
 * file and again from its own moduleSource(); with one call that uses it. */
function bare(task) {
  const [file, globalName] = MODULES[task.module];
  const found = [];
  let source = fs.readFileSync(path.join(VIZ, file), "utf8");
  for (const how of ["file", "moduleSource"]) {
    const context = vm.createContext({ atob, btoa, TextEncoder, TextDecoder });
    vm.runInContext(source, context);
    const api = context[globalName];
    let probe = null;
    if (api && task.probe) probe = vm.runInContext(task.probe, context);
    found.push({ how, names: api ? Object.keys(api).sort() : null, probe });
    if (api) source = api.moduleSource();
  }
  return { found };
}

const TASKS = { rng, makeLines, lineErrors, bare };

const [taskFile, resultFile] = process.argv.slice(2);
const task = JSON.parse(fs.readFileSync(taskFile, "utf8"));
fs.writeFileSync(resultFile, JSON.stringify(TASKS[task.task](task)));
