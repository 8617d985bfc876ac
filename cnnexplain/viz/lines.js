/* cnnexplain lines: the training data in the browser, the same bytes as make_lines.
 *
 * Written for this project, no dependency. It draws the data sets of cnnexplain/data.py's
 * make_lines -- one bright straight line per image on black, its orientation the class -- and
 * splits them as LineDataset.split does, from the same seeds, to the same bytes: it ports
 * numpy's random generator (numpy.random.default_rng: SeedSequence, PCG64) and the numpy
 * algorithms make_lines uses (Generator.permutation, integers, random and normal). Like
 * network.js, nothing here touches a page: the file runs in a page, in a Web Worker (from
 * moduleSource(), as a Blob) and in Node (require), and defines cnnexplainLines on the global
 * object (window, a worker's self), or module.exports.
 *
 * API
 *   makeLines(options) -> {images, labels, n, size, classes, config}
 *       options (all optional; the defaults are make_lines's):
 *         nPerClass    images per class, 1..100000 (600)
 *         size         width and height in pixels, 8..512 (50)
 *         thickness    an integer, or an inclusive [min, max] (1..size; [1, 3])
 *         length       an integer, an inclusive [min, max], or null: make_lines's default
 *         noise        standard deviation of Gaussian pixel noise, 0..1, then clipped to [0, 1] (0)
 *         orientations distinct names of ORIENTATIONS, in label order (["horizontal", "vertical"])
 *         seed         an integer 0..2^53-1 (0)
 *         task         a name of TASKS: its orientations and noise, unless given above ("lines")
 *       images: Float32Array (n * size * size), image after image, row-major, values in [0, 1];
 *       labels: Int32Array (n); classes: the orientations; config: what make_lines records.
 *   splitLines(data, {testFraction, seed}) -> {train, test}
 *       LineDataset.split: round(testFraction * count) images of each class to the test part,
 *       drawn with default_rng(seed); each part keeps the data's order and is a data set like
 *       makeLines's, plus indices (Int32Array, into data) and config.split as Python records it.
 *   shuffleLabels(labels, seed) -> Int32Array
 *       cnnexplain.study.shuffled_labels: image i gets the label of image perm[i], perm from
 *       default_rng([seed, LABEL_STREAM]).permutation(n): the site's shuffled-labels control.
 *   defaultRng(seed) -> a Generator with permutation(n or array), integers(low, high, count),
 *       random(count), normal(loc, scale, count): numpy's default_rng(seed), draw for draw.
 *   torchGenerator(seed) -> {randperm(n) -> Int32Array, random()}: PyTorch's CPU generator
 *       (torch.Generator().manual_seed(seed), a Mersenne Twister) and torch.randperm, draw for
 *       draw; with batchesOf(order, batchSize) -> [Int32Array], train()'s mini-batches: one
 *       generator per run, seeded with the training seed, one randperm(nTrain) per epoch, split
 *       into batches of batchSize (train()'s dropout masks come from PyTorch's global generator,
 *       which is not ported: network.js takes masks or a random source).
 *   TASKS, ORIENTATIONS, LABEL_STREAM, moduleSource().
 *
 * What is bit-identical to numpy 2.x (and to PyTorch, for randperm), and why it can be:
 *   - SeedSequence and PCG64 are integer arithmetic, done here exactly in 16- and 32-bit limbs.
 *   - permutation (numpy's random_interval, by masking and rejection), integers (Lemire's
 *     bounded method on 32-bit draws, which PCG64 hands out half a 64-bit draw at a time) and
 *     random (53 bits of a draw times 2^-53) are exact too.
 *   - torch.randperm on the CPU is a Mersenne Twister's 32-bit draws modulo the elements left.
 *   - normal is numpy's ziggurat, with numpy's own tables (copied by tools/ziggurat_tables.py
 *     from numpy's compiled module). Its rare slow paths call exp and log1p, which are
 *     JavaScript's here and the C library's in numpy: they may differ in the last bit, and a
 *     draw could then differ in its last bit -- which, in a float32 image after rounding, the
 *     tests have not seen happen on millions of draws (tests/test_lines_js.py).
 */
(function cnnexplainLinesModule(root) {
  "use strict";

  var ORIENTATIONS = ["horizontal", "vertical", "diagonal", "antidiagonal"];
  /* The lab's tasks: the site's data sets. "harder" is the harder task's page
   * (examples/beyond/plot_06_harder_task.py): four orientations in noise of 0.2. */
  var TASKS = {
    lines: { orientations: ["horizontal", "vertical"], noise: 0 },
    diagonals: { orientations: ORIENTATIONS.slice(), noise: 0 },
    noisy: { orientations: ["horizontal", "vertical"], noise: 0.2 },
    harder: { orientations: ORIENTATIONS.slice(), noise: 0.2 }
  };
  /* cnnexplain.study.ensemble.LABEL_STREAM: the shuffled labels' stream of a seed. */
  var LABEL_STREAM = 1;

  // -- checks ------------------------------------------------------------------------------
  function describe(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array of " + value.length;
    if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value);
    if (typeof value === "number") return String(value);
    return typeof value;
  }

  function checkInt(name, value, low, high) {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      throw new TypeError(name + " must be an integer, got " + describe(value));
    }
    if (value < low || value > high) {
      throw new RangeError(name + " must be in [" + low + ", " + high + "], got " + value);
    }
    return value;
  }

  function checkIntRange(name, value, low, high) {
    var pair = Array.isArray(value) ? value : [value, value];
    if (pair.length !== 2) throw new TypeError(name + " must be an integer or [min, max], got " + describe(value));
    checkInt(name, pair[0], low, high);
    checkInt(name, pair[1], low, high);
    if (pair[0] > pair[1]) throw new RangeError(name + " must have min <= max, got [" + pair[0] + ", " + pair[1] + "]");
    return [pair[0], pair[1]];
  }

  function checkSeed(name, seed) {
    return checkInt(name, seed, 0, Number.MAX_SAFE_INTEGER);
  }

  // -- SeedSequence (numpy.random.SeedSequence, pool of 4 words) ---------------------------
  var INIT_A = 0x43b0d7e5, MULT_A = 0x931e8875, INIT_B = 0x8b51f9dd, MULT_B = 0x58f38ded;
  var MIX_MULT_L = 0xca01f9dd, MIX_MULT_R = 0x4973f715, XSHIFT = 16, POOL_SIZE = 4;

  /* An integer's 32-bit words, least significant first ([0] for 0), as numpy reads a seed. */
  function uint32Words(n) {
    var words = [n % 4294967296];
    for (n = Math.floor(n / 4294967296); n > 0; n = Math.floor(n / 4294967296)) words.push(n % 4294967296);
    return words;
  }

  function seedWords(seed) {
    if (Array.isArray(seed)) {
      var words = [];
      seed.forEach(function (s, i) { words = words.concat(uint32Words(checkSeed("seed[" + i + "]", s))); });
      return words;
    }
    return uint32Words(checkSeed("seed", seed));
  }

  function seedSequencePool(entropy) {
    var hashConst = INIT_A;
    function hashmix(value) {
      value = (value ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_A) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      return (value ^ (value >>> XSHIFT)) >>> 0;
    }
    function mix(x, y) {
      var result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
      return (result ^ (result >>> XSHIFT)) >>> 0;
    }
    var pool = [];
    for (var i = 0; i < POOL_SIZE; i++) pool.push(hashmix(i < entropy.length ? entropy[i] : 0));
    for (var src = 0; src < POOL_SIZE; src++) {
      for (var dst = 0; dst < POOL_SIZE; dst++) {
        if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
      }
    }
    for (src = POOL_SIZE; src < entropy.length; src++) {
      for (dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
    }
    return pool;
  }

  /* SeedSequence.generate_state(n): n 32-bit words. */
  function generateState(pool, n) {
    var hashConst = INIT_B, state = [];
    for (var i = 0; i < n; i++) {
      var value = (pool[i % POOL_SIZE] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      value = Math.imul(value, hashConst) >>> 0;
      state.push((value ^ (value >>> XSHIFT)) >>> 0);
    }
    return state;
  }

  // -- PCG64 (numpy's: XSL-RR output of a 128-bit LCG) ---------------------------------------
  /* 128-bit numbers are 8 limbs of 16 bits, least significant first: their products fit in a
   * double exactly. */
  var PCG_MULTIPLIER = Float64Array.from(limbs128([0x2360ed05, 0x1fc65da4, 0x4385df64, 0x9fccf645])); // 2549297995355413924 << 64 | 4865540595714422341

  /* Limbs of the 128-bit number whose 32-bit words are given, most significant first. */
  function limbs128(words) {
    var out = new Array(8);
    for (var i = 0; i < 4; i++) {
      var word = words[3 - i];
      out[2 * i] = word & 0xffff;
      out[2 * i + 1] = word >>> 16;
    }
    return out;
  }

  /* state = state * PCG_MULTIPLIER + inc, modulo 2^128, in place: the limbs' products summed by
   * column (each column below 2^36, exact), then carried; written out, as it runs once a draw. */
  var M0 = PCG_MULTIPLIER[0], M1 = PCG_MULTIPLIER[1], M2 = PCG_MULTIPLIER[2], M3 = PCG_MULTIPLIER[3];
  var M4 = PCG_MULTIPLIER[4], M5 = PCG_MULTIPLIER[5], M6 = PCG_MULTIPLIER[6], M7 = PCG_MULTIPLIER[7];

  function lcgStep(s, inc) {
    var s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3], s4 = s[4], s5 = s[5], s6 = s[6], s7 = s[7];
    var sum = s0 * M0 + inc[0], carry = (sum / 65536) | 0;
    s[0] = sum - carry * 65536;
    sum = s0 * M1 + s1 * M0 + inc[1] + carry; carry = (sum / 65536) | 0; s[1] = sum - carry * 65536;
    sum = s0 * M2 + s1 * M1 + s2 * M0 + inc[2] + carry; carry = (sum / 65536) | 0; s[2] = sum - carry * 65536;
    sum = s0 * M3 + s1 * M2 + s2 * M1 + s3 * M0 + inc[3] + carry; carry = (sum / 65536) | 0; s[3] = sum - carry * 65536;
    sum = s0 * M4 + s1 * M3 + s2 * M2 + s3 * M1 + s4 * M0 + inc[4] + carry; carry = (sum / 65536) | 0; s[4] = sum - carry * 65536;
    sum = s0 * M5 + s1 * M4 + s2 * M3 + s3 * M2 + s4 * M1 + s5 * M0 + inc[5] + carry;
    carry = (sum / 65536) | 0; s[5] = sum - carry * 65536;
    sum = s0 * M6 + s1 * M5 + s2 * M4 + s3 * M3 + s4 * M2 + s5 * M1 + s6 * M0 + inc[6] + carry;
    carry = (sum / 65536) | 0; s[6] = sum - carry * 65536;
    sum = s0 * M7 + s1 * M6 + s2 * M5 + s3 * M4 + s4 * M3 + s5 * M2 + s6 * M1 + s7 * M0 + inc[7] + carry;
    s[7] = sum % 65536; // the carry out of the top limb is the part beyond 2^128: dropped
  }

  function addInPlace(a, b) {
    var carry = 0;
    for (var k = 0; k < 8; k++) {
      var sum = a[k] + b[k] + carry;
      a[k] = sum % 65536;
      carry = sum >= 65536 ? 1 : 0;
    }
  }

  /* numpy.random.PCG64 seeded from a SeedSequence: 64-bit draws as two 32-bit halves. */
  function Pcg64(seed) {
    var words = generateState(seedSequencePool(seedWords(seed)), 8); // 4 uint64, low word first
    var initState = limbs128([words[1], words[0], words[3], words[2]]);
    var initSeq = limbs128([words[5], words[4], words[7], words[6]]);
    // pcg_setseq_128_srandom_r: inc = initSeq << 1 | 1; state = 0; step; state += initState; step.
    this.inc = new Float64Array(8);
    var carry = 1;
    for (var k = 0; k < 8; k++) {
      var doubled = initSeq[k] * 2 + carry;
      this.inc[k] = doubled % 65536;
      carry = doubled >= 65536 ? 1 : 0;
    }
    this.state = new Float64Array(8);
    lcgStep(this.state, this.inc);
    addInPlace(this.state, initState);
    lcgStep(this.state, this.inc);
    this.hi = 0; // the last 64-bit draw: its high and low 32 bits
    this.lo = 0;
    this.hasUint32 = false; // numpy's buffer of half a 64-bit draw for next_uint32
    this.uinteger = 0;
  }

  /* next_uint64: advance, then the XSL-RR output of the new state, into this.hi and this.lo. */
  Pcg64.prototype.nextUint64 = function () {
    var s = this.state;
    lcgStep(s, this.inc);
    var xorHi = ((s[7] << 16 | s[6]) ^ (s[3] << 16 | s[2])) >>> 0;
    var xorLo = ((s[5] << 16 | s[4]) ^ (s[1] << 16 | s[0])) >>> 0;
    var rot = s[7] >>> 10; // state >> 122
    if (rot === 0) {
      this.hi = xorHi;
      this.lo = xorLo;
    } else if (rot < 32) {
      this.hi = ((xorHi >>> rot) | (xorLo << (32 - rot))) >>> 0;
      this.lo = ((xorLo >>> rot) | (xorHi << (32 - rot))) >>> 0;
    } else if (rot === 32) {
      this.hi = xorLo;
      this.lo = xorHi;
    } else {
      var r = rot - 32;
      this.hi = ((xorLo >>> r) | (xorHi << (32 - r))) >>> 0;
      this.lo = ((xorHi >>> r) | (xorLo << (32 - r))) >>> 0;
    }
  };

  /* next_uint32: the low half of a 64-bit draw, then its high half from the buffer. */
  Pcg64.prototype.nextUint32 = function () {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = this.hi;
    return this.lo;
  };

  /* next_double: the top 53 bits of a 64-bit draw, times 2^-53, in [0, 1). */
  Pcg64.prototype.nextDouble = function () {
    this.nextUint64();
    return (this.hi * 2097152 + (this.lo >>> 11)) * 1.1102230246251565e-16;
  };

  // -- the ziggurat's tables (numpy's) -----------------------------------------------------
  /* BEGIN ziggurat tables: numpy 2.4.6's ki (uint64), wi and fi (float64), little-endian, base64;
   * written by tools/ziggurat_tables.py from numpy's compiled _generator (BSD-3-Clause). */
  var ZIGGURAT_KI = "au8lgD3zDgAAAAAAAAAAAKjG+5i+CAwAQoG9+lSjDQDq7sF+9lEOAH730+lVsg4Aucp+gUvvDgCqRPoKRxkPABjL/2HtNw8AXCVhlUZPDwCWoxvkpWEPAKSWU3V6cA8AmkQo7LJ8DwDTV2MM8YYPAN4lg1emjw8A2tBNxySXDwAJ9dsHqZ0PAHT6gfVgow8A+Etb3m+oDwDcVNNg8awPAA+5GGf7sA8AxnRTjZ+0DwB3/mYj7LcPAA7loensug8A7QsEnau9DwBXbP9gMMAPAEiiNxCCwg8A0VvieqbEDwAx7nqXosYPAKSWKKl6yA8Ahd5LXjLKDwAaIwLpzMsPAMQ5+BJNzQ8AmeyPTbXODwAwyR2/B9APAObE1k1G0Q8AUPTiqHLSDwAeyfBPjtMPAHi0kJma1A8AUw+SuJjVDwDsmY7AidYPADLoyKlu1w8A6Ah7VEjYDwCMLK2LF9kPANKtpwfd2Q8AjF4QcJnaDwAgLsBdTdsPAND8W1z52w8AfZq5653cDwCdchiBO90PAJAvNIjS3Q8AZJ82ZGPeDwBOUY1w7t4PAC60pgF03w8AQO2ZZfTfDwDyJLzkb+APAFiiJcLm4A8ATLgoPFnhDwCZP7yMx+EPAKoc2+kx4g8AkRvahZjiDwCGQbWP++IPAEqNVTNb4w8AKgDQmbfjDwB/rZ7pEOQPADR31EZn5A8AXAlM07rkDwAkldKuC+UPAHi8TvdZ5Q8AEhLkyKXlDwCJhhM+7+UPAHgQ2W825g8AeNXGdXvmDwCqER5mvuYPAPL05VX/5g8AAqcAWT7nDwA5nj6Ce+cPAKJwcOO25w8AQ0J3jfDnDwCM8FOQKOgPADoXNfte6A8AZAiE3JPoDwC8zvBBx+gPAPZOfTj56A8AHZuHzCnpDwDqiNMJWekPAKKak/uG6Q8AZkhxrLPpDwDVtpQm3+kPAHzmq3MJ6g8ApGbxnDLqDwAslTKrWuoPABp01aaB6g8A8Bzel6fqDwAg2fOFzOoPADzmZXjw6g8AE+wvdhPrDwBKKv6FNesPALRiMa5W6w8A+oTi9HbrDwAUIOZflusPAHydz/S06w8A0En0uNLrDwA+Lm6x7+sPAOi9HuML7A8AFVqxUifsDwDTr50EQuwPAJbxKf1b7A8A9O5sQHXsDwC0DFDSjewPABIfkbal7A8A/ifE8LzsDwAV+1SE0+wPALPIiHTp7A8At5F/xP7sDwAohTV3E+0PAANJhI8n7Q8ATC8kEDvtDwBuWK37Te0PAN3DmFRg7Q8A6E9BHXLtDwCCqeRXg+0PAMgspAaU7Q8ABLeFK6TtDwC0anTIs+0PAFJmQd/C7Q8AUm6kcdHtDwDTijyB3+0PAICZkA/t7Q8AFNQPHvrtDwDESxKuBu4PAAZa2cAS7g8A4AaQVx7uDwAkZUtzKe4PALzkChU07g8APJu4PT7uDwD0ginuR+4PAIawHSdR7g8AQX9A6VnuDwAutCg1Yu4PAPGXWAtq7g8Aegc+bHHuDwCCezJYeO4PALoGe89+7g8AskpI0oTuDwBDY7Zgiu4PAFHIzHqP7g8A2iV+IJTuDwDqKahRmO4PAFxIEw6c7g8A9HNyVZ/uDwCuzGInou4PAKxCa4Ok7g8AcS38aKbuDwD61m7Xp+4PAAr6BM6o7g8AOzPoS6nuDwAQZClQqe4PAF4HwNmo7g8AVHaJ56fuDwAkHUh4pu4PAIOeooqk7g8A2uQiHaLuDwAkIDUun+4PAC6vJryb7g8A5PIkxZfuDwA6CjxHk+4PABZ1VUCO7g8Aepw2rojuDwD9PX+Ogu4PAIi4p9577g8A/zf/m3TuDwBevanDbO4PAH4AnlJk7g8AiCijRVvuDwC2V06ZUe4PAM8GAEpH7g8AUCzhUzzuDwDYKuCyMO4PAAWCrWIk7g8AWjy4XhfuDwBHFCqiCe4PAMxJ4yf77Q8AbCF26uvtDwB+BCLk2+0PANM5zg7L7Q8A9CwEZLntDwDJOOncpu0PAI3pN3KT7Q8ANqg4HH/tDwArwLnSae0PAACuBo1T7Q8AIqTeQTztDwDYL2rnI+0PAETmL3MK7Q8ANP4H2u/sDwC4tw4Q1OwPALRulQi37A8AwTAStpjsDwB4qQ0KeewPAP4xD/VX7A8AYsmGZjXsDwA1s7RMEewPANBvjpTr6w8AkragKcTrDwDcDO71musPAEKFyeFv6w8Anh+t00LrDwBLLQuwE+sPAOkCGlni6g8AVyKZrq7qDwAm446NeOoPAOVz/c8/6g8A9tmNTATqDwA7Vi/WxekPAKRHqTuE6Q8AKEcdRz/pDwDWxXa99ugPAOboxF2q6A8A6rF64FnoDwBAqZD2BOgPAMAzgkir5w8ApWofdUznDwACoioQ6OYPANirtqB95g8AfjA4nwzmDwBC9zhzlOUPAIByl3AU5Q8AWPQ21IvkDwA3Hv2/+eMPAJyx7jVd4w8A/uQvErXiDwBXVZkDAOIPABSDeII84Q8AsGfuxGjgDwCqcSuwgt8PAKr+fsWH3g8A/TvGCXXdDwATvynlRtwPAIICLvj42g8Adbqy4YXZDwAEz0jv5tcPAAtlva0T1g8AEvDiSQHUDwCsx7SnodEPAJ4fdgTizg8AshFe2KjLDwAiLc1u0scPAO0iHi8rww8AOrjAgWW9DwA0VADEBrYPAHQoKlhArA8AmEUBHpeeDwD8HaRI+okPACww8PfFZg8AShwzS1oaDwA=";
  var ZIGGURAT_WI = "edkVeDtJzzzG9v3jC42LPLRbLDyvUJI8YTtEOLl8lTwMpy/o/AGYPLzQTC4MI5o892E4L00AnDx0cnRaL6ydPMPVTC1IMp88rbuOJzJNoDxDXQI7BfWgPHc2QZemkqE89Rp6j6InojyA2GM4LrWiPPWRV8A/PKM8L7GiwZ69ozxVm/+N7zmkPKf+PTa7saQ8dNMaYnUlpTyWzgengJWlPOp+2c8xAqY8PXyjYdJrpjxwBQCSotKmPKb4RtPaNqc8dyqzEK2YpzxD9UatRfinPHcKQ1PMVag8mnZ7nmSxqDyYz06pLgupPOoeLIJHY6k8RsU4jsm5qTwsp6TczA6qPFnNd21nYqo8MBYQbq20qjycbBNtsQWrPCl6QoeEVas8Op9Sjjakqzwygr8q1vGrPPNOWflwPqw8YTsypROKrDyLJnL+ydSsPEi3gA6fHq08EB/kKZ1nrTzDuCMAzq+tPFN28ak69608/u3Stes9rjwAb3oz6YOuPM6C+b06ya48JmLwhOcNrzyI9thU9lGvPK7Xh55tla88rC76fVPYrzzsNELgVg2wPJqPOfVALrA8/KUWnupOsDwQoHJbVm+wPAv0cZCGj7A8E2G8hH2vsDx/zEtmPc+wPGsIFkvI7rA87hWVMiAOsTy+DzEHRy2xPEGRjp8+TLE8HiDEvwhrsTw02ngap4mxPIht7lEbqLE8yyr4+GbGsTwu1OCTi+SxPJ+gQJmKArI86cbEcmUgsjwfw+l9HT6yPPtrqQy0W7I8f9MdZip5sjwb1xnHgZayPNouuGK7s7I8U7jhYtjQsjyOqcvo2e2yPNdIbg3BCrM8MLn04Y4nszyhXiZwRESzPNVSyrriYLM8algFvmp9szxksrJv3ZmzPAM9uL87trM84B1WmIbSszyDWnLevu6zPHSe4HHlCrQ8XXSmLfsmtDykMDzoAEO0PF3HynP3XrQ8NsNmnt96tDwvj0gyupa0PF1BAvaHsrQ83BGzrEnOtDwFpjgWAOq0PGJVXu+rBbU8WosK8k0htTxPZmrV5jy1PMiyG053WLU8eF9VDgB0tTwUhQ7GgY+1PFkbJCP9qrU8PXN90XLGtTzTjC974+G1PDhen8hP/bU8wx+jYLgYtjyisKLoHTS2PAsmtwSBT7Y8cpbJV+Jqtjw3MbGDQoa2PLGyUCmiobY8u0Oz6AG9tjxS0yhhYti2PFT4YTHE87Y862iL9ycPtzzGFGlRjiq3PNzucNz3Rbc8H3PlNWVhtzxJ9O/61ny3PJO9ushNmLc8CRSLPMqztzz7ItvzTM+3POfec4zW6rc8H+qGpGcGuDx2hsjaACK4PBWfic6iPbg8vfXRH05ZuDzFfnpvA3W4PC33R1/DkLg8Q8AFko6suDycDKGrZci4PCdqRFFJ5Lg8j7VzKToAuTxHgyjcOBy5PPwK7xJGOLk8iqIDeWJUuTzu1XC7jnC5PDEqLonLjLk8v5k/kxmpuTws2dWMecW5PBF0byvs4bk8StL6JnL+uTySNvk5DBu6PFvIoiG7N7o8iLsLnn9UujykqUpyWnG6PD0xoGRMjro8CPGfPlarujzO9VrNeMi6PDazi+G05bo8GqHDTwsDuzxbmJrwfCC7PAAM4KAKPrs8Az3OQbVbuzwniT+5fXm7PDz35fFkl7s8biWF22u1uzyiwC5rk9O7PIOugZvc8bs8oBbsbEgQvDwtevDl1y68PBwNbhOMTbw8BYfsCGZsvDwXpuvgZou8PKuiNr2Pqrw8kNY7x+HJvDw34GgwXum8PG6PizIGCb08IO83ENsovTxHxjMV3ki9PCPx55YQab08pfvX9HOJvTxwbiCZCaq9PA5J/PjSyr08Ny5SldHrvTwc0kn7Bg2+PPZG6sR0Lr48iNHBmRxQvjwl/pcvAHK+PAq/KkshlL48CG/3wIG2vjw6pxB2I9m+PKnsAWEI/L48IVPCijIfvzxtTbcPpEK/PGgBySBfZr88gpeJBGaKvzy/InEYu66/PIXnL9Jg0788C/YYwVn4vzx1oNNH1A7APEfJjwKoIcA8qwKpg6k0wDzH9T5O2kfAPH6zrfY7W8A8aCanI9BuwDwXLmOPmILAPFSi6AiXlsA8xMBxdc2qwDxI1O7RPb/APDA9qjTq08A8k2URz9TowDy2n6bv//3APEFwIARuE8E8NV27myEpwTxtCcRpHT/BPDsuYEhkVcE88+6dO/lrwTxhEtJ034LBPKzrTlYamsE8ji9/d62xwTyUpnGpnMnBPDmu5Pvr4cE8Adniwp/6wTyBzASdvBPCPO7Tb3pHLcI8JJyspEVHwjzgWHbHvGHCPC5ZqPqyfMI8eA53zS6YwjxSCipTN7TCPJfbljHU0MI89XipsQ3uwjzurlbS7AvDPKOkaF57KsM8oxKuBcRJwzxAqDN60mnDPApBVpKzisM8+oiucHWswzymBBezJ8/DPHX0YKrb8sM82uW5nKQXxDyUXlQVmD3EPBU6p0TOZMQ8vEOcdWKNxDwnWmudc7fEPAKJzQ0l48Q8QazpU58QxTxCfjpSEUDFPBvkSqmxccU82Y1xi8ClxTz+0DokitzFPEwehs9pFsY86moAe85TxjzD5Z++QJXGPDLiCY1r28Y8NHpf8CgnxzxzBglWlXnHPIzO1vQt1Mc8NPIpBQM5yDwUfKq/D6vIPJZEb5TgLsk8q1dAAe7LyTxad5R43I/KPLH9eDgfmMs8M60JgrQ7zTw=";
  var ZIGGURAT_FI = "AAAAAAAA8D+H8HnJakTvPxWpbFtUt+4/d/An4BE/7j+V3gSnb9PtP/K8VwaScO0/3BmheEkU7T/rLaeoM73sP394qc5eauw/6rru2Rwb7D+C3OFO687rP1L1jzplhes/EN00gjo+6z+i6Gw/KvnqPwQlevH+teo/4clQ1Yt06j8Pr/X9qjTqP9gfZe479uk/gQYkjSK56T/BemFXRn3pP0d6G8KRQuk/T3ExvfEI6T+oCuZPVdDoPwLfukitmOg/rLw3/Oth6D9uz1YPBSzoP8viIEvt9uc/WGicd5rC5z/VsKA8A4/nP1bYcAcfXOc/Em0/9OUp5z/ueuq6UPjmP4laY55Yx+Y/KjtRXveW5j8j45IqJ2fmPxgMVZjiN+Y/ZSaAmCQJ5j9q/0pv6NrlP4lcyKwpreU/j41MJuR/5T9Gno3wE1PlP9VsZVq1JuU/Z7Yg6MT65D/ATklPP8/kP3hS3HIhpOQ/ElDfX2h55D95NklKEU/kP+NfNYoZJeQ/gltYmX774z+jMa8QPtLjPw7NYqZVqeM/1QDaK8OA4z/pUPWLhFjjPzU6cMmXMOM/7zhk/foI4z/uO+pVrOHiP0qV1xSquuI/Fc2TjvKT4j/tBAUphG3iP4TbkFpdR+I/8vcvqXwh4j8glpKp4PvhP2mZVP6H1uE/EdE/V3Gx4T9QPJtwm4zhP9o5hhIFaOE/nKleEK1D4T84HzFIkh/hPxNZMqKz++A/oEJBEBDY4D+u2XCNprTgP4FdmR12keA/NjzwzH1u4D8uP6avvEvgPyqCi+ExKeA/xMq4hdwG4D+hvXuMd8nfP8oAqaedhd8/83ovyylC3z+Vj35xGv/eP1QfvSBuvN4/xcNOaiN63j+Fm1/qODjePwk6dket9t0/sVYLMn+13T8z3iZkrXTdP4AQAqE2NN0/bVuutBn03D9IqMBzVbTcP8fXALvodNw/uCwdb9I13D8XamF8EffbP5FtcdakuNs/GxMHeIt62z/KMbNixDzbP1KFoZ5O/9o/nlpfOinC2j+A2KRKU4XaP03AIOrLSNo/PoRGOZIM2j/fkx5epdDZP8bAGIQEldk/k5/g265Z2T8XyzObox7ZPxXxufzh49g/iJHeP2mp2D+2WqyoOG/YP9kNqn9PNdg/Edm4Ea371z+wFPSvUMLXP+tSkq85idc/7bHHaWdQ1z9MYak72RfXP6pMEoaO39Y/Id6IrYan1j/iyyUawW/WPxXlezc9ONY/yNKAdPoA1j9EwnZD+MnVP77u1hk2k9U/AAE9cLNc1T/tO1PCbybVP5Jtv45q8NQ/opwQV6O61D/Uaq2fGYXUP/4kw+/MT9Q/GXo10bwa1D/b0o7Q6OXTP65D8XxQsdM/eRMIaPN80z+e0fkl0UjTPy/2Wk3pFNM/Zgchdzvh0j/dP5Y+x63SPx6xTUGMetI/id4XH4pH0j+ezPd5wBTSPxaBGPYu4tE/UPDCOdWv0T/oVFTtsn3RP2fuNLvHS9E/IyTPTxMa0T/ECYdZlejQP9pCsohNt9A/NkOQjzuG0D/Z6UIiX1XQP350x/a3JNA/xZPfiYvozz81MriMEIjPP9KY6Wz+J88/RJzJpFTIzj/dPCiyEmnOP4RxRRY4Cs4/CpDHVcSrzT9PUbL4tk3NP8xvXooP8Mw/U99xmc2SzD9Hndi38DXMP6EYvnp42cs/qjGHemR9yz860cxStCHLPwcYV6Jnxso/fiYZC35ryj89fi0y9xDKP1r+0r/Stsk/J3xqXxBdyT9p+nS/rwPJP1uBkpGwqsg/OJqBihJSyD91cR9i1fnHPyOjaNP4occ/prV6nHxKxz8WR5Z+YPPGP1zyIT6knMY/nPGtokdGxj/5g/h2SvDFP2wd84ismsU/NWjIqW1FxT/BH+OtjfDEPy3O9WwMnMQ/1XUDwulHxD+uMWmLJfTDP+7X6Kq/oMM/iKu0BbhNwz9lKnyEDvvCPxoHehPDqMI/t16DotVWwj80PBglRgXCP0J9dZIUtME/Yy2o5UBjwT+5bqIdyxLBP7oJUj2zwsA/hb+4S/lywD8qfQZUnSPAPywia8s+qb8/HA5SKf8Lvz9LpZrye2++P4/odmG1070/5ZG9uas4vT8KdDtJX568PxUQC2jQBLw/M+LyeP9ruz8z9srp7NO6P4Zi6jOZPLo/GVud3ASmuT+roKR1MBC5P1Iov50ce7g/1u8+Acrmtz92EapaOVO3P0xKaXNrwLY/GE2FJGEutj+kZnRXG521P64r+gabDLU/EyIbQOF8tD+GmiYj7+2zP3A+2eTFX7M/ETGbz2bSsj+RDd1E00WyP32Jl74MurE/nRfy0BQvsT8llhUs7aSwP5fkMJ6XG7A/NW5sKywmrz+BUbJH1RauP2Lxrf4uCa0/LCooDz79qz9wXziQB/OqP2NVKfmQ6qk/q7VoKuDjqD8eJ693+96nP2TQmLPp26Y/1K3yPLLapT9dJxEOXdukP8vumM7y3aM/l/Q96Hzioj+8ah+fBemhPxGAli6Y8aA/xKUY14H4nz91jILbGhKePxoJzYMZMJw/+OsiTp9Smj8KwQC20XmYP4K/C/TapZY/ZLD78urWlD8TXquNOA2TPxIwYDQDSZE/Sd1yTyoVjz+sj08njaSLP3ikjQ0EQYg/4M8aQpbrhD+SL5UpkqWBPzdo7Phg4Xw/XbgM2aiedj/9sbADH4pwP2ewwUOfX2U/D/e5tgWmVD8=";
  /* END ziggurat tables */
  var ZIGGURAT_R = 3.6541528853610088;
  var ZIGGURAT_INV_R = 0.27366123732975828;
  var ziggurat = null; // decoded on first use

  function base64Bytes(text) {
    var binary = atob(text), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function zigguratTables() {
    if (ziggurat) return ziggurat;
    var view = new DataView(base64Bytes(ZIGGURAT_KI).buffer);
    var ki = new Float64Array(256); // each below 2^53: exact as doubles
    for (var i = 0; i < 256; i++) ki[i] = view.getUint32(8 * i + 4, true) * 4294967296 + view.getUint32(8 * i, true);
    var wiView = new DataView(base64Bytes(ZIGGURAT_WI).buffer), fiView = new DataView(base64Bytes(ZIGGURAT_FI).buffer);
    var wi = new Float64Array(256), fi = new Float64Array(256);
    for (i = 0; i < 256; i++) {
      wi[i] = wiView.getFloat64(8 * i, true);
      fi[i] = fiView.getFloat64(8 * i, true);
    }
    ziggurat = { ki: ki, wi: wi, fi: fi };
    return ziggurat;
  }

  // -- numpy.random.Generator --------------------------------------------------------------
  function Generator(seed) {
    this.bits = new Pcg64(seed);
  }

  /* random_interval(max): a uniform integer in [0, max], by masking and rejection. */
  Generator.prototype.interval = function (max) {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError("interval: max must be below 2^32, got " + max);
    var mask = max;
    mask |= mask >>> 1; mask |= mask >>> 2; mask |= mask >>> 4; mask |= mask >>> 8; mask |= mask >>> 16;
    mask >>>= 0;
    var value;
    do value = (this.bits.nextUint32() & mask) >>> 0; while (value > max);
    return value;
  };

  /* Generator.permutation(x): x an integer n (a permutation of 0..n-1) or an array (a
   * shuffled copy, of the same type), by numpy's Fisher-Yates from the end. */
  Generator.prototype.permutation = function (x) {
    var out;
    if (typeof x === "number") {
      checkInt("permutation's n", x, 0, 0x7fffffff); // an Int32Array's indices
      out = new Int32Array(x);
      for (var k = 0; k < x; k++) out[k] = k;
    } else {
      out = x.slice();
    }
    for (var i = out.length - 1; i > 0; i--) {
      var j = this.interval(i), swap = out[i];
      out[i] = out[j];
      out[j] = swap;
    }
    return out;
  };

  /* Generator.integers(low, high, size=count) for int64: uniform in [low, high). */
  Generator.prototype.integers = function (low, high, count) {
    var range = high - 1 - low, out = new Float64Array(count);
    if (!(range >= 0 && range < 0xffffffff)) throw new RangeError("integers: high - low must be in [1, 2^32 - 1], got " + (high - low));
    if (range === 0) {
      out.fill(low);
      return out;
    }
    // buffered_bounded_lemire_uint32: the top 32 bits of draw * (range + 1), rejecting the
    // draws whose low 32 bits fall below the threshold that makes the result uniform.
    var excl = range + 1, threshold = (4294967296 - excl) % excl;
    for (var i = 0; i < count; i++) {
      var draw = this.bits.nextUint32();
      while (lowWordOfProduct(draw, excl) < threshold) draw = this.bits.nextUint32();
      out[i] = low + highWordOfProduct(draw, excl);
    }
    return out;
  };

  /* Generator.random(size=count): doubles in [0, 1). */
  Generator.prototype.random = function (count) {
    var out = new Float64Array(count);
    for (var i = 0; i < count; i++) out[i] = this.bits.nextDouble();
    return out;
  };

  /* random_standard_normal: numpy's ziggurat, draw for draw. */
  Generator.prototype.standardNormal = function () {
    var t = zigguratTables(), bits = this.bits;
    for (;;) {
      bits.nextUint64();
      // r = the 64-bit draw: idx = its low 8 bits, sign = bit 8, rabs = bits 9..60 (52 bits).
      var idx = bits.lo & 0xff, sign = (bits.lo >>> 8) & 1;
      var rabs = (bits.hi & 0x1fffffff) * 8388608 + (bits.lo >>> 9); // (r >> 9) & (2^52 - 1)
      var x = rabs * t.wi[idx];
      if (sign) x = -x;
      if (rabs < t.ki[idx]) return x;
      if (idx === 0) {
        var sideBit = (rabs / 256) % 2 >= 1; // (rabs >> 8) & 1
        for (;;) {
          var xx = -ZIGGURAT_INV_R * Math.log1p(-bits.nextDouble());
          var yy = -Math.log1p(-bits.nextDouble());
          if (yy + yy > xx * xx) return sideBit ? -(ZIGGURAT_R + xx) : ZIGGURAT_R + xx;
        }
      }
      if ((t.fi[idx - 1] - t.fi[idx]) * bits.nextDouble() + t.fi[idx] < Math.exp(-0.5 * x * x)) return x;
    }
  };

  /* Generator.normal(loc, scale, size=count): loc + scale * standard normal, as doubles. */
  Generator.prototype.normal = function (loc, scale, count) {
    var out = new Float64Array(count);
    for (var i = 0; i < count; i++) out[i] = loc + scale * this.standardNormal();
    return out;
  };

  /* The 64-bit product of two numbers below 2^32, split into 32-bit words exactly. */
  function lowWordOfProduct(a, b) {
    var low = (a & 0xffff) * b; // below 2^48: exact
    var high = (a >>> 16) * b; // below 2^48: exact
    return ((low % 4294967296) + (high % 65536) * 65536) % 4294967296;
  }

  function highWordOfProduct(a, b) {
    var low = (a & 0xffff) * b, high = (a >>> 16) * b;
    // a * b = high * 2^16 + low; its top word is floor(that / 2^32), computed without rounding.
    var lowWord = (low % 4294967296) + (high % 65536) * 65536;
    return Math.floor(high / 65536) + Math.floor(low / 4294967296) + Math.floor(lowWord / 4294967296);
  }

  function defaultRng(seed) {
    return new Generator(seed);
  }

  // -- train()'s mini-batches: PyTorch's CPU generator and randperm ------------------------------
  /* torch.Generator().manual_seed(seed): a Mersenne Twister (MT19937) seeded with the seed's low
   * 32 bits, as PyTorch's CPU generator is; randperm(n) is torch.randperm(n, generator=it) on the
   * CPU (below 2^32 / 20 elements): a swap with a draw modulo the elements left, from the front.
   * train() draws each epoch's order so, and takes its mini-batches as order.split(batch_size). */
  function TorchGenerator(seed) {
    checkSeed("seed", seed);
    var state = new Uint32Array(624);
    state[0] = seed % 4294967296;
    for (var j = 1; j < 624; j++) {
      var previous = state[j - 1] ^ (state[j - 1] >>> 30);
      state[j] = (Math.imul(1812433253, previous) + j) >>> 0;
    }
    this.state = state;
    this.next = 624;
  }

  /* The next 32-bit output of the Mersenne Twister. */
  TorchGenerator.prototype.random = function () {
    var s = this.state, k;
    if (this.next >= 624) {
      for (k = 0; k < 624; k++) {
        var y = (s[k] & 0x80000000) | (s[(k + 1) % 624] & 0x7fffffff);
        s[k] = s[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.next = 0;
    }
    var out = s[this.next++];
    out ^= out >>> 11;
    out ^= (out << 7) & 0x9d2c5680;
    out ^= (out << 15) & 0xefc60000;
    out ^= out >>> 18;
    return out >>> 0;
  };

  TorchGenerator.prototype.randperm = function (n) {
    checkInt("randperm's n", n, 0, 214748364); // PyTorch draws otherwise from 2^32 / 20 on
    var order = new Int32Array(n);
    for (var i = 0; i < n; i++) order[i] = i;
    for (i = 0; i < n - 1; i++) {
      var z = this.random() % (n - i), swap = order[i];
      order[i] = order[z + i];
      order[z + i] = swap;
    }
    return order;
  };

  function torchGenerator(seed) {
    return new TorchGenerator(seed);
  }

  /* order.split(batchSize): consecutive mini-batches of indices, the last one shorter. */
  function batchesOf(order, batchSize) {
    checkInt("batchSize", batchSize, 1, Math.max(1, order.length));
    var batches = [];
    for (var start = 0; start < order.length; start += batchSize) batches.push(order.subarray(start, start + batchSize));
    return batches;
  }

  // -- make_lines --------------------------------------------------------------------------
  /* The pixels of one line, as _line does: 0 and 1 in a box just large enough to hold it. */
  function linePixels(orientation, thick, length) {
    var height, width, pixels, r, c, k;
    if (orientation === "horizontal" || orientation === "vertical") {
      height = orientation === "horizontal" ? thick : length;
      width = orientation === "horizontal" ? length : thick;
      pixels = new Float32Array(height * width).fill(1);
      return { height: height, width: width, pixels: pixels };
    }
    height = length;
    width = length + thick - 1;
    pixels = new Float32Array(height * width);
    for (r = 0; r < length; r++) {
      var row = orientation === "diagonal" ? r : length - 1 - r; // antidiagonal: from the bottom-left
      for (k = 0; k < thick; k++) {
        c = r + k;
        pixels[row * width + c] = 1;
      }
    }
    return { height: height, width: width, pixels: pixels };
  }

  function checkOrientations(orientations) {
    if (!Array.isArray(orientations) || orientations.length < 1) {
      throw new TypeError("orientations must be a non-empty array of names from " + JSON.stringify(ORIENTATIONS) + ", got " + describe(orientations));
    }
    orientations.forEach(function (name) {
      if (ORIENTATIONS.indexOf(name) < 0) {
        throw new RangeError("orientations must hold names from " + JSON.stringify(ORIENTATIONS) + ", got " + describe(name));
      }
    });
    if (new Set(orientations).size !== orientations.length) {
      throw new RangeError("orientations must be distinct names, got " + JSON.stringify(orientations));
    }
    return orientations.slice();
  }

  /* make_lines's settings, checked, with the task's and make_lines's defaults filled in. */
  function lineSettings(options) {
    options = options || {};
    if (typeof options !== "object") throw new TypeError("makeLines's options must be an object, got " + describe(options));
    Object.keys(options).forEach(function (key) {
      if (["nPerClass", "size", "thickness", "length", "noise", "orientations", "seed", "task"].indexOf(key) < 0) {
        throw new RangeError("makeLines has no option " + JSON.stringify(key));
      }
    });
    var taskName = options.task === undefined ? "lines" : options.task;
    if (!Object.prototype.hasOwnProperty.call(TASKS, taskName)) {
      throw new RangeError("task must be one of " + JSON.stringify(Object.keys(TASKS)) + ", got " + describe(taskName));
    }
    var task = TASKS[taskName];
    var pick = function (key, fallback) { return options[key] === undefined ? fallback : options[key]; };
    var size = checkInt("size", pick("size", 50), 8, 512);
    var thick = checkIntRange("thickness", pick("thickness", [1, 3]), 1, size);
    var noise = pick("noise", task.noise);
    if (typeof noise !== "number" || !(noise >= 0 && noise <= 1)) {
      throw new RangeError("noise must be a number in [0, 1], got " + describe(noise));
    }
    var orientations = checkOrientations(pick("orientations", task.orientations));
    // A diagonal line spans length + thickness - 1 columns: by default, the longest fits.
    var diagonal = orientations.some(function (o) { return o === "diagonal" || o === "antidiagonal"; });
    var longest = diagonal ? size - thick[1] + 1 : size;
    var length = pick("length", null);
    var lengths = checkIntRange("length", length === null ? [Math.min(Math.floor(size / 2), longest), longest] : length, 1, size);
    if (diagonal && lengths[1] + thick[1] - 1 > size) {
      throw new RangeError("a diagonal line of length " + lengths[1] + " and thickness " + thick[1] + " needs " +
        (lengths[1] + thick[1] - 1) + " columns, more than size=" + size + "; lower length or thickness");
    }
    return {
      nPerClass: checkInt("nPerClass", pick("nPerClass", 600), 1, 100000),
      size: size, thick: thick, lengths: lengths, noise: noise, orientations: orientations,
      seed: checkSeed("seed", pick("seed", 0))
    };
  }

  function makeLines(options) {
    var s = lineSettings(options);
    var rng = defaultRng(s.seed), nClasses = s.orientations.length, n = s.nPerClass * nClasses, size = s.size;
    var ordered = new Int32Array(n);
    for (var i = 0; i < n; i++) ordered[i] = Math.floor(i / s.nPerClass); // np.repeat(arange, nPerClass)
    var labels = rng.permutation(ordered);
    var thicks = rng.integers(s.thick[0], s.thick[1] + 1, n);
    var lens = rng.integers(s.lengths[0], s.lengths[1] + 1, n);
    var uRow = rng.random(n), uCol = rng.random(n);
    var images = new Float32Array(n * size * size);
    for (i = 0; i < n; i++) {
      var line = linePixels(s.orientations[labels[i]], thicks[i], lens[i]);
      var row = Math.floor(uRow[i] * (size - line.height + 1)), col = Math.floor(uCol[i] * (size - line.width + 1));
      for (var r = 0; r < line.height; r++) {
        images.set(line.pixels.subarray(r * line.width, (r + 1) * line.width), i * size * size + (row + r) * size + col);
      }
    }
    if (s.noise > 0) addClippedNoise(images, rng, s.noise);
    return {
      images: images, labels: labels, n: n, size: size, classes: s.orientations.slice(),
      config: {
        n_per_class: s.nPerClass, size: size, thickness: s.thick, length: s.lengths, noise: s.noise,
        orientations: s.orientations.slice(), seed: s.seed
      }
    };
  }

  /* images += normal(0, noise).astype(float32), then clipped to [0, 1]: float32 arithmetic
   * (the sum of two float32 values rounded once from a double is float32's sum). */
  function addClippedNoise(images, rng, noise) {
    var fround = Math.fround;
    for (var i = 0; i < images.length; i++) {
      var value = fround(images[i] + fround(0 + noise * rng.standardNormal()));
      images[i] = value < 0 ? 0 : value > 1 ? 1 : value;
    }
  }

  // -- split and shuffled labels -----------------------------------------------------------
  /* Python's round(): to the nearest integer, halves to even. */
  function roundHalfEven(x) {
    var floor = Math.floor(x), diff = x - floor;
    if (diff < 0.5) return floor;
    if (diff > 0.5) return floor + 1;
    return floor % 2 === 0 ? floor : floor + 1;
  }

  function checkData(data) {
    if (!data || !(data.images instanceof Float32Array) || !(data.labels instanceof Int32Array) || !Array.isArray(data.classes)) {
      throw new TypeError("data must be a data set of makeLines ({images: Float32Array, labels: Int32Array, classes, ...}), got " + describe(data));
    }
    if (data.labels.length !== data.n || data.images.length !== data.n * data.size * data.size) {
      throw new RangeError("data must hold n labels and n * size * size pixels, got " + data.labels.length + " labels and " + data.images.length + " pixels for n=" + data.n);
    }
  }

  function subset(data, indices, split) {
    var pixels = data.size * data.size, images = new Float32Array(indices.length * pixels), labels = new Int32Array(indices.length);
    for (var i = 0; i < indices.length; i++) {
      images.set(data.images.subarray(indices[i] * pixels, (indices[i] + 1) * pixels), i * pixels);
      labels[i] = data.labels[indices[i]];
    }
    var config = Object.assign({}, data.config || {}, { split: split });
    return { images: images, labels: labels, n: indices.length, size: data.size, classes: data.classes.slice(), config: config, indices: indices };
  }

  function splitLines(data, options) {
    checkData(data);
    options = options || {};
    var fraction = options.testFraction === undefined ? 0.2 : options.testFraction;
    if (typeof fraction !== "number" || !(fraction > 0 && fraction < 1)) {
      throw new RangeError("testFraction must be a number in (0, 1), got " + describe(fraction));
    }
    var seed = checkSeed("seed", options.seed === undefined ? 0 : options.seed);
    var rng = defaultRng(seed), trainIdx = [], testIdx = [];
    data.classes.forEach(function (name, c) {
      var members = [];
      for (var i = 0; i < data.n; i++) if (data.labels[i] === c) members.push(i);
      var nTest = roundHalfEven(fraction * members.length);
      if (members.length && !(nTest > 0 && nTest < members.length)) {
        throw new RangeError("testFraction=" + fraction + " leaves class " + JSON.stringify(name) + " (" + members.length +
          " images) with no image in the training or the test set");
      }
      var shuffled = rng.permutation(Int32Array.from(members));
      testIdx.push.apply(testIdx, shuffled.subarray(0, nTest));
      trainIdx.push.apply(trainIdx, shuffled.subarray(nTest));
    });
    var sorted = function (list) { return Int32Array.from(list).sort(); };
    return {
      train: subset(data, sorted(trainIdx), { test_fraction: fraction, seed: seed, part: "train" }),
      test: subset(data, sorted(testIdx), { test_fraction: fraction, seed: seed, part: "test" })
    };
  }

  function shuffleLabels(labels, seed) {
    if (!(labels instanceof Int32Array)) throw new TypeError("labels must be an Int32Array, got " + describe(labels));
    var perm = defaultRng([checkSeed("seed", seed), LABEL_STREAM]).permutation(labels.length);
    var out = new Int32Array(labels.length);
    for (var i = 0; i < labels.length; i++) out[i] = labels[perm[i]];
    return out;
  }

  var api = {
    ORIENTATIONS: ORIENTATIONS,
    TASKS: TASKS,
    LABEL_STREAM: LABEL_STREAM,
    makeLines: makeLines,
    splitLines: splitLines,
    shuffleLabels: shuffleLabels,
    defaultRng: defaultRng,
    torchGenerator: torchGenerator,
    batchesOf: batchesOf,
    /* This file as a script that defines cnnexplainLines where it runs: for a Web Worker made
     * from a Blob. */
    moduleSource: function () {
      return "(" + cnnexplainLinesModule.toString() + ")(typeof globalThis !== \"undefined\" ? globalThis : this);\n";
    }
  };

  if (typeof module === "object" && module && module.exports) module.exports = api;
  else root.cnnexplainLines = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
