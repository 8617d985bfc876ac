/* Runs cnnexplain/viz/network.js for tests/test_network_js.py, in Node.
 *
 *   node network_driver.js task.json result.json
 *
 * The task's "task" field names what to do (TASKS below); arrays travel as plain JSON numbers.
 * The result is JSON too.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const MODULE = path.join(__dirname, "..", "cnnexplain", "viz", "network.js");
const network = require(MODULE);

/* The explorer's network, as the page runs it: every image alone, at every snapshot. */
function explorer(task) {
  const net = network.buildNetwork(task.payload);
  const size = net.inSize, images = Float32Array.from(task.images), n = images.length / size;
  const snapshots = [];
  for (let s = 0; s < net.snapshots.length; s++) {
    const outputs = {};
    net.ops.forEach((op) => { outputs[op.name] = []; });
    outputs.probabilities = [];
    for (let i = 0; i < n; i++) {
      const bufs = net.buffers(), probs = new Float32Array(task.payload.classes.length);
      net.forward(images.subarray(i * size, (i + 1) * size), s, bufs, probs);
      net.ops.forEach((op, k) => outputs[op.name].push(...bufs[k]));
      outputs.probabilities.push(...probs);
    }
    snapshots.push(outputs);
  }
  return { snapshots };
}

/* One forward pass and one backward pass of a small network on a batch: its output, the
 * gradients of its input and of its parameters, and its tensors afterwards (running statistics). */
function gradients(task) {
  return {
    results: task.cases.map((c) => {
      const model = new network.Model(c.network);
      const T = {}, G = {};
      Object.keys(c.tensors).forEach((name) => { T[name] = Float32Array.from(c.tensors[name]); });
      model.parameters().forEach((name) => { G[name] = new Float32Array(T[name].length); });
      const masks = {};
      Object.keys(c.masks || {}).forEach((name) => { masks[name] = Uint8Array.from(c.masks[name]); });
      const outs = model.forward(Float32Array.from(c.x), c.N, T, { training: c.training, masks });
      const dx = model.backward(Float32Array.from(c.dy), T, G, true);
      const plain = (dict) => Object.fromEntries(Object.entries(dict).map(([k, v]) => [k, Array.from(v)]));
      return { out: Array.from(outs[outs.length - 1]), dx: Array.from(dx), grads: plain(G), tensors: plain(T) };
    })
  };
}

/* Loss and right answers of a network at inference (Trainer.evaluate), on a batch. */
function evaluate(task) {
  const tensors = Object.fromEntries(Object.entries(task.tensors).map(([k, v]) => [k, Float32Array.from(v)]));
  const trainer = new network.Trainer(task.network, tensors, { type: "sgd", lr: 0.1 });
  return trainer.evaluate(Float32Array.from(task.images), task.labels, task.labels.length);
}

/* Calls that must fail: a Trainer built and stepped once with each case's arguments. */
function errors(task) {
  return {
    results: task.cases.map((c) => {
      try {
        const tensors = Object.fromEntries(Object.entries(c.tensors).map(([k, v]) => [k, Float32Array.from(v)]));
        const trainer = new network.Trainer(c.network, tensors, c.optimizer);
        const masks = Object.fromEntries(Object.entries(c.masks || {}).map(([k, v]) => [k, Uint8Array.from(v)]));
        trainer.step(Float32Array.from(c.images), c.labels, c.N, { masks });
        return { error: null };
      } catch (e) {
        return { error: e.name + ": " + e.message };
      }
    })
  };
}

/* The module in bare contexts, as a Web Worker has it: no window, document, module or require.
 * Loaded from its file, then again from its own moduleSource(). */
function bare() {
  const found = [];
  let source = fs.readFileSync(MODULE, "utf8");
  for (const how of ["file", "moduleSource"]) {
    const context = vm.createContext({ atob: atob });
    vm.runInContext(source, context);
    const api = context.cnnexplainNetwork;
    found.push({ how, names: api ? Object.keys(api).sort() : null });
    if (api) source = api.moduleSource();
  }
  return { found };
}

const TASKS = { explorer, gradients, evaluate, errors, bare };

const [taskFile, resultFile] = process.argv.slice(2);
const task = JSON.parse(fs.readFileSync(taskFile, "utf8"));
fs.writeFileSync(resultFile, JSON.stringify(TASKS[task.task](task)));
