"""``smsclf.dask`` on a real cluster of worker processes: the verdicts of ``smsclf.classify``,
in order, the model loaded once per worker, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402

import smsclf  # noqa: E402
import smsclf.dask as sd  # noqa: E402
from smsclf.classifier import Classifier, default_classifier  # noqa: E402

TEST_SPLIT = Path(__file__).resolve().parent.parent / "datasets" / "test.jsonl"


def _rows() -> list[dict]:
    with open(TEST_SPLIT, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    if not TEST_SPLIT.is_file():
        pytest.skip("no test split (datasets/test.jsonl)")
    return [r["text"] for r in _rows()]


@pytest.fixture(scope="module")
def expected(texts) -> list[dict]:
    """``smsclf.classify`` on each message, as the columns of ``classify_frame``."""
    out = []
    for t in texts:
        r = smsclf.classify(t)
        out.append({"label": r.label, "authenticity": r.authenticity,
                    **{f"p_{k}": r.probabilities[k] for k in ("genuine", "fake", "unrelated")},
                    "evidence": [f"{e.kind}:{e.text}" for e in r.evidence]})
    return out


@pytest.fixture(scope="module")
def frame(texts) -> pd.DataFrame:
    """The test split with a descending, gapped index (never the default RangeIndex) and
    its label renamed, since ``label`` is a result column."""
    df = pd.DataFrame(_rows()).rename(columns={"label": "truth"})
    df.index = pd.Index(range(3 * len(df), 0, -3), name="row")
    return df


def _records(df: pd.DataFrame) -> list[dict]:
    return [{c: row[c] for c in sd.RESULT_COLUMNS} for _, row in df.iterrows()]


# -- without a cluster: first, before the module's Client exists ------------------------


def test_default_threaded_and_synchronous_schedulers(texts, expected, frame):
    bag = db.from_sequence(texts[:300], npartitions=3)
    assert sd.classify_bag(bag).compute(scheduler="sync") == expected[:300]
    assert sd.classify_bag(bag).compute(scheduler="threads") == expected[:300]
    small = frame.iloc[:300]
    out = sd.classify_dataframe(dd.from_pandas(small, npartitions=3, sort=False)).compute()
    assert out.index.equals(small.index) and _records(out) == expected[:300]
    # the tasks ran here, with the caller's own model: no second copy was loaded
    assert sd._model_loads() == {}


# -- on a LocalCluster of two worker processes ------------------------------------------


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        # not the default scheduler: every test says where its graph runs
        with distributed.Client(cluster, set_as_default=False) as c:
            c.wait_for_workers(2, timeout=60)
            yield c
    finally:
        cluster.close()


def test_bag_gives_the_verdicts_of_classify_in_order(client, texts, expected):
    bag = db.from_sequence(texts, npartitions=9)
    out = sd.classify_bag(bag).compute(scheduler=client)
    assert out == expected  # exactly: same code, same floats, in input order
    assert sd.classify_bag(bag, evidence=False).compute(scheduler=client) == [
        {k: v for k, v in e.items() if k != "evidence"} for e in expected]
    # a bag of results is a frame with classify_dataframe's added columns
    df = sd.classify_bag(bag).to_dataframe().compute(scheduler=client)
    assert list(df.columns) == list(sd.RESULT_COLUMNS)


def test_dataframe_keeps_index_order_and_columns(client, frame, expected):
    ddf = dd.from_pandas(frame, npartitions=7, sort=False)
    result = sd.classify_dataframe(ddf)
    assert list(result.columns) == [*ddf.columns, *sd.RESULT_COLUMNS]
    assert result.npartitions == ddf.npartitions
    out = result.compute(scheduler=client)
    assert out.index.equals(frame.index) and list(out["id"]) == list(frame["id"])
    assert _records(out) == expected
    pd.testing.assert_frame_equal(out[list(ddf.columns)], ddf.compute(scheduler=client))
    # the same columns and dtypes as classify_frame on the whole pandas frame
    whole = smsclf.classify_frame(frame)
    pd.testing.assert_frame_equal(out[list(sd.RESULT_COLUMNS)],
                                  whole[list(sd.RESULT_COLUMNS)])
    assert (result.dtypes == out.dtypes).all()  # meta told the truth
    # known divisions stay known and the same
    ordered = dd.from_pandas(frame.sort_index(), npartitions=4)
    assert sd.classify_dataframe(ordered, "text").divisions == ordered.divisions
    # a Series of messages
    series = sd.classify_dataframe(ddf["text"], evidence=False).compute(scheduler=client)
    assert list(series.columns) == ["text", *sd.RESULT_COLUMNS[:-1]]
    assert list(series["label"]) == [e["label"] for e in expected]


def test_the_model_is_loaded_once_per_worker_process(client, texts, frame):
    workers = sorted(client.scheduler_info()["workers"])
    assert len(workers) == 2
    small = db.from_sequence(texts[:20], npartitions=2)
    for w in workers:  # every worker gets work, whatever the scheduler would have chosen
        client.compute(sd.classify_bag(small), workers=[w]).result()
    for _ in range(2):
        sd.classify_bag(db.from_sequence(texts, npartitions=16)).compute(scheduler=client)
        sd.classify_dataframe(dd.from_pandas(frame, npartitions=16, sort=False)).compute(
            scheduler=client)
    key = (str(smsclf.classifier.default_model_path()), default_classifier().fingerprint)
    loads = client.run(sd._model_loads)
    assert {w: dict(n) for w, n in loads.items()} == {w: {key: 1} for w in workers}


def test_a_classifier_is_sent_as_its_folder_and_fingerprint(client, texts, expected):
    clf = Classifier.load(smsclf.classifier.default_model_path())
    bag = db.from_sequence(texts[:50], npartitions=2)
    assert sd.classify_bag(bag, model=clf).compute(scheduler=client) == expected[:50]
    assert sd.classify_bag(bag, model=str(clf.path)).compute(scheduler=client) == expected[:50]
    assert sd._model_ref(clf)[:2] == (None, clf.fingerprint)  # the shipped model: None
    unsaved = Classifier(clf.linear, clf.manifest)  # no folder: workers cannot load it
    with pytest.raises(ValueError, match="not loaded from a folder"):
        sd.classify_bag(bag, model=unsaved)
    with pytest.raises(TypeError, match="model must be"):
        sd.classify_bag(bag, model=42)


def test_a_folder_that_changed_is_refused_by_the_workers(client, texts, tmp_path):
    import shutil

    from smsclf.model import ModelError

    folder = tmp_path / "m"
    shutil.copytree(smsclf.classifier.default_model_path(), folder)
    clf = Classifier.load(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["note"] = "retrained"  # another manifest: another fingerprint
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    bag = db.from_sequence(texts[:4], npartitions=1)
    with pytest.raises(ModelError, match="changed since it was loaded"):
        sd.classify_bag(bag, model=clf).compute(scheduler=client)


def test_errors(client, frame):
    ddf = dd.from_pandas(frame.iloc[:40], npartitions=2, sort=False)
    with pytest.raises(KeyError, match="no column 'message'"):
        sd.classify_dataframe(ddf, "message")
    with pytest.raises(ValueError, match="already has column"):
        sd.classify_dataframe(ddf.rename(columns={"truth": "label"}))
    with pytest.raises(TypeError, match="holds int64, not text"):
        sd.classify_dataframe(ddf.assign(n=1), "n")
    with pytest.raises(TypeError, match="from_pandas"):
        sd.classify_dataframe(frame)
    with pytest.raises(TypeError, match="dask.bag.Bag"):
        sd.classify_bag(["a message"])
    # a value that is not a str fails when computed, on the worker, with its type
    holed = frame.iloc[:40].astype({"text": object})
    holed.iloc[25, holed.columns.get_loc("text")] = None
    with pytest.raises(TypeError, match=r"row 2721 \(position 5\) is \w+ .*not a str"):
        sd.classify_dataframe(dd.from_pandas(holed, npartitions=2, sort=False)).compute(
            scheduler=client)
    with pytest.raises(TypeError, match="text must be str, not int"):
        sd.classify_bag(db.from_sequence(["法院", 7], npartitions=1)).compute(
            scheduler=client)
