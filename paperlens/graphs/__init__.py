"""Graphs of a corpus: how its papers connect.

- :mod:`paperlens.graphs.citation`: the in-corpus citation graph (``corpus.citation_graph()``), with
  every reference resolved through the corpus's identifiers and the unresolved ones counted.
- :mod:`paperlens.graphs.mentions`: inferred links where an abstract names another corpus paper.
- :mod:`paperlens.graphs.concepts`: concept extraction and the concept-similarity graph.
- :mod:`paperlens.graphs.structure`: communities, PageRank, co-citation, bibliographic coupling,
  prior and derivative works, shortest connections.

Nothing is imported here, so ``import paperlens`` stays light; import the module you need.
"""
