/* cnnexplain lab: the widgets of the lab (cnnexplain/viz/lab.py), which trains in Web Workers.
 *
 * Written for this project, no dependency. The page only draws: every run trains in a worker
 * (lab_worker.js), started from a Blob of the worker modules the page holds as text, and posts
 * back after every batch; the page keeps the newest message of each run and draws it at the
 * next animation frame. Everything from the payload, a setting or a loaded file reaches the page
 * as text (textContent, never innerHTML) or as numbers drawn on a canvas.
 *
 * Each lab is an element [data-cnnexplain-lab]; its property `cnnexplain` offers set(settings),
 * run(), pause(), step(), reset(), state() and stats (batches received, redraws), for the
 * site's checks and for scripting.
 */
(function () {
  "use strict";

  var RUNS = ["a", "b"];
  var RUN_COLOURS = { a: "#1f77b4", b: "#d9480f" };
  var OPEN_TIMEOUT_MS = 10000;
  var MAX_OPEN_BYTES = 64 * 1024 * 1024;

  // -- small DOM helpers (text only) ----------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function formatNumber(value, digits) {
    return typeof value === "number" && isFinite(value) ? value.toFixed(digits) : "–";
  }

  function percent(value) {
    return typeof value === "number" && isFinite(value) ? (100 * value).toFixed(1) + "%" : "–";
  }

  /* Python's round(): halves to even, as LineDataset.split counts its test images. */
  function roundHalfEven(x) {
    var r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  // -- settings and their checks ------------------------------------------------------------------
  /* The fields: shared by both runs, or one per run. Each check returns an error text or "". */
  function fieldSpecs(payload) {
    var limits = payload.limits;
    function wholeNumber(name, low, high) {
      return function (text) {
        var v = Number(text);
        if (text.trim() === "" || !Number.isInteger(v)) return name + " must be a whole number.";
        if (v < low || (high != null && v > high)) {
          return name + " must lie between " + low + " and " + high + ".";
        }
        return "";
      };
    }
    return {
      shared: [
        { key: "seed", label: "Seed", kind: "number", check: wholeNumber("The seed", limits.seed[0], limits.seed[1]) },
        { key: "task", label: "Task", kind: "select", options: payload.tasks.map(function (t) { return [t.name, t.label]; }) },
        { key: "n_kernels", label: "First-layer kernels", kind: "select", options: payload.kernel_counts.map(function (k) { return [String(k), String(k)]; }) },
        { key: "batch_size", label: "Batch size", kind: "number", check: null },
        { key: "epochs", label: "Epochs", kind: "number", check: wholeNumber("Epochs", limits.epochs[0], limits.epochs[1]) }
      ],
      run: [
        { key: "optimizer", label: "Optimizer", kind: "select", options: [["adam", "Adam"], ["sgd", "SGD"]] },
        {
          key: "lr", label: "Learning rate", kind: "text",
          check: function (text) {
            var v = Number(text);
            if (text.trim() === "" || !isFinite(v)) return "The learning rate must be a number, such as 0.001.";
            if (!(v > 0)) return "The learning rate must be above 0.";
            if (v < limits.lr[0] || v > limits.lr[1]) return "The learning rate must lie between " + limits.lr[0] + " and " + limits.lr[1] + ".";
            return "";
          }
        },
        { key: "shuffled", label: "Shuffled labels", kind: "checkbox" }
      ]
    };
  }

  function trainingImages(payload, settings) {
    var task = payload.tasks.filter(function (t) { return t.name === settings.task; })[0];
    var perClass = payload.defaults.n_per_class;
    return task.orientations.length * (perClass - roundHalfEven(payload.defaults.test_fraction * perClass));
  }

  function batchCheck(payload, lab) {
    return function (text) {
      var v = Number(text), n = trainingImages(payload, lab.readShared());
      if (text.trim() === "" || !Number.isInteger(v)) return "The batch size must be a whole number.";
      if (v < 1) return "The batch size must be at least 1.";
      if (v > n) return "The batch size must be at most the " + n + " training images.";
      return "";
    };
  }

  // -- drawing --------------------------------------------------------------------------------------
  function colourTable(hex) {
    var table = [];
    for (var i = 0; i < hex.length; i += 6) table.push("#" + hex.slice(i, i + 6));
    return table;
  }

  /* Kernels (k of side x side values, in a row or two) at a fixed scale [-vmax, vmax]. */
  function drawKernels(canvas, values, side, vmax, colours) {
    var k = values.length / (side * side), perRow = Math.min(k, 8), rows = Math.ceil(k / perRow);
    var cell = Math.floor(canvas.width / (perRow * (side + 1))), ctx = canvas.getContext("2d");
    var height = rows * (side + 1) * cell;
    if (canvas.height !== height) canvas.height = height;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (var i = 0; i < k; i++) {
      var x0 = (i % perRow) * (side + 1) * cell, y0 = Math.floor(i / perRow) * (side + 1) * cell;
      for (var p = 0; p < side * side; p++) {
        var v = Math.max(-1, Math.min(1, values[i * side * side + p] / vmax));
        ctx.fillStyle = colours[Math.round((v + 1) / 2 * (colours.length - 1))];
        ctx.fillRect(x0 + (p % side) * cell, y0 + Math.floor(p / side) * cell, cell, cell);
      }
    }
  }

  /* Loss per batch (left) and test accuracy per epoch (right), every run in its colour. The
   * canvas takes the width it is shown at, in device pixels, so that its text keeps its size. */
  function drawCurves(canvas, runs, ink, shown) {
    var dpr = window.devicePixelRatio || 1;
    var W = shown || 640, H = 200, half = W / 2, pad = 28;
    if (canvas.width !== Math.round(W * dpr)) { canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr); }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = ink; ctx.fillStyle = ink; ctx.font = "12px system-ui, sans-serif"; ctx.lineWidth = 1;
    [["loss, per batch", 0], ["test accuracy", half]].forEach(function (panel) {
      ctx.strokeRect(panel[1] + pad, 8, half - pad - 8, H - pad - 8);
      ctx.fillText(panel[0], panel[1] + pad, H - 8);
    });
    ctx.fillText("0", 4, H - pad); ctx.fillText("100%", half + 0, 18); ctx.fillText("0%", half + 6, H - pad);
    var maxLoss = 0, maxSteps = 1, maxEpochs = 1;
    runs.forEach(function (r) {
      r.losses.forEach(function (l) { if (isFinite(l) && l > maxLoss) maxLoss = l; });
      maxSteps = Math.max(maxSteps, r.totalSteps || r.losses.length);
      maxEpochs = Math.max(maxEpochs, r.epochs || r.accuracy.length - 1);
    });
    ctx.fillText(maxLoss ? maxLoss.toFixed(2) : "", 2, 18);
    var plotH = H - pad - 16;
    runs.forEach(function (r) {
      ctx.strokeStyle = r.colour; ctx.lineWidth = 1.5;
      ctx.beginPath();
      r.losses.forEach(function (l, i) {
        var x = pad + 1 + (half - pad - 10) * (i + 1) / maxSteps, y = 9 + plotH * (1 - (isFinite(l) ? l : maxLoss) / (maxLoss || 1));
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
      ctx.beginPath();
      r.accuracy.forEach(function (a, e) {
        var x = half + pad + 1 + (half - pad - 10) * e / maxEpochs, y = 9 + plotH * (1 - a);
        if (e === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    });
  }

  // -- one lab ------------------------------------------------------------------------------------
  function Lab(root) {
    this.root = root;
    this.payload = JSON.parse(root.querySelector(".cnnexplain-lab-data").textContent);
    this.colours = colourTable(this.payload.colormap);
    this.stats = { batches: 0, redraws: 0 };
    this.runs = {};
    this.fields = {};
    this.source = null;
    this.build();
    this.reset();
    var self = this;
    root.cnnexplain = {
      /* Fill in settings by key ("seed", "a.lr", "b.enabled", ...); true if all are valid. */
      set: function (settings) { return self.set(settings); },
      restoreDefaults: function () { return self.restoreDefaults(); },
      /* The input of a setting, by key. */
      field: function (key) { return self.fields[key] ? self.fields[key].input : null; },
      run: function () { return self.run(); },
      pause: function () { self.pause(); },
      step: function () { return self.step(); },
      reset: function () { self.reset(); },
      state: function () { return self.state(); },
      /* The first-layer kernels a run shows now (a copy). */
      kernels: function (run) { return self.runs[run].latest ? Float32Array.from(self.runs[run].latest) : null; },
      /* How many training images the shared settings give. */
      trainingImages: function () { return trainingImages(self.payload, self.readShared()); },
      stats: this.stats
    };
  }

  Lab.prototype.workerSource = function () {
    if (this.source) return this.source;
    var parts = [];
    this.root.querySelectorAll("script[data-cnnexplain-lab-module]").forEach(function (s) { parts.push(s.textContent); });
    this.source = URL.createObjectURL(new Blob([parts.join("\n;\n")], { type: "text/javascript" }));
    return this.source;
  };

  Lab.prototype.newWorker = function () {
    return new Worker(this.workerSource());
  };

  // -- building the widget ------------------------------------------------------------------------
  Lab.prototype.build = function () {
    var self = this, specs = fieldSpecs(this.payload), id = this.root.id;
    specs.shared.filter(function (f) { return f.key === "batch_size"; })[0].check = batchCheck(this.payload, this);
    var form = el("form", { className: "lab-settings", novalidate: "" });
    form.addEventListener("submit", function (e) { e.preventDefault(); self.run(); });
    var shared = el("fieldset", { className: "lab-shared" }, [el("legend", { text: "Both runs" })]);
    specs.shared.forEach(function (f) { shared.appendChild(self.field(f, id + "-" + f.key, f.key)); });
    form.appendChild(shared);
    RUNS.forEach(function (run) {
      var box = el("fieldset", { className: "lab-run-settings lab-run-" + run }, [el("legend", { text: "Run " + run.toUpperCase() })]);
      if (run === "b") box.appendChild(self.field({ key: "enabled", label: "Train run B beside run A", kind: "checkbox" }, id + "-b-enabled", "b.enabled"));
      specs.run.forEach(function (f) { box.appendChild(self.field(f, id + "-" + run + "-" + f.key, run + "." + f.key)); });
      form.appendChild(box);
    });
    this.root.appendChild(form);

    var controls = el("div", { className: "lab-controls", role: "group", "aria-label": "Training" });
    this.buttons = {};
    [["run", "Run"], ["pause", "Pause"], ["step", "Step one batch"], ["reset", "Reset"]].forEach(function (b) {
      var button = el("button", { type: "button", text: b[1] });
      button.addEventListener("click", function () { self[b[0]](); });
      self.buttons[b[0]] = button;
      controls.appendChild(button);
    });
    this.root.appendChild(controls);
    this.status = el("p", { className: "lab-status", role: "status", text: "" });
    this.root.appendChild(this.status);

    this.panels = el("div", { className: "lab-panels" });
    RUNS.forEach(function (run) { self.panels.appendChild(self.runPanel(run)); });
    this.root.appendChild(this.panels);
    this.curves = el("canvas", { className: "lab-curves", width: "640", height: "200", role: "img", "aria-label": "Loss per batch and test accuracy per epoch, run A in blue, run B in orange" });
    this.root.appendChild(el("figure", { className: "lab-curve-figure" }, [this.curves, el("figcaption", { text: "Left: the loss of every batch. Right: the share of the held-out test images right after every epoch. Run A blue, run B orange." })]));
    this.root.appendChild(this.filePanel());
    this.root.appendChild(this.experimentPanel());
  };

  /* A labelled input with its message beside it (aria-describedby). */
  Lab.prototype.field = function (spec, id, key) {
    var input, wrap = el("div", { className: "lab-field lab-field-" + spec.kind });
    if (spec.kind === "select") {
      input = el("select", { id: id });
      spec.options.forEach(function (o) { input.appendChild(el("option", { value: o[0], text: o[1] })); });
    } else if (spec.kind === "checkbox") {
      input = el("input", { id: id, type: "checkbox" });
    } else {
      input = el("input", { id: id, type: "text", inputmode: spec.key === "lr" ? "decimal" : "numeric", autocomplete: "off", spellcheck: "false" });
    }
    var message = el("p", { className: "lab-error", id: id + "-error" });
    input.setAttribute("aria-describedby", message.id);
    var label = el("label", { for: id, text: spec.label });
    if (spec.kind === "checkbox") { wrap.appendChild(input); wrap.appendChild(label); } else { wrap.appendChild(label); wrap.appendChild(input); }
    wrap.appendChild(message);
    var self = this;
    input.addEventListener("change", function () { self.validate(); });
    input.addEventListener("input", function () { self.validate(); });
    this.fields[key] = { input: input, message: message, spec: spec };
    return wrap;
  };

  Lab.prototype.runPanel = function (run) {
    var panel = el("section", { className: "lab-run lab-run-" + run, "aria-label": "Run " + run.toUpperCase() });
    var title = el("p", { className: "lab-run-title", text: "Run " + run.toUpperCase() });
    var kernels = el("canvas", { className: "lab-kernels", width: "480", height: "60", role: "img", "aria-label": "The first-layer kernels of run " + run.toUpperCase() });
    var change = el("canvas", { className: "lab-kernels", width: "480", height: "60", role: "img", "aria-label": "The change of each kernel since the start, run " + run.toUpperCase() });
    var scale = el("p", { className: "lab-scale", text: "" });
    var table = el("table", { className: "lab-table" });
    var head = el("tr", {}, ["kernel", "edge test", "score", "prefers", "change"].map(function (h) { return el("th", { scope: "col", text: h }); }));
    table.appendChild(el("thead", {}, [head]));
    var body = el("tbody");
    table.appendChild(body);
    var summary = el("p", { className: "lab-summary", text: "" });
    var download = el("button", { type: "button", text: "Download this run" });
    var self = this;
    download.addEventListener("click", function () { self.download(run); });
    panel.appendChild(title);
    panel.appendChild(el("p", { className: "lab-caption", text: "Kernels now" }));
    panel.appendChild(kernels);
    panel.appendChild(el("p", { className: "lab-caption", text: "Change since the start" }));
    panel.appendChild(change);
    panel.appendChild(scale);
    panel.appendChild(summary);
    panel.appendChild(el("div", { className: "lab-table-wrap", tabindex: "0", role: "region", "aria-label": "Kernels of run " + run.toUpperCase() }, [table]));
    panel.appendChild(download);
    this.runs[run] = { panel: panel, title: title, kernelsCanvas: kernels, changeCanvas: change, scale: scale, body: body, summary: summary, downloadButton: download };
    return panel;
  };

  Lab.prototype.filePanel = function () {
    var self = this, id = this.root.id + "-open";
    var input = el("input", { id: id, type: "file", accept: ".safetensors" });
    this.openMessage = el("p", { className: "lab-error", id: id + "-error", role: "status" });
    input.setAttribute("aria-describedby", this.openMessage.id);
    input.addEventListener("change", function () { if (input.files && input.files[0]) self.open(input.files[0]); input.value = ""; });
    return el("div", { className: "lab-open" }, [el("label", { for: id, text: "Open a saved history (.safetensors)" }), input, this.openMessage]);
  };

  /* The guided experiments: a button that sets them up, and the reader's numbers when done. The
   * site's number, where the page has it (an element #lab-site-<name>), is moved beside them. */
  Lab.prototype.experimentPanel = function () {
    var self = this, box = el("div", { className: "lab-experiments" });
    this.experimentCards = {};
    Object.keys(this.payload.experiments).forEach(function (name) {
      var spec = self.payload.experiments[name];
      var button = el("button", { type: "button", text: "Set up: " + (spec.title || name) });
      var yours = el("p", { className: "lab-yours", text: "Yours: press the button, then Run." });
      button.addEventListener("click", function () { self.setUp(name); });
      var card = el("div", { className: "lab-experiment", "data-experiment": name }, [button, yours]);
      self.experimentCards[name] = { card: card, yours: yours };
      box.appendChild(card);
    });
    // The page's prose comes after the widget's script: move the site's numbers once it is read.
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { self.adoptSiteNumbers(); });
    else this.adoptSiteNumbers();
    return box;
  };

  Lab.prototype.adoptSiteNumbers = function () {
    var cards = this.experimentCards;
    Object.keys(cards).forEach(function (name) {
      var site = document.getElementById("lab-site-" + name);
      if (site && !cards[name].card.contains(site)) cards[name].card.insertBefore(site, cards[name].yours);
    });
  };

  // -- settings ----------------------------------------------------------------------------------
  Lab.prototype.set = function (settings) {
    var fields = this.fields;
    Object.keys(settings).forEach(function (key) {
      var f = fields[key];
      if (!f) throw new RangeError("no setting " + key);
      if (f.spec.kind === "checkbox") f.input.checked = !!settings[key];
      else f.input.value = String(settings[key]);
    });
    return this.validate();
  };

  Lab.prototype.readShared = function () {
    var f = this.fields;
    return {
      seed: Number(f.seed.input.value), task: f.task.input.value, n_kernels: Number(f.n_kernels.input.value),
      batch_size: Number(f.batch_size.input.value), epochs: Number(f.epochs.input.value)
    };
  };

  /* Check every field; show each message beside its field. True when all are good. */
  Lab.prototype.validate = function () {
    var ok = true, fields = this.fields;
    Object.keys(fields).forEach(function (key) {
      var f = fields[key], check = f.spec.check;
      var text = check ? check(f.input.value) : "";
      if (f.spec.kind === "select" && f.input.selectedIndex < 0) text = f.spec.label + ": choose one of the options.";
      if (key.indexOf("b.") === 0 && !fields["b.enabled"].input.checked) text = "";
      f.message.textContent = text;
      if (text) { f.input.setAttribute("aria-invalid", "true"); ok = false; } else f.input.removeAttribute("aria-invalid");
    });
    return ok;
  };

  Lab.prototype.settingsOf = function (run) {
    var shared = this.readShared(), f = this.fields, d = this.payload.defaults;
    var task = this.payload.tasks.filter(function (t) { return t.name === shared.task; })[0];
    var lr = Number(f[run + ".lr"].input.value), type = f[run + ".optimizer"].input.value;
    return {
      run: run, seed: shared.seed, task: task.name, orientations: task.orientations, noise: task.noise,
      nPerClass: d.n_per_class, size: d.size, testFraction: d.test_fraction, dataSeed: d.data_seed,
      nKernels: shared.n_kernels, batchSize: shared.batch_size, epochs: shared.epochs,
      shuffled: f[run + ".shuffled"].input.checked, optimizer: { type: type, lr: lr },
      version: this.payload.cnnexplain_version, modelConfig: modelConfig(this.payload, shared), tolerance: this.payload.tolerance
    };
  };

  /* The payload's key of the network a setting trains: kernels and classes, "8-2". */
  function networkKey(payload, shared) {
    var task = payload.tasks.filter(function (t) { return t.name === shared.task; })[0];
    return shared.n_kernels + "-" + task.orientations.length;
  }

  /* LineCNN's settings as the history records them; its seed is the lab's. */
  function modelConfig(payload, shared) {
    var config = JSON.parse(JSON.stringify(payload.models[networkKey(payload, shared)]));
    config.seed = shared.seed;
    return config;
  }

  Lab.prototype.activeRuns = function () {
    return this.fields["b.enabled"].input.checked ? RUNS : ["a"];
  };

  // -- training ------------------------------------------------------------------------------------
  Lab.prototype.reset = function () {
    var self = this;
    RUNS.forEach(function (run) {
      var r = self.runs[run];
      if (r.worker) r.worker.terminate();
      r.worker = null; r.state = "idle"; r.latest = null; r.start = null; r.losses = []; r.accuracy = [];
      r.verdicts = null; r.metrics = null; r.settings = null; r.loaded = null;
      r.body.textContent = ""; r.summary.textContent = ""; r.scale.textContent = "";
      r.kernelsCanvas.getContext("2d").clearRect(0, 0, r.kernelsCanvas.width, r.kernelsCanvas.height);
      r.changeCanvas.getContext("2d").clearRect(0, 0, r.changeCanvas.width, r.changeCanvas.height);
    });
    if (!this.initialised) {
      this.restoreDefaults();
      this.initialised = true;
    }
    this.setStatus("Ready: choose settings and press Run.");
    this.lockSettings(false);
    this.scheduleDraw();
  };

  /* The settings of train(): run A as the library trains, run B the same on shuffled labels. */
  Lab.prototype.restoreDefaults = function () {
    var d = this.payload.defaults;
    return this.set({
      seed: d.seed, task: d.task, n_kernels: d.n_kernels, batch_size: d.batch_size, epochs: d.epochs,
      "a.optimizer": d.optimizer, "a.lr": d.lr, "a.shuffled": d.shuffled,
      "b.enabled": false, "b.optimizer": d.optimizer, "b.lr": d.lr, "b.shuffled": true
    });
  };

  Lab.prototype.lockSettings = function (locked) {
    var fields = this.fields;
    Object.keys(fields).forEach(function (key) { fields[key].input.disabled = locked; });
  };

  Lab.prototype.setStatus = function (text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  };

  /* Start the workers of the active runs (if not started), then send them `command`. */
  Lab.prototype.ensureStarted = function () {
    var self = this;
    if (RUNS.some(function (run) { return self.runs[run].worker; })) return true;
    if (!this.validate()) { this.setStatus("Some settings are out of range: see the messages beside them."); return false; }
    this.lockSettings(true);
    this.activeRuns().forEach(function (run) {
      var r = self.runs[run], settings = self.settingsOf(run);
      var network = self.payload.networks[networkKey(self.payload, self.readShared())];
      r.settings = settings;
      r.side = network.layers[0].kernel[0];
      r.vmax = 2 / r.side; // twice PyTorch's initial bound, 1/sqrt(fan_in): fixed for the run
      r.totalSteps = settings.epochs * Math.ceil(trainingImages(self.payload, self.readShared()) / settings.batchSize);
      r.epochs = settings.epochs;
      r.state = "starting";
      r.worker = self.newWorker();
      r.worker.onmessage = function (e) { self.receive(run, e.data); };
      r.worker.onerror = function (e) { e.preventDefault(); self.failed(run, e.message || "the worker stopped"); };
      r.worker.postMessage({ type: "start", settings: settings, network: network });
    });
    return true;
  };

  Lab.prototype.command = function (type) {
    var self = this;
    this.activeRuns().forEach(function (run) {
      var r = self.runs[run];
      if (r.worker && r.state !== "done" && r.state !== "failed") r.worker.postMessage({ type: type });
    });
  };

  Lab.prototype.run = function () {
    if (!this.ensureStarted()) return false;
    this.command("run");
    this.setStatus("Training…");
    return true;
  };

  Lab.prototype.pause = function () {
    this.command("pause");
    this.setStatus("Paused.");
  };

  Lab.prototype.step = function () {
    if (!this.ensureStarted()) return false;
    this.command("step");
    this.setStatus("One batch at a time: press Step again, or Run.");
    return true;
  };

  Lab.prototype.receive = function (run, message) {
    var r = this.runs[run];
    if (message.type === "ready") {
      r.start = message.start; r.latest = message.kernels; r.verdicts = message.verdicts;
      r.accuracy = [message.metrics.val_accuracy]; r.metrics = message.metrics; r.state = "ready";
      r.classes = message.classes;
    } else if (message.type === "batch") {
      this.stats.batches += 1;
      r.latest = message.kernels; r.losses.push(message.loss); r.step = message.step; r.epoch = message.epoch;
      r.verdicts = mergeVerdicts(r.verdicts, message.verdicts);
      if (message.metrics) { r.metrics = message.metrics; r.accuracy.push(message.metrics.val_accuracy); }
      r.state = "training";
    } else if (message.type === "done") {
      r.state = "done";
      this.finished();
    } else if (message.type === "history") {
      this.save(run, message.bytes);
      return;
    } else if (message.type === "error") {
      this.failed(run, message.message);
      return;
    }
    this.scheduleDraw();
  };

  /* A batch's verdicts carry the class preference only at the end of an epoch: keep the last one. */
  function mergeVerdicts(old, fresh) {
    return fresh.map(function (v, i) {
      if (v.preference === undefined && old && old[i]) v.preference = old[i].preference;
      return v;
    });
  }

  Lab.prototype.failed = function (run, text) {
    var r = this.runs[run];
    r.state = "failed";
    if (r.worker) r.worker.terminate();
    r.worker = null;
    this.setStatus("Run " + run.toUpperCase() + " stopped: " + String(text).slice(0, 300));
  };

  Lab.prototype.finished = function () {
    var self = this;
    if (this.activeRuns().every(function (run) { return self.runs[run].state === "done"; })) {
      this.setStatus("Done: " + this.activeRuns().map(function (run) {
        var r = self.runs[run];
        return "run " + run.toUpperCase() + " " + percent(r.metrics.val_accuracy) + " of the test images right";
      }).join("; ") + ". Reset to train again.");
      this.reportExperiment();
    }
  };

  // -- drawing at the next frame ---------------------------------------------------------------
  Lab.prototype.scheduleDraw = function () {
    if (this.drawPending) return;
    this.drawPending = true;
    var self = this;
    requestAnimationFrame(function () { self.drawPending = false; self.draw(); });
  };

  Lab.prototype.draw = function () {
    // The ink and the curves' width first, before this frame changes the page: reading a style or
    // a size after a change would make the browser lay the page out twice.
    var self = this, drawn = false, ink = getComputedStyle(this.root).color, shown = this.curves.clientWidth;
    RUNS.forEach(function (run) {
      var r = self.runs[run];
      r.panel.hidden = run === "b" && !self.fields["b.enabled"].input.checked && !r.loaded;
      if (!r.latest) return;
      drawKernels(r.kernelsCanvas, r.latest, r.side, r.vmax, self.colours);
      var change = new Float32Array(r.latest.length);
      for (var i = 0; i < change.length; i++) change[i] = r.latest[i] - r.start[i];
      drawKernels(r.changeCanvas, change, r.side, r.vmax, self.colours);
      r.scale.textContent = "Colour scale, fixed: blue −" + r.vmax.toFixed(2) + ", white 0, red +" + r.vmax.toFixed(2) + ".";
      self.drawTable(r, change);
      r.summary.textContent = self.summaryText(run, r);
      drawn = true;
    });
    var curves = RUNS.filter(function (run) { return self.runs[run].latest; }).map(function (run) {
      var r = self.runs[run];
      return { losses: r.losses, accuracy: r.accuracy, colour: RUN_COLOURS[run], totalSteps: r.totalSteps, epochs: r.epochs };
    });
    drawCurves(this.curves, curves, ink, shown);
    if (drawn) this.stats.redraws += 1;
  };

  Lab.prototype.summaryText = function (run, r) {
    var s = r.settings || {}, m = r.metrics || {}, edges = (r.verdicts || []).filter(function (v) { return v.isEdge; }).length;
    var where = r.loaded ? "Opened " + r.loaded + ". " : (s.optimizer ? s.optimizer.type.toUpperCase() + ", learning rate " + s.optimizer.lr + (s.shuffled ? ", shuffled labels" : "") + ". " : "");
    var at = typeof r.epoch === "number" ? "Epoch " + formatNumber(r.epoch, 2) + " of " + r.epochs + ": " : "Before training: ";
    return where + at + "test accuracy " + percent(m.val_accuracy) + ", " + edges + " of " + (r.verdicts || []).length + " kernels pass the edge test.";
  };

  Lab.prototype.drawTable = function (r, change) {
    var k = r.verdicts ? r.verdicts.length : 0, size = r.side * r.side, classes = r.classes || [];
    while (r.body.rows.length < k) {
      var row = el("tr", {}, [el("th", { scope: "row" }), el("td"), el("td"), el("td"), el("td")]);
      r.body.appendChild(row);
    }
    while (r.body.rows.length > k) r.body.deleteRow(-1);
    for (var i = 0; i < k; i++) {
      var v = r.verdicts[i], cells = r.body.rows[i].cells, moved = 0, norm = 0;
      for (var p = 0; p < size; p++) { moved += change[i * size + p] * change[i * size + p]; norm += r.start[i * size + p] * r.start[i * size + p]; }
      var pref = v.preference;
      setText(cells[0], String(i));
      setText(cells[1], v.isEdge ? "edge" + (v.way ? ", " + v.way : "") : "no");
      setText(cells[2], formatNumber(v.score, 2));
      setText(cells[3], typeof pref === "number" ? preferenceText(pref, v.clear, classes) : "–");
      setText(cells[4], norm > 0 ? "×" + formatNumber(Math.sqrt(moved / norm), 2) : "–");
    }
  };

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  /* The class preference index: +1 the first class only, -1 the second only; the class is named
   * where the preference is clear by the site's cut (kernel_tests.js's CLEAR_PREFERENCE). */
  function preferenceText(index, clear, classes) {
    var name = index >= 0 ? classes[0] : classes[1];
    return formatNumber(index, 2) + (clear && name ? " (" + name + ")" : "");
  }

  // -- runs that leave the page, and come back -----------------------------------------------------
  Lab.prototype.download = function (run) {
    var r = this.runs[run];
    if (!r.worker || r.state === "starting") { this.setStatus("Run " + run.toUpperCase() + " has nothing to download yet: press Run or Step first."); return; }
    r.worker.postMessage({ type: "download" });
  };

  Lab.prototype.save = function (run, bytes) {
    var url = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
    var link = el("a", { href: url, download: "cnnexplain-lab-run-" + run + ".safetensors" });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  };

  /* Read a saved history in a worker of its own, with a time limit: a broken or hostile file
   * gives a message, never a frozen page. */
  Lab.prototype.open = function (file) {
    var self = this, message = this.openMessage;
    if (file.size > MAX_OPEN_BYTES) { message.textContent = "This file is too large for the lab (over 64 MB)."; return; }
    message.textContent = "Reading " + file.name + "…";
    file.arrayBuffer().then(function (buffer) {
      var worker = self.newWorker(), timer = setTimeout(function () {
        worker.terminate();
        message.textContent = "Reading the file took too long; it was stopped.";
      }, OPEN_TIMEOUT_MS);
      worker.onmessage = function (e) {
        clearTimeout(timer); worker.terminate();
        if (e.data.type === "opened") self.showOpened(file.name, e.data.history);
        else message.textContent = "This file is not a history the lab can open: " + String(e.data.message).slice(0, 300);
      };
      worker.onerror = function (e) {
        e.preventDefault(); clearTimeout(timer); worker.terminate();
        message.textContent = "This file is not a history the lab can open.";
      };
      worker.postMessage({ type: "open", bytes: buffer, tolerance: self.payload.tolerance }, [buffer]);
    }, function () { message.textContent = "The file could not be read."; });
  };

  Lab.prototype.showOpened = function (name, history) {
    var self = this;
    this.reset();
    var r = this.runs.a, conv = history.firstLayer;
    r.loaded = name;
    r.side = conv.side;
    r.start = conv.first;
    r.latest = conv.last;
    r.vmax = 2 / conv.side;
    r.verdicts = history.verdicts;
    r.classes = history.classes;
    r.metrics = history.metrics[history.metrics.length - 1];
    r.accuracy = history.metrics.map(function (m) { return m.val_accuracy; });
    r.losses = history.losses || [];
    r.epochs = history.metrics.length - 1;
    r.epoch = r.epochs;
    this.openMessage.textContent = "Opened " + name + ": shown as run A.";
    self.scheduleDraw();
  };

  // -- guided experiments --------------------------------------------------------------------------
  Lab.prototype.setUp = function (name) {
    var spec = this.payload.experiments[name], settings = {};
    this.reset();
    Object.keys(spec.shared || {}).forEach(function (k) { settings[k] = spec.shared[k]; });
    ["a", "b"].forEach(function (run) {
      Object.keys(spec[run] || {}).forEach(function (k) { settings[run + "." + k] = spec[run][k]; });
    });
    settings["b.enabled"] = !!spec.b;
    if (spec.new_seed) settings.seed = 1 + Math.floor(Math.random() * 1e6);
    this.set(settings);
    this.experiment = name;
    this.setStatus("Set up: " + (spec.title || name) + ". Press Run.");
  };

  Lab.prototype.reportExperiment = function () {
    var self = this, card = this.experiment && this.experimentCards[this.experiment];
    if (!card) return;
    card.yours.textContent = "Yours: " + this.activeRuns().map(function (run) {
      var r = self.runs[run], edges = r.verdicts.filter(function (v) { return v.isEdge; }).length;
      return "run " + run.toUpperCase() + " (seed " + r.settings.seed + ") " + percent(r.metrics.val_accuracy) +
        " of the test images right, " + edges + " edge detectors";
    }).join("; ") + ".";
  };

  Lab.prototype.state = function () {
    var self = this, out = {};
    RUNS.forEach(function (run) {
      var r = self.runs[run];
      out[run] = { state: r.state, step: r.step || 0, epoch: r.epoch || 0, metrics: r.metrics, verdicts: r.verdicts, loaded: r.loaded || null };
    });
    out.status = this.status.textContent;
    return out;
  };

  document.querySelectorAll("[data-cnnexplain-lab]").forEach(function (root) {
    if (!root.cnnexplain) new Lab(root);
  });
})();
