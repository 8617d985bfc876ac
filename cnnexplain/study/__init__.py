"""Seed studies: many seeds of one training, with paired controls, in parallel and cached.

A statement about training *in general* -- "an edge detector emerges", "the
kernels stop changing after epoch 8" -- needs many training runs that differ
only in their seed. :func:`seed_study` trains them: for every seed, one
*member* per *arm*,

* ``"adam"``: the run :func:`~cnnexplain.training.train` makes, with
  ``LineCNN(seed=seed)`` and ``train(..., seed=seed)`` (the seed of the initial
  weights, of the order of the batches and of dropout), on the data and split
  of :func:`~cnnexplain.experiment.experiment`;
* ``"shuffled"``: its twin on shuffled labels -- the same initial weights and
  the same batches, each training image labelled with the label of another
  (:func:`shuffled_labels`, a permutation drawn from the seed): what training
  makes of the kernels when the labels carry no information;
* ``"sgd"``: its twin trained by plain SGD (learning rate ``sgd_lr``, 0.1 by
  default, the rate of the site's optimizer page), from the same start on
  the same batches;
* ``"swapped"``: its twin whose conv1 kernels start in each other's slots --
  kernel ``k`` starts where kernel ``k + 1`` of the other arms starts, every
  other layer as in ``"adam"`` (:func:`initial_state`): whether a kernel's
  role follows its start or its slot;
* ``"frozen"``: its twin with conv1 frozen at its random start, only the
  layers after it trained: how far the network gets without learning its
  first layer;
* ``"gaussian"`` and ``"whitened"``: its twins trained and tested on
  surrogates of the images (:mod:`cnnexplain.surrogates`): Gaussian images
  with each class's pixel means and covariance, and the line images with
  their spectrum flattened -- what the first layer learns when the data's
  second-order statistics stay and the lines go, and the other way round.

Every member is the run of :func:`~cnnexplain.training.train` with its
settings *bit for bit* (on the same build of torch; ``tests/test_study.py``
checks it, and :meth:`SeedStudy.retrain` reruns a member that way): the
study keeps its conv1 snapshots and its four metrics (:class:`SeedStudy`),
and the whole trained network of the members of the arms in ``final_models``
(Adam's by default; :meth:`SeedStudy.model`).

How the members are batched
---------------------------
The seeds are split into chunks (``chunk_size`` seeds each); the members of a
chunk train together as one ensemble (``cnnexplain/study/ensemble.py``):
each step is one forward pass, one backward pass and one optimizer step for
all of them. Within the forward pass, each member's layers run on the very
kernels :func:`~cnnexplain.training.train` runs, member by member, and each
member keeps tensors of its own. Batching further was measured here (CPU,
one thread, batches of 32, a member's step against a step of ``train()``)
and rejected, for speed and for exactness:

* torch.func (``stack_module_state`` + ``functional_call`` + ``vmap``, as
  PyTorch's model-ensembling tutorial does): vmap turns each convolution into
  one grouped convolution over all the members, in the NCHW memory format,
  where max-pooling is several times slower than in the channels-last
  format ``train()`` uses: a member's step took about twice as long as a
  step of ``train()``; and its members drifted from ``train()``'s runs
  (after one epoch, conv1 weights differed by up to 2e-7 of the largest).
* Grouped convolutions written out, channels-last: no faster per member than
  the plain convolution (the same work per member, and the feature maps of
  many members no longer fit in the cache); and a grouped convolution of two
  groups or more does not give the plain convolution's bits.
* The members' weights stacked in one tensor per parameter, updated by one
  Adam: the fused Adam of torch rounds some updates by where the weight lies
  in its tensor (after 8 epochs, up to 3e-7 of the largest weight).

On a CPU the convolutions are most of the work (about 60% of a step of
``train()``); what the ensemble saves is what lies around them: one
backward pass and one optimizer step for all the members, one dropout mask
per seed for all its arms, one evaluation before training for all the arms
of a seed, Python's loop; and it pools before the ReLU (the same numbers:
the ReLU is monotone) so the ReLU sees a quarter of the values.
``benchmarks/bench_study.py`` measures it against ``train()`` run once per
member. On a 2-core machine shared with other jobs, one chunk of 12 members
(4 seeds, 3 arms, 8 epochs) trained 1.25 to 1.3 times as fast as ``train()``
once per member, in one process; the whole default study (100 seeds, 3 arms,
8 epochs: 300 members) took 929 s in 2 processes, against 1,626 s estimated
for ``train()`` once per member, one after the other (1.75 times as fast).
Most of the gain is the second core: on a CPU, batching cannot share the
convolutions' work between members that see different images.

Chunks in parallel, on a cluster, and identical results
-------------------------------------------------------
Chunks run through joblib: in local processes by default (``n_jobs``, one
per core), or on a Dask cluster (``scheduler``: a ``distributed.Client`` or
a scheduler's address, through joblib's ``"dask"`` backend; ``pip install
cnnexplain[study]``). Each chunk trains on one thread, like ``train()``.
Because every member is ``train()``'s run, its numbers do not depend on the
chunk it lands in, on the chunk size, or on the process or worker that runs
it: a study is the same bit for bit however it was split and run (on
machines with the same build of torch; a worker whose cnnexplain source or
torch differs from the caller's is refused).

Cache
-----
Like :func:`~cnnexplain.experiment.experiment`, :func:`seed_study` caches its
result in ``cache_dir`` (default :func:`~cnnexplain.experiment.default_cache_dir`),
keyed by the configuration and by the library's source code, with a file lock
so that processes sharing the folder train a study once. How it was split and
where it ran are not part of the key: they do not change the result. As the
cache of runs does, it checks what it returns: each entry is stored with the
digest of its bytes (``cnnexplain/_cache.py``), and a damaged or edited entry
is trained again and replaced, with a warning; a valid entry is read without
the lock, so a cache the process cannot write still serves it; a folder
holding an entry's name is an error before anything trains.
"""

from __future__ import annotations

import itertools
import os
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from filelock import FileLock

from .._cache import check_entry_path, read_entry, write_entry
from .._checks import check_batch_size, check_float, check_int, describe
from ..data import make_lines
from ..experiment import _code_digest, cache_key, default_cache_dir, resolve_config
from ..model import LineCNN
from . import ensemble, result
from .ensemble import initial_state, shuffled_labels, train_chunk, train_member, trained_with
from .result import SeedStudy, snapshot_epochs

__all__ = [
    "ARMS",
    "CHUNK_SIZE",
    "DATA_OF_ARM",
    "FORMAT_VERSION",
    "LABEL_STREAM",
    "METRICS",
    "OPTIMIZER_OF_ARM",
    "SeedStudy",
    "check_scheduler",
    "initial_state",
    "seed_study",
    "shuffled_labels",
    "snapshot_epochs",
    "study_config",
    "train_member",
]

#: The arms a study may train for each seed: ``"adam"`` (the run of
#: :func:`~cnnexplain.training.train`), ``"shuffled"`` (Adam on labels shuffled
#: by :func:`shuffled_labels`), ``"sgd"`` (plain SGD), ``"swapped"`` (Adam, the
#: conv1 starts moved one slot along), ``"frozen"`` (Adam, conv1 frozen at its
#: start), ``"gaussian"`` and ``"whitened"`` (Adam on surrogate images, see
#: :data:`DATA_OF_ARM`); all on the same batches, from
#: the same start but ``"swapped"``.
ARMS = ensemble.ARMS
#: The optimizer of each arm, as :func:`~cnnexplain.training.train` names it.
OPTIMIZER_OF_ARM = ensemble.OPTIMIZER_OF_ARM
#: The images each arm trains and is tested on: ``"lines"`` (the site's data),
#: ``"gaussian"`` (their Gaussian twins, :func:`~cnnexplain.surrogates.gaussian_twin`)
#: or ``"whitened"`` (:func:`~cnnexplain.surrogates.whitened`).
DATA_OF_ARM = ensemble.DATA_OF_ARM
#: The metrics of every member after every epoch (and before training): those
#: :func:`~cnnexplain.training.train` records with a validation set, here the
#: split's test part with its true labels.
METRICS = ensemble.METRICS
#: The second number of the seed sequence of :func:`shuffled_labels`: a random
#: stream of its own, not one that draws images, splits or batches.
LABEL_STREAM = ensemble.LABEL_STREAM
#: Version of the file format written by :meth:`SeedStudy.save`.
FORMAT_VERSION = result.FORMAT_VERSION
#: Seeds per chunk by default: 4 seeds of 7 arms make an ensemble of 28 members.
CHUNK_SIZE = 4
#: The most seeds a study may have.
MAX_SEEDS = 100_000


# -- configuration ---------------------------------------------------------------------
def _checked_seeds(seeds: Any) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (Iterable, np.ndarray)):
        raise TypeError(
            f"seeds must be an iterable of non-negative integers such as range(100), got {describe(seeds)}"
        )
    first = list(itertools.islice(seeds, MAX_SEEDS + 1))  # never more: seeds may be endless
    if not 1 <= len(first) <= MAX_SEEDS:
        got = f"{len(first):,}" if len(first) <= MAX_SEEDS else "more"
        raise ValueError(f"seeds must hold 1 to {MAX_SEEDS:,} seeds, got {got}")
    checked = [check_int(f"seeds[{i}]", seed, low=0, high=2**63 - 1) for i, seed in enumerate(first)]
    repeated = sorted(seed for seed, count in Counter(checked).items() if count > 1)
    if repeated:
        raise ValueError(f"seeds must not repeat a seed, got {repeated[:5]} more than once")
    return checked


def _checked_arms(arms: Any) -> list[str]:
    if isinstance(arms, str) or not isinstance(arms, Sequence):
        raise TypeError(f"arms must be a sequence of names among {list(ARMS)}, got {describe(arms)}")
    unknown = [arm for arm in arms if not isinstance(arm, str) or arm not in ARMS]
    if not arms or unknown or len(set(arms)) != len(arms):
        raise ValueError(f"arms must be distinct names among {list(ARMS)}, got {list(arms)!r:.80}")
    return list(arms)


def _checked_final_models(final_models: Any, arms: list[str]) -> list[str]:
    if final_models is None:
        return [arm for arm in arms if arm == "adam"]
    if isinstance(final_models, str) or not isinstance(final_models, Sequence):
        raise TypeError(f"final_models must be a sequence of arm names, got {describe(final_models)}")
    if (
        not all(isinstance(arm, str) for arm in final_models)  # before set(): a list is unhashable
        or not set(final_models) <= set(arms)
        or len(set(final_models)) != len(final_models)
    ):
        raise ValueError(
            f"final_models must be distinct arms of the study {arms}, got {list(final_models)!r:.80}"
        )
    # In the order of the arm axis, so that the same study has one configuration.
    return [arm for arm in arms if arm in final_models]


def study_config(
    seeds: Iterable[int] = range(100),
    arms: Sequence[str] = ARMS,
    *,
    epochs: int = 8,
    lr: float = 1e-3,
    sgd_lr: float = 0.1,
    batch_size: int = 32,
    snapshots: bool = True,
    final_models: Sequence[str] | None = None,
    data: dict | None = None,
    split: dict | None = None,
    model: dict | None = None,
) -> dict[str, Any]:
    """Return the full, JSON-ready configuration of a study (the arguments of :func:`seed_study`).

    Parameters
    ----------
    seeds : iterable of int
        As in :func:`seed_study`.
    arms : sequence of str
        As in :func:`seed_study`.
    epochs : int
        As in :func:`seed_study`.
    lr : float
        As in :func:`seed_study`.
    sgd_lr : float
        As in :func:`seed_study`.
    batch_size : int
        As in :func:`seed_study`.
    snapshots : bool
        As in :func:`seed_study`.
    final_models : sequence of str
        As in :func:`seed_study`.
    data, split, model : dict, optional
        As in :func:`seed_study`.

    Returns
    -------
    dict
        ``data``, ``split`` and ``model`` (every setting, as
        :func:`~cnnexplain.experiment.resolve_config` fills them in; the
        model without its seed), ``training`` (``epochs``, ``batch_size``,
        ``lr``, ``sgd_lr``), ``seeds``, ``arms``, ``snapshots``
        (``"epoch"`` or ``"ends"``) and ``final_models``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.
    """
    seeds, arms = _checked_seeds(seeds), _checked_arms(arms)
    final_models = _checked_final_models(final_models, arms)
    epochs = check_int("epochs", epochs, low=0, high=10_000)
    sgd_lr = check_float("sgd_lr", sgd_lr, low=0.0, high=10.0, low_open=True)
    if not isinstance(snapshots, bool):
        raise TypeError(
            f"snapshots must be True (after every epoch) or False (start and end), got {describe(snapshots)}"
        )
    if isinstance(model, dict) and "seed" in model:
        raise ValueError(
            f"model must not set a seed: each member's is its own, from seeds; got {model['seed']!r}"
        )
    training = {
        "epochs": epochs,
        "lr": check_float("lr", lr, low=0.0, high=10.0, low_open=True),
        "batch_size": check_batch_size("batch_size", batch_size),
    }
    config = resolve_config(data=data, model=model, training=training, split=split)
    # Every setting checked now, in the words of the function it feeds, not in a worker later:
    # the data and its split (50 ms for the default 1200 images) and the model.
    make_lines(**config["data"]).split(**config["split"])
    LineCNN(**config["model"])
    config["model"].pop("seed")
    config["training"] = {
        **{key: config["training"][key] for key in ("epochs", "batch_size", "lr")},
        "sgd_lr": sgd_lr,
    }
    return {
        **config,
        "seeds": seeds,
        "arms": arms,
        "snapshots": "epoch" if snapshots else "ends",
        "final_models": final_models,
    }


# -- running the chunks --------------------------------------------------------------------
def _chunks(seeds: list[int], chunk_size: int) -> list[list[int]]:
    return [seeds[i : i + chunk_size] for i in range(0, len(seeds), chunk_size)]


def _distributed():
    """Import dask.distributed, or say how to install it."""
    try:
        import distributed
        import distributed.comm.registry
    except ImportError:
        raise ImportError(
            "a study on a Dask cluster needs dask.distributed: install it with "
            "`pip install cnnexplain[study]` or `pip install dask[distributed]`"
        ) from None
    return distributed


def check_scheduler(scheduler: Any) -> None:
    """Refuse a ``scheduler`` of the wrong type, or an address of no known protocol, before anything trains.

    Parameters
    ----------
    scheduler : distributed.Client or str
        As in :func:`seed_study`. An address is only parsed here: whether a
        scheduler answers there is found when the study connects.

    Raises
    ------
    TypeError, ValueError
        If ``scheduler`` is neither a client nor an address.
    ImportError
        If dask.distributed is not installed.
    """
    is_client = type(scheduler).__name__ == "Client" and type(scheduler).__module__.startswith("distributed")
    if not isinstance(scheduler, str) and not is_client:
        raise TypeError(
            f"scheduler must be a distributed.Client or a scheduler address such as "
            f"'tcp://host:8786', got {describe(scheduler)}"
        )
    distributed = _distributed()
    if is_client:
        return
    try:
        if not scheduler.strip():
            raise ValueError("it is empty")
        scheme, _ = distributed.comm.parse_address(scheduler)
        distributed.comm.registry.get_backend(scheme)
    except ValueError as exc:
        raise ValueError(
            f"scheduler must be the address of a Dask scheduler such as 'tcp://host:8786', "
            f"got {scheduler!r}: {exc}"
        ) from None


def _dask_client(scheduler: Any):
    """``(client, owned)``: the client to run on, and whether it was made here (and is closed here)."""
    distributed = _distributed()
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    return distributed.Client(scheduler, set_as_default=False, timeout="20s"), True


def _run_chunks(
    config: dict, chunks: list[list[int]], n_jobs: int | None, scheduler: Any, progress
) -> list[dict]:
    """The results of :func:`train_chunk` for every chunk, in order, run by joblib."""
    tasks = [joblib.delayed(train_chunk)(config, chunk) for chunk in chunks]
    bar = _progress_bar(progress, len(config["seeds"]))
    try:
        if scheduler is None:
            n_jobs = joblib.cpu_count() if n_jobs is None else n_jobs
            if len(chunks) == 1:
                n_jobs = 1  # in this process: a worker process would only add its start-up
            return _collect(joblib.Parallel(n_jobs=n_jobs, return_as="generator")(tasks), bar)
        client, owned = _dask_client(scheduler)
        try:
            with joblib.parallel_config(backend="dask", client=client):
                parallel = joblib.Parallel(n_jobs=-1 if n_jobs is None else n_jobs, return_as="generator")
                return _collect(parallel(tasks), bar)
        finally:
            if owned:
                client.close()
    finally:
        if bar is not None:
            bar.close()


def _collect(results: Iterable[dict], bar) -> list[dict]:
    collected = []
    for chunk in results:
        collected.append(chunk)
        if bar is not None:
            bar.update(len(chunk["val_accuracy"]))
    return collected


def _progress_bar(progress: bool | None, total: int):
    """A tqdm bar over the seeds, or None; by default shown only on a terminal."""
    import sys

    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="seed", desc="seed study", leave=True)


def _assemble(config: dict, results: list[dict]) -> SeedStudy:
    """One study from the results of its chunks, after checking that the same code trained them all."""
    code, versions = _code_digest(), trained_with()
    for chunk in results:
        if chunk["code"] != code or chunk["versions"] != versions:
            raise RuntimeError(
                f"a worker trained with other code: cnnexplain {chunk['versions']['cnnexplain']} "
                f"(source digest {chunk['code'][:12]}), torch {chunk['versions']['torch']}, against "
                f"cnnexplain {versions['cnnexplain']} ({code[:12]}), torch {versions['torch']} here; "
                "install the same cnnexplain and torch on every worker"
            )
    stacked = {
        key: np.concatenate([r[key] for r in results]) for key in ("conv1.weight", "conv1.bias", *METRICS)
    }
    metrics = {name: stacked[name] for name in METRICS}
    final_state = {
        name: np.concatenate([r["final_state"][name] for r in results]) for name in results[0]["final_state"]
    }
    return SeedStudy(config, stacked["conv1.weight"], stacked["conv1.bias"], metrics, versions, final_state)


# -- cache ------------------------------------------------------------------------------------
def _cache_file(cache_dir: Any, key: str) -> Path | None:
    if cache_dir is None or cache_dir is True:
        cache_dir = default_cache_dir()
    elif cache_dir is False:
        return None
    elif not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be a path, None or a bool, got {describe(cache_dir)}")
    return Path(cache_dir) / f"study-{key}.safetensors"


def _cached_study(path: Path, config: dict) -> tuple[SeedStudy | None, str | None]:
    """The study stored at ``path`` if it is a valid entry holding a study of ``config``; else why not
    (``None`` if there is no entry)."""
    study, problem = read_entry(path, SeedStudy.load)
    if study is None:
        return None, problem
    return (study, None) if study.config == config else (None, "it holds the study of other settings")


def _cached_or_trained(path: Path, config: dict, train_study) -> SeedStudy:
    """The study of ``config``: from the cache entry ``path`` if it holds it, else trained and stored.

    As :func:`~cnnexplain.experiment.experiment` does with its runs: a
    folder holding the entry's name is an error before training; a valid
    entry is read without the lock (entries are replaced atomically), so a
    cache this process cannot write still serves what it holds; a damaged or
    edited entry is trained again and replaced, with a warning.
    """
    check_entry_path(path)
    cached, _ = _cached_study(path, config)
    if cached is not None:
        return cached
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(path.with_name(path.name + ".lock"))
        lock.acquire()
    except OSError as exc:  # a folder this process cannot write
        warnings.warn(
            f"cnnexplain: cannot lock the cache entry {path} ({exc.strerror or exc}); "
            "training the study without storing it",
            RuntimeWarning,
            stacklevel=3,
        )
        return train_study()
    try:
        cached, problem = _cached_study(path, config)  # another process may have stored it meanwhile
        if cached is not None:
            return cached
        if problem is not None:
            warnings.warn(
                f"cnnexplain: the cache entry {path} cannot be trusted ({problem}); training it again",
                RuntimeWarning,
                stacklevel=3,
            )
        study = train_study()
        write_entry(path, study._file_bytes())
        return study
    finally:
        lock.release()


def seed_study(
    seeds: Iterable[int] = range(100),
    arms: Sequence[str] = ARMS,
    *,
    epochs: int = 8,
    lr: float = 1e-3,
    sgd_lr: float = 0.1,
    batch_size: int = 32,
    snapshots: bool = True,
    final_models: Sequence[str] | None = None,
    data: dict | None = None,
    split: dict | None = None,
    model: dict | None = None,
    chunk_size: int = CHUNK_SIZE,
    n_jobs: int | None = None,
    scheduler: Any = None,
    cache_dir: str | os.PathLike | bool | None = None,
    progress: bool | None = False,
) -> SeedStudy:
    """Train every seed in every arm, in batched chunks run in parallel, and cache the result.

    See the module's description for the arms, how members are batched, and
    why the result does not depend on the chunks or where they ran.

    Parameters
    ----------
    seeds : iterable of int
        Distinct non-negative seeds; seed ``s`` seeds the member's initial
        weights, its batches and its dropout (and the shuffled arm's labels).
    arms : sequence of str
        Distinct names among :data:`ARMS` (all by default).
    epochs : int
        Epochs of every member. 8 by default, as in the site's seed study: the
        default run's kernels pass the same tests after epoch 8 as after 20.
    lr : float
        Adam's learning rate (every arm but ``"sgd"``).
    sgd_lr : float
        SGD's learning rate (arm ``"sgd"``).
    batch_size : int
        Images per step.
    snapshots : bool
        Keep conv1 after every epoch (the default), or only at the start and the end.
    final_models : sequence of str
        The arms whose members are kept whole after the last epoch (every
        parameter, not only conv1), for questions that need the trained
        network: switching kernels off, the second layer. By default (None)
        only ``"adam"``, if it is an arm: a whole model is 67 times the size of its conv1, so keeping
        every arm would make the default study's file 61 MB instead of 18 MB.
    data, split, model : dict, optional
        Settings of :func:`~cnnexplain.data.make_lines`,
        :meth:`~cnnexplain.data.LineDataset.split` and
        :class:`~cnnexplain.model.LineCNN` (but its seed), as in
        :func:`~cnnexplain.experiment.experiment`.
    chunk_size : int
        Seeds per chunk: each chunk is one ensemble of ``chunk_size x len(arms)``
        members, trained in one process. It does not change the result.
    n_jobs : int, optional
        Chunks run at once (joblib's ``n_jobs``): by default one per core, or
        every worker of the cluster; 1 runs them one after the other in this process.
    scheduler : distributed.Client or str, optional
        Run the chunks on this Dask cluster (a client, or the address of its
        scheduler such as ``"tcp://host:8786"``) instead of in local processes.
        Every worker needs the same cnnexplain and torch as this process.
    cache_dir : str, os.PathLike, bool or None
        Cache folder, as in :func:`~cnnexplain.experiment.experiment`:
        ``None`` (or ``True``) uses :func:`~cnnexplain.experiment.default_cache_dir`,
        ``False`` disables the cache.
    progress : bool or None
        Show a progress bar over the seeds (None: only on a terminal).

    Returns
    -------
    SeedStudy
        The conv1 snapshots and metrics of every member; read from the cache
        when it holds this study.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid (the message names it), or a folder holds
        the name of the study's cache entry (checked before training).
    ImportError
        If ``scheduler`` is given and dask.distributed is not installed.
    OSError
        If the scheduler cannot be reached.

    Warns
    -----
    RuntimeWarning
        When a cache entry is damaged (trained again and replaced), or the
        cache cannot be locked (a read-only folder: trained, not stored).

    Examples
    --------
    >>> study = seed_study(
    ...     [0, 1, 2], ("adam", "sgd"), epochs=1, chunk_size=2,
    ...     data={"n_per_class": 10, "size": 20}, n_jobs=1, cache_dir=False,
    ... )
    >>> study.final_accuracy.shape, study.metrics["val_loss"].shape
    ((3, 2), (3, 2, 2))
    """
    config = study_config(
        seeds, arms, epochs=epochs, lr=lr, sgd_lr=sgd_lr, batch_size=batch_size,
        snapshots=snapshots, final_models=final_models, data=data, split=split, model=model,
    )  # fmt: skip
    chunk_size = check_int("chunk_size", chunk_size, low=1)
    if n_jobs is not None and check_int("n_jobs", n_jobs) == 0:
        raise ValueError(
            "n_jobs must be a positive number of jobs, or negative as in joblib (-1: all cores), got 0"
        )
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {describe(progress)}")
    if scheduler is not None:
        check_scheduler(scheduler)
    path = _cache_file(cache_dir, cache_key(config))

    def train_study() -> SeedStudy:
        chunks = _chunks(config["seeds"], chunk_size)
        return _assemble(config, _run_chunks(config, chunks, n_jobs, scheduler, progress))

    if path is None:
        return train_study()
    return _cached_or_trained(path, config, train_study)
