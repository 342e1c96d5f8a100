"""Run ASReview's default model (``asreview simulate``'s code path) on one data set and several priors.

Runs inside ASReview's own virtual environment (never paperlens's), called by ``bench_discover.py``:

    /work/asreview-venv/bin/python benchmarks/_asreview_simulate.py DATA.csv PRIORS.json SEED

``PRIORS.json`` is a list of ``[included_row, excluded_row]`` pairs (0 is the first row). Prints one JSON
list per prior: the row positions in the order ASReview screened them, priors first.
"""

import json
import sys

import numpy as np


def main() -> None:
    from asreview import load_dataset
    from asreview.learner import ActiveLearningCycle
    from asreview.models.models import get_ai_config
    from asreview.models.queriers import TopDown
    from asreview.models.stoppers import IsFittable, NLabeled
    from asreview.simulation.simulate import Simulate

    data, priors_file, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(priors_file, encoding="utf-8") as handle:
        priors = json.load(handle)
    orders = []
    for prior in priors:
        np.random.seed(seed)  # what `asreview simulate --seed` does
        with load_dataset(data, dataset_id="data.csv") as db:
            frame = db.input.get_df()
            labels = db.input["included"]
            cycles = [
                ActiveLearningCycle(querier=TopDown(), stopper=IsFittable()),
                ActiveLearningCycle.from_meta(get_ai_config("elas_u4")["value"]),
            ]
            sim = Simulate(frame, labels, cycles, stopper=NLabeled(len(frame)), print_progress=False)
            sim.label(list(prior))
            sim.review()
            ids = sim._results["record_id"].tolist()
            index = list(frame.index)
            orders.append([index.index(i) for i in ids])
    print(json.dumps(orders))


if __name__ == "__main__":
    main()
