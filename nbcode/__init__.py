"""nbcode: the helper package of *Neural Networks — executable lecture notes*.

Each chapter of the book builds its ideas step by step in numpy; the finished
versions live here so that later chapters can import them.

Modules
-------
data        toy data sets (moons, circles, XOR, spirals, blobs, digits) as numpy arrays
linear      linear and logistic regression trained by gradient descent
train       training loops that call back after every step or epoch
plots       decision boundaries, loss curves, image grids
widgets     the training player (animates on the static site) and the live playground
checks      the exercise checkers
editions    the student editions of the chapters (solutions removed)
nn          from-scratch neural networks: activations, layers, losses, models, optimisers
"""

__version__ = "0.1.0"
