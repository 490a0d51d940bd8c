"""Train the sklearn app's model: a random forest on iris-shaped synthetic data, saved with joblib."""

import sys

import joblib
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

features, labels = make_classification(
    n_samples=600, n_features=4, n_informative=3, n_redundant=0, n_classes=3, random_state=0
)
joblib.dump(RandomForestClassifier(n_estimators=50, random_state=0).fit(features, labels), sys.argv[1])
