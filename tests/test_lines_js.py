"""The lab's data in the browser (cnnexplain/viz/lines.js), run in Node against numpy and make_lines.

lines.js ports numpy's default_rng (SeedSequence, PCG64) and the numpy algorithms
make_lines uses, so that the lab draws the same data sets as the site from the
same seeds. These tests hold it to the same bytes:

- every draw of ``default_rng(seed)`` -- permutation, integers, random, normal --
  for seeds of one, two and three 32-bit words, and seed lists;
- ``make_lines`` for several seeds, sizes, thicknesses, lengths, orientations and
  tasks, noise included (millions of normal draws, through float32);
- ``LineDataset.split`` and the seed study's ``shuffled_labels``;
- numpy's ziggurat tables, as lines.js holds them (tools/ziggurat_tables.py --check);
- bad options are refused with a message naming them; the module loads where a
  Web Worker would load it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from test_network_js import run_node

from cnnexplain import make_lines
from cnnexplain.study import shuffled_labels

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "lab_modules_driver.js"
TOOLS = HERE.parent / "tools"

SEEDS = [0, 1, 7, 12345, 2**32 + 5, 2**40 + 123, 2**53 - 1]


def draws_of(seed) -> list[tuple[str, str, list]]:
    """The draws each generator makes, in order: (name, method, args)."""
    return [
        ("perm0", "permutation", [0]),
        ("perm1", "permutation", [1]),
        ("perm1000", "permutation", [1000]),
        ("int3", "integers", [1, 4, 999]),  # odd counts leave half a 64-bit draw in the buffer
        ("intwide", "integers", [-5, 2**31, 1001]),
        ("intmax", "integers", [0, 2**32 - 1, 500]),
        ("int1", "integers", [3, 4, 10]),  # one value: no draw
        ("random", "random", [1001]),
        ("perm77", "permutation", [77]),
        ("normal", "normal", [0.0, 1.0, 200_000]),
        ("scaled", "normal", [0.5, 0.2, 1001]),
    ]


def numpy_draw(g: np.random.Generator, method: str, args: list) -> np.ndarray:
    if method == "integers":
        return g.integers(*args[:2], size=args[2])
    if method in ("random",):
        return g.random(args[0])
    if method == "normal":
        return g.normal(*args[:2], size=args[2])
    return g.permutation(args[0])


@pytest.mark.slow
def test_every_draw_of_default_rng_is_numpys(tmp_path):
    seeds = [*SEEDS, [3, 1], [0, 2**32 + 1, 9]]
    cases = [
        {
            "name": f"s{i}",
            "seed": seed,
            "draws": [{"name": n, "method": m, "args": a} for n, m, a in draws_of(seed)],
        }
        for i, seed in enumerate(seeds)
    ]
    results = run_node(tmp_path, DRIVER, {"task": "rng", "folder": str(tmp_path), "cases": cases})["results"]
    for seed, case, files in zip(seeds, cases, results):
        g = np.random.default_rng(seed)
        for draw, file in zip(case["draws"], files):
            expected = numpy_draw(g, draw["method"], draw["args"]).astype(np.float64)
            got = np.fromfile(tmp_path / file, dtype="<f8")
            assert np.array_equal(got, expected), (
                f"seed {seed}, {draw['name']}: first difference at {np.flatnonzero(got != expected)[:3]}"
            )


def test_train_batches_are_torchs(tmp_path):
    """train()'s mini-batches: torch.randperm of a generator seeded with the training seed, per epoch."""
    cases = [
        {"seed": seed, "n": n, "batchSize": batch, "epochs": 3}
        for seed, n, batch in [
            (0, 960, 32),
            (5, 10, 3),
            (2**32 + 5, 37, 37),
            (12345, 1, 1),
            (2**53 - 1, 700, 64),
        ]
    ]
    results = run_node(tmp_path, DRIVER, {"task": "batches", "cases": cases})["results"]
    for case, epochs in zip(cases, results):
        g = torch.Generator().manual_seed(case["seed"])
        expected = [
            [b.tolist() for b in torch.randperm(case["n"], generator=g).split(case["batchSize"])]
            for _ in range(3)
        ]
        assert epochs == expected, case


#: (make_lines options in Python's names, the same in lines.js's)
LINE_CASES = [
    ({"n_per_class": 30, "size": 50, "seed": 0}, {"nPerClass": 30, "size": 50, "seed": 0}),
    ({"n_per_class": 17, "size": 8, "seed": 3}, {"nPerClass": 17, "size": 8, "seed": 3}),
    (
        {"n_per_class": 25, "size": 64, "seed": 2**33 + 1, "thickness": 2},
        {"nPerClass": 25, "size": 64, "seed": 2**33 + 1, "thickness": 2},
    ),
    (
        {"n_per_class": 20, "size": 31, "seed": 5, "thickness": (2, 5), "length": (3, 9)},
        {"nPerClass": 20, "size": 31, "seed": 5, "thickness": [2, 5], "length": [3, 9]},
    ),
    (
        {"n_per_class": 12, "size": 20, "seed": 9, "orientations": ["vertical", "antidiagonal", "diagonal"]},
        {"nPerClass": 12, "size": 20, "seed": 9, "orientations": ["vertical", "antidiagonal", "diagonal"]},
    ),
    (
        {"n_per_class": 40, "size": 28, "seed": 11, "noise": 0.35},
        {"nPerClass": 40, "size": 28, "seed": 11, "noise": 0.35},
    ),
    (
        {"n_per_class": 10, "size": 50, "seed": 2, "length": 50},
        {"nPerClass": 10, "size": 50, "seed": 2, "length": 50},
    ),
]
#: Each task of lines.js, and the make_lines call it stands for.
TASKS = {
    "lines": {},
    "diagonals": {"orientations": ["horizontal", "vertical", "diagonal", "antidiagonal"]},
    "noisy": {"noise": 0.2},
    "harder": {"orientations": ["horizontal", "vertical", "diagonal", "antidiagonal"], "noise": 0.2},
}


def check_same_data(tmp_path, result: dict, expected) -> None:
    images = np.fromfile(tmp_path / result["images"], dtype="<f4")
    assert result["n"] == len(expected) and result["size"] == expected.images.shape[-1]
    assert result["classes"] == list(expected.classes)
    assert result["labels"] == expected.labels.tolist()
    assert result["config"] == expected.config
    same = images.tobytes() == expected.images.numpy().tobytes()
    assert same, f"{int((images != expected.images.numpy().ravel()).sum())} pixels differ"


@pytest.mark.slow
def test_make_lines_is_pythons_bit_for_bit(tmp_path):
    cases = [{"options": js} for _, js in LINE_CASES]
    cases += [{"options": {"task": task, "nPerClass": 600, "seed": 4}} for task in TASKS]  # the site's sizes
    results = run_node(tmp_path, DRIVER, {"task": "makeLines", "folder": str(tmp_path), "cases": cases})[
        "results"
    ]
    expected = [make_lines(**py) for py, _ in LINE_CASES]
    expected += [make_lines(n_per_class=600, seed=4, **settings) for settings in TASKS.values()]
    for result, data in zip(results, expected):
        check_same_data(tmp_path, result, data)


def test_split_and_shuffled_labels_are_pythons(tmp_path):
    splits = [
        ({"n_per_class": 30, "seed": 1, "size": 20}, {"test_fraction": 0.2, "seed": 0}, 0),
        ({"n_per_class": 5, "seed": 2, "size": 12}, {"test_fraction": 0.5, "seed": 3}, 5),  # 2.5 rounds to 2
        (
            {"n_per_class": 7, "seed": 2, "size": 12, "orientations": ["diagonal", "horizontal", "vertical"]},
            {"test_fraction": 0.3, "seed": 2**35},
            2**40,
        ),
        ({"n_per_class": 480, "seed": 0}, {"test_fraction": 0.2, "seed": 0}, 17),  # the site's default run
    ]
    camel = {"n_per_class": "nPerClass", "test_fraction": "testFraction"}
    cases = [
        {
            "options": {camel.get(k, k): v for k, v in data.items()},
            "split": {camel.get(k, k): v for k, v in split.items()},
            "shuffle_seed": shuffle,
        }
        for data, split, shuffle in splits
    ]
    results = run_node(tmp_path, DRIVER, {"task": "makeLines", "folder": str(tmp_path), "cases": cases})[
        "results"
    ]
    for (data, split, shuffle), result in zip(splits, results):
        whole = make_lines(**data)
        train, test = whole.split(**split)
        for name, part in (("train", train), ("test", test)):
            check_same_data(tmp_path, result["split"][name], part)
        assert result["shuffled"] == shuffled_labels(whole.labels, shuffle).tolist()


def test_indices_of_a_split_select_its_images(tmp_path):
    cases = [{"options": {"nPerClass": 9, "size": 10, "seed": 6}, "split": {"testFraction": 0.25, "seed": 1}}]
    result = run_node(tmp_path, DRIVER, {"task": "makeLines", "folder": str(tmp_path), "cases": cases})[
        "results"
    ][0]
    train, test = result["split"]["train"], result["split"]["test"]
    assert sorted(train["indices"] + test["indices"]) == list(range(18))
    assert [result["labels"][i] for i in test["indices"]] == test["labels"]


def test_the_ziggurat_tables_are_numpys():
    ran = subprocess.run(
        [sys.executable, str(TOOLS / "ziggurat_tables.py"), "--check"], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr


@pytest.mark.parametrize(
    ("call", "args", "message"),
    [
        ("makeLines", [{"nPerClass": 0}], "RangeError: nPerClass must be in [1, 100000], got 0"),
        ("makeLines", [{"size": 7.5}], "TypeError: size must be an integer, got 7.5"),
        ("makeLines", [{"noise": -0.1}], "RangeError: noise must be a number in [0, 1], got -0.1"),
        ("makeLines", [{"thickness": [3, 1]}], "RangeError: thickness must have min <= max, got [3, 1]"),
        (
            "makeLines",
            [{"task": "spirals"}],
            'RangeError: task must be one of ["lines","diagonals","noisy","harder"], got "spirals"',
        ),
        (
            "makeLines",
            [{"orientations": ["horizontal", "horizontal"]}],
            "RangeError: orientations must be distinct names",
        ),
        ("makeLines", [{"orientations": ["up"]}], "RangeError: orientations must hold names from"),
        (
            "makeLines",
            [{"size": 10, "length": 10, "thickness": 3, "task": "diagonals"}],
            "RangeError: a diagonal line of length 10 and thickness 3 needs 12 columns, more than size=10",
        ),
        ("makeLines", [{"seed": -1}], "RangeError: seed must be in [0, 9007199254740991], got -1"),
        ("makeLines", [{"nperclass": 3}], 'RangeError: makeLines has no option "nperclass"'),
        (
            "splitLines",
            [{"nPerClass": 2, "size": 8}, {"testFraction": 0.1}],
            'RangeError: testFraction=0.1 leaves class "horizontal" (2 images) with no image',
        ),
        (
            "splitLines",
            [{"nPerClass": 2, "size": 8}, {"testFraction": 1}],
            "RangeError: testFraction must be a number in (0, 1), got 1",
        ),
        ("shuffleLabels", [[0, 1], 0.5], "TypeError: seed must be an integer, got 0.5"),
        ("shuffleLabelsPlain", [[0, 1], 0], "TypeError: labels must be an Int32Array, got an array of 2"),
    ],
)
def test_bad_options_are_refused_by_name(tmp_path, call, args, message):
    result = run_node(tmp_path, DRIVER, {"task": "lineErrors", "cases": [{"call": call, "args": args}]})
    assert result["results"][0] is not None and result["results"][0].startswith(message), result["results"][0]


def test_it_loads_where_a_web_worker_would(tmp_path):
    probe = (
        "Array.from(cnnexplainLines.makeLines({nPerClass: 2, size: 8, seed: 1, noise: 0.1}).labels).join()"
    )
    found = run_node(tmp_path, DRIVER, {"task": "bare", "module": "lines", "probe": probe})["found"]
    expected = make_lines(n_per_class=2, size=8, seed=1, noise=0.1).labels.tolist()
    for entry in found:
        assert "makeLines" in entry["names"] and "moduleSource" in entry["names"], entry
        assert entry["probe"] == ",".join(map(str, expected))


def test_same_seed_same_bytes(tmp_path):
    cases = [{"options": {"nPerClass": 20, "size": 16, "seed": 8, "noise": 0.3}}] * 2
    results = run_node(tmp_path, DRIVER, {"task": "makeLines", "folder": str(tmp_path), "cases": cases})[
        "results"
    ]
    first, second = ((tmp_path / r["images"]).read_bytes() for r in results)
    assert first == second and torch.from_numpy(np.frombuffer(first, "<f4").copy()).std() > 0
