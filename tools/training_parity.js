/* A parity case of tools/training_parity.py, trained by cnnexplain/viz/network.js.
 *
 * The case (training_parity.case_json): the network's description and initial tensors, the
 * images and labels, the images of each step's mini-batch, each step's dropout masks and the
 * optimizer. runParityCase(network, case) trains it step by step with network.js's Trainer and
 * returns {losses: [the loss of every step], tensors: {name: [values at the end]}, ms}.
 *
 * In Node:          node training_parity.js case.json result.json [network.js]
 * In a Web Worker:  after network.js's moduleSource() in the worker's script; it defines
 *                   runParityCase on the worker's global object (tools/training_check.py).
 */
(function (root) {
  "use strict";

  function bytes(text) {
    var binary = atob(text), out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  function now() {
    return typeof performance !== "undefined" ? performance.now() : Date.now();
  }

  function runParityCase(network, testCase) {
    var input = testCase.network.input, rowSize = input.channels * input.height * input.width;
    var images = network.decodeFloat32(testCase.images, "images");
    var tensors = {};
    Object.keys(testCase.tensors).forEach(function (name) {
      tensors[name] = network.decodeFloat32(testCase.tensors[name], name);
    });
    var trainer = new network.Trainer(testCase.network, tensors, testCase.optimizer);
    var masks = {};
    Object.keys(testCase.masks).forEach(function (name) { masks[name] = bytes(testCase.masks[name]); });
    var steps = testCase.batches.length, losses = [], start = now();
    for (var s = 0; s < steps; s++) {
      var indices = testCase.batches[s], N = indices.length;
      var batch = network.gatherRows(images, rowSize, indices);
      var labels = indices.map(function (i) { return testCase.labels[i]; });
      var stepMasks = {};
      Object.keys(masks).forEach(function (name) {
        var per = masks[name].length / steps;
        stepMasks[name] = masks[name].subarray(s * per, (s + 1) * per);
      });
      losses.push(trainer.step(batch, labels, N, { masks: stepMasks }).loss);
    }
    var ms = now() - start, out = {};
    Object.keys(trainer.tensors).forEach(function (name) { out[name] = Array.from(trainer.tensors[name]); });
    return { losses: losses, tensors: out, ms: ms };
  }

  if (typeof module === "object" && module && module.exports) {
    module.exports = runParityCase;
    if (require.main === module) {
      var fs = require("fs"), path = require("path");
      var args = process.argv.slice(2);
      var network = require(args[2] || path.join(__dirname, "..", "cnnexplain", "viz", "network.js"));
      var result = runParityCase(network, JSON.parse(fs.readFileSync(args[0], "utf8")));
      fs.writeFileSync(args[1], JSON.stringify(result));
    }
  } else {
    root.runParityCase = runParityCase;
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
