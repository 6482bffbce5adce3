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

if __name__ == "__main__":
    serve(IMPLEMENTATION, run_case)
