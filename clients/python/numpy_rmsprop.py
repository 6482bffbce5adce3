#!/usr/bin/python3
"""Protocol v2 client: the common NumPy tutorial RMSprop, no framework (docs/protocol.md).

    /usr/bin/python3 clients/python/numpy_rmsprop.py

    squared_grad = decay * squared_grad + (1 - decay) * grad ** 2
    params -= lr * grad / (np.sqrt(squared_grad) + eps)

Claims numpy-tutorial. float64 and float32 arrays (Python scalars take the array's dtype under
NumPy 1.x value-based casting and NEP 50 alike). Hyperparameters lr, decay, eps, read from the
canonical names so any profile's case works; anything else must be neutral.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import path_result, time_steps, wanted  # noqa: E402
from protocol import Unsupported, anchored_steps, decode_vector, encode_vector, serve  # noqa: E402

try:
    import numpy as np
except ImportError as e:
    sys.stderr.write("numpy_rmsprop.py: %s -- run bash scripts/setup-system.sh (Debian python3-numpy) and use /usr/bin/python3\n" % e)
    sys.exit(3)

DTYPES = {"float32": np.float32, "float64": np.float64}
NEUTRAL = {"momentum": 0, "centered": False, "weightDecay": 0, "maximize": False, "rescale": 1, "clip": None,
           "clipNorm": None, "lrDecay": 0, "initialAccumulator": 0, "biasCorrection": False}


def run_case(case):
    if case["dtype"] not in DTYPES:
        raise Unsupported("dtype %s" % case["dtype"])
    if "problem" in case:
        raise Unsupported("closed loop is not implemented by this client")
    dtype = DTYPES[case["dtype"]]
    c = case["canonical"]
    for name, neutral in NEUTRAL.items():
        if name in c and c[name] != neutral:
            raise Unsupported("the tutorial form has no %s (the case sets %s=%r)" % (name, name, c[name]))
    lr, decay, eps = float(c["lr"]), float(c["decay"]), float(c["eps"])
    params = np.array(decode_vector(case["x0"]), dtype=dtype)
    squared_grad = np.zeros_like(params)
    trajectory = []
    states = []

    def step(params, squared_grad, g):
        grad = np.array(g, dtype=dtype)
        squared_grad = decay * squared_grad + (1 - decay) * grad ** 2
        params = params - lr * grad / (np.sqrt(squared_grad) + eps)
        trajectory.append(encode_vector(params.tolist()))
        states.append({"v": encode_vector(squared_grad.tolist())})
        return params, squared_grad

    with np.errstate(all="ignore"):  # overflow and 0/0 are part of the edge cases
        if "anchors" in case:
            for values, state, _step, g in anchored_steps(case):
                step(np.array(values, dtype=dtype), np.array(state["v"], dtype=dtype), g)
        else:
            for g in case["grads"]:
                params, squared_grad = step(params, squared_grad, decode_vector(g))
    return {"trajectory": trajectory, "state": states[-1], "states": states}


IMPLEMENTATION = {
    "name": "numpy tutorial RMSprop",
    "version": np.__version__,
    "claims": "numpy-tutorial",
    "dtypes": ["float64", "float32"],
    "hyperparameters": [],
    "state": True,
    "reanchor": True,
    "facts": {"python": sys.version.split()[0], "numpy": np.__version__},
}

def run_bench(request):
    """The bench request: the tutorial step as written (temporaries for every operation), over each
    tensor in turn; NumPy's ufuncs run on one thread. With triad, NumPy's a = b + 2c (two ufunc passes)."""
    if request["dtype"] not in DTYPES:
        raise Unsupported("dtype %s" % request["dtype"])
    dtype = DTYPES[request["dtype"]]
    c = request["canonical"]
    lr, decay, eps = float(c["lr"]), float(c["decay"]), float(c["eps"])
    sizes = request["tensors"] if request["layout"] == "tensors" else [sum(request["tensors"])]
    rng = np.random.default_rng(1)
    state = [[np.zeros(n, dtype=dtype), (rng.random(n, dtype=np.float64) * 2 - 1).astype(dtype), np.zeros(n, dtype=dtype)] for n in sizes]

    def step():
        for s in state:
            params, grad, squared_grad = s
            squared_grad = decay * squared_grad + (1 - decay) * grad ** 2
            s[0] = params - lr * grad / (np.sqrt(squared_grad) + eps)
            s[2] = squared_grad

    results = []
    if wanted(request, "tutorial x1"):
        with np.errstate(all="ignore"):
            samples, batch = time_steps(step, request)
        results.append(path_result("tutorial x1", "numpy %s tutorial step as written (new arrays per op) over %d tensor%s"
                                   % (np.__version__, len(sizes), "" if len(sizes) == 1 else "s"), 1, samples, batch, kind="step"))
    if request.get("triad") and wanted(request, "triad x1"):
        n = request["tensors"][0]
        a, b, cc = np.zeros(n, dtype=dtype), np.ones(n, dtype=dtype), np.full(n, 0.5, dtype=dtype)

        def triad():
            np.multiply(cc, 2, out=a)
            np.add(a, b, out=a)

        samples, batch = time_steps(triad, request)
        results.append(path_result("triad x1", "numpy multiply(c, 2, out=a); add(a, b, out=a) (two passes)", 1, samples, batch,
                                   kind="triad", bytesPerElement=16,
                                   notes=["counted as one write-allocate triad (16 B/element) although NumPy makes two passes: a lower bound on NumPy's bandwidth"]))
    return results


if __name__ == "__main__":
    serve(IMPLEMENTATION, run_case, run_bench)
