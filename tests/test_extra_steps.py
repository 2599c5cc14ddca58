"""A user's own datatrove steps from the config (``extra_steps``): imported and checked before any
work, run where the config puts them, their removals in removed/, the report and ``why``, their
source in the lineage."""

import json
import sys
import textwrap

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clearweb.pipeline.cli import main
from clearweb.pipeline.core.docmap import read_ids

STEPS = textwrap.dedent('''
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.filters.base_filter import BaseFilter


    class DropWord(BaseFilter):
        name = "drop word"

        def __init__(self, word: str, exclusion_writer=None):
            super().__init__(exclusion_writer)
            self.word = word

        def filter(self, doc):
            return (False, f"mentions_{self.word}") if self.word in doc.text else True


    class Stamp(PipelineStep):
        name = "stamp"

        def __init__(self, value: int = 1):
            super().__init__()
            self.value = value

        def run(self, data, rank=0, world_size=1):
            for doc in data:
                doc.metadata["stamp"] = self.value
                self.stat_update("stamped")
                yield doc


    class NotAStep:
        pass
''')


@pytest.fixture
def steps_module(tmp_path, monkeypatch):
    folder = tmp_path / "usersteps"
    folder.mkdir()
    (folder / "mysteps.py").write_text(STEPS)
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("PYTHONPATH", f"{folder}:{__import__('os').environ.get('PYTHONPATH', '')}")
    yield folder / "mysteps.py"
    sys.modules.pop("mysteps", None)


def write_config(tmp_path, extra: str) -> str:
    docs = tmp_path / "docs.parquet"
    texts = [f"document {i} about apples and pears" for i in range(6)] + ["a lorem document", "more lorem here"]
    pq.write_table(pa.table({"text": texts, "id": [f"d{i}" for i in range(len(texts))],
                             "url": [f"https://x{i}.example/p" for i in range(len(texts))]}), docs)
    config = tmp_path / "run.yaml"
    config.write_text(f"""run_dir: {tmp_path / 'run'}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch:
    inputs: [{{path: "{docs}", format: parquet}}]
    extra_steps: {extra}
""")
    return str(config)


def test_extra_steps_run_where_the_config_puts_them(tmp_path, steps_module, capsys):
    config = write_config(tmp_path, '[{class: mysteps.DropWord, args: {word: lorem}}, '
                                    '{class: mysteps.Stamp, args: {value: 7}, position: before}]')
    assert main(["run", config]) == 0
    run = tmp_path / "run"
    kept = pq.read_table(run / "fetch" / "output" / "00000.parquet").to_pylist()
    assert sorted(r["id"] for r in kept) == [f"d{i}" for i in range(6)] and {r["stamp"] for r in kept} == {7}
    removed = pq.read_table(run / "fetch" / "removed" / "DropWord" / "00000.parquet").to_pylist()
    assert sorted(r["id"] for r in removed) == ["d6", "d7"] and {r["removed_by"] for r in removed} == {"mentions_lorem"}
    assert "mentions_lorem 2" in capsys.readouterr().out  # the funnel's removals

    assert main(["report", str(run)]) == 0
    report = json.loads((run / "report.json").read_text())
    assert report["removals"]["fetch"]["mentions_lorem"]["documents"] == 2
    capsys.readouterr()
    assert main(["why", str(run), "d6"]) == 0
    out = capsys.readouterr().out
    assert "removed by stage fetch: mentions_lorem" in out and "step mysteps.DropWord (stage fetch, from the config)" in out

    lineage = json.loads((run / "fetch" / "lineage.json").read_text())
    assert lineage["settings"]["extra_steps"][0]["step_class"] == "mysteps.DropWord"
    assert "extra_steps[0].class" in lineage["files"]
    steps_module.write_text(STEPS.replace('f"mentions_{self.word}"', 'f"says_{self.word}"'))
    assert main(["run", config]) == 2  # the step's source changed: the stage is stale
    assert "fetch: the content of extra_steps[0].class changed" in capsys.readouterr().err


@pytest.mark.parametrize(("extra", "message"), [
    ("[{class: nosuchmodule.Step}]", "stages.fetch.extra_steps[0]: 'nosuchmodule.Step': cannot import nosuchmodule"),
    ("[{class: mysteps.NotAStep}]", "is not a datatrove PipelineStep class"),
    ("[{class: mysteps.DropWord, args: {wrod: x}}]", "args do not fit DropWord"),
    ("[{class: mysteps.Stamp, position: middle}]", "stages.fetch.extra_steps[0].position"),
])
def test_a_bad_extra_step_stops_the_run_before_any_work(tmp_path, steps_module, capsys, extra, message):
    assert main(["run", write_config(tmp_path, extra)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()


def test_extra_steps_only_in_document_stages(tmp_path, steps_module, capsys):
    config = write_config(tmp_path, "[]")
    with open(config, "a") as out:
        out.write("  tokenizer: {vocab_size: 600}\n  tokenize: {extra_steps: [{class: mysteps.Stamp}]}\n")
    assert main(["run", config]) == 2
    assert "stages.tokenize.extra_steps: stage tokenize writes no documents" in capsys.readouterr().err


@pytest.fixture
def unregister_custom():
    from clearweb.pipeline.registry import STAGES, unregister

    before = {stage.name for stage in STAGES}
    yield
    for stage in [stage for stage in STAGES if stage.name not in before]:
        unregister(stage.name)


def test_a_stage_of_the_users_own_steps(tmp_path, steps_module, unregister_custom, capsys):
    """A ``stages`` entry with ``after`` and ``steps`` is a stage: it reads the stage it follows,
    the stages after it read its output, and it is audited like a built-in one."""
    config = write_config(tmp_path, "[]")
    with open(config, "a") as out:
        out.write("  no_lorem:\n    after: fetch\n    steps: [{class: mysteps.Stamp, args: {value: 3}}, "
                  "{class: mysteps.DropWord, args: {word: lorem}, name: lorem}]\n"
                  "  tokenizer: {vocab_size: 600}\n  tokenize: {}\n")
    assert main(["run", config]) == 0
    run = tmp_path / "run"
    kept = pq.read_table(run / "no_lorem" / "output" / "00000.parquet").to_pylist()
    assert sorted(r["id"] for r in kept) == [f"d{i}" for i in range(6)] and {r["stamp"] for r in kept} == {3}
    assert len(read_ids(run / "tokenize" / "output" / "000_train.ds.ids")) == 6  # tokenize read its output
    capsys.readouterr()
    assert main(["why", str(run), "d7"]) == 0
    assert "removed by stage no_lorem: mentions_lorem" in capsys.readouterr().out
    assert main(["report", str(run)]) == 0
    report = json.loads((run / "report.json").read_text())
    assert [s["name"] for s in report["stages"]][:2] == ["fetch", "no_lorem"]
    assert report["removals"]["no_lorem"]["mentions_lorem"]["documents"] == 2
    assert "steps[1].class" in json.loads((run / "no_lorem" / "lineage.json").read_text())["files"]


def test_a_custom_stage_must_follow_a_document_stage(tmp_path, steps_module, unregister_custom, capsys):
    config = write_config(tmp_path, "[]")
    with open(config, "a") as out:
        out.write("  mine: {after: tokenize, steps: [{class: mysteps.Stamp}]}\n")
    assert main(["run", config]) == 2
    assert "stages.mine.after: 'tokenize' is not a document stage (fetch, robots" in capsys.readouterr().err


@pytest.mark.parametrize(("stages", "message"), [
    ("  dedup: {extra_steps: [{class: mysteps.Stamp, position: before}]}\n",
     "stages.dedup.extra_steps[0].position: before is not possible in stage dedup"),
    ("  mine: {after: fetch, steps: [{class: mysteps.DropWord, args: {word: a}}, "
     "{class: mysteps.DropWord, args: {word: b}}]}\n", "stages.mine: two of its steps are named DropWord"),
])
def test_user_steps_are_checked_against_their_stage(tmp_path, steps_module, unregister_custom, capsys, stages, message):
    config = write_config(tmp_path, "[]")
    with open(config, "a") as out:
        out.write(stages)
    assert main(["run", config]) == 2
    assert message in capsys.readouterr().err


def test_custom_stages_after_the_same_stage_keep_the_configs_order(tmp_path, steps_module, unregister_custom):
    from clearweb.pipeline.custom_stage import register_custom_stages
    from clearweb.pipeline.registry import STAGES

    register_custom_stages({"first": {"after": "quality"}, "second": {"after": "quality"}}, "test")
    names = [stage.name for stage in STAGES]
    assert names[names.index("quality") + 1:names.index("quality") + 3] == ["first", "second"]


def test_pages_without_text_go_around_the_users_steps(steps_module, tmp_path):
    """Robots before extraction: the fetch stage's pages robots removes have no text; a user's step
    that reads every document's text never sees them, and they reach the writer all the same."""
    from datatrove.data import Document

    from clearweb.pipeline.core.extra_steps import ExtraStep, with_extra_steps
    from clearweb.pipeline.core.writer import DocumentWriter

    class Reader:
        name = "reader"

    extra = [ExtraStep.model_validate({"class": "mysteps.DropWord", "args": {"word": "lorem"}})]
    steps = with_extra_steps([Reader(), DocumentWriter(str(tmp_path / "out"))], extra, tmp_path / "removed", "fetch")
    user_part = steps[1:-1]
    documents = [Document(text=None if i % 3 == 0 else ("lorem" if i % 3 == 1 else "kept"), id=str(i),
                          metadata={"extracted": False} if i % 3 == 0 else {}) for i in range(9)]
    user_part[1].exclusion_writer = None  # no removed/ folder in this unit test
    data = iter(documents)
    for step in user_part:
        data = step.run(data)
    out = [document.id for document in data]
    assert sorted(out) == ["0", "2", "3", "5", "6", "8"]  # the "lorem" ones dropped, every text-less one kept
