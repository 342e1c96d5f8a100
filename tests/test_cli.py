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
