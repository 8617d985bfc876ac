"""The explorer's Python side: which models it accepts, what it puts in the page, and how safely.

The page's JavaScript is checked in Node by ``tests/test_network_js.py`` and in
a real browser by ``tools/explorer_check.py`` (``nox -s site``). Here the
payload is checked against its schema (``cnnexplain/viz/explorer.schema.json``)
and against PyTorch, by running it with the one reference interpreter of the
format (``tools/explorer_format.py``): if the payload describes the model
exactly, the interpreter reproduces :func:`cnnexplain.activations`.
"""

from __future__ import annotations

import copy
from collections import OrderedDict

import numpy as np
import pytest
import torch
from explorer_format import floats, payload_of, run_payload, schema_errors, snapshot_tensors
from torch import nn

from cnnexplain import activations, train
from cnnexplain.viz import Explorer, explorer_fragment, pick_snapshots

SIZE = 20


def run_snapshot(payload: dict, images: torch.Tensor, snapshot: int) -> dict[str, torch.Tensor]:
    """Every layer's output for ``images`` at one snapshot of the payload, by the reference interpreter."""
    return run_payload(payload, snapshot_tensors(payload)[snapshot], images)


def every_layer():
    """A model with every layer type the explorer runs, for 20x20 images."""
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, padding="same"),
        nn.AvgPool2d(2, count_include_pad=False),
        nn.Flatten(),
        nn.Dropout(0.1),
        nn.Linear(16, 8),
        nn.ReLU(inplace=True),
        nn.Linear(8, 2),
    )


@pytest.fixture(scope="module")
def custom_run(small_split):
    train_set, _ = small_split
    model = every_layer()
    history = train(model, train_set, epochs=2, batch_size=8, progress=False)
    return model, history, train_set


# -- what goes into the page ---------------------------------------------------------------
def test_line_cnn_payload_reproduces_pytorch_at_every_snapshot(tiny_run):
    _, history, _, val_set = tiny_run
    explorer = Explorer(history)
    payload = payload_of(explorer._repr_html_())
    assert explorer.layers == tuple(activations(history.model_at(0), val_set.images[:1]))
    assert [s["index"] for s in payload["snapshots"]] == list(range(len(history)))
    assert payload["classes"] == ["horizontal", "vertical"]
    for s in range(len(history)):
        expected = activations(history.model_at(s), val_set.images)
        got = run_snapshot(payload, val_set.images, s)
        for name in explorer.layers:
            torch.testing.assert_close(got[name], expected[name], atol=1e-5, rtol=0)


def test_weights_travel_as_the_models_float32_numbers(tiny_run):
    _, history, _, _ = tiny_run
    payload = payload_of(Explorer(history, snapshots=[0, -1])._repr_html_())
    last = snapshot_tensors(payload)[1]
    assert np.array_equal(last["conv1.weight"], history["conv1.weight"][-1])
    assert np.array_equal(last["fc2.bias"], history["fc2.bias"][-1])


def test_custom_model_with_every_layer_type(custom_run, small_split):
    model, history, train_set = custom_run
    before = {k: v.clone() for k, v in model.state_dict().items()}
    explorer = Explorer(history, model=model, images=train_set[:4], class_names=["h", "v"])
    payload = payload_of(explorer._repr_html_())
    kinds = [layer["type"] for layer in payload["layers"]]
    chain = "conv2d batchnorm2d relu maxpool2d conv2d avgpool2d flatten dropout linear relu linear"
    assert kinds == chain.split()
    assert payload["layers"][4]["padding"] == [1, 1]  # 'same' resolved
    images = small_split[1].images
    for s in range(len(history)):
        expected = activations(history.model_at(s, every_layer()), images)
        got = run_snapshot(payload, images, s)
        for name in explorer.layers:
            torch.testing.assert_close(got[name], expected[name], atol=1e-5, rtol=0)
    # The user's model is copied, never loaded with other weights.
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_limits_hold_every_sample_at_every_snapshot(tiny_run):
    _, history, _, _ = tiny_run
    payload = payload_of(Explorer(history)._repr_html_())
    images = torch.stack(
        [torch.from_numpy(floats(s["pixels"]).reshape(1, SIZE, SIZE)) for s in payload["samples"]]
    )
    for s in range(len(history)):
        for name, values in run_snapshot(payload, images, s).items():
            limit = payload["limits"][name]
            assert values.abs().max() <= limit["vmax"] * (1 + 1e-6)
            assert limit["kind"] == "signed" or values.min() >= 0
    assert payload["limits"]["relu1"]["kind"] == "unsigned"
    assert payload["limits"]["conv1.weight"]["kind"] == "signed"


def test_default_samples_are_test_images_of_each_class(tiny_run):
    _, history, _, _ = tiny_run
    payload = payload_of(Explorer(history)._repr_html_())
    labels = [s["label"] for s in payload["samples"]]
    assert labels.count("horizontal") == labels.count("vertical") > 0
    assert [p["name"] for p in payload["presets"]] == ["horizontal", "vertical", "diagonal", "antidiagonal"]
    horizontal = floats(payload["presets"][0]["pixels"]).reshape(SIZE, SIZE)
    assert horizontal.sum(axis=1).max() > 10 and horizontal.sum(axis=0).max() <= 2  # wide, thin


def test_pick_snapshots_follows_the_kernels(tiny_run):
    _, history, _, _ = tiny_run
    assert pick_snapshots(history, 10) == list(range(len(history)))
    picked = pick_snapshots(history, 2)
    assert picked == [0, len(history) - 1]
    with pytest.raises(ValueError, match="count"):
        pick_snapshots(history, 1)


def test_pick_snapshots_is_dense_where_the_kernels_move():
    from cnnexplain.history import WeightHistory

    # A kernel that moves by 8, 4, 2, 1, 1, 1, 1, 1, 1 from snapshot to snapshot.
    steps = np.concatenate([[0], np.cumsum([8, 4, 2, 1, 1, 1, 1, 1, 1])]).astype(np.float32)
    weight = steps[:, None, None, None, None] * np.ones((1, 1, 1, 1, 1), np.float32)
    history = WeightHistory({"c.weight": weight}, np.array([[e, 1] for e in range(10)]), {}, {})
    picked = pick_snapshots(history, 4)
    assert picked[0] == 0 and picked[-1] == 9
    assert picked[1] <= 2, picked  # early, where it moves


# -- the format ------------------------------------------------------------------------------
def test_payloads_follow_the_schema(tiny_run, custom_run):
    _, history, _, _ = tiny_run
    model, custom, train_set = custom_run
    explorers = [
        Explorer(history),
        Explorer(history, snapshots=[0, 2], class_names=["a", "b"]),
        Explorer(custom, model=model, images=train_set[:4]),  # every layer type, labelled samples
        Explorer(custom, model=model, images=train_set.images[:3]),  # samples without labels
    ]
    for explorer in explorers:
        assert schema_errors(payload_of(explorer._repr_html_())) == [], explorer


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda p: p.pop("weights"), "(root)"),
        (lambda p: p.update(version=2), "version"),
        (lambda p: p.update(extra=1), "(root)"),
        (lambda p: p["layers"][0].update(type="tanh"), "layers/0"),
        (lambda p: p["layers"][0].update(kernel=[7]), "layers/0"),
        (lambda p: p["layers"][0].pop("bias"), "layers/0"),
        (lambda p: p["layers"][2].update(padding=[-1, 0]), "layers/2"),
        (lambda p: p["tensors"][0].update(shape=[8, 0, 7, 7]), "tensors/0/shape/1"),
        (lambda p: p["snapshots"].clear(), "snapshots"),
        (lambda p: p["colormaps"].update(signed="00ff00"), "colormaps/signed"),
        (lambda p: p["samples"][0].update(pixels="not base64!"), "samples/0/pixels"),
        (lambda p: p["limits"]["conv1"].update(vmax=0), "limits/conv1/vmax"),
        (lambda p: p["input"].update(range=[0]), "input/range"),
    ],
)
def test_the_schema_refuses_a_broken_payload(tiny_run, change, where):
    payload = payload_of(Explorer(tiny_run[1])._repr_html_())
    broken = copy.deepcopy(payload)
    change(broken)
    errors = schema_errors(broken)
    assert errors and any(e.startswith(where + ":") for e in errors), errors


def test_the_schema_is_valid_and_shipped_beside_the_widget():
    import jsonschema
    from explorer_format import schema

    jsonschema.Draft202012Validator.check_schema(schema())
    assert set(schema()["$defs"]["network"]["required"]) <= set(schema()["required"])


# -- what the page is made of --------------------------------------------------------------
def test_hostile_names_cannot_become_markup(small_split):
    hostile = "</script><script>alert(1)</script>"
    model = nn.Sequential(
        OrderedDict(
            [
                (hostile, nn.Conv2d(1, 2, 3)),
                ("<img src=x onerror=alert(2)>", nn.ReLU()),
                ("flat", nn.Flatten()),
                ("&amp;", nn.Linear(2 * 18 * 18, 2)),
            ]
        )
    )
    history = train(model, small_split[0], epochs=1, progress=False)
    explorer = Explorer(history, model=model, images=small_split[1][:2], class_names=[hostile, "<b>v</b>"])
    for page in (explorer._repr_html_(), explorer._page_html()):
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>" not in page
        # Exactly the page's own script elements: the data and the widget's code.
        assert page.count("<script") == 2 and page.count("</script") == 2
        payload = payload_of(page)
        assert payload["layers"][0]["name"] == hostile
        assert payload["classes"] == [hostile, "<b>v</b>"]


def test_save_writes_a_standalone_page_without_losing_a_file(tiny_run, tmp_path):
    _, history, _, _ = tiny_run
    explorer = Explorer(history, snapshots=[0, 1])
    path = explorer.save(tmp_path / "explorer.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert payload_of(page) == payload_of(explorer._repr_html_())
    with pytest.raises(FileExistsError, match="overwrite=True"):
        explorer.save(path)
    assert path.read_text(encoding="utf-8") == page
    assert Explorer(history, snapshots=[0, 1]).save(path, overwrite=True).read_text(encoding="utf-8") == page
    assert [p.name for p in tmp_path.iterdir()] == ["explorer.html"]  # no temporary file left


# -- what it refuses ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (nn.Tanh(), r"layer '1' is a Tanh"),
        (nn.Conv2d(2, 2, 3, groups=2), r"layer '1' \(Conv2d\) has a setting"),
        (nn.MaxPool2d(2, ceil_mode=True), r"layer '1' \(MaxPool2d\) has a setting"),
    ],
)
def test_unsupported_layers_are_named(small_split, layer, message):
    head = nn.Conv2d(1, 2, 3)
    model = nn.Sequential(head, layer, nn.Flatten(), nn.LazyLinear(2))
    model(torch.zeros(1, 1, SIZE, SIZE))  # materialize the lazy layer
    history = train(model, small_split[0], epochs=1, progress=False)
    with pytest.raises(TypeError, match=message):
        Explorer(history, model=model, images=small_split[1][:2])


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3, padding=1)
        self.fc = nn.Linear(SIZE * SIZE, 2)

    def forward(self, x):
        return self.fc((x + self.conv(x)).flatten(1))


def test_a_forward_pass_that_is_not_a_chain_is_refused(small_split):
    model = Residual()
    history = train(model, small_split[0], epochs=1, progress=False)
    with pytest.raises(TypeError, match="plain chain"):
        Explorer(history, model=model, images=small_split[1][:2])


def test_bad_arguments_are_named(tiny_run, custom_run, small_split):
    _, history, _, _ = tiny_run
    model, custom, train_set = custom_run
    with pytest.raises(TypeError, match="history must be a WeightHistory"):
        Explorer({"conv1.weight": 1})
    with pytest.raises(ValueError, match="snapshots must hold 1 to 3"):
        Explorer(history, snapshots=[0, 1, 2, 2])
    with pytest.raises(ValueError, match="distinct and in training order"):
        Explorer(history, snapshots=[2, 0])
    with pytest.raises(ValueError, match=r"step must be"):
        Explorer(history, snapshots=[7])
    with pytest.raises(ValueError, match=r"images must have shape \(N, 1, H, W\)"):
        Explorer(history, images=torch.zeros(2, 3, SIZE, SIZE))
    with pytest.raises(ValueError, match="do not fit the model"):
        Explorer(history, images=torch.zeros(2, 1, 30, 30))
    with pytest.raises(TypeError, match="images must be"):
        Explorer(history, images=torch.zeros(2, 1, SIZE, SIZE, dtype=torch.int64))
    with pytest.raises(ValueError, match="class_names must be 2 strings"):
        Explorer(history, class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="model must be given"):
        Explorer(custom)
    with pytest.raises(ValueError, match="images must be given"):
        Explorer(custom, model=model)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 1\]"):
        Explorer(custom, model=model, images=(train_set.images[:2], torch.tensor([0, 5])))


def long_history(history, count: int):
    """``history``'s first snapshot ``count`` times, as if recorded after every batch."""
    from cnnexplain.history import WeightHistory

    params = {key: np.repeat(history[key][:1], count, axis=0) for key in history}
    steps = np.array([[0, 0]] + [[1, batch] for batch in range(1, count)])
    return WeightHistory(params, steps, history.metrics, history.config)


def test_a_page_holds_at_most_max_snapshots(tiny_run):
    """Each snapshot puts the model's weights in the page once more: the library caps them as
    ``cnnexplain explore --snapshots`` does, and says how to choose fewer."""
    from cnnexplain.cli import MAX_DRAWN_SNAPSHOTS
    from cnnexplain.viz.explorer import MAX_SNAPSHOTS

    assert MAX_SNAPSHOTS == MAX_DRAWN_SNAPSHOTS == 256  # the command's ceiling is the library's
    long = long_history(tiny_run[1], MAX_SNAPSHOTS + 44)
    with pytest.raises(ValueError, match=r"snapshots must hold at most 256 indices .*got 257"):
        Explorer(long, snapshots=range(MAX_SNAPSHOTS + 1))
    with pytest.raises(
        ValueError, match=r"snapshots must be given.*300 snapshots, more than the 256.*pick_snapshots"
    ):
        Explorer(long)
    assert len(Explorer(long, snapshots=pick_snapshots(long, MAX_SNAPSHOTS)).snapshots) == MAX_SNAPSHOTS
    assert len(Explorer(long_history(tiny_run[1], MAX_SNAPSHOTS)).snapshots) == MAX_SNAPSHOTS


def test_a_kernel_animation_draws_at_most_max_snapshots_frames(tiny_run, tmp_path):
    """Each frame is drawn and encoded: 10,001 snapshots took minutes (the library had no ceiling;
    ``cnnexplain figures`` had one)."""
    import matplotlib.pyplot as plt

    from cnnexplain.viz import MAX_SNAPSHOTS, animate_kernels

    long = long_history(tiny_run[1], MAX_SNAPSHOTS + 1)
    with pytest.raises(
        ValueError, match=r"steps must be given for a history of 257 snapshots.*pick_snapshots"
    ):
        animate_kernels(long)
    with pytest.raises(ValueError, match=r"steps must hold at most 256 indices .*got 257"):
        animate_kernels(long, steps=list(range(MAX_SNAPSHOTS + 1)))
    from PIL import Image

    from cnnexplain.viz import save_gif

    path = save_gif(animate_kernels(long, steps=pick_snapshots(long, 3)), tmp_path / "kernels.gif")
    assert Image.open(path).n_frames == 3
    plt.close("all")


def test_a_history_without_convolution_is_refused(small_split):
    model = nn.Sequential(nn.Flatten(), nn.Linear(SIZE * SIZE, 2))
    history = train(model, small_split[0], epochs=1, progress=False)
    with pytest.raises(ValueError, match="history must hold a convolution weight"):
        Explorer(history, model=model, images=small_split[1][:2])


def test_the_same_history_gives_the_same_bytes(tiny_run):
    _, history, _, _ = tiny_run
    assert Explorer(history)._repr_html_() == Explorer(history)._repr_html_()


def test_explorer_fragment_names_the_state():
    assert (
        explorer_fragment(epoch=2.5, kernel=0, image="vertical 1") == "#epoch=2.5&kernel=0&image=vertical-1"
    )
    assert explorer_fragment(image="a&b=c") == "#image=a%26b%3Dc"  # cannot add a part of its own
    with pytest.raises(ValueError, match="epoch must be a finite number >= 0"):
        explorer_fragment(epoch=-1)
    with pytest.raises(ValueError, match="kernel"):
        explorer_fragment(kernel=-1)


@pytest.mark.parametrize(
    ("part", "value", "error", "match"),
    [
        (
            "epoch",
            float("inf"),
            ValueError,
            r"epoch must be a finite number >= 0, got inf",
        ),  # was "#epoch=inf"
        ("epoch", 10**400, ValueError, r"epoch must be a finite number >= 0, got an integer of 1,329 bits"),
        ("epoch", "3", TypeError, r"epoch must be a number, got '3' \(str\)"),
        (
            "kernel",
            10**5000,
            ValueError,
            r"kernel must be an integer in \[0, 9007199254740992\], got an integer of",
        ),
    ],
    ids=["infinite epoch", "epoch of 1,329 bits", "epoch as text", "kernel of 16,610 bits"],
)
def test_explorer_fragment_refuses_what_a_page_cannot_read(part, value, error, match):
    """An infinite epoch made a fragment the page cannot follow; 10**400 overflowed (OverflowError)
    and 10**5000 failed in Python's own int-to-text limit."""
    with pytest.raises(error, match=match):
        explorer_fragment(**{part: value})
