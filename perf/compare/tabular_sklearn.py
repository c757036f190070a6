#!/usr/bin/env python3
"""Tables of raw measurements with text labels, and scikit-learn's StandardScaler pipelines on them.

  python3 perf/compare/tabular_sklearn.py make DIR     # writes DIR/{cells,species}-{train,test}.csv
  python3 perf/compare/tabular_sklearn.py score DIR    # StandardScaler + LogisticRegression / MLPClassifier((256,))

Features span six decades (0.001 .. 2500, as in a medical table of cell measurements); each carries part of
the class signal. Compare with: gpunet train --data DIR/cells-train.csv --test-data DIR/cells-test.csv --label-column -1
"""
import csv, math, os, random, sys

SCALES = [0.001, 0.02, 0.5, 1, 12, 90, 800, 2500]
TABLES = {"cells": (["benign", "malignant"], [0.6, 0.4], 1.0), "species": (["setosa", "versicolor", "virginica"], None, 1.2)}


def make(path, rows, seed, classes, shares, separation):
    r = random.Random(seed)
    shares = shares or [1 / len(classes)] * len(classes)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"f{j}" for j in range(len(SCALES))] + ["class"])
        for _ in range(rows):
            y = r.choices(range(len(classes)), shares)[0]
            w.writerow([f"{s * (4 + separation * math.cos(1.7 * j + 2.1 * y) + r.gauss(0, 1)):.6g}" for j, s in enumerate(SCALES)] + [classes[y]])


def load(path):
    import numpy as np
    rows = list(csv.reader(open(path)))[1:]
    return np.array([[float(v) for v in row[:-1]] for row in rows]), np.array([row[-1] for row in rows])


def score(d):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    for name in TABLES:
        x, y = load(f"{d}/{name}-train.csv")
        xt, yt = load(f"{d}/{name}-test.csv")
        for label, model in [("LogisticRegression", LogisticRegression(max_iter=1000)),
                             ("MLPClassifier((256,))", MLPClassifier((256,), max_iter=1000, random_state=0))]:
            acc = make_pipeline(StandardScaler(), model).fit(x, y).score(xt, yt)
            print(f"{name}\t{label}\t{acc:.4f}")


if __name__ == "__main__":
    cmd, d = sys.argv[1], sys.argv[2]
    if cmd == "make":
        os.makedirs(d, exist_ok=True)
        for i, (name, (classes, shares, sep)) in enumerate(TABLES.items()):
            make(f"{d}/{name}-train.csv", 600, 10 + i, classes, shares, sep)
            make(f"{d}/{name}-test.csv", 300, 20 + i, classes, shares, sep)
    else:
        score(d)
