"""The `paperlens` command, run as a user runs it: a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import paperlens as pl

SCRIPT = Path(sys.executable).parent / "paperlens"


def run(*args, cwd=None):
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "paperlens.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def sample_jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "sample.jsonl"
    pl.load_sample().to_jsonl(path)
    return path


def test_console_script_is_installed():
    assert SCRIPT.exists(), "pip install -e . should install the paperlens command"


def test_info_prints_counts_and_report(sample_jsonl):
    result = run("info", str(sample_jsonl))
    assert result.returncode == 0, result.stderr
    assert "<Corpus: 69 papers, 2019–2025>" in result.stdout
    assert "69 records, 69 loaded, 0 merged, 0 skipped" in result.stdout
    citing = sum(bool(p.references) for p in pl.load_sample())  # 12 papers cite another (seed_citations.tsv)
    assert f"with references: {citing} of 69" in result.stdout


def test_info_merges_two_files_and_says_so(sample_jsonl, tmp_path):
    second = tmp_path / "again.jsonl"
    pl.load_sample()[:5].to_jsonl(second)
    result = run("info", str(sample_jsonl), str(second))
    assert result.returncode == 0, result.stderr
    assert "<Corpus: 69 papers" in result.stdout
    assert "5 records, 0 loaded, 5 merged" in result.stdout


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet", ".csv"])
def test_export_round_trips(sample_jsonl, tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    result = run("export", str(sample_jsonl), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote 69 papers" in result.stdout
    back = pl.read(out)
    assert back.ids == pl.load_sample().ids
    assert [p.title for p in back] == [p.title for p in pl.load_sample()]


def test_bad_inputs_give_a_message_and_nonzero_exit(tmp_path):
    missing = run("info", str(tmp_path / "nope.bib"))
    assert missing.returncode == 1 and "nope.bib" in missing.stderr and "Traceback" not in missing.stderr
    folder = run("info", str(tmp_path))
    assert folder.returncode == 1 and "directory" in folder.stderr and "Traceback" not in folder.stderr
    bad_ext = run("export", "--sample", "-o", str(tmp_path / "out.docx"))
    assert bad_ext.returncode == 1 and ".docx" in bad_ext.stderr
    nothing = run("info")
    assert nothing.returncode == 1 and "at least one file" in nothing.stderr
    usage = run("frobnicate")
    assert usage.returncode == 2
    no_dir = run("export", "--sample", "-o", str(tmp_path / "no" / "such" / "dir" / "x.jsonl"))
    assert no_dir.returncode == 1 and "Traceback" not in no_dir.stderr


def test_garbage_file_is_named_in_the_error(tmp_path):
    garbage = tmp_path / "garbage.xyz"
    garbage.write_bytes(os.urandom(64))
    result = run("info", str(garbage))
    assert result.returncode == 1
    assert "garbage.xyz" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- issue 11, item 6

UNTERMINATED = "@article{a, title = {An entry that never ends,\n  year = 2020\n"


@pytest.mark.parametrize("command", [["info"], ["graph", "-o", "g.html"], ["export", "-o", "out.csv"]])
def test_not_one_paper_loaded_is_an_error_with_the_reason(tmp_path, command):
    bib = tmp_path / "broken.bib"
    bib.write_text(UNTERMINATED, encoding="utf-8")
    result = run(command[0], str(bib), *command[1:], cwd=tmp_path)
    assert result.returncode == 1, result.stdout
    (line,) = result.stderr.splitlines()  # one line, no traceback
    assert line.startswith("paperlens: error: ")
    assert "broken.bib: not one paper loaded: 1 record, 1 skipped (line 1: " in line  # where the bad entry starts
    assert not any(tmp_path.glob("out.csv")) and not any(tmp_path.glob("g.html"))  # nothing written


def test_an_empty_file_is_an_error_too(tmp_path):
    empty = tmp_path / "empty.ris"
    empty.write_text("", encoding="utf-8")
    result = run("info", str(empty))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("empty.ris: not one paper loaded: no records found")


def test_graph_prints_a_warning_as_one_line(tmp_path):
    library = Path(__file__).parent.parent / "examples" / "data" / "my_library.bib"  # no reference lists
    result = run("graph", str(library), "--kind", "citation", "-o", str(tmp_path / "g.html"))
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines == [
        "paperlens: note: No citation links: none of the 12 papers lists references. Load a source that has "
        "them (OpenAlex or Semantic Scholar records, or corpus.enrich())."
    ]
    assert (tmp_path / "g.html").exists()


def test_lab_without_jupyterlab_says_so_before_copying(tmp_path, monkeypatch, capsys):
    from paperlens import cli

    monkeypatch.setattr(cli, "jupyterlab_command", lambda: None)
    assert cli.main(["lab", "--dir", str(tmp_path / "mine")]) == 1
    assert "JupyterLab is not installed" in capsys.readouterr().err
    assert not (tmp_path / "mine").exists()  # nothing copied


def test_reading_a_missing_path_is_also_a_file_not_found_error(tmp_path):
    missing = tmp_path / "nope.bib"
    for call in (
        lambda: pl.read(missing),
        lambda: pl.read_bibtex(missing),
        lambda: pl.read_parquet(tmp_path / "x.parquet"),
    ):
        with pytest.raises(FileNotFoundError) as caught:
            call()
        assert isinstance(caught.value, pl.ParseError) and isinstance(caught.value, pl.PaperlensError)
        assert str(caught.value).endswith(": no such file") and caught.value.filename.startswith(str(tmp_path))
