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

/* train()'s mini-batches: per case, a torch generator of the seed and one randperm per epoch. */
function batches(task) {
  const lines = load("lines");
  return {
    results: task.cases.map((c) => {
      const g = lines.torchGenerator(c.seed);
      return Array.from({ length: c.epochs }, () => lines.batchesOf(g.randperm(c.n), c.batchSize).map((b) => Array.from(b)));
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

// -- history_writer.js -----------------------------------------------------------------------
/* writeHistory on a run given as JSON, its snapshots' tensors as raw float32 files. */
function writeRun(task) {
  const history = load("history_writer");
  const run = task.run;
  const snapshots = run.snapshots.map((s) => ({
    step: s.step,
    tensors: Object.fromEntries(Object.entries(s.tensors).map(([name, file]) => [name, readRaw(task.folder, file, Float32Array)]))
  }));
  const bytes = history.writeHistory({ ...run, snapshots });
  return { file: writeRaw(task.folder, task.output, bytes) };
}

/* A short training run in Node: lines.js's data, network.js's Trainer, history_writer.js's file.
 * Records the weights before training and after each epoch, and train()'s metrics. */
function trainRun(task) {
  const lines = load("lines"), history = load("history_writer");
  const network = require(path.join(VIZ, "network.js"));
  const data = lines.makeLines(task.data);
  const { train, test } = lines.splitLines(data, task.split);
  const tensors = Object.fromEntries(Object.entries(task.tensors).map(([k, v]) => [k, Float32Array.from(v)]));
  const optimizer = task.optimizer;
  const trainer = new network.Trainer(task.network, tensors, optimizer);
  const pixels = data.size * data.size, batch = task.batchSize, rng = lines.defaultRng(task.seed);
  const shuffling = lines.torchGenerator(task.seed); // train()'s batch order
  const shapes = Object.fromEntries(task.params.map((name) => [name, task.network.tensors.find((t) => t.name === name).shape]));
  const copy = () => Object.fromEntries(task.params.map((name) => [name, Float32Array.from(trainer.tensors[name])]));
  const measure = (part) => trainer.evaluate(part.images, part.labels, part.n);
  const metrics = { train_loss: [], train_accuracy: [], val_loss: [], val_accuracy: [] };
  const record = (trainResult) => {
    const val = measure(test);
    metrics.train_loss.push(trainResult.loss);
    metrics.train_accuracy.push(trainResult.correct / train.n);
    metrics.val_loss.push(val.loss);
    metrics.val_accuracy.push(val.correct / test.n);
  };
  const snapshots = [{ step: [0, 0], tensors: copy() }];
  record(measure(train));
  const batches = Math.ceil(train.n / batch);
  for (let epoch = 1; epoch <= task.epochs; epoch++) {
    let lossSum = 0, correct = 0;
    for (const indices of lines.batchesOf(shuffling.randperm(train.n), batch)) {
      const images = network.gatherRows(train.images, pixels, indices);
      const labels = Array.from(indices, (i) => train.labels[i]);
      const result = trainer.step(images, labels, indices.length, { random: () => rng.random(1)[0] });
      lossSum += result.loss * indices.length;
      correct += result.correct;
    }
    snapshots.push({ step: [epoch, batches], tensors: copy() });
    record({ loss: lossSum / train.n, correct });
  }
  const config = history.runConfig({
    version: task.version, trainSet: train.config, valSet: test.config, model: task.model,
    training: {
      epochs: task.epochs, batchSize: batch, lr: optimizer.lr, seed: task.seed, optimizer: optimizer.type,
      nTrain: train.n, nVal: test.n, batchesPerEpoch: batches, device: "browser"
    }
  });
  const bytes = history.writeHistory({ params: shapes, snapshots, metrics, config });
  const weights = {};
  task.params.forEach((name) => {
    const all = new Float32Array(snapshots.length * snapshots[0].tensors[name].length);
    snapshots.forEach((s, i) => all.set(s.tensors[name], i * s.tensors[name].length));
    weights[name] = writeRaw(task.folder, `weights-${name}.f32`, all);
  });
  return { file: writeRaw(task.folder, task.output, bytes), weights, metrics, config };
}

/* readHistory on every file of a folder: its outcome, and what it read when it accepted it. */
function readFiles(task) {
  const history = load("history_writer");
  const digest = (typed) => {
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    return require("crypto").createHash("sha256").update(bytes).digest("hex");
  };
  return {
    results: task.files.map((file) => {
      const bytes = new Uint8Array(fs.readFileSync(path.join(task.folder, file)));
      try {
        const h = history.readHistory(bytes, task.options);
        return {
          loaded: {
            params: h.paramNames.map((n) => [n, h.params[n].dtype, h.params[n].shape, digest(h.params[n].data)]),
            metrics: h.metricNames.map((n) => [n, digest(h.metrics[n])]),
            steps: h.steps, config: h.config, version: h.version
          }
        };
      } catch (e) {
        if (!(e instanceof Error)) return { other: String(e) };
        return { error: e.name + ": " + e.message };
      }
    })
  };
}

/* Calls of the writer that must fail. */
function writerErrors(task) {
  const history = load("history_writer");
  const typed = (run) => ({
    ...run,
    snapshots: run.snapshots && run.snapshots.map((s) => ({
      step: s.step, tensors: Object.fromEntries(Object.entries(s.tensors || {}).map(([k, v]) => [k, Array.isArray(v) ? Float32Array.from(v) : v]))
    }))
  });
  return { results: task.cases.map((c) => caught(() => (c.call === "runConfig" ? history.runConfig(c.args) : history.writeHistory(typed(c.args))))) };
}

// -- kernel_tests.js -------------------------------------------------------------------------
/* edgeTests on each case's kernels (a raw float64 file of kernels of side k). */
function edgeTests(task) {
  const tests = load("kernel_tests");
  return {
    results: task.cases.map((c, i) => {
      const found = tests.edgeTests(readRaw(task.folder, c.kernels, Float64Array), c.k);
      const column = (key) => writeRaw(task.folder, `edge-${i}-${key}.f64`, Float64Array.from(found, (r) => Number(r[key])));
      return {
        share: column("share"), smooth: column("smooth"), line: column("line"), angle: column("angle"),
        score: column("score"), isEdge: found.map((r) => r.isEdge), flat: found.map((r) => r.flat)
      };
    })
  };
}

/* classPreference of each case's kernels and biases on its images (raw float32 files). */
function classPreference(task) {
  const tests = load("kernel_tests");
  return {
    results: task.cases.map((c, i) => {
      const found = tests.classPreference({
        kernels: readRaw(task.folder, c.kernels, Float32Array), biases: readRaw(task.folder, c.biases, Float32Array),
        k: c.k, images: readRaw(task.folder, c.images, Float32Array), labels: Int32Array.from(c.labels), n: c.labels.length, size: c.size
      });
      return { index: writeRaw(task.folder, `index-${i}.f64`, found.index), means: found.means, clear: found.clear };
    })
  };
}

/* Calls of kernel_tests.js that must fail. */
function kernelErrors(task) {
  const tests = load("kernel_tests");
  return {
    results: task.cases.map((c) => caught(() => {
      if (c.call === "edgeTest") return tests.edgeTest(c.args[0], c.args[1]);
      const s = { ...c.args };
      ["kernels", "biases", "images"].forEach((key) => { if (Array.isArray(s[key])) s[key] = Float32Array.from(s[key]); });
      return tests.classPreference(s);
    }))
  };
}

const TASKS = {
  rng, batches, makeLines, lineErrors, bare, writeRun, trainRun, readFiles, writerErrors, edgeTests, classPreference, kernelErrors
};

const [taskFile, resultFile] = process.argv.slice(2);
const task = JSON.parse(fs.readFileSync(taskFile, "utf8"));
// A BigInt (an integer beyond 2^53 that readHistory keeps exact) travels as "BigInt:<digits>".
const bigints = (key, value) => (typeof value === "bigint" ? "BigInt:" + value : value);
fs.writeFileSync(resultFile, JSON.stringify(TASKS[task.task](task), bigints));
