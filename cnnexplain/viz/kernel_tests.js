/* cnnexplain kernel tests: the site's edge test and class preference of each kernel, in the page.
 *
 * Written for this project, no dependency. A port of the two judgements the site makes about a
 * first-layer kernel, so that the lab can show them while the network trains:
 *   - edgeTest: cnnexplain.analysis.is_edge_detector (analysis/edge_detector.py), the site's one
 *     definition of an edge detector -- three conditions on the kernel's shape, against fixed
 *     templates, with the thresholds EDGE_SHARE and SMOOTH_RATIO (no null simulation: the
 *     definition is deterministic, its thresholds were validated on kernel families with known
 *     answers, analysis/known_edges.py);
 *   - classPreference: cnnexplain.analysis.kernel_selectivity (analysis/class_selectivity.py),
 *     the selectivity index of each kernel's mean ReLU response on the two classes, and the
 *     site's cut for a clear preference, CLEAR_PREFERENCE.
 * Like network.js, nothing here touches a page: the file runs in a page, in a Web Worker (from
 * moduleSource(), as a Blob) and in Node (require), and defines cnnexplainKernelTests on the
 * global object (window, a worker's self), or module.exports.
 *
 * API
 *   edgeTest(kernel, k) -> {score, isEdge, share, smooth, line, angle, flat}
 *       kernel: k * k numbers, row-major (a Float32Array slice of conv1's weight), k odd, >= 3.
 *       share: the best edge template's squared correlation with the kernel (condition 1 asks
 *       share >= EDGE_SHARE); smooth: the smooth energy left beside that edge, as a share of the
 *       kernel's (condition 2: share >= SMOOTH_RATIO * smooth); line: the best line template's
 *       squared correlation (condition 3: share > line); score = share; angle: the best edge
 *       template's orientation in degrees (0, 5, ..., 175; NaN for a flat kernel); isEdge: all
 *       three hold. A flat kernel (no contrast) scores 0 and is no edge detector.
 *   edgeTests(kernels, k) -> an array of edgeTest's results, one per kernel of k * k numbers.
 *   classPreference({kernels, biases, k, images, labels, n, size}) -> {index, means, clear}
 *       kernels: nKernels * k * k numbers; biases: nKernels; images: n * size * size (lines.js's
 *       layout); labels: n integers, the first two classes (0, 1) compared. Each kernel's map
 *       relu(conv(image, kernel) + bias) (stride 1, no padding) is averaged over positions, then
 *       over the images of each class. index[j] = (mean0 - mean1) / (mean0 + mean1), in [-1, 1]
 *       (0 when both are 0): +1 fires only on class 0. means: [mean0, mean1] per kernel; clear:
 *       |index| > CLEAR_PREFERENCE. Windows without a lit pixel respond relu(bias) and are not
 *       computed, as the Python function does, and each lit pixel adds its products to the
 *       windows that hold it: on line images (97% black) far fewer products than the whole
 *       convolution (the site's 960 training images, 8 kernels: about 0.1 s in Node); on
 *       noisy images every window is computed.
 *   EDGE_SHARE, SMOOTH_RATIO, CLEAR_PREFERENCE, ANGLES, moduleSource().
 *
 * Arithmetic: double precision throughout, as the Python function of edgeTest (float64); the
 * templates are computed here by the same formulas (Math's tanh, exp, sin and cos, which may
 * differ from numpy's in the last bit), and the smooth patterns' basis by Gram-Schmidt where
 * Python takes an SVD: the same subspace, so the same energy up to rounding. classPreference
 * sums in double precision where PyTorch convolves in float32. tests/test_kernel_tests_js.py
 * measures the agreement: within 1e-6 on 1,000 random kernels and on trained ones.
 */
(function cnnexplainKernelTestsModule(root) {
  "use strict";

  /* analysis.edge_detector.EDGE_SHARE and SMOOTH_RATIO; analysis.class_selectivity.CLEAR_PREFERENCE. */
  var EDGE_SHARE = 1.0 / 3.0;
  var SMOOTH_RATIO = 3.0;
  var CLEAR_PREFERENCE = 0.1;
  var ANGLES = [];
  for (var a = 0; a < 180; a += 5) ANGLES.push(a);

  function describe(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array of " + value.length;
    if (ArrayBuffer.isView(value)) return "a " + value.constructor.name + " of " + value.length;
    if (typeof value === "number") return String(value);
    return typeof value;
  }

  function checkSide(k) {
    if (!Number.isInteger(k) || k < 3 || k % 2 === 0 || k > 63) {
      throw new RangeError("k must be an odd integer in [3, 63] (the kernel's side), got " + describe(k));
    }
  }

  function checkNumbers(name, values, count) {
    var ok = (Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView))) && values.length === count;
    if (!ok) throw new TypeError(name + " must hold " + count + " numbers, got " + describe(values));
    for (var i = 0; i < count; i++) {
      if (typeof values[i] !== "number" || !isFinite(values[i])) {
        throw new RangeError(name + " must hold finite numbers, got " + values[i] + " at " + i);
      }
    }
  }

  // -- the templates (edge_detector._templates, _line_templates, _smooth_basis) ----------------
  /* Column (x) and row (y) offsets of the k * k pixel centres from the centre, row-major. */
  function offsets(k) {
    var x = new Float64Array(k * k), y = new Float64Array(k * k), half = (k - 1) / 2;
    for (var r = 0; r < k; r++) {
      for (var c = 0; c < k; c++) {
        x[r * k + c] = c - half;
        y[r * k + c] = r - half;
      }
    }
    return { x: x, y: y };
  }

  function clip(v, low, high) {
    return v < low ? low : v > high ? high : v;
  }

  /* The across- and along-profiles of _profiles: widths for a 7x7 kernel, scaled by radius / 3. */
  function profiles(radius) {
    var u = radius / 3.0;
    var across = [function (p) { return clip(2.0 * p, -1.0, 1.0); }, function (p) { return p; }];
    [0.5 * u, u, 2.0 * u].forEach(function (w) { across.push(function (p) { return Math.tanh(p / w); }); });
    [u, 1.5 * u, 2.0 * u].forEach(function (s) { across.push(function (p) { return p * Math.exp(-(p * p) / (2 * s * s)); }); });
    var along = [function () { return 1.0; }, function (q) { return Math.max(radius + 1.0 - Math.abs(q), 0.0); }];
    [u, 2.0 * u].forEach(function (t) { along.push(function (q) { return Math.exp(-(q * q) / (2 * t * t)); }); });
    return { across: across, along: along };
  }

  /* A template's values made zero-mean and unit-norm, in place. */
  function normalize(t) {
    var n = t.length, mean = 0, norm = 0, i;
    for (i = 0; i < n; i++) mean += t[i];
    mean /= n;
    for (i = 0; i < n; i++) {
      t[i] -= mean;
      norm += t[i] * t[i];
    }
    norm = Math.sqrt(norm);
    for (i = 0; i < n; i++) t[i] /= norm;
    return t;
  }

  /* Signed distance across (p) and position along (q) a line through the centre at each angle. */
  function rotated(k) {
    var o = offsets(k), out = [];
    ANGLES.forEach(function (degrees) {
      var angle = degrees * (Math.PI / 180), cos = Math.cos(angle), sin = Math.sin(angle);
      var p = new Float64Array(k * k), q = new Float64Array(k * k);
      for (var i = 0; i < k * k; i++) {
        p[i] = o.x[i] * cos + o.y[i] * sin;
        q[i] = -o.x[i] * sin + o.y[i] * cos;
      }
      out.push({ p: p, q: q });
    });
    return out;
  }

  function edgeTemplates(k) {
    var shapes = profiles((k - 1) / 2), templates = [];
    rotated(k).forEach(function (pq) {
      shapes.across.forEach(function (f) {
        shapes.along.forEach(function (g) {
          var t = new Float64Array(k * k);
          for (var i = 0; i < k * k; i++) t[i] = f(pq.p[i]) * g(pq.q[i]);
          templates.push(normalize(t));
        });
      });
    });
    return templates;
  }

  /* Bars 1, 2 and 3 px wide (on 7x7), centred by half pixels up to radius - 1 - width / 2 off
   * the centre; none on a 3x3 kernel. */
  function lineTemplates(k) {
    var radius = (k - 1) / 2, u = radius / 3.0, along = profiles(radius).along, bars = [], templates = [];
    [u, 2.0 * u, 3.0 * u].forEach(function (w) {
      var reach = Math.floor(2 * radius);
      for (var twice = -reach; twice <= reach; twice++) {
        var c = twice / 2;
        if (Math.abs(c) + w / 2 <= radius - 1 + 1e-9) bars.push([w, c]);
      }
    });
    rotated(k).forEach(function (pq) {
      bars.forEach(function (bar) {
        var f = new Float64Array(k * k);
        for (var i = 0; i < k * k; i++) f[i] = clip(bar[0] / 2 + 0.5 - Math.abs(pq.p[i] - bar[1]), 0.0, 1.0);
        along.forEach(function (g) {
          var t = new Float64Array(k * k);
          for (var i = 0; i < k * k; i++) t[i] = f[i] * g(pq.q[i]);
          templates.push(normalize(t));
        });
      });
    });
    return templates;
  }

  /* An orthonormal basis of the zero-mean polynomials of degree 1 to 3 on the kernel: the span
   * Python's SVD gives, by Gram-Schmidt twice over (a monomial that adds no new direction --
   * x^3 on a 3x3 kernel, where it equals x -- is left out, as the SVD's tiny singular values are). */
  function smoothBasis(k) {
    var o = offsets(k), r = (k - 1) / 2, basis = [];
    for (var i = 0; i < 4; i++) {
      for (var j = 0; j < 4 - i; j++) {
        if (i + j === 0) continue;
        var m = new Float64Array(k * k), mean = 0, n;
        for (n = 0; n < k * k; n++) {
          m[n] = Math.pow(o.x[n] / r, i) * Math.pow(o.y[n] / r, j);
          mean += m[n];
        }
        mean /= k * k;
        var size = 0;
        for (n = 0; n < k * k; n++) {
          m[n] -= mean;
          size += m[n] * m[n];
        }
        for (var pass = 0; pass < 2; pass++) {
          basis.forEach(function (b) {
            var dot = 0, q;
            for (q = 0; q < k * k; q++) dot += b[q] * m[q];
            for (q = 0; q < k * k; q++) m[q] -= dot * b[q];
          });
        }
        var left = 0;
        for (n = 0; n < k * k; n++) left += m[n] * m[n];
        if (left > 1e-18 * size) {
          var norm = Math.sqrt(left);
          for (n = 0; n < k * k; n++) m[n] /= norm;
          basis.push(m);
        }
      }
    }
    return basis;
  }

  var cache = {};

  function templatesOf(k) {
    if (!cache[k]) cache[k] = { edges: edgeTemplates(k), lines: lineTemplates(k), smooth: smoothBasis(k) };
    return cache[k];
  }

  function dot(a, b) {
    var s = 0;
    for (var i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  // -- the edge test (edge_detector._edge_fit, is_edge_detector) --------------------------------
  /* The kernel made zero-mean and scale-free (divided by its largest contrast), or null if flat:
   * no contrast, or only the rounding error of removing the mean of a constant. */
  function contrast(kernel, k) {
    var n = k * k, mean = 0, x = new Float64Array(n), scale = 0, largest = 0, i;
    for (i = 0; i < n; i++) mean += kernel[i];
    mean /= n;
    for (i = 0; i < n; i++) {
      x[i] = kernel[i] - mean;
      scale = Math.max(scale, Math.abs(x[i]));
      largest = Math.max(largest, Math.abs(kernel[i]));
    }
    if (scale <= 1e-12 * largest) return null;
    for (i = 0; i < n; i++) x[i] /= scale;
    return x;
  }

  function edgeTest(kernel, k) {
    checkSide(k);
    checkNumbers("kernel", kernel, k * k);
    var x = contrast(kernel, k);
    if (x === null) return { score: 0, isEdge: false, share: 0, smooth: 0, line: 0, angle: NaN, flat: true };
    var t = templatesOf(k), energy = dot(x, x), best = 0, coef = 0, i;
    for (i = 0; i < t.edges.length; i++) {
      var c = dot(x, t.edges[i]);
      if (Math.abs(c) > Math.abs(coef)) {
        coef = c;
        best = i;
      }
    }
    var rest = new Float64Array(x.length), edge = t.edges[best];
    for (i = 0; i < x.length; i++) rest[i] = x[i] - coef * edge[i];
    var smooth = 0, line = 0;
    t.smooth.forEach(function (b) { var d = dot(rest, b); smooth += d * d; });
    t.lines.forEach(function (l) { var d = dot(x, l); line = Math.max(line, d * d); });
    var share = (coef * coef) / energy;
    smooth /= energy;
    line /= energy;
    var perAngle = t.edges.length / ANGLES.length;
    return {
      score: share,
      isEdge: share >= EDGE_SHARE && share >= SMOOTH_RATIO * smooth && share > line,
      share: share,
      smooth: smooth,
      line: line,
      angle: ANGLES[Math.floor(best / perAngle)],
      flat: false
    };
  }

  function edgeTests(kernels, k) {
    checkSide(k);
    if (!kernels || kernels.length % (k * k) !== 0) {
      throw new TypeError("kernels must hold a whole number of k * k = " + k * k + " values, got " + describe(kernels));
    }
    var out = [];
    for (var start = 0; start < kernels.length; start += k * k) out.push(edgeTest(kernels.slice(start, start + k * k), k));
    return out;
  }

  // -- class preference (class_selectivity.kernel_selectivity) -------------------------------
  /* Scratch space of one image: its lit (non-zero) pixels, the windows they light, each window's
   * response. */
  function Scratch(size, k) {
    var m = size - k + 1;
    this.pixels = new Int32Array(size * size);
    this.values = new Float64Array(size * size);
    this.windows = new Int32Array(m * m);
    this.lit = new Uint8Array(m * m);
    this.response = new Float64Array(m * m);
  }

  /* The lit pixels of one image (offset: its first pixel in images), and the windows (by index
   * row * m + column) that hold at least one: the only windows whose response is not relu(bias). */
  function findLit(images, offset, size, k, scratch) {
    var m = size - k + 1, nPixels = 0, nWindows = 0, r, c, dr, dc;
    scratch.lit.fill(0);
    for (r = 0; r < size; r++) {
      for (c = 0; c < size; c++) {
        var v = images[offset + r * size + c];
        if (v === 0) continue;
        scratch.pixels[nPixels] = r * size + c;
        scratch.values[nPixels++] = v;
        for (dr = Math.max(0, r - m + 1); dr <= Math.min(k - 1, r); dr++) {
          for (dc = Math.max(0, c - m + 1); dc <= Math.min(k - 1, c); dc++) {
            var w = (r - dr) * m + (c - dc);
            if (!scratch.lit[w]) {
              scratch.lit[w] = 1;
              scratch.windows[nWindows++] = w;
            }
          }
        }
      }
    }
    return { pixels: nPixels, windows: nWindows };
  }

  /* Each kernel's mean over positions of relu(conv(image, kernel) + bias), for one image, added
   * into totals: each lit pixel adds its share to the windows that hold it (fewer products than
   * window by window when most pixels are black); the other windows respond relu(bias). */
  function addMeanResponses(size, kernels, biases, k, scratch, found, totals) {
    var m = size - k + 1, positions = m * m, response = scratch.response;
    for (var j = 0; j < biases.length; j++) {
      var bias = biases[j], base = j * k * k, w, sum = (positions - found.windows) * Math.max(bias, 0);
      for (w = 0; w < found.windows; w++) response[scratch.windows[w]] = bias;
      for (var p = 0; p < found.pixels; p++) {
        var r = (scratch.pixels[p] / size) | 0, c = scratch.pixels[p] - r * size, v = scratch.values[p];
        var drHigh = Math.min(k - 1, r), dcLow = Math.max(0, c - m + 1), dcHigh = Math.min(k - 1, c);
        for (var dr = Math.max(0, r - m + 1); dr <= drHigh; dr++) {
          var row = (r - dr) * m + c, kr = base + dr * k;
          for (var dc = dcLow; dc <= dcHigh; dc++) response[row - dc] += v * kernels[kr + dc];
        }
      }
      for (w = 0; w < found.windows; w++) {
        var s = response[scratch.windows[w]];
        if (s > 0) sum += s;
      }
      totals[j] += sum / positions;
    }
  }

  function selectivityIndex(a, b) {
    var total = a + b;
    return total > 0 ? clip((a - b) / total, -1, 1) : 0;
  }

  function classPreference(input) {
    var s = input || {};
    checkSide(s.k);
    if (!Number.isInteger(s.size) || s.size < s.k) throw new RangeError("size must be an integer >= k (" + s.k + "), got " + describe(s.size));
    if (!Number.isInteger(s.n) || s.n < 1) throw new RangeError("n must be an integer >= 1 (the number of images), got " + describe(s.n));
    if (!s.biases || !(s.biases.length >= 1)) throw new TypeError("biases must hold one number per kernel, got " + describe(s.biases));
    var nKernels = s.biases.length, k = s.k, size = s.size, pixels = size * size;
    checkNumbers("biases", s.biases, nKernels);
    checkNumbers("kernels", s.kernels, nKernels * k * k);
    if (!s.images || s.images.length !== s.n * pixels) throw new TypeError("images must hold n * size * size = " + s.n * pixels + " numbers, got " + describe(s.images));
    if (!s.labels || s.labels.length !== s.n) throw new TypeError("labels must hold n = " + s.n + " labels, got " + describe(s.labels));
    var kernels = Float64Array.from(s.kernels), biases = Float64Array.from(s.biases);
    var totals = [new Float64Array(nKernels), new Float64Array(nKernels)], counts = [0, 0];
    var scratch = new Scratch(size, k);
    for (var i = 0; i < s.n; i++) {
      var label = s.labels[i];
      if (label !== 0 && label !== 1) continue; // the first two classes are compared
      addMeanResponses(size, kernels, biases, k, scratch, findLit(s.images, i * pixels, size, k, scratch), totals[label]);
      counts[label]++;
    }
    [0, 1].forEach(function (c) {
      if (!counts[c]) throw new RangeError("images must hold images of class " + c + ", got none");
    });
    var index = new Float64Array(nKernels), means = [], clear = [];
    for (var j = 0; j < nKernels; j++) {
      var a = totals[0][j] / counts[0], b = totals[1][j] / counts[1];
      means.push([a, b]);
      index[j] = selectivityIndex(a, b);
      clear.push(Math.abs(index[j]) > CLEAR_PREFERENCE);
    }
    return { index: index, means: means, clear: clear };
  }

  var api = {
    EDGE_SHARE: EDGE_SHARE,
    SMOOTH_RATIO: SMOOTH_RATIO,
    CLEAR_PREFERENCE: CLEAR_PREFERENCE,
    ANGLES: ANGLES,
    edgeTest: edgeTest,
    edgeTests: edgeTests,
    classPreference: classPreference,
    /* This file as a script that defines cnnexplainKernelTests where it runs: for a Web Worker
     * made from a Blob. */
    moduleSource: function () {
      return "(" + cnnexplainKernelTestsModule.toString() + ")(typeof globalThis !== \"undefined\" ? globalThis : this);\n";
    }
  };

  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.cnnexplainKernelTests = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
