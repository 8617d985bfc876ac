/* cnnexplain lab worker: one training run of the lab, in a Web Worker.
 *
 * The lab's page (lab.js) starts one worker per run from a Blob made of the text of network.js,
 * lines.js, kernel_tests.js, history_writer.js and this file (a page opened from file:// may not
 * start a worker from a file), so that training never blocks the page. Nothing here touches a
 * page. The worker draws its data with lines.js, starts the network with PyTorch's default
 * initializers (uniform within 1/sqrt(fan_in), drawn from its own seeded generator: the same
 * distribution as PyTorch's, not its numbers), trains it with network.js's Trainer as
 * cnnexplain.train() does (each epoch's order drawn as train() draws it, torch.randperm from
 * the training seed, the last batch partial; the metrics of epoch 0 measured before training),
 * and reports back after every batch.
 *
 * Messages in:  {type: "start", settings, network}    build the data and the network
 *               {type: "run"} | {type: "pause"} | {type: "step"}
 *               {type: "download"}                    the run so far as .safetensors bytes
 *               {type: "open", bytes}                 read a saved history (readHistory)
 * Messages out: {type: "ready" | "batch" | "epoch" | "done" | "history" | "opened" | "error", ...}
 */
(function cnnexplainLabWorker(self) {
  "use strict";

  var network = self.cnnexplainNetwork;

  // -- the data modules, whichever way they define themselves -----------------------------------
  /* lines.js, kernel_tests.js and history_writer.js, by the globals they define. */
  function dataModules() {
    var lines = self.cnnexplainLines, tests = self.cnnexplainKernelTests, history = self.cnnexplainHistory;
    if (!lines || !tests || !history) throw new Error("the lab's data modules are missing from the worker");
    return { lines: lines, tests: tests, history: history };
  }

  // -- a seeded generator (mulberry32): the worker's initial weights, batch orders, dropout ------
  function generator(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /* The streams of one seed: the same seed gives two runs the same start, batches and dropout.
   * The order of the images is train()'s own (PyTorch's generator, lines.js); the start and the
   * dropout masks come from the worker's generator. */
  function streams(seed) {
    return {
      init: generator(seed * 4 + 1),
      order: dataModules().lines.torchGenerator(seed),
      dropout: generator(seed * 4 + 3)
    };
  }

  // -- the network's start -----------------------------------------------------------------------
  /* PyTorch's defaults for Conv2d and Linear: weight and bias uniform in +-1/sqrt(fan_in). */
  function initialTensors(description, random) {
    var tensors = {};
    description.layers.forEach(function (layer) {
      if (!layer.weight) return;
      var shape = description.tensors.filter(function (t) { return t.name === layer.weight; })[0].shape;
      var fanIn = network.product(shape.slice(1)), bound = 1 / Math.sqrt(fanIn);
      [layer.weight, layer.bias].forEach(function (name) {
        if (!name) return;
        var t = description.tensors.filter(function (d) { return d.name === name; })[0];
        var values = new Float32Array(network.product(t.shape));
        for (var i = 0; i < values.length; i++) values[i] = (2 * random() - 1) * bound;
        tensors[name] = values;
      });
    });
    return tensors;
  }

  // -- a run -------------------------------------------------------------------------------------
  function Run(settings, description) {
    var m = dataModules();
    this.settings = settings;
    this.description = description;
    this.firstConv = description.layers.filter(function (l) { return l.type === "conv2d"; })[0];
    var data = m.lines.makeLines({
      nPerClass: settings.nPerClass, size: settings.size, seed: settings.dataSeed, task: settings.task
    });
    var split = m.lines.splitLines(data, { testFraction: settings.testFraction, seed: settings.dataSeed });
    this.train = split.train;
    this.val = split.test;
    this.classes = data.classes;
    this.trueLabels = this.train.labels;
    if (settings.shuffled) this.train = copyWith(this.train, m.lines.shuffleLabels(this.train.labels, settings.seed));
    this.rowSize = data.size * data.size;
    this.random = streams(settings.seed);
    this.trainer = new network.Trainer(description, initialTensors(description, this.random.init), settings.optimizer);
    this.kernelSize = this.firstConv.kernel[0];
    this.start = this.kernels();
    this.stepsPerEpoch = Math.ceil(this.train.n / settings.batchSize);
    this.epoch = 0;
    this.batch = 0;
    this.step = 0;
    this.order = null;
    this.batchImages = new Float32Array(settings.batchSize * this.rowSize);
    this.batchLabels = new Int32Array(settings.batchSize);
    this.snapshots = [{ epoch: 0, batch: 0, tensors: this.copyTensors() }];
    this.metrics = [this.measure(null)];
    this.losses = [];
  }

  function copyWith(set, labels) {
    return { images: set.images, labels: labels, n: set.n, size: set.size, classes: set.classes, config: set.config };
  }

  Run.prototype.kernels = function () {
    return Float32Array.from(this.trainer.tensors[this.firstConv.weight]);
  };

  Run.prototype.copyTensors = function () {
    var out = {}, tensors = this.trainer.tensors;
    Object.keys(tensors).forEach(function (name) { out[name] = Float32Array.from(tensors[name]); });
    return out;
  };

  /* The metrics of an epoch as train() records them: the training loss and accuracy of its
   * batches (before training: of the whole training set), then the validation set's. */
  Run.prototype.measure = function (fromBatches) {
    var self = this;
    function evaluate(set) {
      var chunk = 120, loss = 0, correct = 0;
      for (var at = 0; at < set.n; at += chunk) {
        var N = Math.min(chunk, set.n - at);
        var r = self.trainer.evaluate(set.images.subarray(at * self.rowSize, (at + N) * self.rowSize), set.labels.subarray(at, at + N), N);
        loss += r.loss * N; correct += r.correct;
      }
      return { loss: loss / set.n, accuracy: correct / set.n };
    }
    var train = fromBatches || evaluate(this.train), val = evaluate(this.val);
    return { train_loss: train.loss, train_accuracy: train.accuracy, val_loss: val.loss, val_accuracy: val.accuracy };
  };

  /* The site's edge test of every first-layer kernel (and, with withPreference, its class
   * preference on the validation images), as kernel_tests.js ports them. */
  Run.prototype.verdicts = function (withPreference) {
    var m = dataModules(), w = this.trainer.tensors[this.firstConv.weight], k = this.kernelSize;
    var tolerance = this.settings.tolerance;
    var out = m.tests.edgeTests(w, k).map(function (edge) {
      return { score: edge.score, isEdge: !!edge.isEdge, way: way(edge.angle, tolerance) };
    });
    if (withPreference) {
      var b = this.firstConv.bias ? this.trainer.tensors[this.firstConv.bias] : new Float32Array(out.length);
      var preference = m.tests.classPreference({
        kernels: w, biases: b, k: k, images: this.val.images, labels: this.val.labels, n: this.val.n, size: this.val.size
      });
      out.forEach(function (entry, i) { entry.preference = preference.index[i]; entry.clear = !!preference.clear[i]; });
    }
    return out;
  };

  /* EdgeMatch.way: vertical within `tolerance` degrees of 0, horizontal of 90, else diagonal. */
  function way(angle, tolerance) {
    if (!(angle === angle)) return null;
    var apart = function (a, b) { var d = Math.abs(a - b) % 180; return Math.min(d, 180 - d); };
    if (apart(angle, 0) <= tolerance) return "vertical";
    if (apart(angle, 90) <= tolerance) return "horizontal";
    return "diagonal";
  }

  /* One batch of training; returns what the page needs to redraw. */
  Run.prototype.stepOnce = function () {
    var s = this.settings;
    if (this.batch === 0) {
      this.order = this.random.order.randperm(this.train.n);
      this.epochLoss = 0;
      this.epochCorrect = 0;
    }
    var from = this.batch * s.batchSize, N = Math.min(s.batchSize, this.train.n - from);
    var indices = this.order.subarray(from, from + N);
    network.gatherRows(this.train.images, this.rowSize, indices, this.batchImages);
    for (var i = 0; i < N; i++) this.batchLabels[i] = this.train.labels[indices[i]];
    var result = this.trainer.step(this.batchImages, this.batchLabels, N, { random: this.random.dropout });
    this.epochLoss += result.loss * N;
    this.epochCorrect += result.correct;
    this.batch += 1;
    this.step += 1;
    this.losses.push(result.loss);
    var message = { type: "batch", step: this.step, epoch: this.epoch + this.batch / this.stepsPerEpoch, loss: result.loss };
    if (this.batch === this.stepsPerEpoch) {
      this.epoch += 1;
      this.batch = 0;
      var metrics = this.measure({ loss: this.epochLoss / this.train.n, accuracy: this.epochCorrect / this.train.n });
      this.metrics.push(metrics);
      this.snapshots.push({ epoch: this.epoch, batch: this.stepsPerEpoch, tensors: this.copyTensors() });
      message.metrics = metrics;
      message.completedEpoch = this.epoch;
    }
    message.kernels = this.kernels();
    message.verdicts = this.verdicts(!!message.metrics);
    return message;
  };

  Run.prototype.done = function () {
    return this.epoch >= this.settings.epochs;
  };

  /* The run as train() records it, as the bytes of its .safetensors history. */
  Run.prototype.historyBytes = function () {
    var m = dataModules(), s = this.settings, params = {}, metrics = {};
    this.description.tensors.forEach(function (t) { params[t.name] = t.shape; });
    this.metrics.forEach(function (row) {
      Object.keys(row).forEach(function (name) { (metrics[name] = metrics[name] || []).push(row[name]); });
    });
    var config = m.history.runConfig({
      version: s.version,
      trainSet: this.train.config,
      valSet: this.val.config,
      model: s.modelConfig,
      training: {
        epochs: s.epochs, completedEpochs: this.epoch, batchSize: s.batchSize, lr: s.optimizer.lr, seed: s.seed,
        record: "epoch", optimizer: s.optimizer.type, nTrain: this.train.n, nVal: this.val.n,
        batchesPerEpoch: this.stepsPerEpoch
      }
    });
    return m.history.writeHistory({
      params: params,
      snapshots: this.snapshots.map(function (snap) { return { step: [snap.epoch, snap.batch], tensors: snap.tensors }; }),
      metrics: metrics,
      config: config
    });
  };

  /* A saved history, as the page shows a run: its first layer at the first and last snapshot,
   * the edge test of the last one's kernels, its metrics. */
  function openHistory(bytes, tolerance) {
    var m = dataModules(), h = m.history.readHistory(bytes);
    var name = h.paramNames.filter(function (n) { return h.params[n].shape.length === 5 && h.params[n].dtype === "F32"; })[0];
    if (!name) throw new Error("the history holds no convolution weight in float32");
    var p = h.params[name], shape = p.shape, per = shape[1] * shape[2] * shape[3] * shape[4];
    if (shape[2] !== 1 || shape[3] !== shape[4]) throw new Error(name + " is not a layer of square kernels on one channel");
    var side = shape[3], last = p.data.slice((shape[0] - 1) * per, shape[0] * per), verdicts = [];
    for (var i = 0; i < shape[1]; i++) {
      var edge = m.tests.edgeTest(last.subarray(i * side * side, (i + 1) * side * side), side);
      verdicts.push({ score: edge.score, isEdge: !!edge.isEdge, way: way(edge.angle, tolerance) });
    }
    var rows = [], n = h.steps.length;
    for (var e = 0; e < (h.metrics.val_accuracy || h.metrics.train_accuracy || []).length; e++) {
      rows.push({ val_accuracy: (h.metrics.val_accuracy || h.metrics.train_accuracy)[e] });
    }
    var dataset = h.config && h.config.dataset;
    return {
      name: name, steps: n, metrics: rows, verdicts: verdicts,
      classes: dataset && Array.isArray(dataset.orientations) ? dataset.orientations.map(String) : [],
      firstLayer: { side: side, first: p.data.slice(0, per), last: last }
    };
  }

  // -- the message loop -----------------------------------------------------------------------
  var run = null, running = false, ticking = false;

  function fail(err) {
    running = false;
    self.postMessage({ type: "error", message: String((err && err.message) || err) });
  }

  function post(message) {
    var transfer = message.kernels ? [message.kernels.buffer] : [];
    self.postMessage(message, transfer);
  }

  /* One batch per turn of the event loop, so that "pause" and "download" get through. */
  function tick() {
    ticking = false;
    if (!running || !run) return;
    try {
      post(run.stepOnce());
      if (run.done()) {
        running = false;
        self.postMessage({ type: "done", epochs: run.epoch });
        return;
      }
    } catch (err) {
      fail(err);
      return;
    }
    schedule();
  }

  /* The next turn of the event loop through a MessageChannel: setTimeout(0) would be clamped to
   * 4 ms once nested, which is 2.4 s over the 600 batches of the default run. */
  var channel = typeof MessageChannel === "function" ? new MessageChannel() : null;
  if (channel) channel.port1.onmessage = tick;

  function schedule() {
    if (ticking) return;
    ticking = true;
    if (channel) channel.port2.postMessage(null);
    else setTimeout(tick, 0);
  }

  var handlers = {
    start: function (data) {
      run = new Run(data.settings, data.network);
      self.postMessage({
        type: "ready", kernels: run.kernels(), start: run.start, verdicts: run.verdicts(true), metrics: run.metrics[0],
        stepsPerEpoch: run.stepsPerEpoch, nTrain: run.train.n, nVal: run.val.n, classes: run.classes
      });
    },
    run: function () { if (run && !run.done()) { running = true; schedule(); } },
    pause: function () { running = false; },
    step: function () {
      if (!run || run.done()) return;
      running = false;
      post(run.stepOnce());
      if (run.done()) self.postMessage({ type: "done", epochs: run.epoch });
    },
    download: function () {
      var bytes = run.historyBytes();
      self.postMessage({ type: "history", bytes: bytes }, [bytes.buffer]);
    },
    open: function (data) {
      self.postMessage({ type: "opened", history: openHistory(new Uint8Array(data.bytes), data.tolerance) });
    }
  };

  self.onmessage = function (event) {
    var data = event.data || {};
    if (!Object.prototype.hasOwnProperty.call(handlers, data.type)) return fail("unknown message " + data.type);
    try {
      handlers[data.type](data);
    } catch (err) {
      fail(err);
    }
  };
})(self);
