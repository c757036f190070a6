#!/usr/bin/env python3
"""A table with categorical columns and missing cells, and scikit-learn's pipeline on it.

  python3 perf/compare/categorical_sklearn.py make DIR    # writes DIR/shop-{train,test}.csv
  python3 perf/compare/categorical_sklearn.py score DIR   # the fitted categories and fills, and MLPClassifier's test accuracy

Columns: colour (text, 5% NA), shape (text), grade (integer codes 1, 2, 3, 10: pass --categorical grade), x0..x2
(numbers at three scales, 10% empty), label (low/mid/high). scikit-learn's pipeline is what gpunet's --categorical grade
--impute median does: SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown='ignore') on the categories,
SimpleImputer(median) + StandardScaler on the numbers, then MLPClassifier() (seeds 0, 1, 2). Compare with:
  gpunet train --data DIR/shop-train.csv --test-data DIR/shop-test.csv --label-column label --categorical grade --impute median
    --model mlp --hidden 100 --optimizer adam --lr 0.001 --weight-decay 0.0001 --batch-size 200 --epochs 200 --val-fraction 0 --seed S
"""
import csv, os, sys

HEADER = ["colour", "shape", "grade", "x0", "x1", "x2", "label"]


def make(folder, seed=7, rows=3000, train=2400):
    import numpy as np
    rng = np.random.default_rng(seed)
    colour = rng.choice(["red", "green", "blue", "teal", "plum"], rows)
    shape = rng.choice(["round", "square", "oval"], rows, p=[0.5, 0.3, 0.2])
    grade = rng.choice([1, 2, 3, 10], rows)
    x = rng.normal(size=(rows, 3)) * [1, 50, 0.1]
    score = ((colour == "red") * 1.5 - (colour == "plum") + (shape == "square") * 1.2 + (grade == 10) * 1.0 - (grade == 2) * 0.7
             + x[:, 0] + x[:, 1] / 50 - x[:, 2] * 8 + rng.normal(scale=0.6, size=rows))
    label = np.where(score > 1.2, "high", np.where(score > -0.3, "mid", "low"))
    empty, na = rng.random((rows, 3)) < 0.1, rng.random(rows) < 0.05
    os.makedirs(folder, exist_ok=True)
    for name, part in (("train", range(train)), ("test", range(train, rows))):
        with open(os.path.join(folder, f"shop-{name}.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(HEADER)
            for i in part:
                w.writerow(["NA" if na[i] else colour[i], shape[i], grade[i]] + ["" if empty[i, j] else f"{x[i, j]:.5f}" for j in range(3)] + [label[i]])


def load(path):
    import numpy as np
    rows = list(csv.reader(open(path)))[1:]
    X = np.array([[np.nan if r[0] == "NA" else r[0], r[1], r[2]] + [float(c) if c else np.nan for c in r[3:6]] for r in rows], dtype=object)
    return X, np.array([r[6] for r in rows])


def score(folder):
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    X, y = load(os.path.join(folder, "shop-train.csv"))
    Xt, yt = load(os.path.join(folder, "shop-test.csv"))
    X[:, 2] = X[:, 2].astype(float)  # grade as numbers: its categories sort by value
    Xt[:, 2] = Xt[:, 2].astype(float)
    numbers = SimpleImputer(strategy="median").fit(X[:, 3:].astype(float))
    print("numeric fills (median):", [float(np.float32(v)) for v in numbers.statistics_])
    for c in range(3):
        column = X[:, c:c + 1]
        fill = SimpleImputer(strategy="most_frequent").fit(column).statistics_[0]
        print(f"{HEADER[c]}: categories {OneHotEncoder().fit(column[column[:, 0] == column[:, 0]]).categories_[0].tolist()}, fill {fill}")
    accuracies = []
    for seed in (0, 1, 2):
        encode = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
        pipe = make_pipeline(ColumnTransformer([("categories", encode, [0, 1, 2]),
                                                ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), [3, 4, 5])]),
                             MLPClassifier(random_state=seed))
        accuracies.append(100 * pipe.fit(X, y).score(Xt, yt))
    print(f"MLPClassifier() test accuracy, seeds 0 1 2: {', '.join(f'{a:.2f}%' for a in accuracies)}; median {sorted(accuracies)[1]:.2f}%")

if __name__ == "__main__":
    {"make": make, "score": score}[sys.argv[1]](sys.argv[2])
