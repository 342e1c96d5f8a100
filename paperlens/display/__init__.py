"""The display layer: HTML tables, graph views and the explorer (imports IPython/ipywidgets/pyvis lazily)."""
