/* cnnexplain explorer: a trained network running in the page.
 *
 * Written for this project, no dependency: cnnexplain/viz/explorer.py inlines network.js, this
 * file and explorer.css into the HTML of a widget, next to the widget's JSON payload (format
 * "cnnexplain-explorer", version 1; its schema is explorer.schema.json). This file draws: for
 * every element with the attribute data-cnnexplain-explorer, it builds the widget with DOM calls
 * (text only through textContent: names come from a history file or a model and must never
 * become markup), and has network.js (window.cnnexplainNetwork) decode the weights of every
 * training snapshot and run the network on the image the reader draws, each time the image or
 * the snapshot changes.
 *
 * Scripting interface, on each root element: root.cnnexplain =
 *   snapshots      number of training snapshots in the page
 *   layers         layer names in forward order (as in cnnexplain.activations)
 *   run(pixels, snapshot)  pixels: Float32Array (C*H*W, row-major) -> {<layer>: Float32Array in
 *                  PyTorch's (C, H, W) or (features,) order, ..., probabilities: Float32Array};
 *                  pure: the display does not change. pixels may be an array or another typed
 *                  array; non-numeric or non-finite values throw a TypeError or a RangeError
 *   setImage(pixels), setSnapshot(i)  change the state and the display as the reader does
 *   state()        {snapshot, epoch, kernel, image}: image is the deep-link name of the preset or
 *                  sample shown ("vertical", "horizontal-1"), or null once the reader has drawn
 *   lastFrameMs    duration of the last forward pass + redraw of every panel
 *   ready, initMs  true once built; performance.now() at the end of the build
 * Deep links: #epoch=3&kernel=5&image=vertical sets the state of the first explorer of the page,
 * on load and on hashchange; the reader's actions write the state back with
 * history.replaceState when the page holds a single explorer.
 */
(function () {
  "use strict";
  if (typeof window === "undefined" || typeof document === "undefined") return;
  if (window.cnnexplainExplorer) {
    // A second copy of this script (several widgets on one page): the first one does the work.
    window.cnnexplainExplorer.initAll();
    return;
  }

  var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  var PLAY_INTERVAL_MS = 700;
  // Kernels in one row of the strip: LineCNN's eight fit at 1366 px and on a phone alike.
  var KERNELS_PER_ROW = 8;
  var MAP_BUTTON_PADDING = 2; // px, as .cx-map-button's padding in explorer.css
  var instances = []; // every explorer built on this page, in the order they were built
  var idCounter = 0;

  // The network itself -- decoding the payload's weights, the layers, the forward pass -- is
  // network.js, inlined before this file: this file draws.
  var network = window.cnnexplainNetwork;
  var product = network.product;

  function pixelsOf(text, size, what) {
    return new Float32Array(network.decodeFloat32(text, what, size)); // own copy: the reader draws on it
  }

  // -- colours ----------------------------------------------------------------------------------
  /* A 256-entry colour map: packed pixels for ImageData, CSS colours and a readable text colour. */
  function colormap(hex, what) {
    if (typeof hex !== "string" || !/^[0-9a-fA-F]{1536}$/.test(hex)) {
      throw new Error("colormap " + what + " must be 256 hex colours rrggbb");
    }
    var packed = new Uint32Array(256), css = [], ink = [];
    for (var i = 0; i < 256; i++) {
      var r = parseInt(hex.substr(6 * i, 2), 16), g = parseInt(hex.substr(6 * i + 2, 2), 16);
      var b = parseInt(hex.substr(6 * i + 4, 2), 16);
      packed[i] = LITTLE_ENDIAN ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
      css.push("rgb(" + r + "," + g + "," + b + ")");
      // Black or white text, whichever contrasts more (WCAG relative luminance).
      var lum = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
      ink.push((lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#000" : "#fff");
    }
    return { packed: packed, css: css, ink: ink };
  }

  function linear(c) {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }

  /* Scale of a panel: values in [lo, hi] map to the 256 colours; beyond, the end colours. */
  function scale(cmap, lo, hi) {
    var span = hi - lo > 0 ? hi - lo : 1;
    return {
      cmap: cmap, lo: lo, hi: hi, k: 256 / span,
      index: function (v) {
        var i = Math.floor((v - lo) * this.k);
        return i < 0 || i !== i ? 0 : i > 255 ? 255 : i;
      }
    };
  }

  function paint(view, values, offset, n, sc) {
    var lut = sc.cmap.packed, lo = sc.lo, k = sc.k;
    for (var i = 0; i < n; i++) {
      var j = ((values[offset + i] - lo) * k) | 0;
      view[i] = lut[j < 0 ? 0 : j > 255 ? 255 : j];
    }
  }

  // -- small DOM helpers ------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function attrs(node, map) {
    Object.keys(map).forEach(function (key) { node.setAttribute(key, map[key]); });
    return node;
  }

  /* A canvas of w x h pixels with its ImageData and a 32-bit view of it, reused every frame. */
  function pixelCanvas(w, h, className) {
    var canvas = el("canvas", className);
    canvas.width = w;
    canvas.height = h;
    // Small canvases written with putImageData: kept in memory, and tests may read them back.
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    var image = ctx.createImageData(w, h);
    return { canvas: canvas, ctx: ctx, image: image, view: new Uint32Array(image.data.buffer) };
  }

  function button(text, label) {
    var b = el("button", "cx-button", text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  function fmt(v, digits) {
    if (!isFinite(v)) return String(v);
    var s = v.toFixed(digits);
    return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
  }

  function short(v) {
    return String(Number(v.toPrecision(3)));
  }

  function shapeText(shape) {
    return shape.join(" \u00d7 ");
  }

  function describeLayer(spec) {
    var k = spec.kernel ? spec.kernel.join("\u00d7") : "";
    var extra = "";
    if (spec.stride && (spec.stride[0] !== 1 || spec.stride[1] !== 1) && spec.type === "conv2d") extra += ", stride " + spec.stride.join("\u00d7");
    if (spec.stride && spec.kernel && spec.type !== "conv2d" && spec.stride.join() !== spec.kernel.join()) extra += ", stride " + spec.stride.join("\u00d7");
    if (spec.padding && (spec.padding[0] || spec.padding[1])) extra += ", padding " + spec.padding.join("\u00d7");
    switch (spec.type) {
      case "conv2d": return "convolution, " + k + " kernels" + extra;
      case "relu": return "ReLU: negatives become 0";
      case "maxpool2d": return "max-pooling " + k + extra;
      case "avgpool2d": return "average pooling " + k + extra;
      case "batchnorm2d": return "batch normalization: x \u00b7 scale + shift";
      case "flatten": return "flatten";
      case "dropout": return "dropout: the identity when the network runs";
      case "linear": return "dense layer, " + product(spec.in_shape) + " \u2192 " + product(spec.out_shape);
    }
    return spec.type;
  }

  function hashName(name) {
    return String(name).replace(/ /g, "-");
  }

  // How the text names a layer: "conv1" as it is, a number (an nn.Sequential's "0") as "layer 0".
  function layerLabel(name) {
    return /^[0-9]/.test(name) ? "layer " + name : name;
  }

  // -- one explorer -------------------------------------------------------------------------------
  function Explorer(root, payload) {
    this.root = root;
    this.payload = payload;
    this.uid = "cx" + (++idCounter) + "-";
    var input = payload.input;
    this.C = input.channels; this.H = input.height; this.W = input.width;
    this.lo = input.range[0]; this.hi = input.range[1];
    this.net = network.buildNetwork(payload);
    this.bufs = this.net.buffers();
    this.probs = new Float32Array(payload.classes.length);
    this.cmaps = {
      signed: colormap(payload.colormaps.signed, "signed"),
      unsigned: colormap(payload.colormaps.unsigned, "unsigned")
    };
    this.images = this.namedImages(payload);
    this.inspectIndex = payload.layers.findIndex(function (l) { return l.name === payload.inspect && l.type === "conv2d"; });
    if (this.inspectIndex < 0) {
      this.inspectIndex = payload.layers.findIndex(function (l) { return l.type === "conv2d"; });
    }
    var first = this.images[0];
    this.state = {
      snapshot: payload.snapshots.length - 1,
      kernel: 0,
      image: first ? new Float32Array(first.pixels) : new Float32Array(this.net.inSize).fill(this.lo),
      imageName: first ? first.key : null
    };
    var insp = this.inspectIndex >= 0 ? payload.layers[this.inspectIndex] : null;
    // The inspector shows the selected kernel's map, at the pixel the reader chose; until they choose
    // one, at the strongest pixel of that map.
    this.inspect = insp ? { y: insp.out_shape[1] >> 1, x: insp.out_shape[2] >> 1, chosen: false } : null;
    this.kernelsDrawnFor = -1;
    this.lastFrameMs = 0;
    this.framePending = false;
    this.timer = null;
    this.erasing = false;
    this.inputScale = scale(this.cmaps.unsigned, this.lo, this.hi);
    this.build();
    this.render();
  }

  /* Samples and presets, each with the name a deep link uses. */
  Explorer.prototype.namedImages = function (payload) {
    var size = this.C * this.H * this.W, list = [];
    (payload.presets || []).forEach(function (p, i) {
      list.push({ kind: "preset", name: p.name, key: hashName(p.name), pixels: pixelsOf(p.pixels, size, "presets[" + i + "]") });
    });
    (payload.samples || []).forEach(function (p, i) {
      list.push({ kind: "sample", name: p.name, label: p.label, key: hashName(p.name), pixels: pixelsOf(p.pixels, size, "samples[" + i + "]") });
    });
    // Samples first: the reader starts from an image of the data.
    return list.filter(function (x) { return x.kind === "sample"; }).concat(list.filter(function (x) { return x.kind === "preset"; }));
  };

  Explorer.prototype.id = function (suffix) { return this.uid + suffix; };

  Explorer.prototype.build = function () {
    var p = this.payload, root = this.root;
    var box = el("div", "cx-box");
    if (p.title) box.appendChild(el("p", "cx-title", p.title));
    var top = el("div", "cx-top");
    top.appendChild(this.buildInput());
    var side = el("div", "cx-side");
    side.appendChild(this.buildTraining());
    side.appendChild(this.buildProbabilities());
    if (this.inspectIndex >= 0) side.appendChild(this.buildKernels());
    top.appendChild(side);
    box.appendChild(top);
    box.appendChild(this.buildLayers());
    this.live = el("p", "cx-sr", ""); // what the keyboard inspector finds, for screen readers
    this.live.setAttribute("aria-live", "polite");
    box.appendChild(this.live);
    root.appendChild(box);
  };

  // -- the drawing canvas ----------------------------------------------------------------------
  Explorer.prototype.buildInput = function () {
    var self = this, panel = el("section", "cx-panel cx-input");
    panel.setAttribute("aria-label", "Input image");
    panel.appendChild(el("p", "cx-h", "Your image"));
    var wrap = el("div", "cx-input-wrap");
    this.inputCanvas = pixelCanvas(this.W, this.H, "cx-input-canvas");
    attrs(this.inputCanvas.canvas, {
      role: "img",
      "aria-label": "Input image, " + this.W + " by " + this.H + " pixels. Draw on it with a mouse, finger or pen, " +
        "or use the buttons below."
    });
    wrap.appendChild(this.inputCanvas.canvas);
    this.windowBox = el("div", "cx-window");
    this.windowBox.setAttribute("aria-hidden", "true");
    wrap.appendChild(this.windowBox);
    panel.appendChild(wrap);
    panel.appendChild(el("p", "cx-hint", "Draw with the mouse, a finger or a pen."));
    this.bindDrawing(this.inputCanvas.canvas);

    var tools = el("div", "cx-buttons");
    tools.setAttribute("role", "group");
    tools.setAttribute("aria-label", "Change the image");
    var clear = button("Clear", "Clear the image");
    clear.addEventListener("click", function () { self.edit(function (img) { img.fill(self.lo); }); });
    var invert = button("Invert", "Invert the image");
    invert.addEventListener("click", function () {
      self.edit(function (img) { for (var i = 0; i < img.length; i++) img[i] = self.lo + self.hi - img[i]; });
    });
    var noise = button("Noise", "Random noise image");
    noise.addEventListener("click", function () {
      self.edit(function (img) { for (var i = 0; i < img.length; i++) img[i] = self.lo + Math.random() * (self.hi - self.lo); });
    });
    var eraser = button("Eraser", "Eraser: the pen paints paper");
    eraser.setAttribute("aria-pressed", "false");
    eraser.addEventListener("click", function () {
      self.erasing = !self.erasing;
      eraser.setAttribute("aria-pressed", String(self.erasing));
    });
    [clear, invert, noise, eraser].forEach(function (b) { tools.appendChild(b); });
    panel.appendChild(tools);
    this.imageButtons = [];
    this.addImageButtons(panel, "preset", "Lines", "Draw a line: ");
    this.addImageButtons(panel, "sample", "Samples", "Show sample image ");
    return panel;
  };

  Explorer.prototype.addImageButtons = function (panel, kind, title, labelPrefix) {
    var self = this, list = this.images.filter(function (im) { return im.kind === kind; });
    if (!list.length) return;
    var group = el("div", "cx-buttons");
    var gid = this.id(kind + "-label");
    var label = el("span", "cx-group-label", title);
    label.id = gid;
    group.appendChild(label);
    attrs(group, { role: "group", "aria-labelledby": gid });
    list.forEach(function (im) {
      var b = button(im.name, labelPrefix + im.name);
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () { self.showImage(im, true); });
      self.imageButtons.push({ button: b, key: im.key });
      group.appendChild(b);
    });
    panel.appendChild(group);
  };

  Explorer.prototype.bindDrawing = function (canvas) {
    var self = this, active = null, last = null;
    var radius = Math.max(0.5, Math.min(this.H, this.W) / 30);
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return { x: (e.clientX - r.left) / r.width * self.W, y: (e.clientY - r.top) / r.height * self.H };
    }
    var erase = false; // this stroke paints paper: the eraser button, or a pen's eraser end
    function stamp(pt) {
      var img = self.state.image, H = self.H, W = self.W, ink = erase ? self.lo : self.hi, r2 = radius * radius;
      var y0 = Math.max(0, Math.floor(pt.y - radius)), y1 = Math.min(H - 1, Math.floor(pt.y + radius));
      var x0 = Math.max(0, Math.floor(pt.x - radius)), x1 = Math.min(W - 1, Math.floor(pt.x + radius));
      for (var y = y0; y <= y1; y++) {
        for (var x = x0; x <= x1; x++) {
          var dy = y + 0.5 - pt.y, dx = x + 0.5 - pt.x;
          var under = y === Math.floor(pt.y) && x === Math.floor(pt.x); // the pixel under the pen, always
          if (under || dx * dx + dy * dy <= r2) {
            for (var c = 0; c < self.C; c++) img[(c * H + y) * W + x] = ink;
          }
        }
      }
    }
    function stroke(to) {
      var from = last || to;
      var steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) / 0.5));
      for (var i = 1; i <= steps; i++) {
        stamp({ x: from.x + (to.x - from.x) * i / steps, y: from.y + (to.y - from.y) * i / steps });
      }
      last = to;
    }
    canvas.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      e.preventDefault();
      active = e.pointerId;
      erase = self.erasing || (e.buttons & 32) !== 0;
      try { canvas.setPointerCapture(e.pointerId); } catch (err) { /* synthetic events have no capture */ }
      last = null;
      stroke(point(e));
      self.imageChanged();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (active !== e.pointerId) return;
      var events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
      if (!events.length) events = [e];
      for (var i = 0; i < events.length; i++) stroke(point(events[i]));
      self.imageChanged();
    });
    function end(e) {
      if (active !== e.pointerId) return;
      active = null;
      last = null;
      self.writeHash();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  };

  /* The reader drew: the image has no name any more; redraw at the next animation frame. */
  Explorer.prototype.imageChanged = function () {
    this.state.imageName = null;
    this.scheduleRender();
  };

  Explorer.prototype.edit = function (change) {
    change(this.state.image);
    this.state.imageName = null;
    this.render();
    this.writeHash();
  };

  Explorer.prototype.showImage = function (im, fromReader) {
    this.state.image.set(im.pixels);
    this.state.imageName = im.key;
    this.render();
    if (fromReader) this.writeHash();
  };

  Explorer.prototype.scheduleRender = function () {
    var self = this;
    if (this.framePending) return;
    this.framePending = true;
    var raf = window.requestAnimationFrame || function (f) { return setTimeout(f, 16); };
    raf(function () { self.framePending = false; self.render(); });
  };

  // -- training slider --------------------------------------------------------------------------
  Explorer.prototype.buildTraining = function () {
    var self = this, snaps = this.payload.snapshots;
    var panel = el("section", "cx-panel cx-training");
    panel.setAttribute("aria-label", "Training");
    var head = el("div", "cx-train-head");
    var label = el("label", "cx-h", "Training: ");
    label.htmlFor = this.id("slider");
    this.epochText = el("span", "cx-epoch", "");
    label.appendChild(this.epochText);
    head.appendChild(label);
    this.playButton = button("Play", "Play training");
    this.playButton.classList.add("cx-play");
    this.playButton.addEventListener("click", function () { self.togglePlay(); });
    head.appendChild(this.playButton);
    panel.appendChild(head);
    var slider = el("input", "cx-slider");
    attrs(slider, { type: "range", min: "0", max: String(snaps.length - 1), step: "1" });
    slider.id = this.id("slider");
    slider.disabled = snaps.length < 2;
    slider.addEventListener("input", function () { self.stopPlay(); self.setSnapshot(+slider.value, true); });
    this.slider = slider;
    panel.appendChild(slider);
    var ends = el("div", "cx-slider-ends");
    ends.setAttribute("aria-hidden", "true");
    ends.appendChild(el("span", null, snaps[0].label));
    ends.appendChild(el("span", null, snaps[snaps.length - 1].label));
    panel.appendChild(ends);
    if (this.payload.note) panel.appendChild(el("p", "cx-note", this.payload.note));
    return panel;
  };

  Explorer.prototype.togglePlay = function () {
    if (this.timer) { this.stopPlay(); return; }
    var self = this, last = this.payload.snapshots.length - 1;
    if (last < 1) return;
    if (this.state.snapshot >= last) this.setSnapshot(0, true);
    this.timer = setInterval(function () {
      if (self.state.snapshot >= last) { self.stopPlay(); return; }
      self.setSnapshot(self.state.snapshot + 1, true);
      if (self.state.snapshot >= last) self.stopPlay();
    }, PLAY_INTERVAL_MS);
    this.playButton.textContent = "Pause";
    this.playButton.setAttribute("aria-label", "Pause training");
  };

  Explorer.prototype.stopPlay = function () {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.playButton.textContent = "Play";
    this.playButton.setAttribute("aria-label", "Play training");
  };

  Explorer.prototype.setSnapshot = function (i, fromReader) {
    this.state.snapshot = i;
    this.render();
    if (fromReader) this.writeHash();
  };

  // -- probabilities -----------------------------------------------------------------------------
  Explorer.prototype.buildProbabilities = function () {
    var panel = el("section", "cx-panel cx-probs");
    panel.setAttribute("aria-label", "Class probabilities");
    panel.appendChild(el("p", "cx-h", "Class probabilities"));
    this.prediction = el("p", "cx-prediction", "");
    panel.appendChild(this.prediction);
    var list = el("ul", "cx-prob-list");
    this.probRows = this.payload.classes.map(function (name) {
      var li = el("li", "cx-prob");
      li.appendChild(el("span", "cx-prob-name", name));
      var bar = el("span", "cx-prob-bar");
      bar.setAttribute("aria-hidden", "true");
      var fill = el("span", "cx-prob-fill");
      bar.appendChild(fill);
      li.appendChild(bar);
      var pct = el("span", "cx-prob-pct", "");
      li.appendChild(pct);
      list.appendChild(li);
      return { fill: fill, pct: pct, li: li };
    });
    panel.appendChild(list);
    return panel;
  };

  Explorer.prototype.drawProbabilities = function () {
    var probs = this.probs, best = 0;
    for (var i = 0; i < probs.length; i++) {
      if (probs[i] > probs[best]) best = i;
      var pct = probs[i] * 100;
      this.probRows[i].fill.style.width = pct.toFixed(1) + "%";
      this.probRows[i].pct.textContent = pct.toFixed(1) + "%";
      this.probRows[i].li.classList.toggle("cx-best", false);
    }
    this.probRows[best].li.classList.add("cx-best");
    this.prediction.textContent = "Prediction: " + this.payload.classes[best];
  };

  // -- colour bar ----------------------------------------------------------------------------------
  Explorer.prototype.colourBar = function (sc, what) {
    var bar = el("div", "cx-cbar");
    var lo = short(sc.lo), hi = short(sc.hi);
    attrs(bar, { role: "img", "aria-label": "Colour scale of " + what + ": from " + lo + " to " + hi + ", values beyond are clipped" });
    var c = pixelCanvas(256, 1, "cx-cbar-canvas");
    for (var i = 0; i < 256; i++) c.view[i] = sc.cmap.packed[i];
    c.ctx.putImageData(c.image, 0, 0);
    bar.appendChild(c.canvas);
    var ticks = el("div", "cx-cbar-ticks");
    ticks.appendChild(el("span", null, lo));
    if (sc.lo < 0 && sc.hi > 0) ticks.appendChild(el("span", "cx-cbar-zero", "0"));
    ticks.appendChild(el("span", null, hi));
    bar.appendChild(ticks);
    return bar;
  };

  Explorer.prototype.limitScale = function (key, fallbackKind) {
    var lim = (this.payload.limits || {})[key] || { kind: fallbackKind, vmax: 1 };
    var vmax = lim.vmax > 0 && isFinite(lim.vmax) ? lim.vmax : 1;
    var signed = lim.kind !== "unsigned";
    return scale(signed ? this.cmaps.signed : this.cmaps.unsigned, signed ? -vmax : 0, vmax);
  };

  // -- kernels of the inspected layer -----------------------------------------------------------
  Explorer.prototype.buildKernels = function () {
    var self = this, layer = this.payload.layers[this.inspectIndex];
    var wshape = this.tensorShape(layer.weight), O = wshape[0], C = wshape[1], KH = wshape[2], KW = wshape[3];
    var panel = el("section", "cx-panel cx-kernels");
    panel.setAttribute("aria-label", "Kernels of " + layerLabel(layer.name));
    var head = el("div", "cx-layer-head");
    this.kernelCaption = el("p", "cx-h", "");
    head.appendChild(this.kernelCaption);
    // Weights are signed: the diverging map, centred on zero, with the limit of all snapshots.
    var lim = (this.payload.limits || {})[layer.weight];
    this.kernelScale = lim && lim.vmax > 0 && isFinite(lim.vmax) ?
      scale(this.cmaps.signed, -lim.vmax, lim.vmax) : this.weightScale(layer.weight);
    head.appendChild(this.colourBar(this.kernelScale, "the kernels of " + layerLabel(layer.name)));
    panel.appendChild(head);
    var grid = el("div", "cx-kernel-grid");
    grid.setAttribute("role", "group");
    grid.setAttribute("aria-label", "Kernels of " + layerLabel(layer.name) + ": press one to inspect it");
    grid.style.gridTemplateColumns = "repeat(" + kernelColumns(O) + ", minmax(0, 1fr))";
    var cw = C * KW + (C - 1), side = Math.max(cw, KH);
    var px = Math.max(2, Math.min(16, Math.ceil(64 / side)));
    this.kernelCells = [];
    for (var o = 0; o < O; o++) {
      var fig = el("div", "cx-map");
      var b = el("button", "cx-map-button");
      b.type = "button";
      attrs(b, { "aria-label": "Kernel " + o + " of " + layerLabel(layer.name), "aria-pressed": "false" });
      var pc = pixelCanvas(cw, KH, "cx-map-canvas");
      // At most its natural size (px screen pixels a weight), less where the strip is narrower:
      // the strip's columns share its width (explorer.css), so that it never wraps.
      b.style.maxWidth = cw * px + 2 * MAP_BUTTON_PADDING + "px";
      b.appendChild(pc.canvas);
      (function (k) { b.addEventListener("click", function () { self.selectKernel(k, true); }); })(o);
      fig.appendChild(b);
      fig.appendChild(el("span", "cx-map-label", String(o)));
      grid.appendChild(fig);
      this.kernelCells.push({ button: b, pc: pc });
    }
    panel.appendChild(grid);
    this.kernelShape = { O: O, C: C, KH: KH, KW: KW };
    return panel;
  };

  /* Columns of the kernel strip: every kernel in one row up to KERNELS_PER_ROW, else rows of equal
   * length (ten kernels: two rows of five), never one kernel alone on a row. */
  function kernelColumns(count) {
    return Math.ceil(count / Math.ceil(count / KERNELS_PER_ROW));
  }

  Explorer.prototype.tensorShape = function (name) {
    for (var i = 0; i < this.payload.tensors.length; i++) {
      if (this.payload.tensors[i].name === name) return this.payload.tensors[i].shape;
    }
    throw new Error("tensor " + name + " is not in the payload");
  };

  /* Fallback when the payload has no limit for the weights: the largest |weight| of all snapshots. */
  Explorer.prototype.weightScale = function (name) {
    var vmax = 0;
    this.net.snapshots.forEach(function (T) {
      var w = T[name];
      for (var i = 0; i < w.length; i++) vmax = Math.max(vmax, Math.abs(w[i]));
    });
    return scale(this.cmaps.signed, -(vmax || 1), vmax || 1);
  };

  Explorer.prototype.drawKernels = function () {
    var s = this.state.snapshot, layer = this.payload.layers[this.inspectIndex];
    if (this.kernelsDrawnFor === s) return;
    this.kernelsDrawnFor = s;
    var w = this.net.snapshots[s][layer.weight], ks = this.kernelShape, KK = ks.KH * ks.KW;
    var cw = ks.C * ks.KW + ks.C - 1;
    for (var o = 0; o < ks.O; o++) {
      var pc = this.kernelCells[o].pc;
      pc.view.fill(0); // transparent gaps between the channels of a kernel
      for (var c = 0; c < ks.C; c++) {
        for (var ky = 0; ky < ks.KH; ky++) {
          var rowView = pc.view.subarray(ky * cw + c * (ks.KW + 1), ky * cw + c * (ks.KW + 1) + ks.KW);
          paint(rowView, w, (o * ks.C + c) * KK + ky * ks.KW, ks.KW, this.kernelScale);
        }
      }
      pc.ctx.putImageData(pc.image, 0, 0);
    }
    this.kernelCaption.textContent = "Kernels of " + layerLabel(layer.name) + " at " + this.payload.snapshots[s].label;
  };

  Explorer.prototype.selectKernel = function (k, fromReader) {
    this.state.kernel = k;
    this.updateSelection();
    this.drawInspector();
    if (fromReader) this.writeHash();
  };

  Explorer.prototype.updateSelection = function () {
    var k = this.state.kernel;
    (this.kernelCells || []).forEach(function (cell, i) { cell.button.setAttribute("aria-pressed", String(i === k)); });
    (this.inspectMaps || []).forEach(function (m, i) { m.button.setAttribute("aria-pressed", String(i === k)); });
  };

  // -- every layer's output -----------------------------------------------------------------------
  Explorer.prototype.buildLayers = function () {
    var self = this, wrap = el("div", "cx-layers");
    this.panels = this.payload.layers.map(function (layer, i) {
      var panel = el("section", "cx-panel cx-layer");
      panel.setAttribute("aria-label", "Output of " + layerLabel(layer.name));
      var head = el("div", "cx-layer-head");
      var caption = el("p", "cx-h");
      caption.appendChild(el("span", "cx-layer-name", layer.name));
      caption.appendChild(document.createTextNode(" \u2014 " + shapeText(layer.out_shape)));
      head.appendChild(caption);
      var kind = layer.type === "relu" ? "unsigned" : "signed";
      var sc = self.limitScale(layer.name, kind);
      head.appendChild(self.colourBar(sc, "the output of " + layerLabel(layer.name)));
      panel.appendChild(head);
      panel.appendChild(el("p", "cx-layer-kind", describeLayer(layer)));
      var info = { layer: layer, scale: sc, cells: [] };
      if (layer.out_shape.length === 3) {
        panel.appendChild(i === self.inspectIndex ? self.buildInspectMaps(layer, info) : self.buildMaps(layer, info));
      } else {
        var n = product(layer.out_shape);
        var pc = pixelCanvas(n, 1, "cx-strip");
        attrs(pc.canvas, { role: "img", "aria-label": layerLabel(layer.name) + " output: a strip of " + n + " values" });
        pc.canvas.style.maxWidth = Math.max(48, n * 16) + "px";
        panel.appendChild(pc.canvas);
        info.cells.push(pc);
      }
      if (i === self.inspectIndex) {
        // The maps and their arithmetic in one row where the widget is wide enough (explorer.css):
        // the numbers of the pixel chosen stay in view beside the maps they are about.
        var row = el("div", "cx-inspect-row");
        row.appendChild(panel);
        row.appendChild(self.buildInspector());
        wrap.appendChild(row);
      } else {
        wrap.appendChild(panel);
      }
      return info;
    });
    return wrap;
  };

  /* Maps are drawn at a whole number of screen pixels per value, but at most about a quarter of a
   * phone's width, so that three fit in a row (min() is ignored by old browsers: they keep px). */
  function mapWidth(canvas, px) {
    canvas.style.width = px + "px";
    canvas.style.width = "min(" + px + "px, 24vw)";
  }

  function mapPixels(h, w, target) {
    var side = Math.max(h, w);
    return Math.max(1, Math.min(Math.ceil(target / side), Math.max(1, Math.floor(160 / side))));
  }

  Explorer.prototype.buildMaps = function (layer, info) {
    var C = layer.out_shape[0], H = layer.out_shape[1], W = layer.out_shape[2];
    var grid = el("div", "cx-grid");
    attrs(grid, { role: "img", "aria-label": layer.name + " output: " + C + " maps of " + H + " by " + W + " pixels" });
    var px = mapPixels(H, W, 64);
    for (var c = 0; c < C; c++) {
      var fig = el("div", "cx-map");
      var pc = pixelCanvas(W, H, "cx-map-canvas");
      mapWidth(pc.canvas, W * px);
      fig.appendChild(pc.canvas);
      fig.appendChild(el("span", "cx-map-label", String(c)));
      grid.appendChild(fig);
      info.cells.push(pc);
    }
    return grid;
  };

  Explorer.prototype.drawLayers = function () {
    for (var i = 0; i < this.panels.length; i++) {
      var info = this.panels[i], data = this.bufs[i], cells = info.cells;
      var n = data.length / cells.length;
      for (var c = 0; c < cells.length; c++) {
        var pc = cells[c];
        paint(pc.view, data, c * n, n, info.scale);
        pc.ctx.putImageData(pc.image, 0, 0);
      }
    }
  };

  // -- the convolution inspector ----------------------------------------------------------------------
  Explorer.prototype.buildInspectMaps = function (layer, info) {
    var self = this, C = layer.out_shape[0], H = layer.out_shape[1], W = layer.out_shape[2];
    var grid = el("div", "cx-grid");
    attrs(grid, { role: "group", "aria-label": layer.name + " output: " + C + " maps of " + H + " by " + W + " pixels" });
    // Large enough to click a pixel (2 screen pixels a value for LineCNN's 44 x 44), small enough
    // that three maps stand beside the arithmetic at 1366 px.
    var px = mapPixels(H, W, 88);
    this.mapMark = el("div", "cx-mark");
    this.mapMark.setAttribute("aria-hidden", "true");
    this.inspectMaps = [];
    for (var c = 0; c < C; c++) {
      var fig = el("div", "cx-map");
      var b = el("button", "cx-map-button cx-inspect-map");
      b.type = "button";
      attrs(b, {
        "aria-label": layer.name + " map " + c + ": Enter shows its arithmetic at the chosen pixel, the arrow keys move the pixel",
        "aria-pressed": "false",
        "aria-describedby": this.id("insp-sum")
      });
      var pc = pixelCanvas(W, H, "cx-map-canvas");
      mapWidth(pc.canvas, W * px);
      var inner = el("span", "cx-map-inner"); // the inspected pixel's outline is placed in it
      inner.appendChild(pc.canvas);
      b.appendChild(inner);
      fig.appendChild(b);
      fig.appendChild(el("span", "cx-map-label", String(c)));
      grid.appendChild(fig);
      info.cells.push(pc);
      this.inspectMaps.push({ button: b, inner: inner, canvas: pc.canvas });
      this.bindInspectMap(b, pc.canvas, c, H, W);
    }
    return grid;
  };

  /* A map of the inspected layer. A click (or a tap) chooses the pixel under the pointer; Enter or
   * Space chooses the map at the pixel already chosen; the arrow keys move that pixel (Shift: five at
   * a time). The choice holds until the next one.
   *
   * Hovering chooses nothing, not even as a preview while nothing is chosen. A panel that follows
   * the pointer changes on the way to it: from a map to its numbers the pointer crosses other
   * maps, and the panel showed one of them, at a pixel nobody chose (a learner read 0.376, map 0's
   * sum, for the 2.199 of the map they had picked). A preview until the first click would do the
   * same to every reader who has not clicked yet, and would give the panel two meanings. The
   * outline on the map shows which pixel the numbers belong to; the crosshair cursor says that a
   * click picks one. */
  Explorer.prototype.bindInspectMap = function (b, canvas, k, H, W) {
    var self = this;
    b.addEventListener("click", function (e) {
      // A click from the keyboard (Enter, Space) has no position: its detail (click count) is 0.
      var at = e.detail === 0 ? self.inspect : pixelUnder(canvas, e, H, W);
      self.choosePixel(k, at.y, at.x);
    });
    b.addEventListener("keydown", function (e) {
      var step = e.shiftKey ? 5 : 1, y = self.inspect.y, x = self.inspect.x;
      if (e.key === "ArrowUp") y -= step;
      else if (e.key === "ArrowDown") y += step;
      else if (e.key === "ArrowLeft") x -= step;
      else if (e.key === "ArrowRight") x += step;
      else if (e.key === "Home") { x = 0; y = 0; }
      else if (e.key === "End") { x = W - 1; y = H - 1; }
      else return;
      e.preventDefault(); // the arrow keys move the pixel, not the page
      self.choosePixel(k, clamp(y, 0, H - 1), clamp(x, 0, W - 1));
    });
  };

  function clamp(v, lo, hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /* The pixel of an H x W map under a pointer event; a click on the button's rim takes the nearest. */
  function pixelUnder(canvas, e, H, W) {
    var r = canvas.getBoundingClientRect();
    return {
      y: clamp(Math.floor((e.clientY - r.top) / r.height * H), 0, H - 1),
      x: clamp(Math.floor((e.clientX - r.left) / r.width * W), 0, W - 1)
    };
  }

  /* The reader chose pixel (y, x) of map k: the inspector shows it, and k is the selected kernel. */
  Explorer.prototype.choosePixel = function (k, y, x) {
    this.inspect.chosen = true;
    this.inspect.y = y;
    this.inspect.x = x;
    this.selectKernel(k, true);
    this.live.textContent = this.inspWhere.textContent + ": " + this.inspSum.textContent;
  };

  Explorer.prototype.buildInspector = function () {
    var layer = this.payload.layers[this.inspectIndex];
    var ws = this.tensorShape(layer.weight), C = ws[1], KH = ws[2], KW = ws[3];
    var panel = el("section", "cx-panel cx-inspector");
    panel.setAttribute("aria-label", "Convolution arithmetic of " + layer.name);
    panel.appendChild(el("p", "cx-h", "The arithmetic of one pixel of " + layerLabel(layer.name)));
    this.inspWhere = el("p", "cx-insp-where", "");
    panel.appendChild(this.inspWhere);
    panel.appendChild(el("p", "cx-hint", "Click or tap a pixel of a " + layerLabel(layer.name) + " map to choose it; " +
      "or Tab to a map, press Enter, and move with the arrow keys."));
    var tables = el("div", "cx-insp-tables");
    var self = this;
    this.inspTables = ["input window", "kernel", "products"].map(function (title, t) {
      var fig = el("div", "cx-insp-table");
      var cap = el("p", "cx-insp-caption", (t === 1 ? "\u00d7 " : t === 2 ? "= " : "") + title);
      fig.appendChild(cap);
      var grids = [];
      for (var c = 0; c < C; c++) {
        var grid = el("div", "cx-cells");
        grid.style.gridTemplateColumns = "repeat(" + KW + ", auto)";
        attrs(grid, { role: "group", "aria-label": title + (C > 1 ? ", channel " + c : "") + ", " + KH + " by " + KW + ", row by row" });
        var cells = [];
        for (var i = 0; i < KH * KW; i++) {
          var cell = el("span", "cx-cell", "");
          grid.appendChild(cell);
          cells.push(cell);
        }
        fig.appendChild(grid);
        grids.push(cells);
      }
      tables.appendChild(fig);
      return { caption: cap, title: title, cells: grids };
    });
    var sum = el("p", "cx-insp-sum", "");
    sum.id = this.id("insp-sum");
    this.inspSum = sum;
    tables.appendChild(sum); // beside the products where there is room (explorer.css)
    panel.appendChild(tables);
    this.inspGeom = { C: C, KH: KH, KW: KW };
    var ext = Math.max(Math.abs(this.lo), Math.abs(this.hi)) || 1;
    this.productScale = null; // set with the kernel scale, which is built after this panel
    this.productExtent = ext;
    return panel;
  };

  function setCell(cell, text, sc, v) {
    cell.textContent = text;
    if (sc) {
      var i = sc.index(v);
      cell.style.backgroundColor = sc.cmap.css[i];
      cell.style.color = sc.cmap.ink[i];
      cell.classList.remove("cx-pad");
    } else {
      cell.style.backgroundColor = "";
      cell.style.color = "";
      cell.classList.add("cx-pad");
    }
  }

  Explorer.prototype.drawInspector = function () {
    if (!this.inspect || !this.inspTables) return;
    var layer = this.payload.layers[this.inspectIndex], g = this.inspGeom;
    var k = this.state.kernel;
    if (!this.inspect.chosen) this.strongestPixel(k, layer);
    var oy = this.inspect.y, ox = this.inspect.x;
    var T = this.net.snapshots[this.state.snapshot];
    var w = T[layer.weight], bias = layer.bias != null ? T[layer.bias][k] : 0;
    var inS = layer.in_shape, H = inS[1], W = inS[2];
    // The input of the inspected layer: the image, or the previous layer's output.
    var x = this.inspectIndex === 0 ? this.state.image : this.bufs[this.inspectIndex - 1];
    var iy0 = oy * layer.stride[0] - layer.padding[0], ix0 = ox * layer.stride[1] - layer.padding[1];
    if (!this.productScale) {
      var pv = this.kernelScale.hi * this.productExtent;
      this.productScale = scale(this.cmaps.signed, -pv, pv);
    }
    var sum = 0, KK = g.KH * g.KW;
    var inputScale = this.inspectIndex === 0 ? this.inputScale : this.panels[this.inspectIndex - 1].scale;
    for (var c = 0; c < g.C; c++) {
      for (var ky = 0; ky < g.KH; ky++) {
        for (var kx = 0; kx < g.KW; kx++) {
          var i = ky * g.KW + kx, iy = iy0 + ky, ix = ix0 + kx;
          var inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
          var xv = inside ? x[(c * H + iy) * W + ix] : 0;
          var wv = w[(k * g.C + c) * KK + i], prod = xv * wv;
          sum += prod;
          setCell(this.inspTables[0].cells[c][i], fmt(xv, 2), inside ? inputScale : null, xv);
          setCell(this.inspTables[1].cells[c][i], fmt(wv, 2), this.kernelScale, wv);
          setCell(this.inspTables[2].cells[c][i], fmt(prod, 2), this.productScale, prod);
        }
      }
    }
    var value = this.bufs[this.inspectIndex][(k * layer.out_shape[1] + oy) * layer.out_shape[2] + ox];
    this.inspTables[1].caption.textContent = "\u00d7 kernel " + k;
    this.inspTables[0].caption.textContent = "input window, rows " + iy0 + "\u2013" + (iy0 + g.KH - 1) +
      ", columns " + ix0 + "\u2013" + (ix0 + g.KW - 1);
    this.inspWhere.textContent = layer.name + " map " + k + ", row " + oy + ", column " + ox +
      (this.inspect.chosen ? "" : " (its strongest pixel)");
    // Three parts that each stay on one line: a narrow column breaks the sum between them.
    this.inspSum.textContent = "";
    ["sum " + fmt(sum, 3), "+ bias " + fmt(bias, 3), "= " + fmt(value, 3)].forEach(function (part, i) {
      if (i) this.inspSum.appendChild(document.createTextNode(" "));
      this.inspSum.appendChild(el("span", "cx-insp-term", part));
    }, this);
    this.inspSum.setAttribute("data-sum", String(sum));
    this.inspSum.setAttribute("data-bias", String(bias));
    this.inspSum.setAttribute("data-value", String(value));
    this.placeMarks(k, oy, ox, iy0, ix0, H, W, layer);
  };

  Explorer.prototype.strongestPixel = function (k, layer) {
    var n = layer.out_shape[1] * layer.out_shape[2], map = this.bufs[this.inspectIndex], best = 0, top = -1;
    for (var i = 0; i < n; i++) {
      var v = Math.abs(map[k * n + i]);
      if (v > top) { top = v; best = i; }
    }
    this.inspect.y = Math.floor(best / layer.out_shape[2]);
    this.inspect.x = best % layer.out_shape[2];
  };

  /* Outline the inspected pixel on its map and, for the first layer, the kernel's window on the image. */
  Explorer.prototype.placeMarks = function (k, oy, ox, iy0, ix0, H, W, layer) {
    var OH = layer.out_shape[1], OW = layer.out_shape[2], mark = this.mapMark;
    var target = this.inspectMaps[k].inner;
    if (mark.parentNode !== target) target.appendChild(mark);
    mark.style.left = (ox / OW * 100) + "%";
    mark.style.top = (oy / OH * 100) + "%";
    mark.style.width = (100 / OW) + "%";
    mark.style.height = (100 / OH) + "%";
    var box = this.windowBox;
    if (this.inspectIndex !== 0) { box.style.display = "none"; return; }
    box.style.display = "block";
    box.style.left = (ix0 / W * 100) + "%";
    box.style.top = (iy0 / H * 100) + "%";
    box.style.width = (this.inspGeom.KW / W * 100) + "%";
    box.style.height = (this.inspGeom.KH / H * 100) + "%";
  };

  // -- a frame -----------------------------------------------------------------------------------------
  Explorer.prototype.render = function () {
    var t0 = performance.now();
    var s = this.state.snapshot;
    this.net.forward(this.state.image, s, this.bufs, this.probs);
    var pc = this.inputCanvas;
    paint(pc.view, this.state.image, 0, this.H * this.W, this.inputScale); // the first channel
    pc.ctx.putImageData(pc.image, 0, 0);
    if (this.inspectIndex >= 0) this.drawKernels();
    this.drawLayers();
    this.drawProbabilities();
    this.drawInspector();
    this.drawTraining();
    this.updateSelection();
    this.updateImageButtons();
    this.lastFrameMs = performance.now() - t0;
  };

  Explorer.prototype.drawTraining = function () {
    var snap = this.payload.snapshots[this.state.snapshot];
    if (+this.slider.value !== this.state.snapshot) this.slider.value = String(this.state.snapshot);
    this.slider.setAttribute("aria-valuetext", snap.label);
    this.epochText.textContent = snap.label;
  };

  Explorer.prototype.updateImageButtons = function () {
    var name = this.state.imageName;
    this.imageButtons.forEach(function (b) { b.button.setAttribute("aria-pressed", String(b.key === name)); });
  };

  // -- deep links ----------------------------------------------------------------------------------------
  function epochText(e) {
    return String(Number(Number(e).toFixed(3)));
  }

  Explorer.prototype.applyHash = function (hash) {
    var text = String(hash || "").replace(/^#/, "");
    if (text.indexOf("=") < 0) return false;
    var params;
    try { params = new URLSearchParams(text); } catch (e) { return false; }
    var snaps = this.payload.snapshots;
    if (params.has("epoch")) {
      var epoch = parseFloat(params.get("epoch"));
      if (isFinite(epoch)) {
        var best = 0;
        for (var i = 1; i < snaps.length; i++) {
          if (Math.abs(snaps[i].epoch - epoch) < Math.abs(snaps[best].epoch - epoch)) best = i;
        }
        this.state.snapshot = best;
      }
    }
    if (params.has("kernel") && this.kernelShape) {
      var k = parseInt(params.get("kernel"), 10);
      if (k >= 0 && k < this.kernelShape.O) this.state.kernel = k;
    }
    if (params.has("image")) {
      var name = params.get("image"), key = hashName(name);
      var im = this.images.find(function (x) { return x.key === key || x.name === name; });
      if (im) { this.state.image.set(im.pixels); this.state.imageName = im.key; }
    }
    this.stopPlay();
    this.render();
    return true;
  };

  Explorer.prototype.writeHash = function () {
    if (instances[0] !== this) return;
    if (document.querySelectorAll("[data-cnnexplain-explorer]").length !== 1) return;
    var parts = ["epoch=" + encodeURIComponent(epochText(this.payload.snapshots[this.state.snapshot].epoch))];
    if (this.kernelShape) parts.push("kernel=" + this.state.kernel);
    if (this.state.imageName != null) parts.push("image=" + encodeURIComponent(this.state.imageName));
    try {
      history.replaceState(history.state, "", "#" + parts.join("&"));
    } catch (e) { /* a sandboxed frame may refuse: the link is a convenience */ }
  };

  // -- the public interface --------------------------------------------------------------------------------
  /* A value as an error message names it: 0.5, NaN, a string ("0.5"), an object, null. */
  function describeValue(v) {
    if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") return String(v);
    if (typeof v === "string") return "a string (" + JSON.stringify(v.length > 24 ? v.slice(0, 24) + "..." : v) + ")";
    if (Array.isArray(v)) return "an Array of " + v.length + " items";
    var kind = v && v.constructor && typeof v.constructor.name === "string" ? v.constructor.name : "";
    if (typeof v === "object") return kind && kind !== "Object" ? "a " + kind : "an object";
    return "a " + typeof v; // function, bigint, symbol
  }

  /* Pixels given to the scripting interface: an array or typed array of finite numbers, as many as
   * the input has. Anything else is refused here, naming what was given: a NaN would run through
   * the network and show as "NaN%", a string would turn into NaNs on the way. */
  function checkPixels(pixels, size) {
    var want = "a Float32Array (or an array) of " + size + " finite numbers";
    var listed = Array.isArray(pixels) || (ArrayBuffer.isView(pixels) && typeof pixels.length === "number");
    if (!listed) throw new TypeError("pixels must be " + want + ", got " + describeValue(pixels));
    if (pixels.length !== size) throw new RangeError("pixels must hold " + size + " values, got " + pixels.length);
    for (var i = 0; i < size; i++) {
      var v = pixels[i];
      if (typeof v !== "number") {
        throw new TypeError("pixels must hold numbers, got " + describeValue(v) + " at index " + i);
      }
      // Beyond float32's range a finite number becomes Infinity in the network's Float32Array.
      if (!isFinite(Math.fround(v))) {
        throw new RangeError("pixels must hold finite float32 numbers, got " + v + " at index " + i);
      }
    }
    return pixels instanceof Float32Array ? pixels : Float32Array.from(pixels);
  }

  Explorer.prototype.api = function () {
    var self = this, net = this.net;
    function checkSnapshot(s) {
      if (s === undefined) return self.state.snapshot;
      var want = "snapshot must be an integer in [0, " + (net.snapshots.length - 1) + "], got " + describeValue(s);
      if (typeof s !== "number") throw new TypeError(want);
      if (!Number.isInteger(s) || s < 0 || s >= net.snapshots.length) throw new RangeError(want);
      return s;
    }
    var api = {
      snapshots: net.snapshots.length,
      layers: net.ops.map(function (op) { return op.name; }),
      run: function (pixels, snapshot) {
        var bufs = net.buffers(), probs = new Float32Array(self.probs.length);
        net.forward(checkPixels(pixels, net.inSize), checkSnapshot(snapshot), bufs, probs);
        var out = {};
        net.ops.forEach(function (op, i) { out[op.name] = bufs[i]; });
        out.probabilities = probs;
        return out;
      },
      setImage: function (pixels) {
        self.state.image.set(checkPixels(pixels, net.inSize));
        self.state.imageName = null;
        self.render();
        self.writeHash();
      },
      setSnapshot: function (i) {
        self.stopPlay();
        self.setSnapshot(checkSnapshot(i), true);
      },
      state: function () {
        return {
          snapshot: self.state.snapshot,
          epoch: self.payload.snapshots[self.state.snapshot].epoch,
          kernel: self.state.kernel,
          image: self.state.imageName
        };
      },
      ready: false,
      initMs: null
    };
    Object.defineProperty(api, "lastFrameMs", { get: function () { return self.lastFrameMs; }, enumerable: true });
    return api;
  };

  function readPayload(root) {
    var script = null;
    for (var i = 0; i < root.children.length; i++) {
      var child = root.children[i];
      if (child.tagName === "SCRIPT" && child.classList.contains("cnnexplain-explorer-data")) { script = child; break; }
    }
    if (!script) throw new Error("no payload: a script element of class cnnexplain-explorer-data is missing");
    var payload = JSON.parse(script.textContent);
    if (!payload || payload.format !== "cnnexplain-explorer" || payload.version !== 1) {
      throw new Error("the payload is not cnnexplain-explorer version 1");
    }
    return payload;
  }

  function init(root) {
    if (!root || root.cnnexplain) return root && root.cnnexplain;
    root.cnnexplain = { ready: false }; // claimed: a second initAll leaves it alone
    try {
      var explorer = new Explorer(root, readPayload(root));
      instances.push(explorer);
      var api = explorer.api();
      root.cnnexplain = api;
      root.classList.add("cx-ready");
      if (instances[0] === explorer) {
        // A link that sets the state is a link to the explorer: show it, not the top of the page.
        var follow = function () { if (explorer.applyHash(location.hash)) root.scrollIntoView({ block: "start" }); };
        follow();
        window.addEventListener("hashchange", follow);
      }
      api.ready = true;
      api.initMs = performance.now();
      return api;
    } catch (err) {
      var message = el("p", "cx-error", "The explorer could not start: " + (err && err.message ? err.message : String(err)));
      message.setAttribute("role", "alert");
      root.appendChild(message);
      root.cnnexplain = { ready: false, error: String(err && err.message ? err.message : err) };
      if (window.console) console.error("cnnexplain explorer:", err);
      return root.cnnexplain;
    }
  }

  function initAll() {
    var roots = document.querySelectorAll("[data-cnnexplain-explorer]");
    for (var i = 0; i < roots.length; i++) if (!roots[i].cnnexplain) init(roots[i]);
  }

  window.cnnexplainExplorer = { init: init, initAll: initAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
