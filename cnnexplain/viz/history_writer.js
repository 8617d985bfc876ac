/* cnnexplain history: a training run's .safetensors history, written and read in the browser.
 *
 * Written for this project, no dependency. "Download this run" writes the bytes of the file
 * that WeightHistory.save writes (cnnexplain/history.py): the same bytes, for the same run, so
 * that WeightHistory.load opens it and `cnnexplain info`, `figures` and `explore` accept it;
 * "open a saved history" reads one, a file that may come from anyone, checking all that
 * WeightHistory.load checks before it allocates anything. Nothing here touches a page: the file
 * runs in a page, in a Web Worker (from moduleSource(), as a Blob) and in Node (require), and
 * defines cnnexplainHistory on the global object (window, a worker's self), or module.exports.
 *
 * The format (cnnexplain/history.py, cnnexplain/_safetensors.py): 8 bytes holding the length N
 * of a JSON header (little-endian), N bytes of header, padded with spaces to a multiple of 8,
 * then the tensors' bytes back to back, little-endian. The header holds each tensor's dtype,
 * shape and data_offsets -- sorted as the safetensors library sorts them: by dtype (F64 before
 * F32), then by name -- and "__metadata__": {"cnnexplain.WeightHistory": <JSON text, as Python's
 * json.dumps writes it>} with the fields format_version (2), cnnexplain_version, params (the
 * parameters' names in model order), metrics, steps ((epoch, batch) of each snapshot) and config
 * (the settings of the run, as train() records them). Each parameter is one F32 tensor with the
 * snapshot axis first; each metric one F64 tensor "metrics/<name>", one value per epoch.
 *
 * API
 *   writeHistory(run) -> Uint8Array, the file's bytes
 *       run.params     {name: shape of one snapshot}, in model order (network.js's tensor shapes)
 *       run.snapshots  [{step: [epoch, batch], tensors: {name: Float32Array}}], before training
 *                      first, then after each epoch (or batch), as train() records them
 *       run.metrics    {name: numbers, one per epoch and one before training}, in order
 *                      (train_loss, train_accuracy, val_loss, val_accuracy for train()'s)
 *       run.config     the settings (runConfig makes train()'s); numbers under FLOAT_KEYS are
 *                      written as Python floats (0.0), the others as integers when whole;
 *                      BigInts as integers, every digit
 *       run.version    the header's cnnexplain_version (default: config.cnnexplain_version)
 *   runConfig({version, trainSet, valSet, model, training}) -> config, in train()'s form:
 *       trainSet, valSet  the config of lines.js's splitLines parts (valSet may be null)
 *       model             LineCNN's settings in Python's names (n_kernels, kernel_size, ...)
 *       training          {epochs, completedEpochs, batchSize, lr, seed, record, optimizer
 *                          ("adam" or "sgd"), nTrain, nVal, batchesPerEpoch, device ("browser"),
 *                          threads (1)}
 *   readHistory(bytes, {maxBytes}) -> {formatVersion, version, paramNames, params: {name:
 *       {dtype, shape, data}}, metricNames, metrics: {name: Float64Array}, steps: [[e, b]],
 *       config}. data is a typed array of the dtype (F32: Float32Array; F16: the raw bits as
 *       Uint16Array; I64 and U64: BigInt64Array, BigUint64Array; BOOL: Uint8Array). Any
 *       file WeightHistory.load refuses is refused with an Error saying why: too large
 *       (maxBytes, 1 GiB by default, like Python's), a header longer than 2 MiB or than the
 *       file, JSON that is not JSON (or repeats a key in the safetensors header, or nests more
 *       than 64 deep), a dtype, shape or offsets that disagree, tensors that do not tile the
 *       data, names, steps, metrics or config that break history.py's rules. Every check
 *       runs on the header before a tensor is allocated, and no tensor is larger than the file.
 *       JSON is read by the parser below, never evaluated. Integers of the config beyond 2^53
 *       come back as BigInt, exactly (writeHistory writes them back so), the others as numbers;
 *       a JavaScript number cannot tell 0.0 from 0, so a whole float of the config comes back
 *       as a whole number (written back as a float under FLOAT_KEYS, else as an integer).
 *   FLOAT_KEYS, MAX_LOAD_BYTES, MAX_HEADER_BYTES, MAX_CONFIG_DEPTH, moduleSource().
 */
(function cnnexplainHistoryModule(root) {
  "use strict";

  var FORMAT_VERSION = 2;
  var METADATA_KEY = "cnnexplain.WeightHistory";
  var METRIC_PREFIX = "metrics/";
  var MAX_LOAD_BYTES = 1073741824; // 1 GiB: WeightHistory.load's default
  var MAX_HEADER_BYTES = 2 * 1024 * 1024; // _safetensors.MAX_HEADER_BYTES
  var MAX_CONFIG_DEPTH = 32; // history.MAX_CONFIG_DEPTH
  /* JSON nested deeper than this is refused while parsing: nothing valid nests past the
   * config's 32 levels and the header's two, and a parser must not recurse without bound. */
  var MAX_JSON_DEPTH = 64;
  /* The settings train() and make_lines record as Python floats: written "0.0", not "0". */
  var FLOAT_KEYS = ["noise", "test_fraction", "dropout", "lr"];
  /* The safetensors dtypes: bytes per value, the typed array that holds them, and their place
   * in the safetensors library's order (it writes higher first). */
  var DTYPES = {
    BOOL: { size: 1, array: Uint8Array, rank: 0 },
    U8: { size: 1, array: Uint8Array, rank: 1 },
    I8: { size: 1, array: Int8Array, rank: 2 },
    I16: { size: 2, array: Int16Array, rank: 3 },
    U16: { size: 2, array: Uint16Array, rank: 4 },
    F16: { size: 2, array: Uint16Array, rank: 5 },
    I32: { size: 4, array: Int32Array, rank: 6 },
    U32: { size: 4, array: Uint32Array, rank: 7 },
    F32: { size: 4, array: Float32Array, rank: 8 },
    F64: { size: 8, array: Float64Array, rank: 9 },
    I64: { size: 8, array: typeof BigInt64Array === "undefined" ? null : BigInt64Array, rank: 10 },
    U64: { size: 8, array: typeof BigUint64Array === "undefined" ? null : BigUint64Array, rank: 11 }
  };
  var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  var hasOwn = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };

  function describe(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array of " + value.length;
    if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value);
    if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
    if (ArrayBuffer.isView(value)) return "a " + value.constructor.name + " of " + value.length;
    return typeof value;
  }

  // -- writing JSON as Python's json.dumps does ----------------------------------------------
  /* repr() of a float: the shortest digits that read back, in exponent form below 1e-4 and
   * from 1e16 on, with ".0" on whole numbers. */
  function pythonFloat(x) {
    if (!isFinite(x)) throw new RangeError("a setting must be a finite number, got " + x);
    if (x === 0) return 1 / x < 0 ? "-0.0" : "0.0";
    var parts = Math.abs(x).toExponential().split("e"); // shortest round-trip digits
    var digits = parts[0].replace(".", ""), exponent = parseInt(parts[1], 10), sign = x < 0 ? "-" : "";
    var point = exponent + 1; // digits d1 d2 ... times 10^(point - digits.length)
    if (point > 16 || point < -3) {
      var mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    if (point <= 0) return sign + "0." + "0".repeat(-point) + digits;
    if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length) + ".0";
    return sign + digits.slice(0, point) + "." + digits.slice(point);
  }

  /* json.dumps's string: ASCII only (ensure_ascii), escapes in lower-case hex. */
  function pythonString(text) {
    var out = '"';
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i), ch = text[i];
      if (ch === '"') out += '\\"';
      else if (ch === "\\") out += "\\\\";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else if (c < 0x20 || c > 0x7e) out += "\\u" + ("000" + c.toString(16)).slice(-4);
      else out += ch;
    }
    return out + '"';
  }

  /* json.dumps(value) with its default separators (", " and ": "). */
  function pythonJson(value, key, depth) {
    depth = depth || 0;
    if (depth > MAX_JSON_DEPTH) throw new RangeError("config must be nested at most " + MAX_CONFIG_DEPTH + " deep");
    if (value === null) return "null";
    if (value === true) return "true";
    if (value === false) return "false";
    if (typeof value === "string") return pythonString(value);
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number") {
      if (!isFinite(value)) throw new RangeError("config[" + JSON.stringify(key) + "] must be a finite number, got " + value);
      var asFloat = FLOAT_KEYS.indexOf(key) >= 0 || !Number.isInteger(value);
      return asFloat ? pythonFloat(value) : BigInt(value).toString(); // every digit of a whole number
    }
    if (Array.isArray(value)) {
      return "[" + value.map(function (item) { return pythonJson(item, key, depth + 1); }).join(", ") + "]";
    }
    if (typeof value === "object" && !ArrayBuffer.isView(value)) {
      return "{" + Object.keys(value).map(function (k) {
        return pythonString(k) + ": " + pythonJson(value[k], k, depth + 1);
      }).join(", ") + "}";
    }
    throw new TypeError("config[" + JSON.stringify(key) + "] must be JSON (null, a boolean, number, string, array or object), got " + describe(value));
  }

  // -- writing ---------------------------------------------------------------------------------
  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  /* Byte order of UTF-8, as Rust compares strings (the safetensors library sorts names so). */
  function compareUtf8(a, b) {
    var x = utf8(a), y = utf8(b);
    for (var i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  }

  function product(shape) {
    return shape.reduce(function (a, b) { return a * b; }, 1);
  }

  function checkShape(name, shape) {
    if (!Array.isArray(shape) || !shape.every(function (n) { return Number.isSafeInteger(n) && n >= 0; })) {
      throw new TypeError("params[" + JSON.stringify(name) + "] must be a shape, an array of sizes >= 0, got " + describe(shape));
    }
  }

  function checkStep(i, step) {
    if (!Array.isArray(step) || step.length !== 2 || !step.every(function (n) { return Number.isSafeInteger(n) && n >= 0; })) {
      throw new TypeError("snapshots[" + i + "].step must be [epoch, batch], integers >= 0, got " + describe(step));
    }
  }

  /* The tensors of a run: each parameter's snapshots back to back (F32), each metric (F64). */
  function runTensors(run) {
    if (!run || typeof run !== "object") throw new TypeError("run must be an object, got " + describe(run));
    var names = Object.keys(run.params || {});
    if (!names.length) throw new RangeError("run.params must name at least one parameter");
    if (!Array.isArray(run.snapshots) || !run.snapshots.length) {
      throw new RangeError("run.snapshots must be a non-empty array of {step, tensors}, got " + describe(run.snapshots));
    }
    var tensors = [], steps = [], previous = 0;
    run.snapshots.forEach(function (snapshot, i) {
      checkStep(i, snapshot && snapshot.step);
      if (snapshot.step[0] < previous) throw new RangeError("snapshots must be in training order: snapshot " + i + " has epoch " + snapshot.step[0] + " after " + previous);
      previous = snapshot.step[0];
      steps.push([snapshot.step[0], snapshot.step[1]]);
    });
    names.forEach(function (name) {
      if (name.indexOf(METRIC_PREFIX) === 0) throw new RangeError("params names must not start with " + JSON.stringify(METRIC_PREFIX) + ", got " + JSON.stringify(name));
      var shape = run.params[name];
      checkShape(name, shape);
      var size = product(shape), data = new Float32Array(size * run.snapshots.length);
      run.snapshots.forEach(function (snapshot, i) {
        var values = snapshot.tensors && snapshot.tensors[name];
        if (!(values instanceof Float32Array) || values.length !== size) {
          throw new TypeError("snapshots[" + i + "].tensors[" + JSON.stringify(name) + "] must be a Float32Array of " + size + " values (shape " + JSON.stringify(shape) + "), got " + describe(values));
        }
        data.set(values, i * size);
      });
      tensors.push({ name: name, dtype: "F32", shape: [run.snapshots.length].concat(shape), data: data });
    });
    var metricNames = Object.keys(run.metrics || {}), length = null;
    metricNames.forEach(function (name) {
      var values = run.metrics[name];
      if (!(Array.isArray(values) || ArrayBuffer.isView(values)) || !Array.prototype.every.call(values, function (v) { return typeof v === "number"; })) {
        throw new TypeError("metrics[" + JSON.stringify(name) + "] must be an array of numbers, got " + describe(values));
      }
      if (length !== null && values.length !== length) throw new RangeError("metrics must all have the same length (one per epoch), got " + length + " and " + values.length);
      length = values.length;
      tensors.push({ name: METRIC_PREFIX + name, dtype: "F64", shape: [values.length], data: Float64Array.from(values) });
    });
    return { tensors: tensors, names: names, metricNames: metricNames, steps: steps };
  }

  function historyHeaderText(run, parts) {
    var config = run.config;
    if (!config || typeof config !== "object" || Array.isArray(config)) throw new TypeError("run.config must be an object, got " + describe(config));
    var version = run.version === undefined ? config.cnnexplain_version : run.version;
    if (typeof version !== "string") throw new TypeError("run.version must be a string (cnnexplain_version), got " + describe(version));
    return "{" + [
      '"format_version": ' + FORMAT_VERSION,
      '"cnnexplain_version": ' + pythonString(version),
      '"params": ' + pythonJson(parts.names),
      '"metrics": ' + pythonJson(parts.metricNames),
      '"steps": ' + pythonJson(parts.steps),
      '"config": ' + pythonJson(config)
    ].join(", ") + "}";
  }

  function writeHistory(run) {
    var parts = runTensors(run), metadata = historyHeaderText(run, parts);
    var ordered = parts.tensors.slice().sort(function (a, b) {
      return DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || compareUtf8(a.name, b.name);
    });
    var offset = 0, entries = ['"__metadata__":' + JSON.stringify(Object.fromEntries([[METADATA_KEY, metadata]]))];
    ordered.forEach(function (t) {
      var bytes = t.data.length * DTYPES[t.dtype].size;
      entries.push(JSON.stringify(t.name) + ':{"dtype":"' + t.dtype + '","shape":' + JSON.stringify(t.shape) +
        ',"data_offsets":[' + offset + "," + (offset + bytes) + "]}");
      offset += bytes;
    });
    var header = utf8("{" + entries.join(",") + "}");
    var padded = Math.ceil(header.length / 8) * 8, out = new Uint8Array(8 + padded + offset);
    var view = new DataView(out.buffer);
    view.setUint32(0, padded, true); // a header below 4 GiB: the high word stays 0
    out.set(header, 8);
    out.fill(0x20, 8 + header.length, 8 + padded);
    var position = 8 + padded;
    ordered.forEach(function (t) {
      if (LITTLE_ENDIAN) {
        out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), position); // the bits as they are
        position += t.data.byteLength;
        return;
      }
      for (var i = 0; i < t.data.length; i++, position += DTYPES[t.dtype].size) {
        if (t.dtype === "F32") view.setFloat32(position, t.data[i], true);
        else view.setFloat64(position, t.data[i], true);
      }
    });
    return out;
  }

  var OPTIMIZER_NAMES = { adam: "Adam", sgd: "SGD" };

  /* train()'s config (cnnexplain/training.py), in its order, from the lab's settings. */
  function runConfig(settings) {
    var s = settings || {}, t = s.training || {};
    if (!s.trainSet || !s.trainSet.split) throw new TypeError("trainSet must be the config of a splitLines part (with its split), got " + describe(s.trainSet));
    if (!hasOwn(OPTIMIZER_NAMES, t.optimizer)) throw new RangeError("training.optimizer must be \"adam\" or \"sgd\", got " + describe(t.optimizer));
    if (typeof s.version !== "string") throw new TypeError("version must be a string (cnnexplain's version), got " + describe(s.version));
    ["epochs", "batchSize", "seed", "nTrain", "batchesPerEpoch"].forEach(function (key) {
      if (!Number.isSafeInteger(t[key]) || t[key] < 0) throw new TypeError("training." + key + " must be an integer >= 0, got " + describe(t[key]));
    });
    if (typeof t.lr !== "number" || !(t.lr > 0)) throw new RangeError("training.lr must be a number > 0, got " + describe(t.lr));
    var model = Object.assign({ "class": "LineCNN" }, s.model || {});
    return {
      cnnexplain_version: s.version,
      dataset: s.trainSet,
      val_dataset: s.valSet || null,
      model: model,
      training: {
        epochs: t.epochs,
        completed_epochs: t.completedEpochs === undefined ? t.epochs : t.completedEpochs,
        batch_size: t.batchSize,
        lr: t.lr,
        seed: t.seed,
        record: t.record || "epoch",
        optimizer: OPTIMIZER_NAMES[t.optimizer],
        loss: "cross_entropy",
        device: t.device || "browser",
        threads: t.threads || 1,
        n_train: t.nTrain,
        n_val: t.nVal || 0,
        batches_per_epoch: t.batchesPerEpoch
      }
    };
  }

  // -- a strict JSON parser, as Python's json module reads ---------------------------------------
  /* Integers come back as BigInt and other numbers as Number, so that a check can tell 2 from
   * 2.0 as Python does; NaN, Infinity and -Infinity are read as Python reads them. Objects
   * have no prototype (a key "__proto__" is a key). With repeatedKeys false, an object that
   * repeats a key is refused (_safetensors._no_repeated_keys); otherwise the last one wins. */
  var NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;

  function parseJson(text, what, repeatedKeys) {
    var i = 0;
    function fail(message) {
      throw new Error(what + " is not JSON: " + message + " at character " + i);
    }
    function space() {
      while (i < text.length) {
        var c = text[i];
        if (c === " " || c === "\t" || c === "\n" || c === "\r") i++;
        else break;
      }
    }
    function value(depth) {
      if (depth > MAX_JSON_DEPTH) fail("nested more than " + MAX_JSON_DEPTH + " deep");
      space();
      var c = text[i];
      if (c === "{") return object(depth);
      if (c === "[") return array(depth);
      if (c === '"') return string();
      if (text.startsWith("true", i)) { i += 4; return true; }
      if (text.startsWith("false", i)) { i += 5; return false; }
      if (text.startsWith("null", i)) { i += 4; return null; }
      if (text.startsWith("NaN", i)) { i += 3; return NaN; }
      if (text.startsWith("Infinity", i)) { i += 8; return Infinity; }
      if (text.startsWith("-Infinity", i)) { i += 9; return -Infinity; }
      return number();
    }
    function number() {
      NUMBER.lastIndex = i;
      var match = NUMBER.exec(text);
      if (!match) fail("expected a value");
      i += match[0].length;
      if (match[1] !== undefined || match[2] !== undefined) return Number(match[0]);
      // Python reads at most 4300 digits into an integer (sys.int_info.default_max_str_digits).
      if (match[0].replace("-", "").length > 4300) fail("an integer of more than 4300 digits");
      return BigInt(match[0]);
    }
    function string() {
      var out = "", start = ++i;
      for (;;) {
        if (i >= text.length) fail("unterminated string");
        var c = text.charCodeAt(i);
        if (c === 0x22) { out += text.slice(start, i); i++; return out; }
        if (c < 0x20) fail("a control character in a string");
        if (c !== 0x5c) { i++; continue; }
        out += text.slice(start, i);
        var e = text[i + 1];
        var simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (hasOwn(simple, e)) { out += simple[e]; i += 2; }
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail("an invalid escape in a string");
        start = i;
      }
    }
    function array(depth) {
      var out = [];
      i++;
      space();
      if (text[i] === "]") { i++; return out; }
      for (;;) {
        out.push(value(depth + 1));
        space();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return out; }
        fail("expected , or ]");
      }
    }
    function object(depth) {
      var out = Object.create(null);
      i++;
      space();
      if (text[i] === "}") { i++; return out; }
      for (;;) {
        space();
        if (text[i] !== '"') fail("expected a string key");
        var key = string();
        space();
        if (text[i] !== ":") fail("expected :");
        i++;
        var item = value(depth + 1);
        if (!repeatedKeys && hasOwn(out, key)) fail("an object repeats the key " + JSON.stringify(key.slice(0, 60)));
        out[key] = item;
        space();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return out; }
        fail("expected , or }");
      }
    }
    var result = value(0);
    space();
    if (i !== text.length) fail("extra data after the value");
    return result;
  }

  // -- reading ---------------------------------------------------------------------------------
  var isObject = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };
  var isCount = function (v) { return typeof v === "bigint" && v >= 0n; };

  function invalid(message) {
    return new Error("not a valid cnnexplain history file: " + message);
  }

  /* One tensor's header entry, checked as _safetensors._tensor_info checks it. */
  function tensorInfo(name, entry, dataStart) {
    var shown = JSON.stringify(name.slice(0, 60));
    var keys = isObject(entry) ? Object.keys(entry).sort().join() : null;
    if (keys !== "data_offsets,dtype,shape") throw invalid("the header entry of tensor " + shown + " must have the fields data_offsets, dtype and shape");
    if (typeof entry.dtype !== "string" || !hasOwn(DTYPES, entry.dtype)) {
      throw invalid("tensor " + shown + " must have a dtype in " + Object.keys(DTYPES).join(", ") + ", got " + describe(entry.dtype));
    }
    var shape = entry.shape, offsets = entry.data_offsets;
    if (!Array.isArray(shape) || shape.length > 32 || !shape.every(isCount)) {
      throw invalid("tensor " + shown + " must have a shape of at most 32 sizes >= 0");
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      throw invalid("tensor " + shown + " must have data_offsets [begin, end]");
    }
    var declared = shape.reduce(function (a, b) { return a * b; }, 1n) * BigInt(DTYPES[entry.dtype].size);
    if (offsets[1] - offsets[0] !== declared) {
      throw invalid("tensor " + shown + " of dtype " + entry.dtype + " takes " + declared + " bytes, its data_offsets " + offsets[0] + " to " + offsets[1] + " hold " + (offsets[1] - offsets[0]));
    }
    return { dtype: entry.dtype, shape: shape, begin: BigInt(dataStart) + offsets[0], end: BigInt(dataStart) + offsets[1] };
  }

  /* The checked safetensors header: read_header's checks, in its order. */
  function readSafetensorsHeader(bytes) {
    var size = bytes.length;
    if (size < 8) throw invalid("it is " + size + " bytes, too short for the length of a safetensors header (8 bytes)");
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    var length = view.getUint32(0, true) + view.getUint32(4, true) * 4294967296; // may round above 2^53: then refused
    var room = Math.min(size - 8, MAX_HEADER_BYTES);
    if (length > room) throw invalid("its header length field says " + length + " bytes, but at most " + room + " can be a header here");
    var text;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + length));
    } catch (e) {
      throw invalid("its safetensors header is not UTF-8");
    }
    var entries;
    try {
      entries = parseJson(text, "its safetensors header", false);
    } catch (e) {
      throw invalid(e.message);
    }
    if (!isObject(entries)) throw invalid("its safetensors header must be a JSON object");
    var metadata = hasOwn(entries, "__metadata__") ? entries.__metadata__ : null;
    delete entries.__metadata__;
    if (metadata !== null && !(isObject(metadata) && Object.keys(metadata).every(function (k) { return typeof metadata[k] === "string"; }))) {
      throw invalid("its safetensors __metadata__ must be an object of strings");
    }
    var tensors = Object.create(null);
    Object.keys(entries).forEach(function (name) { tensors[name] = tensorInfo(name, entries[name], 8 + length); });
    checkTiling(tensors, 8 + length, size);
    return { metadata: metadata, tensors: tensors };
  }

  function checkTiling(tensors, dataStart, size) {
    var infos = Object.keys(tensors).map(function (k) { return tensors[k]; });
    infos.sort(function (a, b) { return a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : 0; });
    var position = BigInt(dataStart);
    infos.forEach(function (info) {
      if (info.begin !== position) throw invalid("its tensors must lie back to back in the data: one starts at byte " + (info.begin - BigInt(dataStart)) + " of the data, the one before ends at " + (position - BigInt(dataStart)));
      position = info.end;
    });
    if (position !== BigInt(size)) throw invalid("its tensors hold " + (position - BigInt(dataStart)) + " bytes of data, the file " + (size - dataStart));
  }

  var HEADER_FIELDS = ["cnnexplain_version", "config", "format_version", "metrics", "params", "steps"];
  var isNameList = function (v) {
    return Array.isArray(v) && v.every(function (n) { return typeof n === "string"; }) && new Set(v).size === v.length;
  };
  var INT64_LIMIT = 9223372036854775808n;

  /* The history's own header: _checked_header and _checked_steps. */
  function historyHeader(metadata) {
    var keys = metadata ? Object.keys(metadata) : [];
    if (keys.length !== 1 || keys[0] !== METADATA_KEY) {
      throw invalid("its metadata must hold one entry " + JSON.stringify(METADATA_KEY) + " (is it a safetensors file of something else?), got entries " + JSON.stringify(keys.sort().slice(0, 10)));
    }
    var header;
    try {
      header = parseJson(metadata[METADATA_KEY], "its " + JSON.stringify(METADATA_KEY) + " metadata", true);
    } catch (e) {
      throw invalid(e.message);
    }
    if (!isObject(header) || Object.keys(header).sort().join() !== HEADER_FIELDS.join()) {
      throw invalid("its header must have the fields " + HEADER_FIELDS.join(", "));
    }
    if (header.format_version !== BigInt(FORMAT_VERSION)) throw invalid("its format_version must be " + FORMAT_VERSION + " (is the file from another version of cnnexplain?)");
    if (typeof header.cnnexplain_version !== "string") throw invalid("its cnnexplain_version must be a string");
    if (!isNameList(header.params)) throw invalid("its params must be a list of names that do not repeat");
    if (!isNameList(header.metrics)) throw invalid("its metrics must be a list of names that do not repeat");
    if (!isObject(header.config)) throw invalid("its config must be an object");
    return { header: header, steps: checkedSteps(header.steps) };
  }

  function checkedSteps(steps) {
    var pairs = Array.isArray(steps) && steps.every(function (s) {
      return Array.isArray(s) && s.every(function (n) { return typeof n === "bigint" && n < INT64_LIMIT && n > -INT64_LIMIT; });
    });
    if (!pairs) throw invalid("its steps must be a list of (epoch, batch) pairs of integers");
    if (!steps.length || !steps.every(function (s) { return s.length === 2; })) throw invalid("its steps must be a non-empty list of (epoch, batch) pairs");
    var previous = -1n;
    steps.forEach(function (s) {
      if (s[0] < 0n || s[1] < 0n || s[0] < previous) throw invalid("its steps must be non-negative (epoch, batch) pairs, epochs in training order");
      previous = s[0];
    });
    return steps.map(function (s) { return [Number(s[0]), Number(s[1])]; });
  }

  /* _check_tensor_names, _check_params and _check_metrics: before any tensor is read. */
  function checkTensors(tensors, header, nSteps) {
    var expected = new Set(header.params.concat(header.metrics.map(function (m) { return METRIC_PREFIX + m; })));
    var present = Object.keys(tensors);
    if (present.length !== expected.size || !present.every(function (name) { return expected.has(name); })) {
      throw invalid("its tensors disagree with its header: it names " + JSON.stringify(Array.from(expected).sort()).slice(0, 200) + ", it holds " + JSON.stringify(present.sort()).slice(0, 200));
    }
    present.forEach(function (name) {
      if (name.indexOf(METRIC_PREFIX) === 0 && tensors[name].dtype !== "F64") throw invalid("tensor " + JSON.stringify(name) + " must have the dtype F64, got " + tensors[name].dtype);
    });
    if (!header.params.length) throw invalid("params must hold at least one parameter");
    header.params.forEach(function (name) {
      var shape = tensors[name].shape;
      if (name.indexOf(METRIC_PREFIX) === 0) throw invalid("params names must not start with " + JSON.stringify(METRIC_PREFIX) + ", got " + JSON.stringify(name));
      if (!shape.length || shape[0] !== BigInt(nSteps)) throw invalid("params[" + JSON.stringify(name) + "] must have one snapshot per step (" + nSteps + "), got shape [" + shape.join(", ") + "]");
      if (!shape.every(function (n) { return n <= BigInt(Number.MAX_SAFE_INTEGER); })) throw invalid("params[" + JSON.stringify(name) + "] has a size beyond 2^53");
    });
    var lengths = new Set();
    header.metrics.forEach(function (name) {
      var shape = tensors[METRIC_PREFIX + name].shape;
      if (shape.length !== 1) throw invalid("metrics[" + JSON.stringify(name) + "] must be one-dimensional, got shape [" + shape.join(", ") + "]");
      lengths.add(shape[0]);
    });
    if (lengths.size > 1) throw invalid("metrics must all have the same length (one per epoch), got lengths " + Array.from(lengths).sort().join(", "));
  }

  /* _checked_config: finite numbers, integers within 64 bits, at most MAX_CONFIG_DEPTH deep, the
   * model and training sections objects, batches_per_epoch a count; returned as plain JSON. */
  /* object[key] = value as an own property, even for a key such as "__proto__" (a name from a file). */
  function setOwn(object, key, value) {
    Object.defineProperty(object, key, { value: value, enumerable: true, writable: true, configurable: true });
  }

  function checkedConfig(config) {
    function walk(value, depth, where) {
      if (Array.isArray(value) || isObject(value)) {
        if (depth >= MAX_CONFIG_DEPTH) throw invalid("config must be nested at most " + MAX_CONFIG_DEPTH + " deep, got deeper at " + where);
        if (Array.isArray(value)) return value.map(function (item, k) { return walk(item, depth + 1, where + "[" + k + "]"); });
        var out = {};
        Object.keys(value).forEach(function (k) {
          setOwn(out, k, walk(value[k], depth + 1, where + "[" + JSON.stringify(k.slice(0, 40)) + "]"));
        });
        return out;
      }
      if (typeof value === "bigint") {
        if (value < -INT64_LIMIT || value >= 2n * INT64_LIMIT) throw invalid(where + " must be an integer of at most 64 bits");
        return Number.isSafeInteger(Number(value)) ? Number(value) : value; // beyond 2^53: exact, as a BigInt
      }
      if (typeof value === "number" && !isFinite(value)) throw invalid("config must be JSON-serializable: " + where + " is " + value);
      return value;
    }
    var plain = walk(config, 0, "config");
    ["model", "training"].forEach(function (section) {
      if (hasOwn(plain, section) && !isObject(plain[section])) throw invalid("config[" + JSON.stringify(section) + "] must be a dict");
    });
    var perEpoch = hasOwn(plain, "training") && hasOwn(plain.training, "batches_per_epoch") ? config.training.batches_per_epoch : 0n;
    if (typeof perEpoch !== "bigint" || perEpoch < 0n) throw invalid("config['training']['batches_per_epoch'] must be a non-negative integer");
    return plain;
  }

  /* A tensor's bytes as a new typed array of its dtype (little-endian in the file). */
  function readTensor(bytes, info) {
    var begin = Number(info.begin), end = Number(info.end), type = DTYPES[info.dtype];
    if (!type.array) throw invalid("tensor dtype " + info.dtype + " needs BigInt64Array, which this JavaScript lacks");
    var copy = bytes.slice(begin, end);
    if (!LITTLE_ENDIAN && type.size > 1) {
      for (var i = 0; i < copy.length; i += type.size) copy.subarray(i, i + type.size).reverse();
    }
    var data = new type.array(copy.buffer, 0, (end - begin) / type.size);
    if (info.dtype === "BOOL" && data.some(function (b) { return b > 1; })) throw invalid("a BOOL tensor must hold the bytes 0 and 1 only");
    return data;
  }

  function readHistory(bytes, options) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError("bytes must be a Uint8Array, got " + describe(bytes));
    var maxBytes = options && options.maxBytes !== undefined ? options.maxBytes : MAX_LOAD_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new TypeError("maxBytes must be an integer >= 0, got " + describe(maxBytes));
    if (bytes.length > maxBytes) throw new RangeError("the file is " + bytes.length + " bytes, more than maxBytes=" + maxBytes);
    var file = readSafetensorsHeader(bytes);
    var checked = historyHeader(file.metadata), header = checked.header;
    checkTensors(file.tensors, header, checked.steps.length);
    var config = checkedConfig(header.config);
    var params = {}, metrics = {};
    header.params.forEach(function (name) {
      var info = file.tensors[name];
      setOwn(params, name, { dtype: info.dtype, shape: info.shape.map(Number), data: readTensor(bytes, info) });
    });
    header.metrics.forEach(function (name) { setOwn(metrics, name, readTensor(bytes, file.tensors[METRIC_PREFIX + name])); });
    return {
      formatVersion: FORMAT_VERSION, version: header.cnnexplain_version, paramNames: header.params.slice(),
      params: params, metricNames: header.metrics.slice(), metrics: metrics, steps: checked.steps, config: config
    };
  }

  var api = {
    FLOAT_KEYS: FLOAT_KEYS,
    MAX_LOAD_BYTES: MAX_LOAD_BYTES,
    MAX_HEADER_BYTES: MAX_HEADER_BYTES,
    MAX_CONFIG_DEPTH: MAX_CONFIG_DEPTH,
    writeHistory: writeHistory,
    runConfig: runConfig,
    readHistory: readHistory,
    /* This file as a script that defines cnnexplainHistory where it runs: for a Web Worker made
     * from a Blob. */
    moduleSource: function () {
      return "(" + cnnexplainHistoryModule.toString() + ")(typeof globalThis !== \"undefined\" ? globalThis : this);\n";
    }
  };

  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.cnnexplainHistory = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
