"""cnnlib.core.metrics: accuracy, the confusion matrix and the most confident mistakes, by hand."""

import numpy as np
import pytest

from cnnlib import metrics


# ---------------------------------------------------------------------------------------------
# reading results
# ---------------------------------------------------------------------------------------------
def test_confusion_matrix_by_hand():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    counts = metrics.confusion_matrix(y_true, y_pred, n_classes=3)
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    with pytest.raises(ValueError, match="y_pred"):
        metrics.confusion_matrix([0], [3], n_classes=3)


def test_most_confident_mistakes_by_hand():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.3, 0.7], [0.95, 0.05]])
    y = np.array([1, 1, 0, 0, 0])
    # wrong: 0 (0.9 for class 0), 2 (0.6), 3 (0.7); most confident first
    assert metrics.most_confident_mistakes(probs, y, k=5).tolist() == [0, 3, 2]
    assert metrics.most_confident_mistakes(probs, y, k=1).tolist() == [0]




def test_accuracy_by_hand():
    probs = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    y = np.array([1, 1, 1, 0])
    # predictions 1, 0, 1, 0: three of four right
    assert metrics.accuracy(probs, y) == 0.75
    assert metrics.accuracy(np.log(probs), y) == 0.75   # logits: the same largest entry
    assert metrics.accuracy([1, 0, 1, 0], y) == 0.75    # predicted labels
    with pytest.raises(ValueError, match="scores must be"):
        metrics.accuracy(probs[:3], y)
    with pytest.raises(ValueError, match="at least one label"):
        metrics.accuracy(np.zeros((0, 2)), [])
