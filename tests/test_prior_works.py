"""Outside references are named (issue 16.7): identifier always, title after a look-up on OpenAlex.

The corpus is part of a real OpenAlex citation set; the works it cites outside itself are the rest of
that set, served by a stand-in for the API (a mocked transport) from the recorded real records.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sources_support import net_fixture, set_works, short_id  # noqa: F401  (net_fixture provides `net`)

import paperlens as pl
from paperlens.io.openalex import paper_from_work

URL = "https://api.openalex.org/works"


def _serve(net, works):
    by_id = {short_id(w["id"]): w for w in works}

    def answer(request):
        import json

        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        wanted = query["filter"].removeprefix("ids.openalex:").split("|")
        results = [by_id[w] for w in wanted if w in by_id]
        return 200, {}, json.dumps({"meta": {"count": len(results)}, "results": results})

    net.mock.add_callback("GET", URL, callback=answer)


def test_outside_references_show_their_id_and_titles_after_a_fetch(net):
    works = set_works("Donners_2021")
    inside = [paper_from_work(w) for w in works[:120]]
    corpus = pl.Corpus(inside)
    table = corpus.prior_works(n=20)
    outside = table[table["kind"] != "corpus"]
    assert len(outside) > 0
    assert outside["id"].notna().all() and (outside["id"] != "").all()  # the identifier, never NaN
    assert set(outside["kind"]) == {"openalex"}
    assert outside["title"].isna().all()  # not known before a look-up
    # the truth: the recorded set's own titles for those works
    titles = {short_id(w["id"]): w["title"] for w in works}
    _serve(net, works)
    fetched = corpus.prior_works(n=20, fetch=True)
    assert fetched["id"].tolist() == table["id"].tolist()
    for row in fetched[fetched["kind"] == "openalex"].itertuples():
        if row.id in titles and "<" not in titles[row.id]:
            assert row.title.split() == titles[row.id].split()
    known = fetched[(fetched["kind"] == "openalex") & fetched["id"].isin(titles)]
    assert len(known) > 0 and known["title"].notna().all()
    calls = net.calls
    again = corpus.filter(year=(None, None)).prior_works(n=20)  # a subset shares the root's look-ups
    assert net.calls == calls and again["title"].tolist() == fetched["title"].tolist()
