"""Write the example notebooks of paperlens from the cells below, with nbformat.

The notebooks are generated so they stay reviewable as plain Python and are
stored without outputs. After editing a cell here, run::

    python examples/build_notebooks.py          # rewrite examples/*.ipynb
    python examples/build_notebooks.py --check  # exit 1 if a stored notebook differs

``tests/test_examples.py`` runs the check and executes every notebook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def md(text: str) -> tuple[str, str]:
    return "markdown", dedent(text).strip()


def code(text: str) -> tuple[str, str]:
    return "code", dedent(text).strip()


# --------------------------------------------------------------------------- 01 quickstart

QUICKSTART = [
    md(
        """
        # paperlens quickstart

        **paperlens** loads a set of research papers into a *corpus*, lets you narrow it down, and shows
        how the papers connect: who cites whom, and which papers talk about the same things.

        This notebook takes about ten minutes and runs offline, on the sample corpus that ships with
        paperlens: 69 papers from a Hugging Face Daily Papers listing (2019–2025), with arXiv metadata
        and the citation links between them. Run the cells from top to bottom (**Shift+Enter**).
        """
    ),
    code(
        """
        import paperlens as pl

        corpus = pl.load_sample()
        corpus
        """
    ),
    md(
        """
        A corpus shows itself as a table. Its one-line form, `repr(corpus)`, gives the size and the years.
        You can get one paper by its position or by any of its identifiers (arXiv id, DOI...):
        """
    ),
    code(
        """
        print(repr(corpus), "|", len(corpus), "papers")
        soups = corpus["2203.05482"]
        soups.title, soups.authors[:3], soups.categories
        """
    ),
    md(
        """
        ## Search

        `search` ranks papers by how well their title and abstract match your words (title words count
        more). The result is again a corpus, with a `score` column. `.df` gives a pandas DataFrame copy.
        """
    ),
    code(
        """
        hits = corpus.search("low-rank adaptation", top=5)
        hits.df[["id", "title", "year", "score"]]
        """
    ),
    md(
        """
        The query language narrows a search: `"exact phrases"`, `-word` to exclude, `a OR b`, and fields
        such as `title:`, `author:` and `year:2023..2024`. Every word must match.
        """
    ),
    code(
        """
        focused = corpus.search('"language model" -vision year:2023..2024')
        focused.df[["id", "title", "year", "score"]].head(5)
        """
    ),
    md(
        """
        ## The field at a glance

        `corpus.map()` puts every paper on one map: papers that talk about the same things sit together,
        colours are topics (labelled at their clusters), size is citations. Hover for a paper; draw a lasso
        to select some, then read them back as a corpus with `.selected`.
        """
    ),
    code(
        """
        field = corpus.map()
        field
        """
    ),
    md(
        """
        Beside the map, the same field in numbers: papers per year stacked by topic (the map's colours),
        and the authors, venues and categories with the most papers. Hover a bar for its count;
        `corpus.search(...).glance()` shows the same for a search, and `explore(glance=True)` keeps it
        following the explorer's filters.
        """
    ),
    code(
        """
        corpus.glance()
        """
    ),
    md(
        """
        ## Filter

        `filter` keeps the papers that meet every criterion: `year`, `authors`, `categories`, `venue`,
        `text`, `min_citations`, `has_abstract`... A misspelled criterion is an error that names the right one.
        Every operation returns a **new** corpus, so calls chain and the original never changes.
        """
    ),
    code(
        """
        recent_nlp = corpus.filter(year=(2023, None), categories="cs.CL").sort_by("date")
        print(recent_nlp)
        recent_nlp.head(5)
        """
    ),
    md("Corpora combine like sets: `|` (union, duplicates merged), `&` (in both) and `-` (in the first only)."),
    code(
        """
        vision = corpus.filter(categories="cs.CV")
        clip_related = corpus.search("CLIP")
        print("vision:", len(vision), "| CLIP:", len(clip_related))
        print("vision or CLIP:", len(vision | clip_related), "| both:", len(vision & clip_related))
        """
    ),
    md(
        """
        ## Explore with widgets

        `corpus.explore()` opens an explorer: a search box, a year slider, authors, categories and
        topics; a table of the matching papers (click a title for its details, click a header to sort);
        and a graph of the papers you kept, redrawn as you filter. Try it: type `clip` in the search box.
        """
    ),
    code(
        """
        explorer = corpus.explore()
        explorer
        """
    ),
    md(
        """
        The explorer is two-way. What you set from code, the widgets show; what you select in the
        widgets, Python can read: `explorer.corpus` is the corpus you see, `explorer.selected` the
        paper you clicked.
        """
    ),
    code(
        """
        explorer.years = (2023, 2024)
        print(explorer.count_text)
        kept = explorer.corpus
        kept.head(3)
        """
    ),
    md(
        """
        ## See how papers connect

        `citation_graph()` is a plain [networkx](https://networkx.org) graph: an edge goes from the citing
        paper to the cited one. Every reference is resolved against the corpus, and what could not be
        resolved is counted, never silently dropped.
        """
    ),
    code(
        """
        citations = corpus.citation_graph()
        print(citations.number_of_nodes(), "papers,", citations.number_of_edges(), "citation links")
        print(citations.graph["notes"])
        """
    ),
    md(
        """
        `corpus.graph(...)` draws it inline. Hover over a paper for its details, drag to move, scroll to
        zoom. The picture is self-contained: it needs no internet and no files next to the notebook.
        Bigger nodes have a higher PageRank (they are cited by papers that are themselves cited).
        """
    ),
    code('corpus.graph("citation")'),
    md(
        """
        Citations are sparse in this sample. The *concept* graph links papers whose titles and abstracts
        share key phrases; `"both"` draws the two kinds of link together. With `layout="time"` the
        x-axis follows the publication date, so you see ideas flow from older to newer papers.
        """
    ),
    code('corpus.graph("both", layout="time", color_by="category")'),
    md(
        """
        ## Where next

        - `02_citation_network.ipynb`: a real citation network (the papers of a systematic review),
          co-citation, bibliographic coupling, the works a field builds on.
        - `03_concepts_and_topics.ipynb`: concept similarity, why two papers are similar, topics.
        - `04_your_own_library.ipynb`: your Zotero library in, merge with new papers, export out.
        - `05_teaching_exercise.ipynb`: a classroom exercise with answers checked for you.
        - `06_what_to_read_next.ipynb`: label a few papers, get the next ones to read, and why.
        """
    ),
]


# --------------------------------------------------------------------------- 02 citation network

CITATIONS = [
    md(
        """
        # A real citation network

        Systematic reviewers screen hundreds of papers to find the few that answer their question.
        `pl.load_sample("donners2021")` is one such set, shipped with paperlens: the works screened for
        a review of **emicizumab**, a drug for haemophilia A (Donners et al., 2021), as recorded by
        [OpenAlex](https://openalex.org), with each work's reference list. `extra["included"]` says
        whether the review included the work (15 did).

        You will find the papers this field stands on, and the ones that pull it together, with four
        tools: the citation graph, PageRank, co-citation and bibliographic coupling. Everything runs offline.
        """
    ),
    code(
        """
        import pandas as pd

        import paperlens as pl
        from paperlens.graphs import structure

        reviewed = pl.load_sample("donners2021")
        reviewed
        """
    ),
    md(
        """
        The load report says what happened to every record: read from which file, merged with a duplicate,
        or skipped, and why. Nothing is dropped without a line here.
        """
    ),
    code("print(reviewed.report)"),
    md(
        """
        ## The citation graph

        Each work lists its references as identifiers (DOIs, OpenAlex ids). paperlens resolves them
        against the corpus: a reference to a work inside the set becomes an edge from citing to cited.
        """
    ),
    code(
        """
        citations = reviewed.citation_graph()
        print(citations.number_of_nodes(), "works,", citations.number_of_edges(), "links")
        print(citations.graph["notes"])
        """
    ),
    md(
        """
        Most references point outside the set: a review's candidates cite the wider literature. The
        links inside the set are what we study here.

        **Which works are most central?** Two measures: how many works of the set cite a work
        (*in-degree*), and PageRank, which also counts who the citing works are: a citation from a
        much-cited paper weighs more.
        """
    ),
    code(
        """
        ranks = structure.pagerank(citations)
        table = pd.DataFrame(
            {
                "title": [reviewed[i].title for i in reviewed.ids],
                "year": [reviewed[i].year for i in reviewed.ids],
                "cited_here": [citations.in_degree(i) for i in reviewed.ids],
                "pagerank": [ranks[i] for i in reviewed.ids],
                "included": [bool(reviewed[i].extra["included"]) for i in reviewed.ids],
            },
            index=reviewed.ids,
        )
        table.sort_values("pagerank", ascending=False).head(10)
        """
    ),
    md(
        """
        Did the review include the central works? Compare the two groups (the median is robust to the
        few very central papers):
        """
    ),
    code('table.groupby("included")[["cited_here", "pagerank"]].median()'),
    md(
        """
        Draw the network on a time axis: each work stands at its publication date, arrows point back in
        time to what it cites. Colours are years; size is PageRank.
        """
    ),
    code('reviewed.graph("citation", layout="time", color_by="year")'),
    md(
        """
        ## Co-citation and bibliographic coupling

        - **Co-citation**: two works are linked when later works cite *both*. The more often, the more
          the field sees them as related. It looks back at a field's foundations.
        - **Bibliographic coupling**: two works are linked when they *share references*. Works that
          cite the same sources tend to work on the same problem at the same time: it finds research fronts.

        Both are weighted networkx graphs (`weight` = how many).
        """
    ),
    code(
        """
        cocited = reviewed.cocitation_graph()
        coupled = reviewed.coupling_graph()
        print("co-citation:", cocited.number_of_edges(), "pairs; coupling:", coupled.number_of_edges(), "pairs")


        def strongest(graph, n=5):
            pairs = sorted(graph.edges(data="weight"), key=lambda edge: -edge[2])[:n]
            return pd.DataFrame(
                [(w, reviewed[a].title[:60], reviewed[b].title[:60]) for a, b, w in pairs],
                columns=["weight", "paper", "and paper"],
            )


        strongest(cocited)
        """
    ),
    code("strongest(coupled)"),
    md(
        """
        Any networkx graph of paper ids can be drawn. Here: the pairs co-cited at least 15 times, coloured
        by community (groups of works more linked to each other than to the rest).
        """
    ),
    code(
        """
        strong = cocited.edge_subgraph((a, b) for a, b, w in cocited.edges(data="weight") if w >= 15).copy()
        print(strong.number_of_nodes(), "works,", strong.number_of_edges(), "strong co-citation links")
        pl.GraphView.from_networkx(strong, reviewed, title="Co-cited at least 15 times")
        """
    ),
    md(
        """
        ## Prior and derivative works

        `prior_works` lists what the set cites most, inside **or outside** it: the foundations.
        A reference outside the set has no title here (only its OpenAlex id); `reviewed.enrich()` fetches
        the missing details when you are online.
        """
    ),
    code("reviewed.prior_works(n=10)"),
    md(
        """
        `derivative_works` lists the works of the set that build on most others of the set. In a
        review's candidate set these are often other reviews: a reviewer should read them first.
        """
    ),
    code('reviewed.derivative_works(n=8)[["title", "year", "cites", "share"]]'),
    md(
        """
        ## How are two works connected?

        `shortest_connection` finds the shortest chain of citations between two works, ignoring direction,
        and says which way each step goes. A health-economics paper and a pharmacology paper, far apart
        in topic, meet through the early studies of the drug:
        """
    ),
    code(
        """
        economics = "10.1080/13696998.2020.1721508"  # cost-effectiveness of a gene therapy (2020)
        pharmacology = "10.1007/s10928-019-09646-3"  # orphan drug development (2019)
        for paper_id, step in reviewed.shortest_connection(economics, pharmacology, kind="citation"):
            print(f"{step or 'start':>9}  {reviewed[paper_id].year}  {reviewed[paper_id].title[:70]}")
        """
    ),
    md(
        """
        ## Try it yourself

        - Which included work has the lowest PageRank? Why might the reviewers have kept it?
        - Raise the co-citation threshold to 25: which works are left?
        - `reviewed.explore(graph_kind="citation")` lets you search and click through the same network.
        """
    ),
]


# --------------------------------------------------------------------------- 03 concepts and topics

CONCEPTS = [
    md(
        """
        # Concepts and topics

        Citations tell you what authors *chose* to cite. Concepts tell you what papers *talk about*,
        even when they never cite each other. paperlens extracts key phrases from each title and abstract
        (TF-IDF over words and short phrases, fitted to your corpus) and links papers that share them.

        In this notebook: the key concepts of a paper, the papers most similar to it (and *why*), the
        concept-similarity graph, and topics found as communities of that graph. Offline, on the sample.
        """
    ),
    code(
        """
        import paperlens as pl
        from paperlens.graphs import structure

        corpus = pl.load_sample()
        soups = corpus["2203.05482"]
        soups.title
        """
    ),
    md(
        """
        ## The concepts of one paper

        The phrases that are frequent in this paper and rare in the rest of the corpus:
        """
    ),
    code(
        """
        import pandas as pd

        pd.DataFrame(corpus.concepts("2203.05482", n=8), columns=["concept", "weight"])
        """
    ),
    md(
        """
        ## Similar papers, and why

        `similar` ranks the other papers by the cosine similarity of their concept vectors, and lists the
        concepts each shares with the paper: the explanation for the score.
        """
    ),
    code('corpus.similar("2203.05482", n=5)'),
    md(
        """
        ## The concept graph

        Each paper is linked to its `k` most similar papers, if the similarity is at least
        `min_similarity`. Raise `min_similarity` for fewer, surer links.
        """
    ),
    code(
        """
        concept_graph = corpus.concept_graph(k=5, min_similarity=0.1)
        print(concept_graph.number_of_nodes(), "papers,", concept_graph.number_of_edges(), "similarity links")
        corpus.graph("concept", k=5, min_similarity=0.1)
        """
    ),
    md(
        """
        ## Topics: communities of the concept graph

        A *community* is a group of papers more linked to each other than to the rest (found with the
        Louvain method, seeded so the result repeats). Labelled by their top concepts, communities are
        topics you did not have to name in advance.
        """
    ),
    code(
        """
        found = structure.communities(concept_graph)
        labels = structure.label_communities(corpus, found, n=3)
        sizes = {number: sum(1 for c in found.values() if c == number) for number in labels}
        for number, words in list(labels.items())[:6]:
            print(f"topic {number} ({sizes[number]} papers): {', '.join(words)}")
        """
    ),
    md("`corpus.communities()` does the same in one call, as a DataFrame you can sort and filter:"),
    code(
        """
        topics = corpus.communities(kind="concept")
        topics.head(8)
        """
    ),
    md(
        """
        Colour the graph by community to see the topics as regions. Papers of one topic that also cite
        each other are a strong sign of a research thread; `"both"` draws citations on top.
        """
    ),
    code('corpus.graph("both", color_by="community")'),
    md(
        """
        The field map shows the same topics for the whole corpus at once. Its layout is data too:
        `map_positions()` gives each paper's place and community (seeded, so it repeats on any machine),
        ready for your own plots or to pass back with `positions=`.
        """
    ),
    code(
        """
        positions = corpus.map_positions()
        print(positions.groupby("community").size().sort_values(ascending=False).head(5))
        corpus.map(color_by="community", positions=positions)
        """
    ),
    md(
        """
        ## Paths through concepts

        Two papers with no citation chain between them may still be linked by similar papers in between:
        """
    ),
    code(
        """
        a, b = "2112.07869", "2103.00020"  # biomedical language models, and CLIP
        for paper_id, step in corpus.shortest_connection(a, b, kind="both"):
            print(f"{step or 'start':>9}  {corpus[paper_id].title[:80]}")
        """
    ),
    md(
        """
        ## Try it yourself

        - Pick a paper you know in `corpus.explore()` and compare `corpus.similar(...)` with its citations.
        - Change `k` and `min_similarity`: how do the topics change?
        - In the explorer, the *topic* drop-down filters by these communities.
        """
    ),
]


# --------------------------------------------------------------------------- 04 your own library

LIBRARY = [
    md(
        """
        # Your own library

        Bring the papers you already have. Export them from your reference manager:

        - **Zotero**: *File > Export Library... > BibTeX* (or right-click a collection > *Export Collection*);
        - Mendeley, JabRef, EndNote: BibTeX or RIS; a spreadsheet: CSV with a `title` column.

        This notebook reads `data/my_library.bib`, a small made-up Zotero export (see the comment at its
        top), explores it, merges it with new papers, and exports the result.
        """
    ),
    code(
        """
        from pathlib import Path

        import paperlens as pl

        library = pl.read(Path("data") / "my_library.bib")  # .bib .ris .csv .json .jsonl .parquet: same call
        library
        """
    ),
    md(
        """
        The warning above is worth reading. The reader never drops a record silently: the load report says
        what it did with each one. Here two entries were the same paper (CLIP, saved once as a preprint and
        once from the conference) and were merged; one entry has no title and was skipped.
        """
    ),
    code("print(library.report)"),
    md(
        """
        BibTeX fields become paper fields: `title`, `author`, `year`, `journal`/`booktitle` → venue,
        `keywords` → keywords (your Zotero tags, such as "to read"), `primaryClass` → categories, `doi`,
        `eprint` or an arXiv URL → arXiv id. The rest is kept in `extra`:
        """
    ),
    code(
        """
        clip = library["2103.00020"]
        clip.venue, clip.doi, clip.keywords, dict(clip.extra)["bibtex_key"]
        """
    ),
    md("Keywords are searchable and filter like the other fields:"),
    code('library.filter(keywords="to read")'),
    md(
        """
        ## Explore it

        A BibTeX export has no reference lists, so there are no citation links yet: the graph pane shows
        concept similarity instead.
        """
    ),
    code('library.explore(graph_kind="concept")'),
    code(
        """
        import warnings

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            library.citation_graph()
        print(caught[0].message)
        """
    ),
    md(
        """
        ## Add new papers

        Online, you would pull fresh papers from arXiv (or OpenAlex, Semantic Scholar, Hugging Face Daily
        Papers) and fill in references and citation counts with `enrich`. Set `ONLINE = True` on a machine
        with internet to run that part; offline, the bundled sample's vision papers stand in for the query.
        """
    ),
    code(
        """
        ONLINE = False  # True: ask arXiv and OpenAlex (needs internet)

        if ONLINE:
            fresh = pl.from_arxiv("cat:cs.CV AND abs:CLIP", max_results=50, sort_by="submittedDate")
            library = library.enrich("openalex")  # references and citation counts, where OpenAlex has them
        else:
            fresh = pl.load_sample().filter(categories="cs.CV")
        fresh
        """
    ),
    md(
        """
        Set operations tell you what is new. Records of the same paper are recognised by DOI, arXiv id,
        OpenAlex or Semantic Scholar id, or the same title and year, whatever the source.
        """
    ),
    code(
        """
        new = fresh - library  # in the query, not yet in your library
        known = fresh & library  # in both
        print(len(new), "new papers;", len(known), "already in the library")
        combined = library | fresh
        print(combined, "|", combined.report.files[-1])
        """
    ),
    md("The sample's papers bring their references, so the combined corpus has citation links:"),
    code('combined.graph("citation")'),
    md(
        """
        ## Export

        Write BibTeX for your paper, RIS for other reference managers, CSV for a spreadsheet, or Parquet
        to keep everything (abstracts, references, `extra`) and read it back unchanged. Here the files go
        to a temporary folder.
        """
    ),
    code(
        """
        import tempfile

        out = Path(tempfile.mkdtemp(prefix="paperlens-export-"))
        new.to_bibtex(out / "to_read.bib")
        combined.to_ris(out / "combined.ris")
        combined.to_csv(out / "combined.csv")
        combined.save(out / "combined.parquet")
        print(sorted(path.name for path in out.iterdir()))
        print("read back unchanged:", pl.read(out / "combined.parquet") == combined)
        """
    ),
    code("print(new.head(2).to_bibtex()[:700])"),
    md(
        """
        From a terminal, the `paperlens` command does the same without Python:
        `paperlens info my_library.bib`, `paperlens export my_library.bib -o my_library.ris`,
        `paperlens graph my_library.bib --kind concept -o graph.html`.
        """
    ),
]


# --------------------------------------------------------------------------- 05 teaching exercise

EXERCISE = [
    md(
        """
        # Exercise: finding your way in a literature

        In this exercise you explore 69 recent machine-learning papers with the paperlens explorer and
        graphs, and answer six questions. After each question, put your answer in place of `None` and
        run the cell: `check` tells you whether it is right and gives a hint when it is not. It never
        shows the solution, so take your time.

        Answers can be numbers, paper ids (like `"2203.05482"`), exact titles, or lists of them,
        as each question says. You may also answer with what the explorer shows: `explorer.corpus`.
        """
    ),
    code(
        """
        import paperlens as pl
        from paperlens.teaching import check, hint

        corpus = pl.load_sample()
        explorer = corpus.explore()
        explorer
        """
    ),
    md(
        """
        ## Task 1: search and filter

        In the explorer above, search for **distillation** and keep only the years **2023 to 2024**.
        How many papers match?
        """
    ),
    code(
        """
        answer1 = None
        check("task1", answer1)
        """
    ),
    md(
        """
        ## Task 2: authors

        Which paper of the sample has **Geoffrey Hinton** among its authors? Answer with its id or title.
        """
    ),
    code(
        """
        answer2 = None
        check("task2", answer2)
        """
    ),
    md(
        """
        ## The citation graph

        An arrow goes from a citing paper to the paper it cites. Hover over a node to see the paper;
        bigger nodes have a higher PageRank.
        """
    ),
    code('corpus.graph("citation")'),
    md(
        """
        ## Task 3: the most cited paper

        Which paper is cited by the **most other papers** of the sample?
        """
    ),
    code(
        """
        answer3 = None
        check("task3", answer3)
        """
    ),
    md(
        """
        ## Task 4: who builds on ELECTRA?

        Which papers of the sample cite **ELECTRA** (arXiv `2003.10555`)? Answer with a list, e.g.
        `["2001.00001", "2001.00002"]`.
        """
    ),
    code(
        """
        answer4 = None
        check("task4", answer4)
        """
    ),
    md(
        """
        ## Task 5: a chain of citations

        Follow citation links in either direction. How many links does the shortest chain from **POINTS**
        (`2409.04828`) to **Improved Zero-Shot Classification by Adapting VLMs** (`2401.02460`) take?
        """
    ),
    code(
        """
        answer5 = None
        check("task5", answer5)
        """
    ),
    md(
        """
        ## Task 6: similar concepts

        The concept graph links papers that use the same key phrases, whether or not they cite each other.
        Which paper is **most similar** in its concepts to **Model soups** (`2203.05482`)?
        """
    ),
    code('corpus.graph("concept")'),
    code(
        """
        answer6 = None
        check("task6", answer6)
        """
    ),
    md(
        """
        ## Stuck?

        `hint("task3")` shows a task's hint again. Then discuss with your neighbour: what does it mean that
        one paper is cited by so many others in this sample, and why might two papers be similar in their
        concepts without citing each other?

        *For teachers*: the questions and their checks live in `paperlens.teaching.TASKS`; the answers are
        computed from the corpus when a student checks, so nothing in this notebook gives them away.
        The teachers' guide (`docs/teaching.md` in the paperlens repository) says how to write tasks
        about your own corpus.
        """
    ),
]


# --------------------------------------------------------------------------- 06 what to read next

READ_NEXT = [
    md(
        """
        # What to read next

        You have found a few papers that answer your question, and a few that do not. Which ones should
        you read next? paperlens learns from your labels: it ranks the papers you have not labelled yet by
        how close they are to your relevant ones, in their words and in their citations, and says why.

        This notebook uses the systematic review of `02_citation_network.ipynb`: 258 works screened for a
        review of emicizumab (Donners et al., 2021), where `extra["included"]` records the reviewers'
        decision. We play the reviewer: label three papers, and see whether the ranking finds the rest.
        """
    ),
    code(
        """
        import paperlens as pl

        reviewed = pl.load_sample("donners2021")
        included = [paper.id for paper in reviewed if paper.extra["included"]]
        print(len(reviewed), "works screened,", len(included), "included by the reviewers")
        """
    ),
    md(
        """
        ## Label a few papers

        `annotate` returns a copy with labels (`"relevant"`, `"irrelevant"`), tags or a note; the original
        never changes. Two early studies of the drug are relevant; a paper about screening software is not.
        """
    ),
    code(
        """
        marked = reviewed.annotate(
            ["10.1056/nejmoa1511769", "10.1016/s2352-3026(19)30054-7"], "relevant"
        ).annotate("10.1186/s13643-016-0384-4", "irrelevant")
        for paper_id, label in marked.labels.items():
            print(f"{label:>10}  {marked[paper_id].title[:80]}")
        """
    ),
    md(
        """
        ## Recommendations, with reasons

        `recommend` ranks the unlabelled papers: a text model trained on your labels, plus citation
        evidence (the paper cites or is cited by your relevant ones, shares their references, is cited
        together with them). Each recommendation says which of these it rests on.
        """
    ),
    code(
        """
        picks = marked.recommend(n=8)
        picks.df[["title", "year", "score"]]
        """
    ),
    md("The reasons of the first three, in full:"),
    code(
        """
        for title, why in picks.df[["title", "reasons"]].head(3).itertuples(index=False):
            print(f"{title[:90]}\\n    {why}\\n")
        """
    ),
    md("How good is that? Count how many of the eight the reviewers included in the end:"),
    code(
        """
        found = [paper_id for paper_id in picks.ids if reviewed[paper_id].extra["included"]]
        print(f"{len(found)} of the top {len(picks)} were included by the reviewers")
        print(f"(at random, about {len(picks) * (len(included) - 2) / (len(reviewed) - 3):.1f} would be)")
        """
    ),
    md(
        """
        ## The explorer, sorted by your labels

        The explorer starts with the corpus's labels. Sorted by **my labels**, its table puts the papers
        closest to your relevant ones first; label more with the buttons under a paper's details and
        the order follows. `explorer.annotated()` gives back the corpus with every label you set.
        """
    ),
    code(
        """
        explorer = marked.explore(graph_kind="citation")
        explorer.sort_by = "my labels"
        explorer
        """
    ),
    code('explorer.corpus.df[["title", "year"]].head(5)'),
    md(
        """
        ## Beyond the corpus: `expand`

        The papers worth reading are not all in your corpus yet. `expand` asks OpenAlex for the works that
        cite or are cited by your relevant papers and keeps the most related ones. It needs the internet,
        so it is shown here, not run:

        ```python
        grown = marked.expand(direction="both", keep=50)  # the corpus plus up to 50 related works
        print(grown.report.files[-1].detail.summary())  # what was fetched, kept and why
        grown.recommend(n=10)  # rank the new works with the same labels
        ```
        """
    ),
    md(
        """
        ## Try it yourself

        - Label one of the recommendations relevant and recommend again: what moves up?
        - `marked.recommend(citations=False)` uses the words alone. How many included works does it find?
        - Save your labels with `marked.save("review.parquet")`: they come back with `pl.read`.
        """
    ),
]


NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_citation_network.ipynb": CITATIONS,
    "03_concepts_and_topics.ipynb": CONCEPTS,
    "04_your_own_library.ipynb": LIBRARY,
    "05_teaching_exercise.ipynb": EXERCISE,
    "06_what_to_read_next.ipynb": READ_NEXT,
}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of these cells, without outputs, with stable cell ids (so rebuilding changes nothing)."""
    notebook = new_notebook(metadata=METADATA)
    for number, (kind, source) in enumerate(cells, start=1):
        cell = new_markdown_cell(source) if kind == "markdown" else new_code_cell(source)
        cell["id"] = f"cell-{number:02d}"
        notebook.cells.append(cell)
    nbformat.validate(notebook)
    return notebook


def render(cells: list[tuple[str, str]]) -> str:
    return nbformat.writes(build(cells)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stored notebooks that differ; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = HERE / name
        text = render(cells)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print(f"out of date (run python examples/build_notebooks.py): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
