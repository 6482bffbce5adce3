"""Record an RMSprop training run anywhere (a GPU box, a cluster) so the harness can check it offline:

    rmsprop-harness conform --adapters recorded:path=run.json

The file has the format of the calibration recordings (../shared/recordings/README.md, "Format"):
framework, framework_version, dtype, hyperparams (the framework's own names), x0, grads (the gradient
each step consumed), trajectory (parameters after each step), state_per_step (optimizer slots after
each step, under the framework's names). All parameters are flattened into one vector, in order.
Standard library only; each recorder imports nothing from its framework until used.

PyTorch (torch.optim.RMSprop):

    rec = record.TorchRecorder(optimizer)
    for batch in data:
        optimizer.zero_grad(); loss_fn(model(batch)).backward()
        rec.step()                    # records the gradient, calls optimizer.step(), records params and state
    rec.save("run.json")

Keras 3 / tf.keras (keras.optimizers.RMSprop):

    rec = record.KerasRecorder(optimizer, model.trainable_variables)
    with tf.GradientTape() as tape: loss = loss_fn(model(x))
    rec.apply_gradients(tape.gradient(loss, model.trainable_variables))
    rec.save("run.json")

JAX / optax (optax.rmsprop; give the arguments you passed, under optax's names):

    tx = optax.rmsprop(learning_rate=1e-3, decay=0.9, eps=1e-8)
    rec = record.OptaxRecorder(dict(learning_rate=1e-3, decay=0.9, eps=1e-8), params)
    updates, state = tx.update(grads, state, params); params = optax.apply_updates(params, updates)
    rec.record(grads, params, state)
    rec.save("run.json")
"""

import json
import platform
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from protocol import encode_number  # noqa: E402  (the harness's number encoding, shared with the clients)

FORMAT_NOTE = {
    "index": "grads[k], trajectory[k], state_per_step[slot][k] belong to step k+1 (grads: before it; trajectory and state: after it)",
    "numbers": "exact binary64 value of the dtype number, shortest round-trip decimal; \"NaN\", \"Infinity\", \"-Infinity\", \"-0\" as strings",
}


def _vector(values):
    return [encode_number(x) for x in values]


def _machine(device="cpu"):
    """The recording machine: the harness reads the build of the framework's inexact ops off it
    (suites/recording-machine.ts: MKL's and XLA's sqrt/rsqrt depend on the CPU vendor)."""
    cpu_model, cpu_flags = "", []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and not cpu_model:
                    cpu_model = value.strip()
                elif key.strip() == "flags" and not cpu_flags:
                    cpu_flags = value.split()
    except OSError:
        pass
    cpu_model = cpu_model or platform.processor()
    return {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "os": platform.system(),
        "device": device,
        "cpu_model": cpu_model,
        "cpu_flags": [f for f in cpu_flags if f.startswith(("avx", "fma", "sse4"))],
    }


def _plain(value):
    """A hyperparameter as JSON: numbers, booleans, None and strings as they are; anything else as its repr."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return encode_number(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return repr(value)


class Recording:
    """What every recorder fills in; save() writes the JSON file."""

    def __init__(self, framework, framework_version, dtype, hyperparams, x0, api):
        self.doc = {
            "framework": framework,
            "framework_version": framework_version,
            "api": api,
            "case": "recorded",
            "dtype": dtype,
            "objective": "recorded training run",
            "hyperparams": {k: _plain(v) for k, v in hyperparams.items()},
            "x0": _vector(x0),
            "x0_dtype": _vector(x0),
            "steps": 0,
            "grads": [],
            "trajectory": [],
            "state_per_step": {},
            "notes": "recorded with clients/python/record.py",
            "generator": _machine(),
            "conventions": FORMAT_NOTE,
        }

    def add_step(self, grad, params, slots):
        self.doc["grads"].append(_vector(grad))
        self.doc["trajectory"].append(_vector(params))
        for name, value in slots.items():
            # Step counters stay integers; slots are vectors.
            self.doc["state_per_step"].setdefault(name, []).append(value if isinstance(value, int) else _vector(value))
        self.doc["steps"] += 1

    def save(self, path):
        doc = dict(self.doc)
        if doc["trajectory"]:
            doc["final"] = doc["trajectory"][-1]
            doc["final_state"] = {k: v[-1] for k, v in doc["state_per_step"].items()}
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        return path


class TorchRecorder:
    """torch.optim.RMSprop (one param group): call step() where you would call optimizer.step()."""

    def __init__(self, optimizer):
        import torch

        self.torch = torch
        self.optimizer = optimizer
        if len(optimizer.param_groups) != 1:
            raise ValueError("record.TorchRecorder: one param group only (the harness checks one set of hyperparameters)")
        group = optimizer.param_groups[0]
        self.params = list(group["params"])
        hyper = {k: v for k, v in group.items() if k != "params"}
        dtype = str(self.params[0].dtype).replace("torch.", "")
        self.rec = Recording("torch", torch.__version__, dtype, hyper, self._flat(p.detach() for p in self.params),
                             "torch.optim.%s(%s)" % (type(optimizer).__name__, ", ".join("%s=%r" % kv for kv in hyper.items())))
        # cuda/mps runs are not MKL's sqrt: the harness reads the build off the device.
        self.rec.doc["generator"]["device"] = self.params[0].device.type
        # Builds without MKL (Debian's python3-torch, ARM) have a correctly rounded sqrt.
        self.rec.doc["generator"]["mkl"] = bool(torch.backends.mkl.is_available())

    def _flat(self, tensors):
        return [x for t in tensors for x in t.reshape(-1).tolist()]

    def step(self, closure=None):
        grads = self._flat(p.grad.detach() if p.grad is not None else self.torch.zeros_like(p) for p in self.params)
        out = self.optimizer.step(closure) if closure is not None else self.optimizer.step()
        slots = {}
        for name in ("square_avg", "grad_avg", "momentum_buffer"):
            values = [self.optimizer.state[p].get(name) for p in self.params]
            if all(v is not None for v in values):
                slots[name] = self._flat(v.detach() for v in values)
        step = self.optimizer.state[self.params[0]].get("step")
        if step is not None:
            slots["step"] = int(step.item() if hasattr(step, "item") else step)
        self.rec.add_step(grads, self._flat(p.detach() for p in self.params), slots)
        return out

    def save(self, path):
        return self.rec.save(path)


class KerasRecorder:
    """Keras 3 (or tf.keras) RMSprop: call apply_gradients(grads) where you would call optimizer.apply_gradients."""

    SLOT_LISTS = (("velocity", "_velocities"), ("momentum", "_momentums"), ("average_gradient", "_average_gradients"))

    def __init__(self, optimizer, variables):
        import keras

        self.optimizer = optimizer
        self.variables = list(variables)
        config = optimizer.get_config()
        dtype = str(getattr(self.variables[0], "dtype", "float32")).replace("<dtype: '", "").replace("'>", "")
        self.rec = Recording("keras", keras.__version__, dtype, config, self._flat(self.variables),
                             "keras.optimizers.%s(**%r)" % (type(optimizer).__name__, config))

    @staticmethod
    def _flat(values):
        out = []
        for v in values:
            array = v.numpy() if hasattr(v, "numpy") else v
            out.extend(float(x) for x in getattr(array, "reshape")(-1).tolist())
        return out

    def apply_gradients(self, grads):
        grads = list(grads)
        flat_grads = self._flat(grads)
        self.optimizer.apply_gradients(zip(grads, self.variables))
        slots = {}
        for name, attribute in self.SLOT_LISTS:
            values = getattr(self.optimizer, attribute, None)
            if values:
                slots["params_" + name] = self._flat(values)
        slots["iteration"] = int(self.optimizer.iterations.numpy())
        self.rec.add_step(flat_grads, self._flat(self.variables), slots)

    def save(self, path):
        return self.rec.save(path)


class OptaxRecorder:
    """optax.rmsprop: after each update, call record(grads, params, opt_state)."""

    def __init__(self, hyperparams, params):
        import jax
        import optax

        self.jax = jax
        leaves = jax.tree_util.tree_leaves(params)
        dtype = str(leaves[0].dtype)
        self.rec = Recording("optax", optax.__version__, dtype, hyperparams, self._flat(params),
                             "optax.rmsprop(%s)" % ", ".join("%s=%r" % kv for kv in hyperparams.items()))

    def _flat(self, tree):
        return [float(x) for leaf in self.jax.tree_util.tree_leaves(tree) for x in leaf.reshape(-1).tolist()]

    def _slots(self, state, path=""):
        """The state pytree's nu / mu / trace fields, under their paths ('[0].nu')."""
        out = {}
        if isinstance(state, tuple) and not hasattr(state, "_fields"):
            for i, s in enumerate(state):
                out.update(self._slots(s, "%s[%d]" % (path, i)))
        elif hasattr(state, "_fields"):
            for field in state._fields:
                value = getattr(state, field)
                if field in ("nu", "mu", "trace"):
                    out["%s.%s" % (path, field)] = self._flat(value)
                elif field == "count":
                    out["%s.count" % path] = int(value)
                else:
                    out.update(self._slots(value, "%s.%s" % (path, field)))
        return out

    def record(self, grads, params, opt_state):
        self.rec.add_step(self._flat(grads), self._flat(params), self._slots(opt_state))

    def save(self, path):
        return self.rec.save(path)
