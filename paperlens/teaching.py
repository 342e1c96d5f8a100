"""Check functions for the classroom exercise (``examples/05_teaching_exercise.ipynb``).

A student explores the sample corpus, writes an answer into a cell and calls
``check("task1", answer)``. The right answer is computed from the corpus at check
time (nothing is stored in the notebook), and the reply only says whether the
answer is right, with a hint when it is not: it never prints the solution.

Answers can be given in the forms a student has at hand:

- a count: a number, or the filtered corpus itself (``explorer.corpus``);
- a paper: its id, DOI or arXiv id (any form), its exact title, or a :class:`~paperlens.Paper`;
- several papers: a list (or set) of those, or a corpus.

Examples
--------
>>> from paperlens.teaching import check, hint
>>> check("task1", None)
task1: no answer yet. Replace None with your answer and run the cell again.
>>> result = check("task2", "2103.00020")  # a wrong paper (try it yourself for the right one)
>>> bool(result)
False
>>> hint("task2")[:25]
'Type a part of the name i'
>>> check("task9", 1)
Traceback (most recent call last):
...
paperlens.errors.InvalidArgumentError: unknown task 'task9'; the tasks are: task1, task2, task3, task4, task5, task6
"""

from __future__ import annotations

import html
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .corpus import Corpus
from .errors import InvalidArgumentError, PaperlensError, PaperNotFoundError
from .record import Paper
from .sample import load_sample

# What a student's notebook uses. Teachers: solution() gives the answer key, and a Task of your own
# can ask about your own corpus; docs/teaching.md says how.
__all__ = ["TASKS", "Check", "Task", "check", "hint"]


@dataclass(frozen=True)
class Task:
    """One exercise task: the question, a hint, what kind of answer it takes, and how to find the truth.

    ``kind`` is ``"count"`` (a whole number, or a corpus whose papers are counted as a set),
    ``"number"`` (a whole number), ``"paper"`` or ``"papers"``. ``truth`` computes the
    right answer from the corpus: a set of paper ids (``"count"``, ``"papers"``), an int
    (``"number"``) or a paper id (``"paper"``). The corpus is the bundled sample named by
    ``sample``, or what ``corpus`` returns (a teacher's own library, say).

    Examples
    --------
    A task about a corpus of your own (docs/teaching.md has the whole recipe):

    >>> import paperlens as pl
    >>> from paperlens.teaching import TASKS, Task, check
    >>> TASKS["lora"] = Task(
    ...     "lora", "How many papers mention low-rank adaptation?", "Search for it in the explorer.",
    ...     "count", lambda corpus: set(corpus.search("low-rank adaptation").ids),
    ...     corpus=lambda: pl.load_sample()[:40])
    >>> bool(check("lora", 0)), bool(check("lora", len(pl.load_sample()[:40].search("low-rank adaptation"))))
    (False, True)
    >>> del TASKS["lora"]
    """

    name: str
    question: str
    hint: str
    kind: str
    truth: Callable[[Corpus], Any]
    sample: str = "daily-papers"
    corpus: Callable[[], Corpus] | None = None

    def load(self) -> Corpus:
        """The corpus the question is about."""
        return self.corpus() if self.corpus is not None else load_sample(self.sample)


@dataclass(frozen=True)
class Check:
    """The reply to one answer: true when the answer is right. Shows itself as one line."""

    task: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        color, mark = ("#1b7a33", "✔") if self.correct else ("#a23b00", "✘")
        return (
            f'<div class="paperlens-check" style="color:{color};font-weight:600">'
            f"{mark} {html.escape(self.message)}</div>"
        )


# --------------------------------------------------------------------------- the truths


def _search_years(corpus: Corpus) -> set[str]:
    return set(corpus.search("distillation").filter(year=(2023, 2024)).ids)


def _author_paper(corpus: Corpus) -> str:
    found = corpus.filter(authors="Geoffrey Hinton")
    if len(found) != 1:
        raise PaperlensError(f"task2 expects one paper by Geoffrey Hinton in this corpus, found {len(found)}")
    return found.ids[0]


def _most_cited(corpus: Corpus) -> str:
    graph = corpus.citation_graph()
    ranked = sorted(graph.in_degree(), key=lambda item: (-item[1], str(item[0])))
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        raise PaperlensError("task3 has no single answer in this corpus: two papers are cited equally often")
    return ranked[0][0]


def _citing(corpus: Corpus) -> set[str]:
    graph = corpus.citation_graph()
    target = corpus.ids[corpus.position("2003.10555")]
    return {source for source, _ in graph.in_edges(target)}


def _steps(corpus: Corpus) -> int:
    from .graphs.structure import shortest_connection

    return len(shortest_connection(corpus, "2409.04828", "2401.02460", kind="citation")) - 1


def _most_similar(corpus: Corpus) -> str:
    return str(corpus.similar("2203.05482", n=1)["id"].iloc[0])


TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task(
            "task1",
            "In the explorer, search for 'distillation' and keep the years 2023 to 2024. How many papers match?",
            "Type the word into the search box, move the year slider to 2023–2024, then read the 'N of M papers' "
            "line. You may also answer with explorer.corpus.",
            "count",
            _search_years,
        ),
        Task(
            "task2",
            "Which paper in the sample has Geoffrey Hinton as an author? Answer with its id or title.",
            "Type a part of the name into the explorer's authors box and press Enter; "
            "or use corpus.filter(authors=...).",
            "paper",
            _author_paper,
        ),
        Task(
            "task3",
            "Which paper is cited by the most other papers of the sample?",
            "In the citation graph an arrow points from the citing paper to the cited one: look for the node "
            "with the most arrows coming in (the graph draws central papers bigger), "
            "or count with corpus.citation_graph().in_degree().",
            "paper",
            _most_cited,
        ),
        Task(
            "task4",
            "Which papers of the sample cite ELECTRA (arXiv 2003.10555)? Answer with a list.",
            "Click ELECTRA in the explorer's table: the detail pane lists who cites it. "
            "In code: the edges coming into '2003.10555' in corpus.citation_graph().",
            "papers",
            _citing,
        ),
        Task(
            "task5",
            "Ignoring the direction of the arrows, how many citation links does the shortest chain from "
            "POINTS (2409.04828) to 2401.02460 take?",
            "Follow arrows either way in the citation graph, or call "
            "corpus.shortest_connection(a, b, kind='citation') and count the steps after the start.",
            "number",
            _steps,
        ),
        Task(
            "task6",
            "Which paper is most similar in its concepts to Model soups (2203.05482)?",
            "corpus.similar('2203.05482') lists the closest papers and the concepts they share.",
            "paper",
            _most_similar,
        ),
    )
}


# --------------------------------------------------------------------------- checking


def _task(name: str) -> Task:
    if name not in TASKS:
        raise InvalidArgumentError(f"unknown task {name!r}; the tasks are: {', '.join(TASKS)}")
    return TASKS[name]


def _whole_number(answer: Any) -> int | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real) and float(answer).is_integer():
        return int(answer)
    if isinstance(answer, str) and answer.strip().isdigit():
        return int(answer.strip())
    return None


def _paper_id(corpus: Corpus, answer: Any) -> str:
    """The corpus id of a paper given by id, identifier, title or Paper (PaperNotFoundError if none)."""
    if not isinstance(answer, (str, Paper)):
        raise TypeError
    key = answer.strip() if isinstance(answer, str) else answer
    return corpus.ids[corpus.position(key)]


def _paper_ids(corpus: Corpus, answer: Any) -> list[str]:
    if isinstance(answer, Corpus):
        answer = answer.ids
    if isinstance(answer, (str, Paper)) or not isinstance(answer, Iterable):
        raise TypeError
    return [_paper_id(corpus, item) for item in answer]


def _reply(task: Task, correct: bool, text: str = "") -> Check:
    if correct:
        return Check(task.name, True, f"{task.name}: right, well done!")
    return Check(task.name, False, f"{task.name}: {text or 'not yet.'} Hint: {task.hint}")


def check(task: str, answer: Any, corpus: Corpus | None = None) -> Check:
    """Is ``answer`` right for ``task``? The reply says so (and gives a hint), never the solution.

    Parameters
    ----------
    task : the task name, ``"task1"`` ... (see :data:`TASKS`).
    answer : the student's answer (see the module docs for the forms each kind takes);
        ``None`` means "not answered yet".
    corpus : the corpus the question is about (default: the task's own, see :class:`Task`).

    Returns
    -------
    Check
        True when right; shows itself as a one-line message in a notebook.
    """
    spec = _task(task)
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        return Check(
            spec.name, False, f"{spec.name}: no answer yet. Replace None with your answer and run the cell again."
        )
    corpus = corpus if corpus is not None else spec.load()
    truth = spec.truth(corpus)
    try:
        if spec.kind == "count":
            if isinstance(answer, Corpus):
                return _reply(spec, set(_paper_ids(corpus, answer)) == truth, "those are not the papers asked for.")
            number = _whole_number(answer)
            if number is None:
                return _reply(spec, False, f"give a whole number (or a corpus), not {type(answer).__name__}.")
            return _reply(spec, number == len(truth))
        if spec.kind == "number":
            number = _whole_number(answer)
            if number is None:
                return _reply(spec, False, f"give a whole number, not {type(answer).__name__}.")
            return _reply(spec, number == truth)
        if spec.kind == "paper":
            try:
                return _reply(spec, _paper_id(corpus, answer) == truth, "that is not the paper.")
            except TypeError:
                return _reply(spec, False, f"give one paper's id or title, not {type(answer).__name__}.")
        try:
            given = _paper_ids(corpus, answer)
        except TypeError:
            return _reply(spec, False, "give a list of papers (ids or titles), or a corpus.")
        chosen = set(given)
        if chosen == truth:
            return _reply(spec, True)
        if chosen < truth:
            return _reply(spec, False, "right so far, but some papers are missing.")
        if chosen > truth:
            return _reply(spec, False, "all the right papers are there, but also some that do not belong.")
        return _reply(spec, False, "not the right set of papers yet.")
    except PaperNotFoundError as error:
        return _reply(spec, False, f"{error}.")


def hint(task: str) -> str:
    """The hint of a task (also part of every wrong-answer reply)."""
    return _task(task).hint


def solution(task: str, corpus: Corpus | None = None) -> Any:
    """For the teacher: the answer key of a task, computed from its corpus (a count, a number, an id or a set of ids).

    Not part of what students are shown: the exercise notebook neither calls nor names it
    (see docs/teaching.md).

    >>> from paperlens.teaching import solution
    >>> solution("task5")
    3
    """
    spec = _task(task)
    truth = spec.truth(corpus if corpus is not None else spec.load())
    return len(truth) if spec.kind == "count" else truth
