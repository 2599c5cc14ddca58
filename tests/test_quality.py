"""The quality stage: FineWeb-2's three quality filters with FineWeb-2's thresholds per label.

For each filter, one measure is driven across its threshold for three labels whose FineWeb-2 values
differ: the document just over is removed with ``removed_by`` naming filter, value, threshold and
label, the one just inside is kept (by all three filters). The measures are computed here on their
own, with datatrove's word tokenizer for the label. Labels without FineWeb-2 values use the
documented fallback, and the report and ``clearweb why`` say so."""

import json
import random
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatrove.utils.word_tokenizers import load_word_tokenizer

from clearweb.filters.langid.fineweb2 import fineweb2_configs
from clearweb.filters.quality.thresholds import lookup
from clearweb.filters.word_tokenizers import choose
from clearweb.pipeline.cli import main

LABELS = ("deu_Latn", "rus_Cyrl", "ita_Latn")  # dup_line_frac 0.263/0.322/0.246, new_line_ratio
# 0.152/0.139/0.2, max_non_alpha_words_ratio 0.774/0.713/0.807
LETTERS = {"Latn": "abcdefghijklmnoprstuvz", "Cyrl": "абвгдежзиклмнопрстуфя"}


def vocabulary(label: str, size: int = 3000) -> list[str]:
    rng = random.Random(label)
    letters = LETTERS[label.split("_")[1]]
    return ["".join(rng.choices(letters, k=rng.randint(4, 8))) for _ in range(size)]


class Writer:
    """Lines of distinct random words of a label, the first holding two of its stopwords."""

    def __init__(self, label: str, stopwords: list[str]):
        self.words = iter(vocabulary(label))
        self.stopwords = stopwords

    def line(self, n: int = 10, end: str = ".", extra: list[str] = ()) -> str:
        return " ".join([next(self.words) for _ in range(n)] + list(extra)) + end

    def lines(self, count: int) -> list[str]:
        lines = [self.line() for _ in range(count)]
        lines[0] = " ".join(self.stopwords[:2]) + " " + lines[0]
        return lines


def duplicated_lines(label: str, repeats: int) -> str:
    """Unique lines, each of the first ``repeats`` followed by the same short line."""
    lines = Writer(label, fineweb2_configs()[label]["stopwords"]).lines(120)
    repeated = "Фото." if label.endswith("Cyrl") else "Foto."
    return "\n".join(line + (f"\n{repeated}" if i < repeats else "") for i, line in enumerate(lines))


def short_lines(label: str, count: int) -> str:
    """Long punctuated lines, then ``count`` lines of two words."""
    writer = Writer(label, fineweb2_configs()[label]["stopwords"])
    return "\n".join(writer.lines(100) + [writer.line(2, end="") for _ in range(count)])


def numbers(label: str, count: int) -> str:
    """Lines with ``count`` numbers spread over them (words without a letter)."""
    writer = Writer(label, fineweb2_configs()[label]["stopwords"])
    lines = writer.lines(60)
    extra = [[] for _ in lines]
    for i in range(count):
        extra[i % len(lines)].append(str(1000 + i))
    return "\n".join(line[:-1] + "".join(f" {n}" for n in more) + "." for line, more in zip(lines, extra, strict=True))


def dup_line_frac(label: str, text: str) -> float:
    lines = re.split("\n+", text)
    return (len(lines) - len(set(lines))) / len(lines)


def new_line_ratio(label: str, text: str) -> float:
    return text.count("\n") / len(load_word_tokenizer(label).word_tokenize(text))


def alpha_words_ratio(label: str, text: str) -> float:
    words = load_word_tokenizer(label).word_tokenize(text)
    return sum(any(c.isalpha() for c in w) for w in words) / len(words)


#: filter, measure in removed_by, FineWeb-2 key, text family, measure, whether the measure removes above
CASES = [("gopher_rep", "dup_line_frac", "dup_line_frac", duplicated_lines, dup_line_frac, True),
         ("fineweb_qual", "new_line_ratio", "new_line_ratio", short_lines, new_line_ratio, True),
         ("gopher_qual", "alpha_words_ratio", "max_non_alpha_words_ratio", numbers, alpha_words_ratio, False)]


def straddle(label, family, measure, threshold, above):
    """The texts of ``family`` just inside and just over ``threshold`` (the measure grows with the
    parameter when ``above``, shrinks otherwise), and their values: a binary search."""
    low, high = 0, 400
    crossed = (lambda v: v > threshold) if above else (lambda v: v < threshold)
    assert not crossed(measure(label, family(label, low))) and crossed(measure(label, family(label, high)))
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if crossed(measure(label, family(label, middle))) else (middle, high)
    inside, over = family(label, low), family(label, high)
    return (inside, measure(label, inside)), (over, measure(label, over))


def row(doc_id: str, label: str, text: str) -> dict:
    language, script = label.split("_")
    return {"id": doc_id, "text": text, "url": f"https://{doc_id}.example/", "language": language,
            "language_script": script, "language_score": 0.99, "top_langs": json.dumps({f"{label}_score": 0.99})}


def english(writer: Writer) -> str:
    return "\n".join(writer.lines(40) + ["| |", "Ã©tÃ© cafÃ© ends here."])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("quality")
    rows, expected = [], {}
    for name, shown, key, family, measure, above in CASES:
        for label in LABELS:
            threshold = fineweb2_configs()[label][key]
            (inside, inside_value), (over, over_value) = straddle(label, family, measure, threshold, above)
            rows += [row(f"{name}-{label}-in", label, inside), row(f"{name}-{label}-over", label, over)]
            expected[f"{name}-{label}-over"] = (name, shown, over_value, "> " if above else "< ", threshold, label)
    # hbs_Latn has no FineWeb-2 values: deu_Latn's apply, as the largest Latin-script language
    (inside, _), (over, over_value) = straddle("deu_Latn", duplicated_lines, dup_line_frac, 0.263, True)
    rows += [row("fallback-in", "hbs_Latn", inside), row("fallback-over", "hbs_Latn", over)]
    rows.append(row("english", "eng_Latn", english(Writer("eng_Latn", ["the", "and"]))))
    pq.write_table(pa.Table.from_pylist(rows), tmp / "in.parquet")
    config = tmp / "c.yaml"
    config.write_text(f"""run_dir: {tmp / 'run'}
executor: {{tasks: 1, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{tmp / 'in.parquet'}"}}]}}
  language: {{reuse_labels: true, threshold: 0.5}}
  quality: {{ftfy: true, symbol_line_cleanup: true}}
""")
    assert main(["run", str(config)]) == 0
    assert main(["report", str(tmp / "run")]) == 0
    quality = tmp / "run" / "quality"
    removed = {r["id"]: r for p in (quality / "removed").rglob("*.parquet") for r in pq.read_table(p).to_pylist()}
    kept = {r["id"]: (p.parent.name, r) for p in (quality / "output").rglob("*.parquet")
            for r in pq.read_table(p).to_pylist()}
    report = json.loads((tmp / "run" / "report.json").read_text())["sections"]["quality"]
    return tmp / "run", removed, kept, report, expected, over_value


@pytest.mark.parametrize("name", [case[0] for case in CASES])
def test_each_filter_holds_each_label_to_its_fineweb2_threshold(run, name):
    _, removed, kept, _, expected, _ = run
    for label in LABELS:
        assert f"{name}-{label}-in" in kept and kept[f"{name}-{label}-in"][0] == label  # partitioned by label
        got = removed[f"{name}-{label}-over"]["removed_by"]
        _, shown, value, op, threshold, _ = expected[f"{name}-{label}-over"]
        match = re.fullmatch(rf"quality: {name} {shown} ([0-9.]+) {op}{threshold:g} \({label}\)", got)
        assert match, got
        assert float(match.group(1)) == pytest.approx(value, abs=1e-3)


def test_labels_without_fineweb2_values_use_the_fallback_and_the_report_says_so(run):
    _, removed, kept, report, _, over_value = run
    assert "fallback-in" in kept and "english" in kept
    assert removed["fallback-over"]["removed_by"] == (
        f"quality: gopher_rep dup_line_frac {over_value:.3g} > 0.263 (hbs_Latn, fallback:Latn=deu_Latn)")
    assert "deu_Latn, FineWeb-2's largest Latn language" in report["fallback"]["hbs_Latn"]
    assert "FineWeb's English values" in report["fallback"]["eng_Latn"]
    assert "deu_Latn" not in report["fallback"]
    rows = {r["label"]: r for r in report["languages"]}
    assert rows["deu_Latn"]["values"]["dup_line_frac"] == 0.263 and rows["deu_Latn"]["source"] == "fineweb2"
    assert rows["hbs_Latn"]["values"]["stopwords"] == 0  # the fallback's stopword check is off
    assert rows["rus_Cyrl"]["per_filter"] == {"gopher_rep": 1, "fineweb_qual": 1, "gopher_qual": 1}
    assert report["removed_per_filter"]["gopher_rep"]["reasons"] == {"dup_line_frac": 4}
    assert report["removed_per_filter"]["gopher_qual"]["reasons"] == {"gopher_below_alpha_threshold": 3}
    # examples of removed documents group by filter and measure, not by each document's values
    examples = json.loads((run[0] / "report.json").read_text())["examples"]
    assert len(examples["quality: gopher_rep dup_line_frac"]) == 3
    assert not [key for key in examples if "0." in key]
    assert all(e["removed_by"].startswith("quality: gopher_rep dup_line_frac ")
               for e in examples["quality: gopher_rep dup_line_frac"])
    page = (run[0] / "report.html").read_text()
    assert "<h2>Quality filters</h2>" in page and "<td>gopher_rep: dup_line_frac</td><td class=\"n\">4</td>" in page
    assert "<li><b>hbs_Latn</b>: fallback: the values of deu_Latn" in page
    assert "removed_by: quality: gopher_rep dup_line_frac" in page  # each example shows its evidence


def test_finishing_steps(run):
    _, _, kept, _, _, _ = run
    text = kept["english"][1]["text"]
    assert "été café ends here." in text and "| |" not in text  # FTFY, then the '|' line became a break


def test_why_names_filter_value_threshold_and_source(run, capsys):
    run_dir = run[0]
    capsys.readouterr()
    assert main(["why", str(run_dir), "gopher_rep-rus_Cyrl-over"]) == 0
    out = capsys.readouterr().out
    assert "removed by stage quality: quality: gopher_rep dup_line_frac" in out and "> 0.322 (rus_Cyrl)" in out
    assert "GopherRepetitionFilter" in out and "dup_line_frac 0.322" in out and "FineWeb-2's own" in out
    assert main(["why", str(run_dir), "fallback-over"]) == 0
    assert "values for hbs_Latn: fallback: the values of deu_Latn" in capsys.readouterr().out


def test_fallback_rules():
    assert lookup("cmn_Hans").source == "fineweb2:cmn_Hani"  # lid.176's Chinese label, GlotLID's values
    assert lookup("eng_Latn").values["stopwords"][:2] == ["the", "be"]
    assert lookup("pes_Arab").source == "fallback:Arab=arb_Arab" and lookup("pes_Arab").values["stopwords"] == []
    assert lookup("abc_Zzzz").source == lookup(None).source == "fallback:default"
    # a script written without spaces whose tokenizer is missing: kept unfiltered, not split wrongly
    assert choose("zzz_Thai", "Thai").tokenizer is None
    assert "fallback" in choose("zzz_Latn", "Latn").description


def test_overrides_disabled_filters_and_fallback_keep():
    from datatrove.data import Document
    from pydantic import ValidationError

    from clearweb.filters.quality.settings import QualitySettings
    from clearweb.filters.quality.step import QualityFilter

    (_, _), (over, _) = straddle("deu_Latn", duplicated_lines, dup_line_frac, 0.263, True)

    def verdict(settings: QualitySettings, label: str) -> tuple[bool, str | None]:
        step = QualityFilter(settings.filter_arguments(), {k: o.values() for k, o in settings.overrides.items()},
                             fallback=settings.fallback == "script")
        doc = Document(text=over, id="d", metadata=row("d", label, over))
        return step.filter(doc), doc.metadata.get("filter_reason")

    assert verdict(QualitySettings(), "deu_Latn")[0] is False
    raised = QualitySettings(overrides={"deu_Latn": {"dup_line_frac": 0.5}})
    assert verdict(raised, "deu_Latn") == (True, None)
    assert verdict(QualitySettings(gopher_repetition=None), "deu_Latn") == (True, None)
    assert verdict(QualitySettings(fallback="keep"), "hbs_Latn") == (True, None)
    with pytest.raises(ValidationError, match="not an xxx_Scrp label"):
        QualitySettings(overrides={"german": {"dup_line_frac": 0.5}})


def test_a_document_no_filter_can_read_is_kept_counted_and_named():
    """Quality is not a compliance check: a text whose script has no word tokenizer here (Thai without
    pythainlp) is kept, but every such document is counted and its label is named as unfiltered."""
    from datatrove.data import Document

    from clearweb.filters.quality.settings import QualitySettings
    from clearweb.filters.quality.step import UNFILTERED, QualityFilter

    step = QualityFilter(QualitySettings().filter_arguments())
    text = "ภาษาไทยเขียนติดกันโดยไม่มีช่องว่างระหว่างคำ " * 20
    for index in range(3):
        assert step.filter(Document(text=text, id=f"t{index}", metadata=row(f"t{index}", "zzz_Thai", text)))
    assert step.stats[UNFILTERED].total == 3
    record = step.for_label("zzz_Thai").record()
    assert record["docs"] == 3 and record["filtered"] is False and "none" in record["tokenizer"]
