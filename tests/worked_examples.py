"""Worked examples from the source articles, written out by hand, independently of cnnlib: one
copy for every test that checks against them.

"A Comprehensive Guide to CNNs: the ELI5 way": the 5x5 image, the X-shaped kernel and the 3x3
result of a valid convolution (each output is the sum of the window's cells under the X).
"""

import numpy as np

IMAGE_5X5 = np.array([[1, 1, 1, 0, 0],
                      [0, 1, 1, 1, 0],
                      [0, 0, 1, 1, 1],
                      [0, 0, 1, 1, 0],
                      [0, 1, 1, 0, 0]], dtype=float)
KERNEL_X = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)
RESULT_5X5 = np.array([[4, 3, 4], [2, 4, 3], [2, 3, 4]], dtype=float)
#: Sobel x: positive where the right side is brighter (the usual textbook sign).
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float)
