"""The lab (cnnexplain.viz.Lab): its page, its settings, and its worker run in Node.

The worker (cnnexplain/viz/lab_worker.js) runs here as the page runs it, with its modules in
one scope, through tests/lab_worker_driver.js: a short run is stepped batch by batch, downloaded
and opened again. The browser side (the widgets, the workers in Chromium, the page's speed)
is checked by tools/lab_check.py in ``nox -s site``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from test_network_js import node_executable, run_node

from cnnexplain import LineCNN, make_lines
from cnnexplain.analysis import is_edge_detector
from cnnexplain.history import WeightHistory
from cnnexplain.viz import Lab
from cnnexplain.viz.lab import TASKS

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "lab_worker_driver.js"
sys.path.insert(0, str(HERE.parent / "tools"))
import training_parity  # noqa: E402


@pytest.fixture(scope="module")
def lab():
    return Lab()


def worker_settings(lab: Lab, **changes) -> dict:
    """The settings lab.js gives a worker, for the page's defaults with ``changes``."""
    d = lab.defaults
    task = TASKS[changes.get("task", d["task"])]
    key = f"{changes.get('n_kernels', d['n_kernels'])}-{len(task['orientations'])}"
    settings = {
        "run": "a",
        "seed": d["seed"],
        "task": changes.get("task", d["task"]),
        "nPerClass": changes.get("n_per_class", d["n_per_class"]),
        "size": d["size"],
        "testFraction": d["test_fraction"],
        "dataSeed": d["data_seed"],
        "nKernels": changes.get("n_kernels", d["n_kernels"]),
        "batchSize": changes.get("batch_size", d["batch_size"]),
        "epochs": changes.get("epochs", d["epochs"]),
        "shuffled": changes.get("shuffled", False),
        "optimizer": {"type": changes.get("optimizer", d["optimizer"]), "lr": d["lr"]},
        "version": lab._payload["cnnexplain_version"],
        "modelConfig": {**lab._payload["models"][key], "seed": d["seed"]},
        "tolerance": lab._payload["tolerance"],
    }
    return {"settings": settings, "network": lab._payload["networks"][key]}


# -- the page ---------------------------------------------------------------------------------
def test_the_lab_starts_with_the_librarys_settings(lab):
    d = lab.defaults
    assert (d["epochs"], d["batch_size"], d["lr"], d["optimizer"], d["seed"]) == (20, 32, 1e-3, "adam", 0)
    assert (d["n_kernels"], d["n_per_class"], d["size"], d["test_fraction"]) == (8, 600, 50, 0.2)


@pytest.mark.parametrize("n_kernels", [4, 8, 16])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_the_lab_trains_the_librarys_model(lab, n_kernels, n_classes):
    """Each network of the page is network.js's description of a LineCNN, as the parity test traces it."""
    expected, _ = training_parity.trainable_network(LineCNN(n_kernels, n_classes=n_classes), (1, 50, 50))
    got = lab._payload["networks"][f"{n_kernels}-{n_classes}"]
    assert got["layers"] == expected["layers"]
    assert got["tensors"] == expected["tensors"]


def test_its_tasks_are_those_lines_js_draws(tmp_path, lab):
    script = tmp_path / "tasks.js"
    script.write_text(
        f"const lines = require({json.dumps(str(HERE.parent / 'cnnexplain' / 'viz' / 'lines.js'))});\n"
        "require('fs').writeFileSync(process.argv[3], JSON.stringify(lines.TASKS));\n"
    )
    got = run_node(tmp_path, script, {})
    assert {name: (t["orientations"], t["noise"]) for name, t in TASKS.items()} == {
        name: (t["orientations"], t["noise"]) for name, t in got.items()
    }
    assert [t["name"] for t in lab._payload["tasks"]] == list(TASKS)


def test_nothing_given_can_end_its_script_elements():
    title = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    page = Lab(experiments={"shuffled": {"title": title, "b": {"shuffled": True}}})._repr_html_()
    assert "alert" in page and "<img src=x" not in page and page.count("</script>") == page.count("<script")
    assert "\\u003c/script\\u003e" in page


@pytest.mark.parametrize(
    "experiments, error",
    [
        ({"x": "not a mapping"}, TypeError),
        ({"x": {"colour": "red"}}, ValueError),
        ({"x": {"new_seed": "yes"}}, ValueError),
        ({"x": {"shared": {"lr": float("nan")}}}, ValueError),
    ],
)
def test_bad_experiments_are_refused(experiments, error):
    with pytest.raises(error):
        Lab(experiments=experiments)


def test_the_saved_page_runs_only_itself(tmp_path, lab):
    path = lab.save(tmp_path / "lab.html")
    text = path.read_text()
    assert "default-src 'none'" in text and "worker-src blob:" in text
    assert "http://" not in text.split("<main>")[0] and "https://" not in text.split("<main>")[0]
    with pytest.raises(FileExistsError):
        lab.save(path)


# -- the worker, in Node ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, lab):
    """One epoch of 48 training images, true labels and shuffled ones, from the same seed."""
    folder = tmp_path_factory.mktemp("lab")
    small = {"n_per_class": 30, "batch_size": 8, "epochs": 1}
    runs = [worker_settings(lab, **small), worker_settings(lab, **small, shuffled=True)]
    result = run_node(folder, DRIVER, {"runs": runs, "steps": "all", "folder": str(folder)})
    return folder, runs, result["runs"]


def test_a_run_trains_every_batch_of_its_epochs(two_runs):
    _, _, results = two_runs
    for run in results:
        assert not run["errors"], run["errors"]
        assert run["types"][0] == "ready" and run["types"][-2:] == ["done", "history"]
        assert run["nTrain"] == 48 and len(run["losses"]) == 6  # 48 images, batches of 8
        assert len(run["metrics"]) == 1 and np.isfinite(run["losses"]).all()


def test_two_runs_start_alike_and_differ_by_their_labels(two_runs):
    _, _, (true, shuffled) = two_runs
    assert true["start"] == shuffled["start"]
    assert true["kernels"] != shuffled["kernels"]


def test_the_data_are_the_librarys(two_runs):
    """Before training, the page's losses on its training and validation images are PyTorch's on
    make_lines's split, for the network the page started from: the same images, labels and model."""
    folder, runs, (true, _) = two_runs
    s = runs[0]["settings"]
    train_set, val_set = make_lines(n_per_class=s["nPerClass"], seed=s["dataSeed"]).split(
        test_fraction=s["testFraction"], seed=s["dataSeed"]
    )
    history = WeightHistory.load(folder / true["file"])
    model = history.model_at(0).eval()
    with torch.no_grad():
        for name, data in (("train", train_set), ("val", val_set)):
            loss = torch.nn.functional.cross_entropy(model(data.images), data.labels).item()
            assert history.metrics[f"{name}_loss"][0] == pytest.approx(loss, rel=1e-5), name


def test_a_downloaded_run_is_a_history_the_library_opens(two_runs):
    folder, _, (true, _) = two_runs
    history = WeightHistory.load(folder / true["file"])
    assert len(history) == 2 and history.config["training"]["epochs"] == 1
    assert history["conv1.weight"][0].ravel().tolist() == pytest.approx(true["start"], abs=0)
    assert history["conv1.weight"][-1].ravel().tolist() == pytest.approx(true["kernels"], abs=0)
    assert history.metrics["val_accuracy"][-1] == pytest.approx(true["metrics"][-1]["val_accuracy"])
    expected = is_edge_detector(torch.tensor(history["conv1.weight"][-1][:, 0])).tolist()
    assert [v["isEdge"] for v in true["verdicts"]] == expected


def test_an_opened_history_shows_its_last_kernels(two_runs):
    _, _, (true, _) = two_runs
    assert true["opened"]["last"] == pytest.approx(true["kernels"], abs=0)
    assert [v["isEdge"] for v in true["opened"]["verdicts"]] == [v["isEdge"] for v in true["verdicts"]]


def test_a_broken_file_gives_a_message(tmp_path, lab):
    script = tmp_path / "open.js"
    script.write_text(
        "const fs = require('fs'), vm = require('vm'), path = require('path');\n"
        f"const VIZ = {json.dumps(str(HERE.parent / 'cnnexplain' / 'viz'))};\n"
        "const scope = { atob, btoa, TextEncoder, TextDecoder, setTimeout, console }; scope.self = scope;\n"
        "const out = []; scope.postMessage = (m) => out.push(m); vm.createContext(scope);\n"
        "for (const n of ['network.js', 'lines.js', 'kernel_tests.js', 'history_writer.js', 'lab_worker.js'])\n"
        "  vm.runInContext(fs.readFileSync(path.join(VIZ, n), 'utf8'), scope);\n"
        "for (const bytes of [new Uint8Array(0), new Uint8Array(100).fill(255), new Uint8Array([8,0,0,0,0,0,0,0,123,125])])\n"
        "  scope.onmessage({ data: { type: 'open', bytes: bytes.buffer, tolerance: 22.5 } });\n"
        "fs.writeFileSync(process.argv[3], JSON.stringify(out));\n"
    )
    messages = run_node(tmp_path, script, {})
    assert [m["type"] for m in messages] == ["error"] * 3
    assert all(m["message"] for m in messages)


def test_node_is_there():
    assert Path(node_executable()).exists()
