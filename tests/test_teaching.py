"""The exercise checks (paperlens.teaching): a right answer passes, a wrong one fails, the solution never shows.

The right answers are worked out here from the sample's raw file (``sample.jsonl``:
ids, years, authors, reference lists), not with the functions the checks use,
except for task 6, whose truth is the concept model's ranking.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from importlib.resources import files
from pathlib import Path

import pytest

import paperlens as pl
from paperlens.errors import PaperlensError
from paperlens.teaching import TASKS, Check, Task, check, hint, solution


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    text = (files("paperlens.data") / "sample.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def truth(rows) -> dict:
    """Each task's answer, from the raw records."""
    words = {r["id"]: set(re.findall(r"[a-z0-9]+", f"{r['title']} {r.get('abstract') or ''}".lower())) for r in rows}
    task1 = {r["id"] for r in rows if r.get("year") in (2023, 2024) and "distillation" in words[r["id"]]}
    (task2,) = [r["id"] for r in rows if any("Hinton" in a for a in r["authors"])]
    cited = Counter(ref for r in rows for ref in set(r["references"]))
    (top, top_count), (_, second_count) = cited.most_common(2)
    assert top_count > second_count  # one clear answer
    task4 = {r["id"] for r in rows if "2003.10555" in r["references"]}
    neighbours: dict[str, set[str]] = {r["id"]: set() for r in rows}
    for r in rows:
        for ref in r["references"]:
            neighbours[r["id"]].add(ref)
            neighbours[ref].add(r["id"])
    distance = {"2409.04828": 0}
    queue = deque(["2409.04828"])
    while queue:
        here = queue.popleft()
        for there in neighbours[here]:
            if there not in distance:
                distance[there] = distance[here] + 1
                queue.append(there)
    return {
        "task1": task1,
        "task2": task2,
        "task3": top,
        "task4": task4,
        "task5": distance["2401.02460"],
    }


@pytest.fixture(scope="module")
def sample():
    return pl.load_sample()


def test_the_raw_truths_are_what_the_exercise_expects(truth):
    # Sanity of the independent computation itself (these are facts of the shipped sample).
    assert len(truth["task1"]) == 4
    assert truth["task2"] == "2006.10029"
    assert truth["task3"] == "2103.00020"  # CLIP
    assert truth["task4"] == {"2302.09268", "2112.07869"}
    assert truth["task5"] == 3


# --------------------------------------------------------------------------- right answers pass


def test_task1_right_count_and_right_corpus_pass(truth, sample):
    assert check("task1", len(truth["task1"]))
    assert check("task1", str(len(truth["task1"])))  # typed as text
    assert check("task1", float(len(truth["task1"])))
    assert check("task1", sample.filter(ids=truth["task1"]))  # e.g. explorer.corpus


def test_task1_the_explorer_gets_there(truth, sample):
    """What the exercise asks is doable in the explorer: its filtered corpus is the right answer."""
    explorer = sample.explore(graph=False, communities=False)
    explorer.query = "distillation"
    explorer.flush()
    explorer.years = (2023, 2024)
    assert set(explorer.corpus.ids) == truth["task1"]
    assert check("task1", explorer.corpus)
    assert explorer.count_text.startswith(f"{len(truth['task1'])} of ")


def test_task2_accepts_id_identifier_forms_title_and_paper(truth, sample):
    paper = sample[truth["task2"]]
    for answer in (
        paper.id,
        f"arXiv:{paper.id}",
        f"https://arxiv.org/abs/{paper.id}",
        paper.title,
        paper.title.upper(),
        f"  {paper.id} ",
        paper,
    ):
        assert check("task2", answer), answer


def test_task3_task4_task5_right_answers_pass(truth, sample):
    assert check("task3", truth["task3"])
    assert check("task3", sample[truth["task3"]].title)
    assert check("task4", sorted(truth["task4"]))
    assert check("task4", set(truth["task4"]))
    assert check("task4", [sample[i].title for i in truth["task4"]])
    assert check("task4", sample.filter(ids=truth["task4"]))
    assert check("task5", truth["task5"])


def test_task6_right_answer_passes_and_runner_up_fails(sample):
    ranked = sample.similar("2203.05482", n=3)["id"].tolist()
    assert "2203.05482" not in ranked
    assert check("task6", ranked[0])
    assert not check("task6", ranked[1])


# --------------------------------------------------------------------------- wrong answers fail


def test_wrong_answers_fail(truth, sample):
    n = len(truth["task1"])
    assert not check("task1", n + 1)
    assert not check("task1", n - 1)
    assert not check("task1", sample)  # the whole corpus is not the filtered one
    assert not check("task1", True)  # a bool is not a count
    assert not check("task2", "2103.00020")
    assert not check("task3", truth["task2"])
    assert not check("task4", sorted(truth["task4"])[:1])  # one missing
    assert not check("task4", [*truth["task4"], "2103.00020"])  # one too many
    assert not check("task4", ["2103.00020", "2006.10029"])
    assert not check("task5", truth["task5"] + 1)
    assert not check("task5", 2.5)


@pytest.mark.parametrize(
    ("task", "answer", "says"),
    [
        ("task1", "four", "whole number"),
        ("task2", ["2006.10029"], "one paper"),
        ("task2", "no such paper at all", "no paper"),
        ("task4", "2302.09268", "a list of papers"),
        ("task5", "3 steps", "whole number"),
    ],
)
def test_answers_of_the_wrong_form_fail_with_a_reason(task, answer, says):
    result = check(task, answer)
    assert not result
    assert says in result.message.lower()
    assert "Hint:" in result.message


def test_partial_sets_are_told_apart(truth):
    missing = check("task4", sorted(truth["task4"])[:1]).message
    extra = check("task4", [*truth["task4"], "2103.00020"]).message
    assert "missing" in missing
    assert "do not belong" in extra


@pytest.mark.parametrize("answer", [None, "", "   "])
def test_no_answer_yet(answer):
    result = check("task3", answer)
    assert not result
    assert "no answer yet" in result.message


# --------------------------------------------------------------------------- the solution never shows


def test_replies_never_contain_the_solution(truth, sample):
    secrets = {
        "task1": [str(len(truth["task1"]))],
        "task2": [truth["task2"], sample[truth["task2"]].title],
        "task3": [truth["task3"], sample[truth["task3"]].title],
        "task4": sorted(truth["task4"]),
        "task5": [str(truth["task5"])],
    }
    wrong = {"task1": 99, "task2": "2103.00020", "task3": "2203.05482", "task4": ["2203.05482"], "task5": 7}
    for task, answer in wrong.items():
        reply = check(task, answer)
        text = reply.message + reply._repr_html_() + repr(reply)
        for secret in secrets[task]:
            assert not re.search(rf"(?<![\w.]){re.escape(secret)}(?![\w.])", text), (task, secret)


def test_check_shows_itself_escaped_in_a_notebook():
    reply = check("task2", "<img src=x onerror=alert(1)>")
    assert "<img" not in reply._repr_html_()
    assert isinstance(reply, Check) and reply.task == "task2"


def test_unknown_task_is_an_error_naming_the_tasks():
    with pytest.raises(PaperlensError, match="task1, task2"):
        check("task0", 1)
    with pytest.raises(PaperlensError):
        hint("nope")


def test_every_task_has_a_question_a_hint_and_a_teachers_solution(truth):
    assert list(TASKS) == [f"task{i}" for i in range(1, 7)]
    for name, task in TASKS.items():
        assert task.question.endswith("?") or "?" in task.question
        assert hint(name) == task.hint and len(task.hint) > 20
        assert task.kind in ("count", "number", "paper", "papers")
    assert solution("task1") == len(truth["task1"])
    assert solution("task4") == truth["task4"]


def test_check_takes_another_corpus(sample):
    """A teacher can check against a corpus of their own: the truth follows the corpus."""
    smaller = sample.filter(where=lambda p: p.id != "2302.09268")
    assert check("task4", ["2112.07869"], corpus=smaller)
    assert not check("task4", ["2112.07869"])


# --------------------------------------------------------------------------- issue 11: for teachers only


def test_the_exercise_does_not_tell_students_about_the_answer_key():
    import nbformat

    notebook = nbformat.read(Path(__file__).parent.parent / "examples" / "05_teaching_exercise.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "solution(" not in text and "teaching.solution" not in text and "import solution" not in text
    assert "docs/teaching.md" in text  # where the teacher finds it
    import paperlens.teaching as teaching

    assert "solution" not in teaching.__all__ and callable(teaching.solution)  # kept, not exported


def test_the_teachers_guide_documents_the_answer_key_and_own_tasks():
    guide = (Path(__file__).parent.parent / "docs" / "teaching.md").read_text(encoding="utf-8")
    assert "solution(" in guide and "Task(" in guide and "corpus=" in guide


def test_a_teacher_task_about_their_own_corpus(tmp_path):
    own = pl.load_sample().filter(year=(2023, None))
    path = tmp_path / "ours.jsonl"
    own.to_jsonl(path)
    truth = {p.id for p in own if "cs.CL" in p.categories}  # computed here, not by the task
    TASKS["nlp"] = Task(
        "nlp",
        "Which papers of our library are about language (cs.CL)?",
        "Pick the cs.CL category in the explorer.",
        "papers",
        lambda corpus: set(corpus.filter(categories="cs.CL").ids),
        corpus=lambda: pl.read(path, warn=False),
    )
    try:
        assert truth and solution("nlp") == truth
        assert check("nlp", sorted(truth)) and not check("nlp", sorted(truth)[:-1])
        reply = check("nlp", ["2203.05482"])  # not in the teacher's corpus (2022)
        assert not reply and "2203.05482" in reply.message
    finally:
        del TASKS["nlp"]
