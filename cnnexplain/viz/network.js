/* cnnexplain network: the explorer's network, forward and backward, without a page.
 *
 * Written for this project, no dependency. Layers, their forward and backward passes over a
 * batch, the cross-entropy, and the optimizers SGD and Adam, on Float32Array storage. Nothing
 * here touches a page (no DOM, no window): the same file runs
 *   - in the explorer's page: cnnexplain/viz/explorer.py inlines it before explorer.js, which
 *     draws the widgets;
 *   - in a Web Worker: moduleSource() returns this file as a script, to start a worker from a
 *     Blob (a page opened from file:// may not start a worker from a file);
 *   - in Node: require() returns the module.
 * It defines cnnexplainNetwork on the global object (window, a worker's self), or module.exports.
 *
 * A network is described as in the explorer's payload (cnnexplain/viz/explorer.schema.json,
 * $defs/layer): layers in forward order, each with its type, its input and output shapes for
 * one image (no batch axis) and the names of its tensors; tensors are Float32Arrays in
 * PyTorch's order, keyed by those names. Buffers are batches in PyTorch's (N, C, H, W) or
 * (N, features) order, one image after the other.
 *
 * The arithmetic, against PyTorch's on the CPU (float32), and where it differs:
 *   - Sums of the forward pass -- a convolution's or a dense layer's output, a pooling window,
 *     batch statistics -- and a convolution's gradients are accumulated in double precision and
 *     rounded to float32 once. PyTorch (oneDNN, MKL) accumulates in float32, in blocked orders
 *     that depend on the processor: the two differ by rounding, about 1e-7 of the values.
 *   - A dense layer's gradients are accumulated as PyTorch's matrix products accumulate them:
 *     in float32, one fused multiply-add at a time, in order, over the batch (the weights) and
 *     over the outputs (the input); the bias's, a float32 sum in the batch's order. From the
 *     same inputs the first two are PyTorch's bit for bit (MKL's, measured).
 *   - The cross-entropy's gradient takes PyTorch's float32 steps (crossEntropy); its value, the
 *     loss, is summed in double precision.
 *   - Every tensor that PyTorch stores in float32 between two operations is rounded to float32
 *     here too (Math.fround), in torch.optim's order of operations (its single-tensor
 *     implementations, the default on the CPU), with the fused multiply-adds its CPU kernels use
 *     (add with alpha, lerp, addcmul): the optimizers' state does not drift from PyTorch's.
 *   - exp, log and sqrt are JavaScript's (correctly rounded or nearly); PyTorch's vectorized exp
 *     and log may differ from them in the last bit.
 *   - A zero gradient is skipped where it multiplies an input (convolution, dense layer), and a
 *     zero input where it multiplies a weight (a convolution's forward pass: most pixels of a line
 *     image, half of a ReLU's outputs; a quarter less time per training step of LineCNN): PyTorch
 *     multiplies them, which differs only where a weight or an input is infinite or NaN.
 *   - Dropout's masks are given by the caller (PyTorch's, for the parity tests) or drawn from a
 *     random source the caller gives; PyTorch's random generator is not reproduced.
 *   - Not implemented, and refused: SGD's nesterov, Adam's amsgrad, batch normalization with
 *     momentum=None (a cumulative average).
 * Where a gradient is zero but for rounding -- a convolution's bias just before a batch
 * normalization in training mode, which takes every constant away -- Adam, which divides each
 * gradient by its own size, steps on the rounding: there PyTorch and this module (and PyTorch
 * on another processor) take different steps. Such a layer needs no bias (bias=False).
 */
(function cnnexplainNetworkModule(root) {
  "use strict";

  var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  var fround = Math.fround;

  // -- encoding -------------------------------------------------------------------------------
  function base64Bytes(text, what) {
    var binary;
    try {
      binary = atob(text);
    } catch (e) {
      throw new Error(what + " is not valid base64");
    }
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /* Little-endian float32 bytes as a Float32Array (swapped in place on a big-endian machine). */
  function float32s(bytes, what) {
    if (bytes.length % 4 !== 0) throw new Error(what + " must hold whole float32 values");
    if (!LITTLE_ENDIAN) {
      for (var i = 0; i < bytes.length; i += 4) {
        var a = bytes[i], b = bytes[i + 1];
        bytes[i] = bytes[i + 3]; bytes[i + 1] = bytes[i + 2]; bytes[i + 2] = b; bytes[i + 3] = a;
      }
    }
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  }

  /* Base64 of little-endian float32 values, as the payload holds them; size: how many, if known. */
  function decodeFloat32(text, what, size) {
    var values = float32s(base64Bytes(text, what), what);
    if (size != null && values.length !== size) {
      throw new Error(what + " must hold " + size + " values, got " + values.length);
    }
    return values;
  }

  function product(shape) {
    var n = 1;
    for (var i = 0; i < shape.length; i++) n *= shape[i];
    return n;
  }

  // -- convolution and pooling kernels: one image, offsets into batch buffers ----------------------
  /* The weights of a convolution reordered for conv2dForward: [c][ky][kx][o], with the output
   * channels padded with zeros to a multiple of 4. */
  function tapMajorWeights(w, g, out) {
    var O4 = Math.ceil(g.O / 4) * 4, taps = g.C * g.KH * g.KW;
    out.fill(0);
    for (var o = 0; o < g.O; o++) for (var t = 0; t < taps; t++) out[t * O4 + o] = w[o * taps + t];
    return out;
  }

  /* The convolution of one image (x from offset xo into y from offset yo); g: the layer's geometry
   * {C, H, W, O, OH, OW, KH, KW, SH, SW, PH, PW} (windowGeometry); wt: its weights as
   * tapMajorWeights orders them. Four output channels at a time, their sums in local variables
   * (double): each input value is read once for the four. */
  function conv2dForward(x, xo, g, wt, b, y, yo) {
    var C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW;
    var HW = H * W, O4 = Math.ceil(g.O / 4) * 4, size = OH * OW;
    for (var o = 0; o < g.O; o += 4) {
      for (var oy = 0; oy < OH; oy++) {
        var iy0 = oy * g.SH - g.PH;
        var ky0 = iy0 < 0 ? -iy0 : 0, ky1 = Math.min(KH, H - iy0);
        for (var ox = 0; ox < OW; ox++) {
          var ix0 = ox * g.SW - g.PW;
          var kx0 = ix0 < 0 ? -ix0 : 0, kx1 = Math.min(KW, W - ix0);
          var s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (var c = 0; c < C; c++) {
            for (var ky = ky0; ky < ky1; ky++) {
              var xr = xo + c * HW + (iy0 + ky) * W + ix0, wr = ((c * KH + ky) * KW + kx0) * O4 + o;
              for (var kx = kx0; kx < kx1; kx++, wr += O4) {
                var v = x[xr + kx];
                if (v === 0) continue; // adds nothing: most of a line image, half of a ReLU's output
                s0 += v * wt[wr]; s1 += v * wt[wr + 1]; s2 += v * wt[wr + 2]; s3 += v * wt[wr + 3];
              }
            }
          }
          var at = yo + o * size + oy * OW + ox;
          y[at] = s0 + (b ? b[o] : 0);
          if (o + 1 < g.O) y[at + size] = s1 + (b ? b[o + 1] : 0);
          if (o + 2 < g.O) y[at + 2 * size] = s2 + (b ? b[o + 2] : 0);
          if (o + 3 < g.O) y[at + 3 * size] = s3 + (b ? b[o + 3] : 0);
        }
      }
    }
  }

  /* Adds one image's weight and bias gradients to dw and db (double), and writes the gradient of
   * its input into dx (double, zeroed here) unless dx is null. */
  function conv2dBackward(x, xo, dy, yo, g, w, dw, db, dx) {
    var C = g.C, H = g.H, W = g.W, KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW;
    var HW = H * W, KK = KH * KW;
    if (dx) dx.fill(0);
    for (var o = 0; o < g.O; o++) {
      var wo = o * C * KK;
      for (var oy = 0; oy < OH; oy++) {
        var iy0 = oy * g.SH - g.PH;
        var ky0 = iy0 < 0 ? -iy0 : 0, ky1 = Math.min(KH, H - iy0);
        var yrow = yo + (o * OH + oy) * OW;
        for (var ox = 0; ox < OW; ox++) {
          var d = dy[yrow + ox];
          if (d === 0) continue; // most of them, behind a ReLU and a max-pooling
          if (db) db[o] += d;
          var ix0 = ox * g.SW - g.PW;
          var kx0 = ix0 < 0 ? -ix0 : 0, kx1 = Math.min(KW, W - ix0);
          for (var c = 0; c < C; c++) {
            var xc = c * HW + ix0, wc = wo + c * KK;
            for (var ky = ky0; ky < ky1; ky++) {
              var xr = xc + (iy0 + ky) * W, wr = wc + ky * KW;
              for (var kx = kx0; kx < kx1; kx++) {
                dw[wr + kx] += d * x[xo + xr + kx];
                if (dx) dx[xr + kx] += d * w[wr + kx];
              }
            }
          }
        }
      }
    }
  }

  /* Max or average pooling of one image; for max-pooling, the index in the image of each
   * output's maximum goes to argmax (if given): the first maximum, as PyTorch picks it. */
  function pool2dForward(x, xo, g, y, yo, isMax, includePad, argmax) {
    var H = g.H, W = g.W, OH = g.OH, OW = g.OW;
    for (var c = 0; c < g.C; c++) {
      var xc = c * H * W;
      for (var oy = 0; oy < OH; oy++) {
        var iy0 = oy * g.SH - g.PH;
        var y0 = Math.max(iy0, 0), y1 = Math.min(iy0 + g.KH, H);
        for (var ox = 0; ox < OW; ox++) {
          var ix0 = ox * g.SW - g.PW;
          var x0 = Math.max(ix0, 0), x1 = Math.min(ix0 + g.KW, W);
          var acc = isMax ? -Infinity : 0, at = xc + y0 * W + x0;
          for (var iy = y0; iy < y1; iy++) {
            var row = xc + iy * W;
            for (var ix = x0; ix < x1; ix++) {
              var v = x[xo + row + ix];
              if (!isMax) acc += v;
              else if (v > acc || v !== v) { acc = v; at = row + ix; }
            }
          }
          var out = (c * OH + oy) * OW + ox;
          // Without ceil_mode a window never passes the padded border: PyTorch divides by KH*KW.
          if (!isMax) acc /= includePad ? g.KH * g.KW : Math.max(1, (y1 - y0) * (x1 - x0));
          else if (argmax) argmax[yo + out] = at;
          y[yo + out] = acc;
        }
      }
    }
  }

  /* The gradient of an average pooling's input, for one image: each output's gradient, divided
   * by its window's count, added to the window's inputs in float32 as PyTorch adds it. */
  function avgPool2dBackward(dy, yo, g, includePad, dx, xo) {
    var H = g.H, W = g.W, OH = g.OH, OW = g.OW;
    for (var c = 0; c < g.C; c++) {
      var xc = xo + c * H * W;
      for (var oy = 0; oy < OH; oy++) {
        var iy0 = oy * g.SH - g.PH;
        var y0 = Math.max(iy0, 0), y1 = Math.min(iy0 + g.KH, H);
        for (var ox = 0; ox < OW; ox++) {
          var ix0 = ox * g.SW - g.PW;
          var x0 = Math.max(ix0, 0), x1 = Math.min(ix0 + g.KW, W);
          var count = includePad ? g.KH * g.KW : Math.max(1, (y1 - y0) * (x1 - x0));
          var d = fround(dy[yo + (c * OH + oy) * OW + ox] / count);
          for (var iy = y0; iy < y1; iy++) {
            for (var ix = x0; ix < x1; ix++) dx[xc + iy * W + ix] += d;
          }
        }
      }
    }
  }

  // -- layers -----------------------------------------------------------------------------------
  // compileLayer turns a layer's description into an op:
  //   {name, type, spec, inSize, outSize, params: [trained tensor names], buffers: [other tensors
  //    it updates], forward(x, y, N, T, run), backward(x, y, dy, dx, N, T, G)}
  // x, y: the batch's input and output; T: tensors by name; run: {training, masks, random};
  // dy: the output's gradient; dx: where the input's gradient goes (null: not needed); G: the
  // gradients of the params, by name, to which backward adds its own (float32, as PyTorch adds
  // the gradients of a tensor used twice). backward needs the forward pass of the same batch
  // just before it (in training mode, to train).

  function layerError(spec, text) {
    return new Error("layer " + spec.name + ": " + text);
  }

  function checkShape(spec, key, shapes, expected) {
    var shape = shapes[spec[key]];
    if (!shape) throw layerError(spec, "tensor " + spec[key] + " is not in the payload");
    if (shape.join(",") !== expected.join(",")) {
      throw layerError(spec, "tensor " + spec[key] + " has shape [" + shape + "], expected [" + expected + "]");
    }
  }

  function pair(v, name, spec) {
    if (!Array.isArray(v) || v.length !== 2) throw layerError(spec, name + " must be a pair");
    return v;
  }

  /* The geometry of a convolution or a pooling, checked against its shapes. */
  function windowGeometry(spec) {
    var inS = spec.in_shape, outS = spec.out_shape;
    if (inS.length !== 3 || outS.length !== 3) throw layerError(spec, "needs 3-D shapes");
    var k = pair(spec.kernel, "kernel", spec), s = pair(spec.stride, "stride", spec);
    var p = pair(spec.padding, "padding", spec);
    var g = {
      C: inS[0], H: inS[1], W: inS[2], O: outS[0], OH: outS[1], OW: outS[2],
      KH: k[0], KW: k[1], SH: s[0], SW: s[1], PH: p[0], PW: p[1]
    };
    if (g.OH !== Math.floor((g.H + 2 * g.PH - g.KH) / g.SH) + 1 || g.OW !== Math.floor((g.W + 2 * g.PW - g.KW) / g.SW) + 1) {
      throw layerError(spec, "out_shape does not follow from kernel, stride and padding");
    }
    return g;
  }

  /* Round a double accumulator into a float32 gradient, adding it to what is there. */
  function addRounded(target, source) {
    for (var i = 0; i < target.length; i++) target[i] = fround(target[i] + fround(source[i]));
  }

  function conv2dLayer(op, spec, shapes) {
    var g = windowGeometry(spec), hasBias = spec.bias != null;
    checkShape(spec, "weight", shapes, [g.O, g.C, g.KH, g.KW]);
    if (hasBias) checkShape(spec, "bias", shapes, [g.O]);
    op.params = hasBias ? [spec.weight, spec.bias] : [spec.weight];
    var dw = new Float64Array(product(shapes[spec.weight])), db = new Float64Array(g.O);
    var dx64 = new Float64Array(op.inSize);
    var wt = new Float32Array(Math.ceil(g.O / 4) * 4 * g.C * g.KH * g.KW);
    op.forward = function (x, y, N, T) {
      var b = hasBias ? T[spec.bias] : null;
      tapMajorWeights(T[spec.weight], g, wt);
      for (var n = 0; n < N; n++) conv2dForward(x, n * op.inSize, g, wt, b, y, n * op.outSize);
    };
    op.backward = function (x, y, dy, dx, N, T, G) {
      dw.fill(0); db.fill(0);
      for (var n = 0; n < N; n++) {
        conv2dBackward(x, n * op.inSize, dy, n * op.outSize, g, T[spec.weight], dw, db, dx ? dx64 : null);
        if (dx) for (var i = 0, at = n * op.inSize; i < op.inSize; i++) dx[at + i] = dx64[i];
      }
      addRounded(G[spec.weight], dw);
      if (hasBias) addRounded(G[spec.bias], db);
    };
  }

  function pool2dLayer(op, spec) {
    var g = windowGeometry(spec), isMax = spec.type === "maxpool2d";
    var includePad = spec.count_include_pad !== false;
    if (g.O !== g.C) throw layerError(spec, "pooling keeps the channels");
    var argmax = new Int32Array(0); // where each maximum came from, for backward
    op.forward = function (x, y, N) {
      if (isMax && argmax.length < N * op.outSize) argmax = new Int32Array(N * op.outSize);
      for (var n = 0; n < N; n++) pool2dForward(x, n * op.inSize, g, y, n * op.outSize, isMax, includePad, argmax);
    };
    op.backward = function (x, y, dy, dx, N) {
      if (!dx) return;
      dx.fill(0, 0, N * op.inSize);
      for (var n = 0; n < N; n++) {
        var xo = n * op.inSize, yo = n * op.outSize;
        if (!isMax) { avgPool2dBackward(dy, yo, g, includePad, dx, xo); continue; }
        for (var i = 0; i < op.outSize; i++) dx[xo + argmax[yo + i]] += dy[yo + i];
      }
    };
  }

  /* Batch normalization: the explorer's folded map (scale, shift: y = x * scale + shift, its
   * effect at inference) or a trainable one (weight, bias, running_mean, running_var, eps,
   * momentum) that normalizes with the batch's statistics in training, with the running ones
   * otherwise, as torch.nn.BatchNorm2d does. */
  function batchNorm2dLayer(op, spec, shapes) {
    var C = spec.in_shape[0];
    if (spec.scale != null) {
      checkShape(spec, "scale", shapes, [C]);
      checkShape(spec, "shift", shapes, [C]);
      op.forward = function (x, y, N, T) { affinePerChannel(x, y, N * op.inSize, C, op.inSize / C, T[spec.scale], T[spec.shift]); };
      op.backward = function () { throw layerError(spec, "a folded batch normalization (scale, shift) cannot be trained"); };
      return;
    }
    trainableBatchNorm2d(op, spec, shapes, C);
  }

  function affinePerChannel(x, y, total, C, HW, scale, shift) {
    for (var start = 0; start < total; start += C * HW) {
      for (var c = 0; c < C; c++) {
        var a = scale[c], b = shift[c];
        for (var i = start + c * HW, end = i + HW; i < end; i++) y[i] = x[i] * a + b;
      }
    }
  }

  function trainableBatchNorm2d(op, spec, shapes, C) {
    var HW = op.inSize / C, affine = spec.weight != null;
    ["running_mean", "running_var"].forEach(function (key) { checkShape(spec, key, shapes, [C]); });
    if (affine) { checkShape(spec, "weight", shapes, [C]); checkShape(spec, "bias", shapes, [C]); }
    if (!(spec.eps > 0) || !(spec.momentum >= 0 && spec.momentum <= 1)) {
      throw layerError(spec, "eps must be > 0 and momentum in [0, 1] (momentum=None is not supported)");
    }
    op.params = affine ? [spec.weight, spec.bias] : [];
    op.buffers = [spec.running_mean, spec.running_var];
    var mean = new Float64Array(C), invstd = new Float64Array(C), trained = false;
    op.forward = function (x, y, N, T, run) {
      trained = !!run.training;
      if (trained) batchStatistics(x, N, C, HW, spec, T, mean, invstd);
      else for (var c = 0; c < C; c++) {
        mean[c] = T[spec.running_mean][c];
        invstd[c] = 1 / Math.sqrt(T[spec.running_var][c] + spec.eps);
      }
      var w = affine ? T[spec.weight] : null, b = affine ? T[spec.bias] : null;
      for (var n = 0; n < N; n++) {
        for (c = 0; c < C; c++) {
          var alpha = w ? invstd[c] * w[c] : invstd[c], beta = (b ? b[c] : 0) - mean[c] * alpha;
          for (var i = n * op.inSize + c * HW, end = i + HW; i < end; i++) y[i] = x[i] * alpha + beta;
        }
      }
    };
    op.backward = function (x, y, dy, dx, N, T, G) {
      var w = affine ? T[spec.weight] : null, M = N * HW;
      for (var c = 0; c < C; c++) {
        var sumDy = 0, dot = 0, m = mean[c];
        for (var n = 0; n < N; n++) {
          for (var i = n * op.inSize + c * HW, end = i + HW; i < end; i++) { sumDy += dy[i]; dot += (x[i] - m) * dy[i]; }
        }
        if (affine) {
          G[spec.weight][c] = fround(G[spec.weight][c] + fround(dot * invstd[c]));
          G[spec.bias][c] = fround(G[spec.bias][c] + fround(sumDy));
        }
        if (!dx) continue;
        var scale = invstd[c] * (w ? w[c] : 1);
        // In training the batch's mean and variance depend on every input: their share of the
        // gradient, as in PyTorch's batch_norm_backward.
        var k = trained ? dot * invstd[c] * invstd[c] / M : 0, meanDy = trained ? sumDy / M : 0;
        for (n = 0; n < N; n++) {
          for (i = n * op.inSize + c * HW, end = i + HW; i < end; i++) dx[i] = (dy[i] - meanDy - (x[i] - m) * k) * scale;
        }
      }
    };
  }

  /* The batch's mean and 1/std per channel (biased variance, as PyTorch normalizes), and the
   * running statistics moved towards them (unbiased variance, as PyTorch keeps it). */
  function batchStatistics(x, N, C, HW, spec, T, mean, invstd) {
    var M = N * HW, size = C * HW, rm = T[spec.running_mean], rv = T[spec.running_var], mo = spec.momentum;
    if (M < 2) throw layerError(spec, "training needs more than one value per channel, got " + M);
    for (var c = 0; c < C; c++) {
      var sum = 0, sq = 0, n, i, end;
      for (n = 0; n < N; n++) for (i = n * size + c * HW, end = i + HW; i < end; i++) sum += x[i];
      var m = sum / M;
      for (n = 0; n < N; n++) for (i = n * size + c * HW, end = i + HW; i < end; i++) sq += (x[i] - m) * (x[i] - m);
      mean[c] = m;
      invstd[c] = 1 / Math.sqrt(sq / M + spec.eps);
      rm[c] = mo * m + (1 - mo) * rm[c];
      rv[c] = mo * (sq / (M - 1)) + (1 - mo) * rv[c];
    }
  }

  function reluLayer(op) {
    op.forward = function (x, y, N) {
      for (var i = 0, n = N * op.inSize; i < n; i++) y[i] = x[i] > 0 ? x[i] : (x[i] !== x[i] ? x[i] : 0);
    };
    op.backward = function (x, y, dy, dx, N) {
      if (dx) for (var i = 0, n = N * op.inSize; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
    };
  }

  function flattenLayer(op) {
    op.forward = function (x, y, N) { y.set(x.subarray(0, N * op.inSize)); };
    op.backward = function (x, y, dy, dx, N) { if (dx) dx.set(dy.subarray(0, N * op.inSize)); };
  }

  /* Dropout: the identity at inference; in training, PyTorch's input * mask / (1 - p) with the
   * scale 1 / (1 - p) rounded to float32 first, as PyTorch's noise tensor holds it. The mask of
   * the batch (1: kept) comes from run.masks[name], else from run.random(). */
  function dropoutLayer(op, spec) {
    var p = spec.p;
    if (p != null && !(p >= 0 && p <= 1)) throw layerError(spec, "p must be in [0, 1], got " + p);
    var own = new Uint8Array(0), mask = null;
    op.forward = function (x, y, N, T, run) {
      var n = N * op.inSize;
      if (run.training && p == null) throw layerError(spec, "training needs its drop probability p");
      mask = null;
      if (!run.training || p === 0) { y.set(x.subarray(0, n)); return; }
      var given = run.masks && run.masks[spec.name];
      if (given) {
        if (given.length !== n) throw layerError(spec, "its mask must hold " + n + " values, got " + given.length);
        mask = given;
      } else {
        if (typeof run.random !== "function") {
          throw layerError(spec, "training needs a dropout mask (masks[\"" + spec.name + "\"]) or a random source");
        }
        if (own.length !== n) own = new Uint8Array(n);
        for (var i = 0; i < n; i++) own[i] = run.random() < 1 - p ? 1 : 0;
        mask = own;
      }
      var scale = dropoutScale(p);
      for (i = 0; i < n; i++) y[i] = mask[i] ? x[i] * scale : 0;
    };
    op.backward = function (x, y, dy, dx, N) {
      if (!dx) return;
      var n = N * op.inSize, scale = mask ? dropoutScale(p) : 1;
      for (var i = 0; i < n; i++) dx[i] = !mask ? dy[i] : mask[i] ? dy[i] * scale : 0;
    };
  }

  /* PyTorch's noise.div_(1 - p) on a mask of ones: 1 / (1 - p) in float32; p = 1 drops all. */
  function dropoutScale(p) {
    return p < 1 ? fround(1 / fround(1 - p)) : 0;
  }

  function linearLayer(op, spec, shapes) {
    // A 3-D input is flattened in (C, H, W) order first: the buffers already are in that order.
    var F = op.inSize, Gn = op.outSize, hasBias = spec.bias != null;
    checkShape(spec, "weight", shapes, [Gn, F]);
    if (hasBias) checkShape(spec, "bias", shapes, [Gn]);
    op.params = hasBias ? [spec.weight, spec.bias] : [spec.weight];
    // Float32 accumulators: see backward.
    var dw = new Float32Array(Gn * F), db = new Float32Array(Gn);
    op.forward = function (x, y, N, T) {
      var w = T[spec.weight], b = hasBias ? T[spec.bias] : null;
      for (var n = 0; n < N; n++) {
        var xo = n * F, yo = n * Gn;
        for (var g = 0; g < Gn; g++) {
          var s = 0, row = g * F;
          for (var f = 0; f < F; f++) s += w[row + f] * x[xo + f];
          y[yo + g] = b ? s + b[g] : s;
        }
      }
    };
    // PyTorch's matrix products behind these gradients (MKL's) accumulate over the batch, and
    // over the outputs for the input's gradient, one fused multiply-add at a time in float32:
    // so do these, in the same order, which reproduces its gradients bit for bit from the same
    // inputs. That matters for Adam, which divides each gradient by its own size: a weight whose
    // gradient is a sum that nearly cancels would otherwise take steps of another size.
    op.backward = function (x, y, dy, dx, N, T, G) {
      var w = T[spec.weight];
      dw.fill(0); db.fill(0);
      for (var n = 0; n < N; n++) {
        var xo = n * F, yo = n * Gn, f;
        for (var g = 0; g < Gn; g++) {
          var d = dy[yo + g], row = g * F;
          if (d === 0) continue; // adds nothing, in any rounding
          db[g] += d;
          for (f = 0; f < F; f++) dw[row + f] += d * x[xo + f];
        }
        if (!dx) continue;
        dx.fill(0, xo, xo + F);
        for (g = 0; g < Gn; g++) {
          d = dy[yo + g];
          row = g * F;
          if (d !== 0) for (f = 0; f < F; f++) dx[xo + f] += d * w[row + f];
        }
      }
      addRounded(G[spec.weight], dw);
      if (hasBias) addRounded(G[spec.bias], db);
    };
  }

  var LAYERS = {
    conv2d: conv2dLayer,
    maxpool2d: pool2dLayer,
    avgpool2d: pool2dLayer,
    batchnorm2d: batchNorm2dLayer,
    relu: reluLayer,
    flatten: flattenLayer,
    dropout: dropoutLayer,
    linear: linearLayer
  };
  var SAME_SIZE = { relu: true, flatten: true, dropout: true, batchnorm2d: true };

  function compileLayer(spec, shapes) {
    var make = Object.prototype.hasOwnProperty.call(LAYERS, spec.type) ? LAYERS[spec.type] : null;
    if (!make) throw new Error("layer " + spec.name + " has unknown type " + spec.type);
    var op = {
      name: spec.name, type: spec.type, spec: spec,
      inSize: product(spec.in_shape), outSize: product(spec.out_shape), params: [], buffers: []
    };
    if (SAME_SIZE[spec.type] && op.inSize !== op.outSize) {
      throw layerError(spec, "in_shape and out_shape must hold as many values");
    }
    make(op, spec, shapes);
    return op;
  }

  // -- a chain of layers ---------------------------------------------------------------------------
  /* A network from its description {input: {channels, height, width}, layers: [...],
   * tensors: [{name, shape}]}: the payload's own fields. */
  function Model(description) {
    var input = description.input;
    this.inSize = input.channels * input.height * input.width;
    this.shapes = {};
    var shapes = this.shapes;
    description.tensors.forEach(function (t) { shapes[t.name] = t.shape; });
    this.ops = description.layers.map(function (spec) { return compileLayer(spec, shapes); });
    var size = this.inSize;
    this.ops.forEach(function (op) {
      if (op.inSize !== size) throw new Error("layer " + op.name + " takes " + op.inSize + " values, gets " + size);
      size = op.outSize;
    });
    this.outSize = size;
    this.batch = 0; // the batch size of the buffers below
    this.outputs = [];
    this.gradients = [];
    this.input = null; // the input of the last forward pass, for backward
  }

  /* Names of the trained tensors (each once, in forward order) and of the running statistics. */
  Model.prototype.parameters = function () { return unique(this.ops, "params"); };
  Model.prototype.buffers = function () { return unique(this.ops, "buffers"); };

  function unique(ops, key) {
    var seen = {}, names = [];
    ops.forEach(function (op) {
      op[key].forEach(function (name) { if (!seen[name]) { seen[name] = true; names.push(name); } });
    });
    return names;
  }

  Model.prototype.resize = function (N) {
    if (N === this.batch) return;
    this.batch = N;
    this.outputs = this.ops.map(function (op) { return new Float32Array(N * op.outSize); });
    this.gradients = this.ops.map(function (op) { return new Float32Array(N * op.outSize); });
  };

  /* Run a batch of N inputs (N * inSize values) through every layer; return each layer's output.
   * options: training (batch statistics, dropout), masks {layer name: Uint8Array}, random (a
   * function giving numbers in [0, 1), for masks not given), outputs (buffers to write into
   * instead of the model's own, one per layer, e.g. for one image of the explorer). */
  Model.prototype.forward = function (input, N, T, options) {
    options = options || {};
    if (!(N >= 1) || Math.floor(N) !== N) throw new RangeError("the batch size must be a whole number >= 1, got " + N);
    if (input.length < N * this.inSize) {
      throw new RangeError("the input must hold " + N + " x " + this.inSize + " values, got " + input.length);
    }
    var outs = options.outputs;
    if (!outs) { this.resize(N); outs = this.outputs; }
    var run = { training: !!options.training, masks: options.masks, random: options.random };
    var x = input;
    for (var i = 0; i < this.ops.length; i++) {
      this.ops[i].forward(x, outs[i], N, T, run);
      x = outs[i];
    }
    // backward reads the model's own buffers: a pass into other buffers leaves nothing to it.
    this.input = options.outputs ? null : input;
    return outs;
  };

  /* Backpropagate dOut (the gradient of the last output) through the last forward pass (which
   * must have run on the model's own buffers); add each trained tensor's gradient to G[name].
   * Returns the gradient of the input if inputGradient, else null (the first layer then
   * computes no input gradient). */
  Model.prototype.backward = function (dOut, T, G, inputGradient) {
    var N = this.batch, ops = this.ops;
    if (!this.input) throw new Error("backward needs a forward pass of the same batch first");
    var dInput = inputGradient ? new Float32Array(N * this.inSize) : null;
    var dy = dOut;
    for (var i = ops.length - 1; i >= 0; i--) {
      var x = i > 0 ? this.outputs[i - 1] : this.input;
      var dx = i > 0 ? this.gradients[i - 1] : dInput;
      ops[i].backward(x, this.outputs[i], dy, dx, N, T, G);
      dy = dx;
    }
    return dInput;
  };

  // -- the explorer's network: every snapshot of the payload ----------------------------------------
  function buildNetwork(payload) {
    var model = new Model(payload);
    var perSnapshot = 0, offsets = {};
    payload.tensors.forEach(function (t) {
      offsets[t.name] = perSnapshot;
      perSnapshot += product(t.shape);
    });
    var all = decodeFloat32(payload.weights, "weights");
    var S = payload.snapshots.length;
    if (S < 1) throw new Error("the payload holds no snapshot");
    if (all.length !== perSnapshot * S) {
      throw new Error("weights hold " + all.length + " values, expected " + perSnapshot * S);
    }
    var snapshots = [];
    for (var s = 0; s < S; s++) {
      var T = {};
      payload.tensors.forEach(function (t) {
        var start = s * perSnapshot + offsets[t.name];
        T[t.name] = all.subarray(start, start + product(t.shape));
      });
      snapshots.push(T);
    }
    if (model.outSize !== payload.classes.length) {
      throw new Error("the last layer gives " + model.outSize + " values for " + payload.classes.length + " classes");
    }
    return {
      ops: model.ops,
      snapshots: snapshots,
      inSize: model.inSize,
      buffers: function () { return model.ops.map(function (op) { return new Float32Array(op.outSize); }); },
      /* Run snapshot s on pixels, writing each layer's output into bufs; return the probabilities. */
      forward: function (pixels, s, bufs, probs) {
        model.forward(pixels, 1, snapshots[s], { outputs: bufs });
        return softmax(bufs[bufs.length - 1], probs);
      }
    };
  }

  // -- loss --------------------------------------------------------------------------------------
  function softmax(logits, out) {
    var max = -Infinity, i, sum = 0;
    for (i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
    var e = new Float64Array(logits.length);
    for (i = 0; i < logits.length; i++) { e[i] = Math.exp(logits[i] - max); sum += e[i]; }
    for (i = 0; i < logits.length; i++) out[i] = e[i] / sum;
    return out;
  }

  /* The cross-entropy of N rows of K logits with integer labels, averaged over the batch as
   * torch.nn.functional.cross_entropy does; its gradient with respect to the logits goes into
   * dLogits (if given). Returns {loss, correct}: correct counts the rows whose largest logit is
   * the label's (the first largest, as torch.argmax).
   *
   * The gradient follows PyTorch's float32 arithmetic step by step (log_softmax, then the
   * backward passes of nll_loss and log_softmax: -1/N at the label, minus exp(log p) * -1/N).
   * A network that classifies well has p near 1 at the label, where 1 - p in float32 keeps few
   * digits: the rounding is part of PyTorch's gradient, and Adam, which divides each gradient
   * by its own size, would otherwise take steps that differ from PyTorch's in the fourth digit. */
  function crossEntropy(logits, labels, N, K, dLogits) {
    var total = 0, correct = 0, atLabel = fround(-1 / N);
    for (var n = 0; n < N; n++) {
      var row = n * K, label = labels[n], max = -Infinity, best = 0, k;
      if (!(label >= 0 && label < K) || Math.floor(label) !== label) {
        throw new RangeError("labels must be whole numbers in [0, " + (K - 1) + "], got " + label + " at index " + n);
      }
      for (k = 0; k < K; k++) if (logits[row + k] > max) { max = logits[row + k]; best = k; }
      var sum = 0;
      for (k = 0; k < K; k++) sum = fround(sum + fround(Math.exp(fround(logits[row + k] - max))));
      var logSum = fround(Math.log(sum));
      total -= fround(fround(logits[row + label] - max) - logSum);
      if (best === label) correct++;
      if (!dLogits) continue;
      for (k = 0; k < K; k++) {
        var p = fround(Math.exp(fround(fround(logits[row + k] - max) - logSum)));
        dLogits[row + k] = fround((k === label ? atLabel : 0) - fround(p * atLabel));
      }
    }
    return { loss: total / N, correct: correct };
  }

  // -- optimizers --------------------------------------------------------------------------------
  // Each as torch.optim defines it (its single-tensor implementation), weight by weight, with
  // the scalars rounded to float32 where PyTorch's kernels round them.

  function checkSetting(settings, key, low, high, fallback) {
    var v = settings[key] == null ? fallback : settings[key];
    if (typeof v !== "number" || !(v >= low && v <= high)) {
      throw new RangeError("optimizer: " + key + " must be a number in [" + low + ", " + high + "], got " + v);
    }
    return v;
  }

  /* torch.optim.SGD with momentum, dampening and weight decay (nesterov=False). The momentum
   * buffer starts as the first step's gradient. */
  function SGD(settings) {
    var lr = checkSetting(settings, "lr", 0, Infinity);
    if (!(lr > 0)) throw new RangeError("optimizer: lr must be > 0, got " + lr);
    if (settings.nesterov) throw new RangeError("optimizer: nesterov=True is not supported");
    this.momentum = checkSetting(settings, "momentum", 0, 1, 0);
    this.negLr = fround(-lr);
    this.m = fround(this.momentum);
    this.keep = fround(1 - checkSetting(settings, "dampening", 0, 1, 0));
    this.decay = fround(checkSetting(settings, "weight_decay", 0, Infinity, 0));
    this.buffers = {};
  }

  SGD.prototype.update = function (name, p, g) {
    var buf = this.buffers[name], first = !buf, decay = this.decay, i, d;
    if (this.momentum !== 0 && first) buf = this.buffers[name] = new Float32Array(p.length);
    for (i = 0; i < p.length; i++) {
      d = decay !== 0 ? fround(g[i] + decay * p[i]) : g[i]; // grad.add(param, alpha=weight_decay)
      if (this.momentum !== 0) {
        // buf = grad on the first step, then buf.mul_(momentum).add_(grad, alpha=1 - dampening)
        buf[i] = first ? d : fround(fround(buf[i] * this.m) + this.keep * d);
        d = buf[i];
      }
      p[i] = fround(p[i] + this.negLr * d); // param.add_(buf, alpha=-lr)
    }
  };

  SGD.prototype.beginStep = function () {};

  /* torch.optim.Adam (amsgrad=False), with bias correction, eps added outside the square root,
   * weight_decay as an L2 term added to the gradient. */
  function Adam(settings) {
    var lr = checkSetting(settings, "lr", 0, Infinity);
    if (!(lr > 0)) throw new RangeError("optimizer: lr must be > 0, got " + lr);
    if (settings.amsgrad) throw new RangeError("optimizer: amsgrad=True is not supported");
    var betas = settings.betas || [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2 || !(betas[0] >= 0 && betas[0] < 1) || !(betas[1] >= 0 && betas[1] < 1)) {
      throw new RangeError("optimizer: betas must be two numbers in [0, 1), got " + betas);
    }
    this.lr = lr;
    this.beta1 = betas[0];
    this.beta2 = betas[1];
    this.eps = fround(checkSetting(settings, "eps", 0, Infinity, 1e-8));
    this.decay = fround(checkSetting(settings, "weight_decay", 0, Infinity, 0));
    this.lerpWeight = fround(1 - betas[0]);
    this.b2 = fround(betas[1]);
    this.oneMinusB2 = fround(1 - betas[1]);
    this.steps = 0;
    this.moments = {};
  }

  Adam.prototype.beginStep = function () {
    this.steps += 1;
    var t = this.steps;
    // Python floats (double), rounded to float32 where they enter a float32 kernel.
    this.negStepSize = fround(-(this.lr / (1 - Math.pow(this.beta1, t))));
    this.correction2 = fround(Math.pow(1 - Math.pow(this.beta2, t), 0.5));
  };

  Adam.prototype.update = function (name, p, g) {
    var state = this.moments[name];
    if (!state) state = this.moments[name] = { m: new Float32Array(p.length), v: new Float32Array(p.length) };
    var m = state.m, v = state.v, w = this.lerpWeight, small = w < 0.5, wm1 = fround(w - 1);
    for (var i = 0; i < p.length; i++) {
      var d = this.decay !== 0 ? fround(g[i] + this.decay * p[i]) : g[i];
      // exp_avg.lerp_(grad, 1 - beta1): PyTorch's fused form, by the side of the weight
      var diff = fround(d - m[i]);
      m[i] = small ? fround(m[i] + w * diff) : fround(d + wm1 * diff);
      // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
      v[i] = fround(fround(v[i] * this.b2) + fround(this.oneMinusB2 * d) * d);
      // denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
      var denom = fround(fround(fround(Math.sqrt(v[i])) / this.correction2) + this.eps);
      // param.addcdiv_(exp_avg, denom, value=-step_size)
      p[i] = fround(p[i] + fround(fround(this.negStepSize * m[i]) / denom));
    }
  };

  var OPTIMIZERS = { sgd: SGD, adam: Adam };

  function createOptimizer(settings) {
    var type = settings && String(settings.type).toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(OPTIMIZERS, type)) {
      throw new RangeError("optimizer: type must be 'sgd' or 'adam', got " + (settings && settings.type));
    }
    return new OPTIMIZERS[type](settings);
  }

  // -- training --------------------------------------------------------------------------------
  /* A network to train: description as for Model, tensors {name: Float32Array or array} (its
   * initial parameters and running statistics, copied), optimizer {type: "sgd" | "adam", and
   * torch.optim's arguments: lr, momentum, dampening, weight_decay; betas, eps}. */
  function Trainer(description, tensors, optimizer) {
    this.model = new Model(description);
    this.tensors = {};
    this.grads = {};
    var shapes = this.model.shapes, self = this;
    description.tensors.forEach(function (t) {
      var given = tensors[t.name];
      if (!given || given.length !== product(t.shape)) {
        throw new Error("tensor " + t.name + " must hold " + product(t.shape) + " values, got " + (given ? given.length : "none"));
      }
      self.tensors[t.name] = Float32Array.from(given);
    });
    this.params = this.model.parameters();
    this.params.forEach(function (name) { self.grads[name] = new Float32Array(product(shapes[name])); });
    this.optimizer = createOptimizer(optimizer);
    this.dLogits = new Float32Array(0);
  }

  /* One step on a batch: N images (N * inSize values), N integer labels; options: masks and
   * random, as for Model.forward. Returns the batch's mean loss (before the step) and the number
   * of its images classified right. */
  Trainer.prototype.step = function (images, labels, N, options) {
    options = options || {};
    var model = this.model, K = model.outSize, self = this;
    var outs = model.forward(images, N, this.tensors, { training: true, masks: options.masks, random: options.random });
    if (this.dLogits.length !== N * K) this.dLogits = new Float32Array(N * K);
    var result = crossEntropy(outs[outs.length - 1], labels, N, K, this.dLogits);
    this.params.forEach(function (name) { self.grads[name].fill(0); });
    model.backward(this.dLogits, this.tensors, this.grads, false);
    this.optimizer.beginStep();
    this.params.forEach(function (name) { self.optimizer.update(name, self.tensors[name], self.grads[name]); });
    return result;
  };

  /* Loss and right answers on N images at inference (running statistics, no dropout). */
  Trainer.prototype.evaluate = function (images, labels, N) {
    var outs = this.model.forward(images, N, this.tensors, { training: false });
    return crossEntropy(outs[outs.length - 1], labels, N, this.model.outSize, null);
  };

  /* Copy the rows `indices` of a dataset (rows of rowSize values) into out: a mini-batch. */
  function gatherRows(source, rowSize, indices, out) {
    out = out || new source.constructor(indices.length * rowSize);
    for (var i = 0; i < indices.length; i++) {
      var start = indices[i] * rowSize;
      if (!(start >= 0 && start + rowSize <= source.length)) throw new RangeError("row " + indices[i] + " is not in the data");
      out.set(source.subarray(start, start + rowSize), i * rowSize);
    }
    return out;
  }

  var api = {
    decodeFloat32: decodeFloat32,
    product: product,
    buildNetwork: buildNetwork,
    Model: Model,
    softmax: softmax,
    crossEntropy: crossEntropy,
    createOptimizer: createOptimizer,
    Trainer: Trainer,
    gatherRows: gatherRows,
    /* This file as a script that defines cnnexplainNetwork where it runs: for a Web Worker made
     * from a Blob. */
    moduleSource: function () {
      return "(" + cnnexplainNetworkModule.toString() + ")(typeof globalThis !== \"undefined\" ? globalThis : this);\n";
    }
  };

  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.cnnexplainNetwork = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
