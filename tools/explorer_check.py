"""Check the explorers of the built site, and a saved standalone explorer, in headless Chromium.

The explorer (:class:`cnnexplain.viz.Explorer`) runs a trained network in the
page. This check holds its numbers and its behaviour to PyTorch and to the
issue's limits, offline (the site is served on 127.0.0.1; nothing else is
requested):

- format: every explorer's payload follows its schema
  (``cnnexplain/viz/explorer.schema.json``); the PyTorch reference below runs
  it with ``tools/explorer_format.py``, the format's one interpreter;
- agreement: for every explorer of the site, every snapshot and at least 50
  images (the payload's samples and presets, random lines, noise, all paper,
  all ink), every layer's output of ``root.cnnexplain.run(pixels, s)`` must
  match PyTorch within 1e-4 and the predicted class must be the same. The
  explorer built from the default run (``experiment()``, read from the cache
  of ``nox -s docs``: ``CNNEXPLAIN_CACHE``) must carry that run's snapshots
  and weights, and is compared with ``cnnexplain.activations`` of
  ``history.model_at(index)``; an explorer of another model is compared with
  its own weights run through PyTorch's functions;
- a custom ``nn.Sequential`` with every supported layer type, trained a few
  epochs, saved with ``Explorer.save`` and opened from ``file://`` with every
  network request blocked: the same agreement, drawing, slider and deep
  links work, no console error;
- the reader's actions on the site's explorer page: a line drawn with the
  mouse changes the displayed probabilities, the training slider moved with
  the arrow keys changes the kernels, a deep link (``#epoch=..&kernel=..&
  image=..``) and a later ``hashchange`` set the state; every link of the
  site into an explorer with such a fragment lands at the epoch (one the
  slider holds), kernel and image it names; no console or page error;
- the arithmetic panel of the inspected layer (the site's explorer and the
  standalone file): a click on a pixel of a map chooses it, and the panel
  holds that map and pixel while the mouse crosses every other map on its
  way to the panel; Tab moves a visible focus to the next map without
  changing the panel, Enter chooses that map, the arrow keys move the pixel.
  At 1366 x 768 (the first map in the middle of the window, as a reader
  scrolls to the maps), after a click on each map of the first row, the panel
  lies inside the window and nothing (the theme's sticky header) covers it;
- at 1366 px the kernel strip is one row;
- ``run()`` and ``setImage()`` refuse pixels that are NaN, infinite, beyond
  float32, strings, objects, null or too few, with a TypeError or RangeError
  naming ``pixels``, what it must be and what was given; the display does
  not change;
- speed: the median time of a forward pass plus redraw (``lastFrameMs``)
  over 80 image changes at most 16 ms; the widget interactive
  (``initMs``, milliseconds after navigation start) at most 1 s after the
  page is requested (median of three loads);
- axe-core in the theme's dark mode and at a 390 px viewport (light and
  dark), on the site page and on the standalone file, without serious or
  critical violations; at 390 px the page does not scroll sideways; in dark
  mode the widget's colours are not the light mode's.

The site is served at the root, or under a URL path with ``--prefix
/cnnexplain/`` (as GitHub Pages serves a project site; a request outside it
fails). ``--quick``, for such a second run, leaves out what the URL cannot
change: every explorer must start, but only the reader's actions and the deep
links are checked (no agreement, speed, dark mode, 390 px, standalone file).

Screenshots (``explorer-light.png``, ``explorer-dark.png``,
``explorer-390.png``, ``explorer-standalone.png``,
``explorer-1366x768-chosen.png``) and a JSON report
(``explorer_check.json``) go to the artifacts folder. ``tools/site_check.py``
runs this check after its own; it runs alone too::

    python tools/explorer_check.py docs/_build/html --artifacts artifacts/site
"""

from __future__ import annotations

import argparse
import html
import json
import math
import posixpath
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin

import numpy as np
from browser import (
    AXE_FAIL_IMPACTS,
    NARROW,
    WIDE,
    add_artifacts_option,
    add_axe_option,
    add_chromium_option,
    add_site_argument,
    allow_only,
    axe_violations,
    headless_chromium,
    new_context,
    prefix_arg,
    served,
    site_pages,
    width_problem,
)
from explorer_format import b64, floats, input_shape, run_payload, schema_errors, snapshot_tensors

#: The gallery page of the default run's explorer: it must carry that run.
DEFAULT_RUN_PAGE = "auto_examples/article/plot_04b_explorer.html"
ROOT_SELECTOR = "[data-cnnexplain-explorer]"
TOLERANCE = 1e-4  # max |run() - PyTorch| per value
FRAME_LIMIT_MS = 16.0
INTERACTIVE_LIMIT_MS = 1000.0
MIN_IMAGES = 50
N_LINES = 24  # random lines drawn by the check (more if the payload brings few images)
N_NOISE = 12
N_FRAMES = 80  # image changes timed
N_LOADS = 3  # page loads timed
#: A reference predicted class may differ from the page's only where PyTorch's own top two
#: outputs are this close: a tie within float32 rounding.
TIE_MARGIN = 1e-6
SEED = 20240611


# -- bookkeeping ----------------------------------------------------------------------------
@dataclass
class Result:
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    agreement: dict[str, dict] = field(default_factory=dict)
    speed: dict[str, object] = field(default_factory=dict)
    axe: dict[str, list] = field(default_factory=dict)
    screenshots: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def fail(self, where: str, kind: str, detail: str) -> None:
        item = (where, kind, detail)
        if item not in self.failures:
            self.failures.append(item)

    def note(self, where: str, kind: str, detail: str) -> None:
        self.notes.append((where, kind, detail))

    def say(self, line: str) -> None:
        """A line of the summary, printed as soon as it is known (the check takes minutes)."""
        self.lines.append(line)
        print(f"explorer: {line}", flush=True)


# -- images ---------------------------------------------------------------------------------
def line_image(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A random straight stroke in [0, 1]: any angle, position, length and thickness, soft edges."""
    angle = rng.uniform(0, math.pi)
    cy, cx = rng.uniform(0, h - 1), rng.uniform(0, w - 1)
    half = rng.uniform(0.2, 0.7) * max(h, w)
    thick = rng.uniform(0.8, 4.0)
    dy, dx = math.sin(angle), math.cos(angle)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    t = np.clip((ys - cy) * dy + (xs - cx) * dx, -half, half)
    dist = np.hypot(ys - (cy + t * dy), xs - (cx + t * dx))
    return np.clip(thick / 2 + 0.5 - dist, 0.0, 1.0)


def test_images(payload: dict, seed: int = SEED) -> tuple[list[str], np.ndarray]:
    """At least MIN_IMAGES inputs of the payload's shape: its samples and presets, random lines,
    noise, all paper and all ink, in its value range. Returns names and an (N, C, H, W) array."""
    c, h, w = input_shape(payload)
    lo, hi = (float(v) for v in payload["input"]["range"])
    rng = np.random.default_rng(seed)
    names, images = [], []
    for kind in ("samples", "presets"):
        for item in payload.get(kind) or []:
            names.append(f"{kind[:-1]} {item['name']}")
            images.append(floats(item["pixels"]).reshape(c, h, w))
    n_lines = max(N_LINES, MIN_IMAGES + 5 - len(images) - N_NOISE - 2)
    for i in range(n_lines):
        unit = np.broadcast_to(line_image(rng, h, w), (c, h, w))
        names.append(f"line {i + 1}")
        images.append(lo + (hi - lo) * unit)
    for i in range(N_NOISE):
        names.append(f"noise {i + 1}")
        images.append(rng.uniform(lo, hi, (c, h, w)))
    names += ["all paper", "all ink"]
    images += [np.full((c, h, w), lo), np.full((c, h, w), hi)]
    return names, np.stack(images).astype(np.float32)


# -- references in PyTorch --------------------------------------------------------------------
def default_run_mismatch(payload: dict, history) -> str | None:
    """Why the payload is not an explorer of ``history`` (None if it is one): layer names,
    snapshot indices and epochs, and every weight tensor bit for bit."""
    import torch

    from cnnexplain import activations

    model = history.model_at(0)
    try:
        names = list(activations(model, torch.zeros(1, *input_shape(payload))))
    except ValueError:
        return f"its input {list(input_shape(payload))} does not fit the default run's model"
    if [layer["name"] for layer in payload["layers"]] != names:
        return f"layers {[layer['name'] for layer in payload['layers']]} are not the model's {names}"
    epochs = np.asarray(history.epochs, dtype=float)
    for s, snap in enumerate(payload["snapshots"]):
        index = snap["index"]
        if not (isinstance(index, int) and 0 <= index < len(epochs)):
            return f"snapshot {s} has index {index!r}, the history holds {len(epochs)}"
        if not math.isclose(float(snap["epoch"]), epochs[index], abs_tol=1e-9):
            return f"snapshot {s} (history index {index}) says epoch {snap['epoch']}, the history {epochs[index]}"
    for s, tensors in enumerate(snapshot_tensors(payload)):
        state = history.state_dict_at(payload["snapshots"][s]["index"])
        for name, value in tensors.items():
            if name not in state:
                continue  # derived tensors (batch norm's scale and shift) have no state entry
            ref = state[name].numpy().astype(np.float32)
            if ref.shape != value.shape or not np.array_equal(ref, value):
                return f"snapshot {s}: tensor {name} differs from the history's"
    return None


def activations_reference(history, model=None):
    """``reference(snapshot_index_in_history, images) -> {layer: output}`` from cnnexplain.activations."""
    import torch

    from cnnexplain import activations

    def reference(index: int, images: np.ndarray) -> dict:
        net = history.model_at(index, model=model) if model is not None else history.model_at(index)
        return activations(net, torch.from_numpy(images))

    return reference


# -- agreement in the page ----------------------------------------------------------------------
AGREE_JS = """
async ([index, snapshot, pixelsB64, n, refB64, layout]) => {
  const dec = b64 => { const bin = atob(b64); const u8 = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i); return new Float32Array(u8.buffer); };
  const api = document.querySelectorAll('[data-cnnexplain-explorer]')[index].cnnexplain;
  const pixels = dec(pixelsB64), ref = dec(refB64), size = pixels.length / n;
  const per = layout.reduce((s, l) => s + l[1], 0);
  const maxErr = {}, worstAt = {}, nans = {}, problems = [], predicted = [];
  for (const [name] of layout) { maxErr[name] = 0; worstAt[name] = -1; nans[name] = 0; }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const out = api.run(pixels.slice(i * size, (i + 1) * size), snapshot);
    let offset = i * per;
    for (const [name, m] of layout) {
      const a = out[name];
      if (!(a instanceof Float32Array) || a.length !== m) {
        if (problems.length < 20) problems.push(`image ${i}: ${name} is ` + (a instanceof Float32Array
          ? `a Float32Array of length ${a.length}, PyTorch's has ${m} values` : `not a Float32Array (${typeof a})`));
        offset += m; continue;
      }
      let mx = maxErr[name], bad = 0;
      for (let k = 0; k < m; k++) {
        const d = Math.abs(a[k] - ref[offset + k]);
        if (d > mx) { mx = d; worstAt[name] = i; } else if (!(d === d)) bad++;  // NaN is never > mx
      }
      maxErr[name] = mx; nans[name] += bad; offset += m;
    }
    const p = out.probabilities;
    let best = -1;
    if (p) for (let k = 0; k < p.length; k++) if (best < 0 || p[k] > p[best]) best = k;
    predicted.push(best);
  }
  return {maxErr, worstAt, nans, problems, predicted, ms: performance.now() - t0};
}
"""


def check_agreement(
    page, result: Result, where: str, index: int, payload: dict, reference, snapshots
) -> None:
    """Compare ``run()`` of explorer ``index`` on the page with ``reference`` for every snapshot.

    ``snapshots`` lists, per payload snapshot, the argument given to ``reference`` (its index in
    the history, or the payload snapshot itself for the payload reference).
    """
    names, images = test_images(payload)
    layers = [layer["name"] for layer in payload["layers"]]
    page_layers = page.evaluate(
        "i => Array.from(document.querySelectorAll('[data-cnnexplain-explorer]')[i].cnnexplain.layers)", index
    )
    if page_layers != layers:
        result.fail(where, "interface", f"cnnexplain.layers is {page_layers}, the payload's layers {layers}")
    page_snapshots = page.evaluate(
        "i => document.querySelectorAll('[data-cnnexplain-explorer]')[i].cnnexplain.snapshots", index
    )
    if page_snapshots != len(payload["snapshots"]):
        result.fail(
            where,
            "interface",
            f"cnnexplain.snapshots is {page_snapshots}, the payload has {len(payload['snapshots'])}",
        )
    worst: dict[str, tuple[float, str]] = {}  # layer -> (error, where it was largest)
    compared, differing = 0, []
    js_ms = 0.0
    pixels = b64(images)
    for s, ref_arg in enumerate(snapshots):
        ref = reference(ref_arg, images)
        missing = [name for name in layers if name not in ref]
        if missing:
            result.fail(where, "agreement", f"PyTorch gives no output for layers {missing}")
            return
        logits = ref[layers[-1]].double()
        ref = {name: ref[name].numpy().reshape(len(images), -1) for name in layers}
        ref["probabilities"] = logits.softmax(1).numpy().astype(np.float32)
        layout = [[name, int(ref[name].shape[1])] for name in [*layers, "probabilities"]]
        blob = np.concatenate([ref[name] for name, _ in layout], axis=1)
        got = page.evaluate(AGREE_JS, [index, s, pixels, len(images), b64(blob), layout])
        js_ms += got["ms"]
        for problem in got["problems"]:
            result.fail(where, "agreement", f"snapshot {s}: {problem}")
        for name, err in got["maxErr"].items():
            if got["worstAt"][name] >= 0 and err > worst.get(name, (0.0, ""))[0]:
                worst[name] = (err, f"snapshot {s}, {names[got['worstAt'][name]]}")
            worst.setdefault(name, (err, ""))
            if got["nans"][name]:
                result.fail(where, "agreement", f"snapshot {s}: {name}: {got['nans'][name]} values are NaN")
        compared += len(images)
        differing += predictions_differing(result, where, s, names, logits.numpy(), got["predicted"])
    for name, (err, at) in worst.items():
        if not err <= TOLERANCE:
            result.fail(
                where, "agreement", f"{name}: max |run() - PyTorch| = {err:.3g} > {TOLERANCE:g} ({at})"
            )
    max_err = max((err for err, _ in worst.values()), default=float("nan"))
    if differing:
        result.fail(
            where,
            "class",
            f"the predicted class differs from PyTorch's for {len(differing)} of {compared} "
            f"images x snapshots: {'; '.join(differing[:3])}",
        )
    result.agreement[where] = {
        "snapshots": len(snapshots),
        "images": len(images),
        "image_kinds": dict(Counter(n.split(" ")[0] for n in names)),
        "max_abs_error": max_err,
        "max_abs_error_by_layer": {name: err for name, (err, _) in worst.items()},
        "tolerance": TOLERANCE,
        "predictions_compared": compared,
        "predictions_differing": len(differing),
        "run_ms_per_image": js_ms / max(1, len(snapshots) * len(images)),
    }
    result.say(
        f"{where}: {len(snapshots)} snapshots x {len(images)} images, max |run() - PyTorch| = "
        f"{max_err:.2g} (limit {TOLERANCE:g}), predicted class differs in {len(differing)} of {compared}"
    )


def predictions_differing(
    result: Result, where: str, s: int, names, logits: np.ndarray, predicted
) -> list[str]:
    """The images whose predicted class on the page is not PyTorch's, except exact ties in PyTorch."""
    differing = []
    for i, (want, have) in enumerate(zip(logits.argmax(1), predicted)):
        if want == have:
            continue
        if 0 <= have < logits.shape[1] and logits[i, want] - logits[i, have] <= TIE_MARGIN:
            result.note(where, "tie", f"snapshot {s}, {names[i]}: classes {want} and {have} tie in PyTorch")
            continue
        differing.append(f"snapshot {s}, {names[i]}: page {have}, PyTorch {want}")
    return differing


# -- the page -----------------------------------------------------------------------------------
def watch(page, result: Result, where: str, allow: tuple[str, ...]) -> None:
    """Fail on console errors, page errors, failed requests and requests outside ``allow``."""
    page.on("console", lambda msg: msg.type == "error" and result.fail(where, "console", msg.text[:300]))
    page.on("pageerror", lambda exc: result.fail(where, "pageerror", str(exc)[:300]))
    page.on(
        "requestfailed",
        lambda req: (
            req.url.startswith(allow) and result.fail(where, "request", f"{req.failure}: {req.url[:160]}")
        ),
    )
    allow_only(page, allow, lambda url: result.fail(where, "network", f"request blocked: {url[:160]}"))


def open_page(page, url: str) -> bool:
    """Load ``url`` and wait until every explorer of it has initialized (``cnnexplain.ready``);
    raise RuntimeError with the widget's message if one failed to start."""
    page.goto(url, wait_until="load", timeout=60_000)
    page.wait_for_function(
        "sel => { const r = document.querySelectorAll(sel); return r.length > 0 && Array.from(r).every("
        "e => e.cnnexplain && (e.cnnexplain.ready === true || e.cnnexplain.error)); }",
        arg=ROOT_SELECTOR,
        timeout=20_000,
    )
    errors = page.evaluate(
        "sel => Array.from(document.querySelectorAll(sel)).map(e => e.cnnexplain.error).filter(Boolean)",
        ROOT_SELECTOR,
    )
    if errors:
        raise RuntimeError(f"the explorer did not start: {errors[0]}")
    return True


def payloads(page) -> list[dict]:
    texts = page.evaluate(
        "sel => Array.from(document.querySelectorAll(sel)).map(r => { "
        "const s = r.querySelector('script.cnnexplain-explorer-data'); return s ? s.textContent : null; })",
        ROOT_SELECTOR,
    )
    return [None if t is None else json.loads(t) for t in texts]


def explorer_files(root: Path) -> list[str]:
    """Pages of the build whose HTML has an explorer root element."""
    marker = re.compile(rb"<div[^>]*\sdata-cnnexplain-explorer[\s>=]")
    return [rel for rel in site_pages(root) if marker.search((root / rel).read_bytes())]


def next_frame(page) -> None:
    """Wait until the page has painted twice: whatever an action scheduled is drawn."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))")


# Stable hooks in the widget's markup (explorer.js): see find_controls.
CONTROLS_JS = """
(root) => {
  const q = s => root.querySelector(s);
  const byLabel = (tag, re) => Array.from(root.querySelectorAll(tag)).find(e =>
    re.test((e.getAttribute('aria-label') || '') + ' ' + (e.textContent || '') + ' ' + (e.title || '')));
  const found = {
    draw: q('canvas.cx-input-canvas') || byLabel('canvas', /draw/i),
    clear: byLabel('button', /^\\s*clear/i),
    slider: q('input.cx-slider[type=range]') || q('input[type=range]'),
    probs: q('.cx-probs'),
    kernels: q('.cx-kernels'),
  };
  const missing = Object.keys(found).filter(k => !found[k]);
  return missing;
}
"""

FINGERPRINT_JS = """
(el) => {
  // What a reader sees of an element: its text, the inline styles (bar widths) and canvas pixels.
  const parts = [el.innerText];
  el.querySelectorAll('[style]').forEach(e => parts.push(e.getAttribute('style')));
  el.querySelectorAll('meter, progress').forEach(e => parts.push(String(e.value)));
  const canvases = el.tagName === 'CANVAS' ? [el] : Array.from(el.querySelectorAll('canvas'));
  canvases.forEach(c => parts.push(c.toDataURL()));
  return parts.join('|');
}
"""


def control(page, index: int, name: str):
    """The element handle of a control of explorer ``index`` (see CONTROLS_JS)."""
    return page.evaluate_handle(
        CONTROLS_JS.replace("return missing;", f"return found[{json.dumps(name)}];"),
        page.locator(ROOT_SELECTOR).nth(index).element_handle(),
    ).as_element()


def state(page, index: int = 0) -> dict:
    return page.evaluate(
        "i => document.querySelectorAll('[data-cnnexplain-explorer]')[i].cnnexplain.state()", index
    )


def check_drawing(page, result: Result, where: str, index: int = 0) -> None:
    """Clear the canvas, draw a stroke with the mouse: the displayed probabilities must change."""
    missing = page.evaluate(CONTROLS_JS, page.locator(ROOT_SELECTOR).nth(index).element_handle())
    if missing:
        result.fail(where, "markup", f"controls not found: {', '.join(missing)}")
        return
    draw, clear, probs = (control(page, index, n) for n in ("draw", "clear", "probs"))
    clear.click()
    next_frame(page)
    before = probs.evaluate(FINGERPRINT_JS)
    draw.scroll_into_view_if_needed()
    box = draw.bounding_box()
    x = box["x"] + box["width"] * 0.5
    page.mouse.move(x, box["y"] + box["height"] * 0.1)
    page.mouse.down()
    page.mouse.move(x, box["y"] + box["height"] * 0.9, steps=25)
    page.mouse.up()
    next_frame(page)
    after = probs.evaluate(FINGERPRINT_JS)
    if after == before:
        result.fail(
            where, "interaction", "drawing a line with the mouse did not change the probabilities shown"
        )
    else:
        result.say(f"{where}: a line drawn with the mouse changes the probabilities shown")


def check_slider(page, result: Result, where: str, index: int = 0) -> None:
    """Home then ArrowRight on the training slider: snapshot 0 -> 1, and the kernels redrawn differently."""
    slider, kernels = control(page, index, "slider"), control(page, index, "kernels")
    if slider is None or kernels is None:
        result.fail(where, "markup", "no training slider or no kernel panel found")
        return
    slider.focus()
    page.keyboard.press("Home")
    next_frame(page)
    first = state(page, index)["snapshot"]
    before = kernels.evaluate(FINGERPRINT_JS)
    page.keyboard.press("ArrowRight")
    next_frame(page)
    second = state(page, index)["snapshot"]
    after = kernels.evaluate(FINGERPRINT_JS)
    if (first, second) != (0, 1):
        result.fail(
            where, "interaction", f"Home, ArrowRight on the slider gave snapshots {first}, {second}, not 0, 1"
        )
    if after == before:
        result.fail(
            where,
            "interaction",
            "moving the slider from the first snapshot to the second left the kernels unchanged",
        )
    if (first, second) == (0, 1) and after != before:
        result.say(f"{where}: the slider moves with the arrow keys and the kernels change")


def deep_link(payload: dict, epoch: float, kernel: int, image: str) -> tuple[str, dict]:
    """A fragment for the payload and the state it means: the snapshot of the nearest epoch it
    holds, ``kernel`` (clipped to the inspected layer's kernels) and ``image`` (a preset name)."""
    epochs = [float(s["epoch"]) for s in payload["snapshots"]]
    snapshot = min(range(len(epochs)), key=lambda i: abs(epochs[i] - epoch))
    layer = next(layer for layer in payload["layers"] if layer["name"] == payload["inspect"])
    kernel = min(kernel, layer["out_shape"][0] - 1)
    image = image.replace(" ", "-")
    frag = f"#epoch={epochs[snapshot]:g}&kernel={kernel}&image={image}"
    return frag, {"snapshot": snapshot, "epoch": epochs[snapshot], "kernel": kernel, "image": image}


def state_matches(got: dict, want: dict) -> bool:
    return (
        got.get("snapshot") == want["snapshot"]
        and isinstance(got.get("epoch"), (int, float))
        and math.isclose(got["epoch"], want["epoch"])
        and got.get("kernel") == want["kernel"]
        and str(got.get("image", "")).replace(" ", "-") == want["image"]
    )


def check_deep_links(page, result: Result, where: str, url: str, payload: dict) -> None:
    """Open the page at a deep link (epoch 3, kernel 5, vertical), then change the fragment
    (last epoch, kernel 1, horizontal): the state follows both."""
    presets = [p["name"] for p in payload.get("presets") or []] or [payload["samples"][0]["name"]]
    first = "vertical" if "vertical" in presets else presets[0]
    second = "horizontal" if "horizontal" in presets else presets[-1]
    frag, want = deep_link(payload, 3, 5, first)
    open_page(page, url + frag)
    next_frame(page)
    got = state(page)
    if not state_matches(got, want):
        result.fail(where, "deep-link", f"{frag} gives state {got}, expected {want}")
    frag2, want2 = deep_link(payload, float(payload["snapshots"][-1]["epoch"]), 1, second)
    page.evaluate("f => { location.hash = f; }", frag2)
    try:
        page.wait_for_function(
            "want => { const s = document.querySelector('[data-cnnexplain-explorer]').cnnexplain.state(); "
            "return s.snapshot === want.snapshot && s.kernel === want.kernel; }",
            arg=want2,
            timeout=5_000,
        )
    except Exception:
        pass  # reported below, with the state it has
    got2 = state(page)
    if not state_matches(got2, want2):
        result.fail(where, "deep-link", f"hashchange to {frag2} gives state {got2}, expected {want2}")
    if state_matches(got, want) and state_matches(got2, want2):
        result.say(f"{where}: the deep link {frag} and a hashchange to {frag2} set the state")


# -- the kernel strip, bad pixels, the arithmetic panel ----------------------------------------------
def check_kernel_strip(page, result: Result, where: str, index: int = 0) -> None:
    """At the page's width (1366 px), the kernels of the inspected layer share one row."""
    buttons = control(page, index, "kernels").query_selector_all("button")
    tops = [b.bounding_box()["y"] for b in buttons]
    off = [i for i, top in enumerate(tops) if abs(top - tops[0]) >= 2]
    width = page.viewport_size["width"]
    if off:
        result.fail(
            where,
            "layout",
            f"[{width} px] the kernel strip wraps: kernels {off} are not on the row of kernel 0",
        )
    else:
        result.say(f"{where}: [{width} px] the {len(tops)} kernels share one row")


#: Bad pixels given to run() and setImage(): [what, how to make it, words the error must name].
BAD_PIXELS_JS = """
([sel, index, size]) => {
  const root = document.querySelectorAll(sel)[index], api = root.cnnexplain;
  const at = (v, i) => { const a = Array.from(new Float32Array(size)); a[i] = v; return a; };
  const typed = (v, i) => { const a = new Float32Array(size); a[i] = v; return a; };
  const cases = [
    ['NaN in a Float32Array', typed(NaN, 17), ['NaN', '17']],
    ['Infinity in a Float32Array', typed(Infinity, 0), ['Infinity']],
    ['-Infinity in an Array', at(-Infinity, 3), ['-Infinity']],
    ['1e39 (beyond float32) in an Array', at(1e39, 5), ['1e+39']],
    ['a string in an Array', at('0.5', 2), ['string', '0.5']],
    ['an object in an Array', at({}, 2), ['object']],
    ['null in an Array', at(null, 2), ['null']],
    ['a string as long as the image', '0'.repeat(size), ['string']],
    ['an object with a length', {length: size}, ['object']],
    ['null', null, ['null']],
    ['a number', 0.5, ['0.5']],
    ['too few values', new Float32Array(size - 1), [String(size - 1)]],
  ];
  const shown = () => root.querySelector('.cx-probs').innerText;
  const before = shown(), out = [];
  for (const [what, pixels, names] of cases) {
    for (const call of ['run', 'setImage']) {
      let error = null;
      try { call === 'run' ? api.run(pixels, 0) : api.setImage(pixels); } catch (e) { error = e; }
      out.push({what, call, names, name: error ? error.name : null, message: error ? String(error.message) : null});
    }
  }
  return {out, before, after: shown()};
}
"""


def check_bad_pixels(page, result: Result, where: str, payload: dict, index: int = 0) -> None:
    """run() and setImage() refuse pixels that are not finite numbers with a TypeError or a
    RangeError whose message names ``pixels``, what it must be, and what was given; the display
    does not change."""
    size = math.prod(input_shape(payload))
    got = page.evaluate(BAD_PIXELS_JS, [ROOT_SELECTOR, index, size])
    bad = []
    for case in got["out"]:
        call = f"{case['call']}({case['what']})"
        if case["name"] not in ("TypeError", "RangeError"):
            bad.append(f"{call} " + (f"threw a {case['name']}" if case["name"] else "was accepted"))
            continue
        message = case["message"]
        missing = [word for word in ("pixels", "must", *case["names"]) if word not in message]
        if missing:
            bad.append(f"{call}: {case['name']} {message!r} does not name {', '.join(missing)}")
    if bad:
        result.fail(where, "interface", f"{len(bad)} of {len(got['out'])} bad calls: {'; '.join(bad[:4])}")
    if got["after"] != got["before"] or "NaN" in got["after"]:
        result.fail(where, "interface", f"bad pixels changed the probabilities shown: {got['after'][:120]!r}")
    if not bad and got["after"] == got["before"]:
        example = next(c for c in got["out"] if c["call"] == "setImage")
        result.say(
            f"{where}: run() and setImage() refuse {len(got['out']) // 2} kinds of bad pixels, e.g. "
            f"{example['name']}: {example['message']}"
        )


#: The window of the learner who reported that the arithmetic panel lay below the fold: a laptop's.
#: (browser.WIDE is as wide, and 900 px high.)
LAPTOP = {"width": 1366, "height": 768}

#: What the arithmetic panel shows: the map and pixel its text names, and the value it sums to.
#: The text, not a data attribute, so that the check reads any version of the widget the same way.
PANEL_JS = """
(root) => {
  const where = root.querySelector('.cx-insp-where'), sum = root.querySelector('.cx-insp-sum');
  const m = /map (\\d+), row (\\d+), column (\\d+)/.exec(where ? where.textContent : '');
  return m ? {map: +m[1], row: +m[2], column: +m[3], value: sum && sum.getAttribute('data-value'),
              text: sum && sum.textContent} : null;
}
"""

#: The keyboard focus: which map button holds it, and whether its outline can be seen.
FOCUS_JS = """
(root) => {
  const el = document.activeElement, maps = Array.from(root.querySelectorAll('.cx-inspect-map'));
  const style = el ? getComputedStyle(el) : null;
  return {map: maps.indexOf(el), outline: style ? style.outlineStyle : 'none',
          width: style ? parseFloat(style.outlineWidth) || 0 : 0};
}
"""


def panel(page, index: int = 0) -> dict | None:
    return page.evaluate(PANEL_JS, page.locator(ROOT_SELECTOR).nth(index).element_handle())


def panel_text(got: dict | None) -> str:
    if not got:
        return "no map and pixel"
    return f"map {got['map']}, row {got['row']}, column {got['column']} ({got['text']})"


def inspected_shape(payload: dict) -> tuple[int, int]:
    """Height and width of a map of the inspected layer."""
    layer = next(layer for layer in payload["layers"] if layer["name"] == payload["inspect"])
    return int(layer["out_shape"][1]), int(layer["out_shape"][2])


def first_row_maps(page, index: int = 0) -> list[int]:
    """The inspected layer's maps on the first row of their grid, in order."""
    maps = page.locator(ROOT_SELECTOR).nth(index).locator(".cx-inspect-map")
    tops = [maps.nth(i).bounding_box()["y"] for i in range(maps.count())]
    return [i for i, top in enumerate(tops) if abs(top - tops[0]) < 2]


def click_map_pixel(page, map_index: int, fy: float, fx: float, shape, index: int = 0) -> tuple[int, int]:
    """Click map ``map_index`` on the pixel at the fractions (fy, fx) of its height and width,
    scrolled into view as a reader scrolls to the maps (the first map in the middle of the window);
    return the pixel (row, column)."""
    root = page.locator(ROOT_SELECTOR).nth(index)
    root.locator(".cx-inspect-map").first.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = root.locator(".cx-inspect-map canvas").nth(map_index).bounding_box()
    y, x = int(fy * shape[0]), int(fx * shape[1])
    # The pixel's centre: the browser may round the pointer's position to whole CSS pixels.
    page.mouse.click(
        box["x"] + (x + 0.5) / shape[1] * box["width"], box["y"] + (y + 0.5) / shape[0] * box["height"]
    )
    next_frame(page)
    return y, x


def sweep_maps(page, index: int = 0) -> None:
    """Move the mouse over every map of the inspected layer, in order, then onto the panel."""
    root = page.locator(ROOT_SELECTOR).nth(index)
    maps = root.locator(".cx-inspect-map canvas")
    for i in range(maps.count()):
        box = maps.nth(i).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=6)
    box = root.locator(".cx-inspector").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=12)
    next_frame(page)


def check_panel_holds(page, result: Result, where: str, payload: dict, index: int = 0) -> None:
    """The arithmetic panel keeps the reader's choice: a click on a pixel of a first-row map other
    than the selected kernel's, then the mouse across every other map and onto the panel; then the
    keyboard (check_panel_keys)."""
    shape = inspected_shape(payload)
    selected = state(page, index)["kernel"]
    maps = page.locator(ROOT_SELECTOR).nth(index).locator(".cx-inspect-map").count()
    target = next(i for i in [*reversed(first_row_maps(page, index)), *range(maps)] if i != selected)
    y, x = click_map_pixel(page, target, 0.3, 0.5, shape, index)
    chosen = panel(page, index)
    if not chosen or (chosen["map"], chosen["row"], chosen["column"]) != (target, y, x):
        result.fail(
            where, "inspector", f"a click on map {target} at row {y}, column {x} shows {panel_text(chosen)}"
        )
        return
    sweep_maps(page, index)
    after = panel(page, index)
    if after != chosen:
        result.fail(
            where,
            "inspector",
            f"the panel did not hold the choice: after a click on {panel_text(chosen)}, the mouse "
            f"crossing the other maps left it on {panel_text(after)}",
        )
        return
    keys = check_panel_keys(page, result, where, chosen, shape, index)
    if keys:
        result.say(
            f"{where}: the arithmetic panel holds {panel_text(chosen)} while the mouse crosses the other "
            f"maps; {keys}"
        )


def tab_to_next_map(page, result: Result, where: str, chosen: dict, index: int = 0) -> tuple | None:
    """Tab (Shift+Tab from the last map) from the chosen map: the next map must hold a visible
    focus, and the panel stay on the choice. Returns (the key, the map focused, its outline width)."""
    root = page.locator(ROOT_SELECTOR).nth(index)
    last = root.locator(".cx-inspect-map").count() - 1
    key, other = ("Tab", chosen["map"] + 1) if chosen["map"] < last else ("Shift+Tab", chosen["map"] - 1)
    page.keyboard.press(key)
    focus = page.evaluate(FOCUS_JS, root.element_handle())
    if focus["map"] != other or focus["outline"] == "none" or focus["width"] < 2:
        result.fail(
            where,
            "inspector",
            f"{key} from map {chosen['map']}: the focus is on map {focus['map']} with outline "
            f"{focus['outline']} {focus['width']:g} px (expected map {other}, a visible outline of 2 px or more)",
        )
        return None
    if panel(page, index) != chosen:
        result.fail(
            where, "inspector", f"focus alone (no Enter) moved the panel to {panel_text(panel(page, index))}"
        )
        return None
    return key, other, focus["width"]


def check_panel_keys(page, result: Result, where: str, chosen: dict, shape, index: int = 0) -> str | None:
    """From the clicked map: Tab (tab_to_next_map), Enter (that map, the same pixel), ArrowRight and
    ArrowDown (the pixel moves), the mouse across the maps (it holds). Returns what was seen, or
    None after a failure."""
    tabbed = tab_to_next_map(page, result, where, chosen, index)
    if tabbed is None:
        return None
    key, other, outline = tabbed
    row, col = chosen["row"], chosen["column"]
    right, down = min(col + 1, shape[1] - 1), min(row + 1, shape[0] - 1)
    for press, want in (
        ("Enter", (other, row, col)),
        ("ArrowRight", (other, row, right)),
        ("ArrowDown", (other, down, right)),
    ):
        page.keyboard.press(press)
        next_frame(page)
        got = panel(page, index)
        if not got or (got["map"], got["row"], got["column"]) != want:
            result.fail(
                where,
                "inspector",
                f"{press} on map {other} shows {panel_text(got)}, expected map, row, column {want}",
            )
            return None
    held = panel(page, index)
    sweep_maps(page, index)
    if panel(page, index) != held:
        result.fail(
            where, "inspector", f"the mouse crossing the maps moved the keyboard's choice {panel_text(held)}"
        )
        return None
    page.evaluate("() => document.activeElement.blur()")  # no focus ring in the later screenshots
    return f"{key} shows a {outline:g} px outline, Enter, ArrowRight, ArrowDown choose {panel_text(held)}"


#: Why the arithmetic panel is not fully seen in the viewport (null if it is): outside the window,
#: or a corner covered by something else (the theme's sticky header).
IN_VIEW_JS = """
([root, view]) => {
  const panel = root.querySelector('.cx-inspector'), r = panel.getBoundingClientRect();
  if (r.top < 0 || r.left < 0 || r.bottom > view.height || r.right > view.width)
    return `its box (${Math.round(r.left)}, ${Math.round(r.top)})-(${Math.round(r.right)}, ` +
           `${Math.round(r.bottom)}) leaves the ${view.width}x${view.height} window`;
  for (const [x, y] of [[r.left + 4, r.top + 4], [r.right - 4, r.top + 4], [r.left + 4, r.bottom - 4],
                        [r.right - 4, r.bottom - 4]]) {
    const hit = document.elementFromPoint(x, y);
    if (!hit || !panel.contains(hit))
      return `its corner at (${Math.round(x)}, ${Math.round(y)}) is covered by ` +
             (hit ? hit.tagName.toLowerCase() + (hit.className ? '.' + String(hit.className).split(' ')[0] : '') : 'nothing');
  }
  return null;
}
"""


def check_panel_in_view(browser, result: Result, where: str, url: str, allow, artifacts: Path) -> None:
    """At 1366 x 768, the first map in the middle of the window: after a click on each map of the
    first row, the arithmetic panel lies inside the window and nothing covers its corners."""
    context = new_context(browser, LAPTOP, dark=False)
    page = context.new_page()
    watch(page, result, where, allow)
    try:
        open_page(page, url)
        shape = inspected_shape(payloads(page)[0])
        outside = []
        for i in first_row_maps(page):
            click_map_pixel(page, i, 0.3, 0.5, shape)
            problem = page.evaluate(IN_VIEW_JS, [page.locator(ROOT_SELECTOR).first.element_handle(), LAPTOP])
            if problem:
                outside.append(f"map {i}: {problem}")
        box = page.locator(ROOT_SELECTOR).first.locator(".cx-inspector").bounding_box()
        page.screenshot(path=str(artifacts / "explorer-1366x768-chosen.png"))
        result.screenshots.append(str(artifacts / "explorer-1366x768-chosen.png"))
    finally:
        context.close()
    label = f"{LAPTOP['width']}x{LAPTOP['height']}"
    if outside:
        result.fail(
            where, "inspector", f"[{label}] the arithmetic panel is not in view: {'; '.join(outside)}"
        )
    else:
        result.say(
            f"{where}: [{label}] after a click on each first-row map, the arithmetic panel lies in the window "
            f"(top {box['y']:.0f} px, bottom {box['y'] + box['height']:.0f} px of {LAPTOP['height']})"
        )


# -- speed ----------------------------------------------------------------------------------------
FRAMES_JS = """
async ([pixelsB64, n]) => {
  const dec = b64 => { const bin = atob(b64); const u8 = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i); return new Float32Array(u8.buffer); };
  const api = document.querySelector('[data-cnnexplain-explorer]').cnnexplain;
  const all = dec(pixelsB64), size = all.length / n, frames = [], calls = [];
  const paint = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())));
  for (let i = 0; i < n; i++) {
    const px = all.slice(i * size, (i + 1) * size);
    const t0 = performance.now();
    api.setImage(px);
    void document.documentElement.offsetHeight;  // style and layout of what changed, as the browser must
    calls.push(performance.now() - t0);
    await paint();
    frames.push(api.lastFrameMs);
  }
  return {frames, calls};
}
"""


def check_frame_time(page, result: Result, where: str, payload: dict) -> None:
    """Median ``lastFrameMs`` over N_FRAMES image changes, as a reader drawing makes them."""
    _, images = test_images(payload, seed=SEED + 1)
    order = np.resize(np.arange(len(images)), N_FRAMES)
    page.locator(ROOT_SELECTOR).first.scroll_into_view_if_needed()
    got = page.evaluate(FRAMES_JS, [b64(images[order]), N_FRAMES])
    frames = got["frames"]
    if not all(isinstance(f, (int, float)) and math.isfinite(f) for f in frames):
        result.fail(where, "speed", f"cnnexplain.lastFrameMs is not a number after setImage: {frames[:3]}")
        return
    median = statistics.median(frames)
    p90 = float(np.percentile(frames, 90))
    with_layout = statistics.median(got["calls"])
    result.speed.update(
        frame_ms_median=median,
        frame_ms_p90=p90,
        frames=len(frames),
        set_image_with_layout_ms_median=with_layout,
    )
    result.say(
        f"{where}: forward + redraw (lastFrameMs) median {median:.1f} ms over {len(frames)} image changes "
        f"(90th percentile {p90:.1f} ms; limit {FRAME_LIMIT_MS:g} ms); setImage() with the page's style and "
        f"layout: median {with_layout:.1f} ms"
    )
    if not median <= FRAME_LIMIT_MS:
        result.fail(where, "speed", f"forward + redraw median {median:.1f} ms > {FRAME_LIMIT_MS:g} ms")


def check_interactive(context, result: Result, where: str, url: str, allow: tuple[str, ...]) -> None:
    """``initMs`` (ms after navigation start when the widget is ready) over N_LOADS fresh loads."""
    times, loads = [], []
    for _ in range(N_LOADS):
        page = context.new_page()
        watch(page, result, where, allow)
        open_page(page, url)
        got = page.evaluate(
            "() => { const r = document.querySelector('[data-cnnexplain-explorer]').cnnexplain; "
            "const nav = performance.getEntriesByType('navigation')[0]; "
            "return {init: r.initMs, load: nav ? nav.loadEventEnd : null}; }"
        )
        page.close()
        if not (isinstance(got["init"], (int, float)) and math.isfinite(got["init"])):
            result.fail(where, "speed", f"cnnexplain.initMs is not a number: {got['init']!r}")
            return
        times.append(got["init"])
        loads.append(got["load"])
    median = statistics.median(times)
    result.speed.update(interactive_ms_median=median, interactive_ms=times, load_event_ms=loads)
    result.say(
        f"{where}: interactive {median:.0f} ms after navigation start (median of {len(times)} loads: "
        f"{', '.join(f'{t:.0f}' for t in times)}; limit {INTERACTIVE_LIMIT_MS:g} ms)"
    )
    if not median <= INTERACTIVE_LIMIT_MS:
        result.fail(
            where,
            "speed",
            f"interactive {median:.0f} ms after navigation start > {INTERACTIVE_LIMIT_MS:g} ms",
        )


# -- axe, layout, colours, screenshots ---------------------------------------------------------------
COLOURS_JS = """
sel => { const root = document.querySelector(sel), panel = root.querySelector('.cx-panel') || root;
  const a = getComputedStyle(panel), b = getComputedStyle(root);
  return [a.color, a.backgroundColor, b.backgroundColor].join(' / '); }
"""


def run_axe(page, result: Result, where: str, label: str, axe_path: Path) -> None:
    """axe-core on the page as it is; serious and critical violations fail."""
    violations = axe_violations(page, axe_path)
    result.axe[f"{where} [{label}]"] = violations
    for v in violations:
        detail = f"[{label}] {v['impact']} {v['id']} ({v['help']}) x{v['count']}: {', '.join(v['nodes'])}"
        if v["impact"] in AXE_FAIL_IMPACTS:
            result.fail(where, "axe", detail)
        else:
            result.note(where, "axe", detail)


def check_width(page, result: Result, where: str, label: str) -> None:
    problem = width_problem(page, NARROW)
    if problem:
        result.fail(where, "layout", f"[{label}] {problem}")


def ensure_dark(page) -> None:
    """The theme's dark mode on ``<html>`` (``data-theme``), set as its switcher does if it is not."""
    page.evaluate(
        "() => { const d = document.documentElement.dataset; "
        "if (d.theme !== 'dark') { d.theme = 'dark'; d.mode = 'dark'; } }"
    )
    next_frame(page)


def screenshot(page, result: Result, artifacts: Path, name: str, what: str = "element") -> None:
    """The first explorer (``element``), the page (``page``) or the view with the explorer at its top."""
    path = artifacts / name
    root = page.locator(ROOT_SELECTOR).first
    if what == "element":
        root.screenshot(path=str(path))
    elif what == "page":
        page.screenshot(path=str(path), full_page=True)
    else:
        root.evaluate("e => e.scrollIntoView({block: 'start'})")
        next_frame(page)
        page.screenshot(path=str(path))
    result.screenshots.append(str(path))


def attempt(result: Result, where: str, kind: str, check, *args):
    """Run one check; an exception is its failure (one line), and the next checks still run."""
    try:
        return check(*args)
    except Exception as exc:
        text = (str(exc).strip().splitlines() or [""])[0]
        result.fail(where, kind, f"{type(exc).__name__}: {text[:300]}")
        return None


# -- the site ------------------------------------------------------------------------------------------
def check_site(
    browser,
    result: Result,
    root: Path,
    artifacts: Path,
    axe_path: Path,
    prefix: str = "/",
    quick: bool = False,
) -> None:
    """Every explorer of the site against PyTorch; the reader's checks on the default run's page.

    The site is served under ``prefix``. ``quick``: every explorer must start, but is not
    compared with PyTorch; the reader's actions and deep links only (see check_reader).
    """
    files = explorer_files(root)
    if not files:
        result.fail("site", "explorer", f"no page under {root} has an explorer ({ROOT_SELECTOR})")
        return
    if DEFAULT_RUN_PAGE not in files:
        result.fail("site", "explorer", f"{DEFAULT_RUN_PAGE} has no explorer")
    result.say(f"pages with an explorer: {', '.join(files)}")
    with served(root, prefix) as (_, base, _):
        context = new_context(browser, WIDE, dark=False)
        check_every_explorer(context, result, base, files, quick)
        links = site_deep_links(root, files)
        attempt(result, "site", "deep-link", check_site_deep_links, context, result, base, links)
        context.close()
        if DEFAULT_RUN_PAGE in files:
            check_reader(browser, result, base, artifacts, axe_path, quick)


def check_every_explorer(context, result: Result, base: str, files: list[str], quick: bool) -> None:
    """Every explorer of the pages ``files`` starts and, unless ``quick``, agrees with PyTorch."""
    history = None  # the default run's, loaded when the first explorer needs it
    for rel in files:
        page = context.new_page()
        watch(page, result, rel, (base,))
        if not attempt(result, rel, "load", open_page, page, urljoin(base, rel)):
            page.close()
            continue
        for i, payload in enumerate(payloads(page)):
            where = rel if i == 0 else f"{rel} explorer {i + 1}"
            if payload is None:
                result.fail(where, "payload", "no script.cnnexplain-explorer-data in the root")
                continue
            check_schema(result, where, payload)
            if quick:
                continue  # it started (open_page); its numbers do not depend on the URL
            if history is None:
                history = load_default_history(result)
            attempt(
                result,
                where,
                "agreement",
                check_site_explorer,
                page,
                result,
                where,
                i,
                payload,
                history,
                rel == DEFAULT_RUN_PAGE,
            )
        page.close()


def check_schema(result: Result, where: str, payload: dict) -> None:
    """The payload follows the format's schema (cnnexplain/viz/explorer.schema.json)."""
    errors = schema_errors(payload)
    if errors:
        result.fail(
            where, "schema", f"{len(errors)} errors against explorer.schema.json: {'; '.join(errors[:3])}"
        )


def load_default_history(result: Result):
    """The default run's history (from the cache when the docs were built with it)."""
    from cnnexplain.experiment import experiment

    start = time.perf_counter()
    history = experiment().history
    took = time.perf_counter() - start
    if took > 30:
        result.note("site", "reference", f"the default run was not in the cache: trained it in {took:.0f} s")
    return history


def check_site_explorer(page, result, where, i, payload, history, must_be_default) -> None:
    """Agreement of one explorer of the site: with the default run's activations if it shows that
    run (it must, on DEFAULT_RUN_PAGE), else with its own weights run by PyTorch."""
    why = default_run_mismatch(payload, history)
    if why is None:
        reference = activations_reference(history)
        args = [s["index"] for s in payload["snapshots"]]
        result.note(where, "reference", "the default run's history, cnnexplain.activations")
        epochs = ", ".join(f"{s['epoch']:g}" for s in payload["snapshots"])
        result.say(f"{where}: the default run's snapshots (epochs {epochs}), weights equal to its history's")
    else:
        if must_be_default:
            result.fail(where, "payload", f"not the default run's explorer: {why}")
        tensors = snapshot_tensors(payload)

        def reference(s, images):
            import torch

            return run_payload(payload, tensors[s], torch.from_numpy(images))

        args = list(range(len(payload["snapshots"])))
        result.note(where, "reference", f"its own weights in PyTorch ({why})")
    check_agreement(page, result, where, i, payload, reference, args)


HREF = re.compile(rb'href="([^"]*)"')


def site_deep_links(root: Path, targets: list[str]) -> dict[tuple[str, str], list[str]]:
    """The site's links into an explorer page with a state (a fragment with ``=``):
    ``(target page, fragment) -> [pages that link there]``."""
    links: dict[tuple[str, str], list[str]] = {}
    for rel in site_pages(root):
        for match in HREF.finditer((root / rel).read_bytes()):
            href = html.unescape(match.group(1).decode("utf-8", "replace"))
            path, _, fragment = href.partition("#")
            if "=" not in fragment or ":" in path or path.startswith("/"):
                continue
            path = path.split("?", 1)[0]
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path)) if path else rel
            if target in targets and rel not in links.setdefault((target, fragment), []):
                links[(target, fragment)].append(rel)
    return links


def check_site_deep_links(context, result: Result, base: str, links: dict) -> None:
    """Follow every deep link of the site (a fresh load each): the explorer must show the epoch
    (exactly: one the slider holds), the kernel and the image the link names."""
    page = context.new_page()
    for (target, fragment), sources in sorted(links.items()):
        where = f"{sources[0]}{f' (and {len(sources) - 1} more)' if len(sources) > 1 else ''}"
        link = f"link to {target}#{fragment}"
        page.goto("about:blank")
        if not attempt(result, where, "deep-link", open_page, page, urljoin(base, target) + "#" + fragment):
            continue
        got = state(page)
        params = parse_qs(fragment)
        wrong = []
        if "epoch" in params and not math.isclose(float(params["epoch"][0]), got["epoch"]):
            wrong.append(f"epoch {got['epoch']:g} (the slider has no epoch {params['epoch'][0]})")
        if "kernel" in params and int(params["kernel"][0]) != got["kernel"]:
            wrong.append(f"kernel {got['kernel']}")
        if "image" in params and params["image"][0].replace(" ", "-") != str(got["image"]).replace(" ", "-"):
            wrong.append(f"image {got['image']}")
        if wrong:
            result.fail(where, "deep-link", f"{link} shows {', '.join(wrong)}")
    page.close()
    pages = {p for sources in links.values() for p in sources}
    result.say(f"followed {len(links)} deep links into explorers, from {len(pages)} pages")


def showcase(payload: dict) -> str:
    """The deep link the screenshots show: epoch 3 (or the nearest), kernel 5, the vertical line."""
    presets = [p["name"] for p in payload.get("presets") or []]
    return deep_link(payload, 3, 5, "vertical" if "vertical" in presets else presets[0])[0]


def check_reader(
    browser, result: Result, base: str, artifacts: Path, axe_path: Path, quick: bool = False
) -> None:
    """The reader's view of the explorer page: actions, deep links, speed; dark mode, 390 px, axe.
    ``quick``: the actions and deep links only."""
    where = DEFAULT_RUN_PAGE
    url, allow = urljoin(base, DEFAULT_RUN_PAGE), (base,)
    context = new_context(browser, WIDE, dark=False)
    page = context.new_page()
    watch(page, result, where, allow)
    if not attempt(result, where, "load", open_page, page, url):
        context.close()
        return
    payload = payloads(page)[0]
    shot_url = url + showcase(payload)
    attempt(result, where, "interaction", check_drawing, page, result, where)
    attempt(result, where, "interaction", check_slider, page, result, where)
    if quick:
        attempt(result, where, "deep-link", check_deep_links, page, result, where, url, payload)
        context.close()
        return
    attempt(result, where, "layout", check_kernel_strip, page, result, where)
    attempt(result, where, "inspector", check_panel_holds, page, result, where, payload)
    attempt(result, where, "interface", check_bad_pixels, page, result, where, payload)
    attempt(result, where, "speed", check_frame_time, page, result, where, payload)
    attempt(result, where, "deep-link", check_deep_links, page, result, where, url, payload)
    attempt(result, where, "load", open_page, page, shot_url)
    light = page.evaluate(COLOURS_JS, ROOT_SELECTOR)
    attempt(result, where, "screenshot", screenshot, page, result, artifacts, "explorer-light.png")
    page.close()
    attempt(result, where, "speed", check_interactive, context, result, where, url, allow)
    context.close()
    attempt(result, where, "inspector", check_panel_in_view, browser, result, where, url, allow, artifacts)

    for viewport, dark in ((WIDE, True), (NARROW, False), (NARROW, True)):
        label = f"{'dark' if dark else 'light'}, {viewport['width']} px"
        context = new_context(browser, viewport, dark)
        page = context.new_page()
        watch(page, result, where, allow)
        if not attempt(result, where, "load", open_page, page, shot_url):
            context.close()
            continue
        if dark:
            ensure_dark(page)
            if page.evaluate(COLOURS_JS, ROOT_SELECTOR) == light:
                result.fail(where, "dark", f"[{label}] the explorer's colours are the light mode's: {light}")
        if viewport is NARROW:
            check_width(page, result, where, label)
        attempt(result, where, "axe", run_axe, page, result, where, label, axe_path)
        if dark and viewport is WIDE:
            attempt(result, where, "screenshot", screenshot, page, result, artifacts, "explorer-dark.png")
        if not dark and viewport is NARROW:
            attempt(
                result, where, "screenshot", screenshot, page, result, artifacts, "explorer-390.png", "view"
            )
        context.close()


# -- a custom model, standalone ---------------------------------------------------------------------------
def custom_model(n_classes: int):
    """Every supported layer type, with odd shapes: a non-square strided, padded kernel without
    bias, batch norm, both poolings (one padded), a 3x3 conv, flatten, dropout, two linear layers."""
    from torch import nn

    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=(5, 3), stride=2, padding=1, bias=False),  # 24x24 -> 11x12
        nn.BatchNorm2d(6),
        nn.ReLU(),
        nn.MaxPool2d(2),  # -> 5x6
        nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),  # -> 5x6
        nn.Conv2d(6, 8, 3),  # -> 3x4
        nn.ReLU(),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(8 * 3 * 4, 16),
        nn.ReLU(),
        nn.Linear(16, n_classes),
    )


def build_standalone(path: Path) -> tuple:
    """Train the custom model 3 epochs on 24x24 lines of four orientations; save its explorer.

    Returns the history and a fresh model of the architecture (the reference loads snapshots in it).
    """
    import torch

    from cnnexplain import make_lines, train
    from cnnexplain.data import ORIENTATIONS
    from cnnexplain.viz.explorer import Explorer

    data = make_lines(n_per_class=100, size=24, orientations=ORIENTATIONS, seed=3)
    train_set, val_set = data.split()
    torch.manual_seed(0)
    n = len(data.classes)
    history = train(custom_model(n), train_set, val_set=val_set, epochs=3, progress=False)
    Explorer(history, model=custom_model(n), images=val_set[:8], class_names=list(data.classes)).save(
        path, overwrite=True
    )
    return history, custom_model(n)


def check_standalone(browser, result: Result, artifacts: Path, axe_path: Path) -> None:
    """The custom model's saved file, from file:// with every other request blocked: agreement,
    drawing, light and dark (the system's colour scheme), axe."""
    where = "standalone custom model"
    with tempfile.TemporaryDirectory(prefix="cnnexplain-explorer-") as tmp:
        path = Path(tmp) / "explorer.html"
        history, model = build_standalone(path)
        result.note(where, "file", f"{path.stat().st_size / 1e6:.2f} MB")
        colours = {}
        for dark in (False, True):
            label = "dark" if dark else "light"
            context = new_context(browser, WIDE, dark)
            page = context.new_page()
            watch(page, result, where, ("file:",))
            if not attempt(result, where, "load", open_page, page, path.as_uri()):
                context.close()
                return
            colours[label] = page.evaluate(COLOURS_JS, ROOT_SELECTOR)
            if not dark:
                payload = payloads(page)[0]
                check_schema(result, where, payload)
                reference = activations_reference(history, model)
                args = [s["index"] for s in payload["snapshots"]]
                attempt(
                    result,
                    where,
                    "agreement",
                    check_agreement,
                    page,
                    result,
                    where,
                    0,
                    payload,
                    reference,
                    args,
                )
                attempt(result, where, "interaction", check_drawing, page, result, where)
                attempt(result, where, "interaction", check_slider, page, result, where)
                attempt(result, where, "layout", check_kernel_strip, page, result, where)
                attempt(result, where, "inspector", check_panel_holds, page, result, where, payload)
                attempt(result, where, "interface", check_bad_pixels, page, result, where, payload)
                attempt(
                    result, where, "deep-link", check_deep_links, page, result, where, path.as_uri(), payload
                )
                attempt(result, where, "load", open_page, page, path.as_uri() + showcase(payload))
                attempt(
                    result,
                    where,
                    "screenshot",
                    screenshot,
                    page,
                    result,
                    artifacts,
                    "explorer-standalone.png",
                    "page",
                )
            elif colours["dark"] == colours["light"]:
                result.fail(
                    where,
                    "dark",
                    f"the explorer's colours in dark mode are the light mode's: {colours['light']}",
                )
            attempt(result, where, "axe", run_axe, page, result, where, label, axe_path)
            context.close()


# -- main ---------------------------------------------------------------------------------------------------
def run(
    root: Path,
    artifacts: Path,
    chromium: str,
    axe_path: Path,
    standalone: bool = True,
    prefix: str = "/",
    quick: bool = False,
) -> Result:
    """Run every check, the site served under ``prefix``; return the result (failures, numbers).

    ``standalone``: also the custom model's saved file. ``quick``: leave out what the URL cannot
    change (agreement with PyTorch, speed, dark mode and phone width; see check_site).
    """
    result = Result()
    artifacts.mkdir(parents=True, exist_ok=True)
    with headless_chromium(chromium) as browser:
        for name, step in (
            ("site", lambda: check_site(browser, result, root, artifacts, axe_path, prefix, quick)),
            ("standalone custom model", lambda: check_standalone(browser, result, artifacts, axe_path)),
        ):
            if name != "site" and not standalone:
                continue
            try:
                step()
            except Exception as exc:  # one broken part must not hide the others' results
                detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                result.fail(name, "error", f"{type(exc).__name__}: {detail[:300]}")
    return result


def write_report(result: Result, artifacts: Path, elapsed: float) -> None:
    data = {
        "agreement": result.agreement,
        "speed": result.speed,
        "limits": {
            "tolerance": TOLERANCE,
            "frame_ms": FRAME_LIMIT_MS,
            "interactive_ms": INTERACTIVE_LIMIT_MS,
        },
        "axe": result.axe,
        "screenshots": result.screenshots,
        "failures": [{"where": w, "kind": k, "detail": d} for w, k, d in result.failures],
        "notes": [{"where": w, "kind": k, "detail": d} for w, k, d in result.notes],
        "summary": result.lines,
        "seconds": round(elapsed, 1),
    }
    (artifacts / "explorer_check.json").write_text(json.dumps(data, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_site_argument(parser)
    add_artifacts_option(parser)
    add_chromium_option(parser)
    add_axe_option(parser)
    parser.add_argument("--no-standalone", action="store_true", help="skip the custom model's saved file")
    parser.add_argument(
        "--prefix",
        type=prefix_arg,
        default="/",
        help="serve the site under this URL path, e.g. /cnnexplain/ (default: /)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the reader's actions and deep links only (for a second run under a prefix)",
    )
    args = parser.parse_args(argv)
    prefix = args.prefix
    for what, path in (
        ("site", args.site / "index.html"),
        ("axe-core", args.axe),
        ("Chromium", Path(args.chromium)),
    ):
        if not path.exists():
            print(f"explorer_check: error: no {what} at {path}", file=sys.stderr)
            return 2
    start = time.perf_counter()
    result = run(
        args.site.resolve(),
        args.artifacts,
        args.chromium,
        args.axe,
        not (args.no_standalone or args.quick),
        prefix,
        args.quick,
    )
    elapsed = time.perf_counter() - start
    write_report(result, args.artifacts, elapsed)
    for where, kind, detail in result.failures:
        print(f"FAIL {where}: {kind}: {detail}")
    print(
        f"explorer check{f' under {prefix}' if prefix != '/' else ''}: {len(result.agreement)} explorers "
        f"compared with PyTorch{' (--quick: none)' if args.quick else ''}, "
        f"{len(result.failures)} failures in {elapsed:.0f} s; report in {args.artifacts / 'explorer_check.json'}"
    )
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
