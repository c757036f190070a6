#!/usr/bin/env python3
"""GpuNet's default recipe on tables against scikit-learn's default MLPClassifier, median of three seeds (issue 25).

  python3 perf/compare/defaults_sklearn.py make DIR              # writes DIR/<table>-{train,test}.csv for every table below
  python3 perf/compare/defaults_sklearn.py sklearn DIR [TABLE..] # StandardScaler + MLPClassifier(random_state=seed)
  python3 perf/compare/defaults_sklearn.py gpunet DIR [TABLE..] [-- TRAIN OPTIONS..]  # gpunet train --seed 0, 1, 2

Each table is written once as a training and a test file (label last, class names), so both libraries see the same
split. The real tables are scikit-learn's bundled copies (no download) and tabular_sklearn.py's two tables of raw
measurements. The generated ones are make_classification tables as issue 25 describes them: 5,000 rows, 20 features
of which 5 informative, 4 named classes, 4 columns scaled x1000. The recipe was chosen on gen-tune, gen-a, gen-b and
gen-c (seeds 7, 1001-1003); gen-h1, gen-h2 and gen-h3 (seeds 2001-2003) were held out until it was. Output: one line per table,
tab-separated: table, the median test accuracy, the three accuracies, the epochs each run took, and the median seconds
of training (gpunet's summary "seconds"; scikit-learn's fit, scaler included).
Set GPUNET to the command that runs gpunet (default: the Release build of src/GpuNet.Cli).
"""
import csv, json, os, statistics, subprocess, sys, time

SEEDS = [0, 1, 2]
REAL = ["iris", "wine", "breast-cancer", "digits", "cells", "species"]
GENERATED = {"gen-tune": 7, "gen-a": 1001, "gen-b": 1002, "gen-c": 1003, "gen-h1": 2001, "gen-h2": 2002, "gen-h3": 2003}
CLASS_NAMES = ["amber", "blue", "crimson", "green"]
GPUNET = os.environ.get("GPUNET", "dotnet src/GpuNet.Cli/bin/Release/net10.0/gpunet.dll").split()


def write(path, x, y, names):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"f{j}" for j in range(x.shape[1])] + ["class"])
        for row, label in zip(x, y):
            w.writerow([f"{v:.9g}" for v in row] + [names[label]])


def generated(seed):
    from sklearn.datasets import make_classification
    x, y = make_classification(n_samples=5000, n_features=20, n_informative=5, n_classes=4, random_state=seed)
    x[:, [2, 7, 11, 16]] *= 1000  # four columns in other units
    return x, y, CLASS_NAMES


def bundled(name):
    from sklearn import datasets
    loader = {"iris": datasets.load_iris, "wine": datasets.load_wine, "breast-cancer": datasets.load_breast_cancer, "digits": datasets.load_digits}[name]
    d = loader()
    return d.data, d.target, [str(n) for n in d.target_names]


def make(d):
    from sklearn.model_selection import train_test_split
    import tabular_sklearn
    os.makedirs(d, exist_ok=True)
    for i, (name, (classes, shares, sep)) in enumerate(tabular_sklearn.TABLES.items()):
        tabular_sklearn.make(f"{d}/{name}-train.csv", 600, 10 + i, classes, shares, sep)
        tabular_sklearn.make(f"{d}/{name}-test.csv", 300, 20 + i, classes, shares, sep)
    tables = {name: bundled(name) for name in REAL if name not in tabular_sklearn.TABLES}
    tables.update({name: generated(seed) for name, seed in GENERATED.items()})
    for name, (x, y, names) in tables.items():
        x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
        write(f"{d}/{name}-train.csv", x_train, y_train, names)
        write(f"{d}/{name}-test.csv", x_test, y_test, names)


def load(path):
    import numpy as np
    rows = list(csv.reader(open(path)))[1:]
    return np.array([[float(v) for v in row[:-1]] for row in rows]), np.array([row[-1] for row in rows])


def report(name, runs):
    accuracies = [a for a, _, _ in runs]
    print(f"{name}\t{100 * statistics.median(accuracies):.2f}\t{' '.join(f'{100 * a:.2f}' for a in accuracies)}"
          f"\t{' '.join(str(e) for _, e, _ in runs)}\t{statistics.median(s for _, _, s in runs):.3f}", flush=True)


def sklearn(d, tables):
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    import warnings
    warnings.filterwarnings("ignore")  # ConvergenceWarning: max_iter reached, as the default allows
    for name in tables:
        x, y = load(f"{d}/{name}-train.csv")
        xt, yt = load(f"{d}/{name}-test.csv")
        runs = []
        for seed in SEEDS:
            start = time.perf_counter()
            model = make_pipeline(StandardScaler(), MLPClassifier(random_state=seed)).fit(x, y)
            runs.append((model.score(xt, yt), model[-1].n_iter_, time.perf_counter() - start))
        report(name, runs)


def gpunet(d, tables, options):
    for name in tables:
        runs = []
        for seed in SEEDS:
            cmd = GPUNET + ["train", "--data", f"{d}/{name}-train.csv", "--test-data", f"{d}/{name}-test.csv", "--label-column", "-1",
                            "--device", "cpu", "--seed", str(seed), "--json", "--quiet"] + options
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{' '.join(cmd)}: exit {done.returncode}: {done.stderr.strip()}")
            summary = json.loads(done.stdout)
            runs.append((summary["test_accuracy"], summary["epochs"], summary["seconds"]))
        report(name, runs)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    cmd, d, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    split = rest.index("--") if "--" in rest else len(rest)
    tables = rest[:split] or REAL + list(GENERATED)
    if cmd == "make":
        make(d)
    elif cmd == "sklearn":
        sklearn(d, tables)
    else:
        gpunet(d, tables, rest[split + 1:])
