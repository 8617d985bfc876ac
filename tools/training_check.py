"""Training in headless Chromium: network.js in a Web Worker, from a page opened from ``file://``, against PyTorch.

The parity test of ``tests/test_network_js.py``, in the browser: the cases of
``tools/training_parity.py`` (LineCNN with its defaults, line images, 200
steps of SGD with momentum and weight decay, and of Adam, with PyTorch's
batches and dropout masks) are trained by ``cnnexplain/viz/network.js`` in
Chromium, and the losses at every step and the weights at the end must agree
with ``torch.optim``'s (within 1e-5, and 1e-4 of each tensor's largest weight).

The page is one HTML file in a temporary folder, opened from ``file://`` with
every other request blocked, as a saved explorer is opened. It holds
network.js inline, as the explorer's page does, the cases as JSON, and the
driver ``tools/training_parity.js``. It starts one Web Worker per case from a
Blob of ``cnnexplainNetwork.moduleSource()`` and the driver -- a page from
``file://`` may not start a worker from a file -- under the saved explorer's
content security policy with ``worker-src blob:`` added; the workers train the
cases side by side and post their runs back.

``tools/site_check.py`` runs this check after the explorer check (not with
``--quick``: the URL of the site does not matter here); it runs alone too::

    python tools/training_check.py --artifacts artifacts/site

It writes ``training_check.json`` (the figures) to the artifacts folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import training_parity
from browser import (
    WIDE,
    add_artifacts_option,
    add_chromium_option,
    allow_only,
    headless_chromium,
    new_context,
)

#: The saved explorer's policy (cnnexplain/viz/explorer.py), and workers made from a Blob.
CSP = "default-src 'none'; script-src 'unsafe-inline'; worker-src blob:"
TIMEOUT_MS = 180_000

#: Starts a worker per case; window.parity[name] gets {result, inWorker} or {error}.
START_JS = """
"use strict";
(function () {
  var cases = JSON.parse(document.getElementById("cases").textContent);
  var body = "\\nself.onmessage = function (e) {\\n" +
    "  var inWorker = typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope;\\n" +
    "  try { self.postMessage({result: runParityCase(cnnexplainNetwork, e.data), inWorker: inWorker}); }\\n" +
    "  catch (err) { self.postMessage({error: String(err && err.stack || err)}); }\\n};\\n";
  var source = cnnexplainNetwork.moduleSource() + document.getElementById("driver").textContent + body;
  var url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
  window.parity = {};
  Object.keys(cases).forEach(function (name) {
    var worker = new Worker(url);
    worker.onmessage = function (e) { window.parity[name] = e.data; worker.terminate(); };
    worker.onerror = function (e) { window.parity[name] = {error: "worker error: " + e.message}; };
    worker.postMessage(cases[name]);
  });
})();
"""


@dataclass
class Result:
    failures: list[str] = field(default_factory=list)
    figures: dict[str, dict] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(f"training: {line}", flush=True)


def script_safe(text: str) -> str:
    """Text that cannot end the ``<script>`` element it sits in."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(cases: dict[str, dict]) -> str:
    """The check's page: network.js inline, the cases, the driver as text, the script starting the workers."""
    network = training_parity.NETWORK_JS.read_text(encoding="utf-8")
    driver = training_parity.DRIVER.read_text(encoding="utf-8")
    for name, text in (("network.js", network), ("training_parity.js", driver)):
        if "</script" in text.lower():
            raise ValueError(f"{name} holds '</script', which would end its element")
    data = script_safe(json.dumps(cases, separators=(",", ":")))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        "<title>network.js against PyTorch</title>\n</head>\n<body>\n"
        f'<script type="application/json" id="cases">{data}</script>\n'
        f"<script>\n{network}</script>\n"
        f'<script type="text/plain" id="driver">\n{driver}</script>\n'
        f"<script>{START_JS}</script>\n</body>\n</html>\n"
    )


def train_in_chromium(chromium: str, html: str, names: list[str]) -> tuple[dict, list[str]]:
    """Open the page from file:// in headless Chromium; return each case's message and the page's errors."""
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cnnexplain-training-") as tmp:
        path = Path(tmp) / "training.html"
        path.write_text(html, encoding="utf-8")
        with headless_chromium(chromium) as browser:
            context = new_context(browser, WIDE, dark=False)
            page = context.new_page()
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text[:300]))
            page.on("pageerror", lambda exc: errors.append(str(exc)[:300]))
            allow_only(page, ("file:",), lambda url: errors.append(f"request blocked: {url[:160]}"))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function(
                "n => window.parity && Object.keys(window.parity).length === n",
                arg=len(names),
                timeout=TIMEOUT_MS,
            )
            messages = page.evaluate("() => window.parity")
            context.close()
    return messages, errors


def run(chromium: str) -> Result:
    """Train every case with PyTorch and in Chromium; compare."""
    result = Result()
    cases = {name: training_parity.make_case(name) for name in training_parity.OPTIMIZERS}
    references = {name: training_parity.torch_run(case) for name, case in cases.items()}
    html = page_html({name: training_parity.case_json(case) for name, case in cases.items()})
    start = time.perf_counter()
    messages, errors = train_in_chromium(chromium, html, list(cases))
    took = time.perf_counter() - start
    result.failures += [f"page: {e}" for e in errors]
    for name, case in cases.items():
        message = messages.get(name) or {"error": "no message from its worker"}
        if "error" in message:
            result.failures.append(f"{name}: {message['error'][:500]}")
            continue
        if not message.get("inWorker"):
            result.failures.append(f"{name}: the run did not happen in a Web Worker")
        run_ = training_parity.js_run(message["result"], case)
        comparison = training_parity.compare(references[name], run_)
        result.failures += [f"{name}: {failure}" for failure in comparison.failures]
        result.figures[name] = {
            "steps": len(case.batches),
            "batch_size": int(case.batches.shape[1]),
            "optimizer": case.optimizer,
            "max_relative_weight_error": comparison.max_weight_error,
            "relative_weight_errors": comparison.weight_errors,
            "max_loss_error": comparison.loss_error,
            "worker_seconds": run_.seconds,
            "pytorch_seconds": references[name].seconds,
        }
        result.say(
            f"{name}, {len(case.batches)} steps in a Web Worker in Chromium ({run_.seconds:.1f} s; "
            f"PyTorch {references[name].seconds:.1f} s): {training_parity.summary(comparison)}"
        )
    result.say(f"the page trained {len(cases)} cases side by side in {took:.1f} s (with Chromium's start)")
    return result


def write_report(result: Result, artifacts: Path, elapsed: float) -> None:
    artifacts.mkdir(parents=True, exist_ok=True)
    data = {
        "tolerances": {
            "relative_weight": training_parity.WEIGHT_TOLERANCE,
            "loss": training_parity.LOSS_TOLERANCE,
        },
        "cases": result.figures,
        "failures": result.failures,
        "summary": result.lines,
        "seconds": round(elapsed, 1),
    }
    (artifacts / "training_check.json").write_text(json.dumps(data, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_artifacts_option(parser)
    add_chromium_option(parser)
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        print(f"training_check: error: no Chromium at {args.chromium}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    result = run(args.chromium)
    elapsed = time.perf_counter() - start
    write_report(result, args.artifacts, elapsed)
    for failure in result.failures:
        print(f"FAIL training: {failure}")
    print(f"training check: {len(result.failures)} failures in {elapsed:.0f} s")
    return 1 if result.failures else 0


if __name__ == "__main__":
    sys.exit(main())
