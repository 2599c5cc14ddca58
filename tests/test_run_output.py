"""What a user sees from ``clearweb run``: a line per phase, the funnel with report.json's numbers and
the next command, no datatrove log blocks unless ``-v``; and a robots crawl that reached almost no
origin stops the run in one line instead of keeping everything."""

import json

from clearweb.pipeline.cli import main

TEXT = ("The town library opens a new reading room for children next spring, with longer opening hours "
        "and a programme of readings by local authors every Saturday morning.")

CONFIG = """run_dir: {run}
executor: {{tasks: 2, workers: 1}}
stages:
  fetch: {{inputs: [{{path: "{inputs}"}}]}}
  robots:
    max_unreachable_fraction: {fraction}
    crawl: {{resolve: {{"*": "127.0.0.1:1"}}, connect_timeout_s: 1, read_timeout_s: 1, total_timeout_s: 2, retries: 0}}
  language: {{threshold: 0.3}}
"""


def write_run(tmp_path, fraction: float):
    inputs = tmp_path / "docs.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"doc-{i}", "text": TEXT, "url": f"http://site{i}.example/news"}) + "\n"
                              for i in range(3)))
    config = tmp_path / f"run-{fraction}.yaml"
    config.write_text(CONFIG.format(run=tmp_path / f"run-{fraction}", inputs=inputs, fraction=fraction))
    return config


def test_a_crawl_that_reached_no_origin_stops_the_run_in_one_line(tmp_path, capsys):
    # every origin resolves to a closed loopback port: connection refused, as on a node without network
    assert main(["run", str(write_run(tmp_path, 0.5))]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: robots: 3 of 3 origins' robots.txt unreachable or refused "
                                               "(100% > max_unreachable_fraction 0.5); top errors: ")
    assert "raise stages.robots.max_unreachable_fraction" in err[0]
    assert not (tmp_path / "run-0.5" / "language").exists()

    # a user who accepts it (robots.txt unreachable: keep, as Apertus did) raises the limit
    assert main(["run", str(write_run(tmp_path, 1.0))]) == 0
    out, err = capsys.readouterr()
    assert "Stats" not in err and "PIPELINE" not in err  # datatrove's blocks are in the task logs only
    assert "PIPELINE" in (tmp_path / "run-1.0" / "fetch" / "logs" / "logs" / "task_00000.log").read_text()
    assert main(["report", str(tmp_path / "run-1.0")]) == 0
    report = json.loads((tmp_path / "run-1.0" / "report.json").read_text())
    assert report["sections"]["robots"]["unreachable_share"] == 1.0
    assert "robots.txt was unreachable or refused: 100.0%" in (tmp_path / "run-1.0" / "report.html").read_text()
    lines = out.splitlines()
    assert lines[:5] == ["fetch: done, 2 tasks in " + lines[0].split(" in ")[1], *lines[1:5]]
    assert [line.split(":")[0] for line in lines[:5]] == ["fetch", "robots_origins", "robots_crawl", "robots",
                                                          "language"]
    table = lines[5:-1]
    assert table[0].split() == ["stage", "docs", "in", "docs", "out", "tokens", "out", "task-seconds", "removed"]
    rows = {line.split()[0]: line.split()[1:3] for line in table[1:]}
    assert rows == {s["name"]: [f"{s['docs_in']:,}", f"{s['docs_out']:,}"]
                    for s in report["stages"] if s["funnel"]}
    assert rows["robots"] == ["3", "3"]
    assert lines[-1] == f"next: clearweb report {tmp_path / 'run-1.0'}"


def test_verbose_shows_datatrove_logs(tmp_path, capsys):
    assert main(["-v", "run", str(write_run(tmp_path, 1.0))]) == 0
    assert "Stats" in capsys.readouterr().err
    (tmp_path / "again").mkdir()
    assert main(["run", str(write_run(tmp_path / "again", 1.0))]) == 0  # the next command is quiet again
    assert "Stats" not in capsys.readouterr().err


def test_every_help_is_written_for_a_terminal():
    import argparse

    from clearweb.pipeline.cli import build_parser

    def walk(parser, path):
        yield path, parser.format_help()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    yield from walk(child, [*path, name])

    helps = dict((" ".join(path), text) for path, text in walk(build_parser(), []))
    # one argument style: a config is positional wherever a command takes one
    assert build_parser().parse_args(["bench", "train", "configs/train/1b.yaml"]).config == "configs/train/1b.yaml"
    assert build_parser().parse_args(["train", "configs/train/1b.yaml"]).config == "configs/train/1b.yaml"
    assert {"run", "demo", "robots fetch", "models fetch", "train", "bench train", "report", "why"} <= set(helps)
    for path, text in helps.items():
        assert "``" not in text and ":class:" not in text, path
