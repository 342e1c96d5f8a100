"""The litstudy half of compare_litstudy.py: run with a Python that has litstudy installed.

Prints one JSON object: per fixture file how many documents litstudy loaded (or the error), and the
bibliographic-coupling weights litstudy computes for an OpenAlex citation set.
"""

import contextlib
import io
import json
import logging
import sys
import warnings
import zipfile
from pathlib import Path

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)

import litstudy  # noqa: E402
from litstudy.network import build_coupling_network  # noqa: E402
from litstudy.types import Document, DocumentIdentifier, DocumentSet  # noqa: E402


class Work(Document):
    """An OpenAlex work as a litstudy Document; OpenAlex W-ids go in the generic id slot (eid)."""

    def __init__(self, work):
        super().__init__(DocumentIdentifier(work.get("title") or "", eid=work["id"]))
        self._refs = [DocumentIdentifier(None, eid=r) for r in work.get("referenced_works") or []]

    @property
    def title(self):
        return self.id.title

    @property
    def authors(self):
        return None

    @property
    def references(self):
        return self._refs


def main(shared: Path, citation_set: str) -> None:
    out = {"load": {}, "coupling": {}}
    for folder, loader in (("bibtex", litstudy.load_bibtex), ("ris", litstudy.load_ris_file)):
        for path in sorted((shared / "fixtures" / folder).glob("*.*")):
            if path.suffix == ".md":
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    out["load"][f"{folder}/{path.name}"] = len(loader(str(path)))
            except Exception as exc:  # what a user of litstudy meets
                out["load"][f"{folder}/{path.name}"] = f"{type(exc).__name__}: {str(exc)[:80]}"
    archive = zipfile.ZipFile(shared / "fixtures" / "openalex_citation_sets" / citation_set / "works_1.zip")
    works = []
    for name in archive.namelist():  # pages: a JSON list of works, or an API page {"results": [...]}
        page = json.loads(archive.read(name))
        works.extend(page["results"] if isinstance(page, dict) else page)
    docs = DocumentSet([Work(w) for w in works])
    graph = build_coupling_network(docs, max_edges=10**9)
    for i, j, data in graph.edges(data=True):
        a, b = sorted((works[i]["id"], works[j]["id"]))
        out["coupling"][f"{a} {b}"] = data["weight"]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
