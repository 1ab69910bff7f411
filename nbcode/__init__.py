"""nbcode: the helper package of *Neural Networks — executable lecture notes*.

Each chapter of the book builds its ideas step by step in numpy; the finished
versions live here so that later chapters can import them. One concept per module
(CONTRIBUTING.md draws the map):

Modules
-------
nn            the one model engine: activations, layers, losses, optimisers, Sequential/MLP
train         the one training loop (train.fit), mini-batches, callbacks, recorders
autodiff      a scalar reverse-mode automatic differentiation and its graph figure
gradcheck     numerical gradients (central differences)
linear        linear and logistic regression (one-layer networks of the engine)
neuron        one neuron and Rosenblatt's perceptron
regularization  penalties, their numerical gradients, regularisation paths
analysis      inside a network: representations, input gradients, FGSM, scales across depth
cnn           the convolution chapter's data, figures and explorer
transfer      the transfer chapter's experiment, figures and explorer
keras_bridge  Keras 3 on JAX: builders, conversion, callbacks, parameter counts
data          toy data sets (moons, circles, XOR, spirals, blobs, digits) as numpy arrays
plots         decision boundaries, loss curves, image grids
widgets       the training player (animates on the static site) and the live-panel builder
playground    the live playground of chapter 3
parallel      independent cells on several processes, with one core's result
notebook      setup(), glue, show_source, agreement: what a chapter's cells need
checks        the exercise checkers

The build tooling (student editions, Sphinx extension, PDF, French edition) is a
separate package, ``bookbuild``, that students do not install.
"""

__version__ = "0.1.0"
