#!/usr/bin/python3
"""Protocol v2 client running the real torch.optim.RMSprop (docs/protocol.md).

    /usr/bin/python3 clients/python/torch_rmsprop.py

Claims torch@<major>.<minor> of the torch it imports. float32, float64 and bfloat16 on CPU, and
float16 where this torch has the Half CPU kernels RMSprop needs (Debian's torch 1.13 has no float16
addcmul: float16 is declared unsupported with that reason). Replay cases set
param.grad to the harness's gradient before each optimizer.step(); closed-loop cases (quad2d,
rotated2d, xlogx) compute the gradient with torch autograd. The optimizer state after every step is
reported from optimizer.state (square_avg, grad_avg, momentum_buffer). Re-anchored cases load the
harness's reference params and state into optimizer.state before each single step.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import path_result, time_steps, wanted  # noqa: E402
from protocol import Unsupported, anchored_steps, decode_vector, encode_vector, serve  # noqa: E402

try:
    import torch
except ImportError as e:  # the harness shows the stderr tail as the reason the adapter is unavailable
    sys.stderr.write(
        "torch_rmsprop.py: %s (python %s at %s) -- run bash scripts/setup-system.sh "
        "(Debian python3-torch) and start this client with /usr/bin/python3\n" % (e, sys.version.split()[0], sys.executable)
    )
    sys.exit(3)

torch.set_num_threads(1)

DTYPES = {"float32": torch.float32, "float64": torch.float64, "bfloat16": torch.bfloat16}


def half_kernels_missing():
    """Why torch.optim.RMSprop cannot step float16 on this CPU build, or None when it can."""
    try:
        x = torch.zeros(2, dtype=torch.float16)
        x.mul_(0.5).addcmul_(x, x, value=0.5)
        x.sqrt().add_(1e-8)
        x.addcdiv_(x, x.add(1), value=-0.1)
        x.lerp_(x, 0.5)
    except RuntimeError as e:
        return "torch %s on CPU cannot run RMSprop in float16: %s" % (torch.__version__, str(e).splitlines()[0])
    return None


HALF_MISSING = half_kernels_missing()
if HALF_MISSING is None:
    DTYPES["float16"] = torch.float16

# torch native name -> canonical name (reference/profiles/torch.ts)
NATIVE = {
    "lr": "lr",
    "alpha": "decay",
    "eps": "eps",
    "weight_decay": "weightDecay",
    "momentum": "momentum",
    "centered": "centered",
    "maximize": "maximize",
}
# torch native flags (the profile's nativeFlags): passed to torch.optim.RMSprop as they are.
FLAGS = ("foreach",)

# Canonical hyperparameters torch.optim.RMSprop has no equivalent for, with their neutral values.
NEUTRAL = {"rescale": 1, "clip": None, "clipNorm": None, "lrDecay": 0, "initialAccumulator": 0, "biasCorrection": False}


def short_version():
    m = re.match(r"(\d+)\.(\d+)", torch.__version__)
    return "%s.%s" % (m.group(1), m.group(2)) if m else torch.__version__


def cpu_capability():
    get = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", None)
    if get is not None:
        return get()
    m = re.search(r"CPU capability usage: ([^\n]+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


def torch_hyperparameters(case):
    """The RMSprop keyword arguments: the native torch names when the case was resolved from a torch profile, else mapped from canonical."""
    canonical = case["canonical"]
    for name, neutral in NEUTRAL.items():
        if name in canonical and canonical[name] != neutral:
            raise Unsupported("torch.optim.RMSprop has no %s (the case sets %s=%r)" % (name, name, canonical[name]))
    profile = case.get("profile", "")
    if profile.split("@")[0] == "torch":
        native = case["hyperparameters"]
        unknown = sorted(set(native) - set(NATIVE) - set(FLAGS))
        if unknown:
            raise Unsupported("torch.optim.RMSprop has no argument %s" % ", ".join(unknown))
        kwargs = dict(native)
    else:
        kwargs = {n: canonical[c] for n, c in NATIVE.items() if c in canonical}
    for flag in ("centered", "maximize") + FLAGS:
        if flag in kwargs:
            kwargs[flag] = bool(kwargs[flag])
    for name in ("lr", "alpha", "eps", "weight_decay", "momentum"):
        if name in kwargs:
            kwargs[name] = float(kwargs[name])
    return kwargs


def problem_loss(problem, x):
    """Objectives of suites/problems.ts, written so that autograd evaluates the gradient in torch's order."""
    if problem == "quad2d":
        return 0.1 * (x[0] * x[0]) + 2 * (x[1] * x[1])
    if problem == "rotated2d":
        s = x[0] + x[1]
        d = x[0] - x[1]
        return 0.1 * (s * s) + 2 * (d * d)
    if problem == "xlogx":
        return x[0] / torch.log(x[0])
    raise Unsupported("problem %r is not implemented by this client" % problem)


PROBLEMS = ["quad2d", "rotated2d", "xlogx"]


def read_state(optimizer, param):
    st = optimizer.state[param]
    state = {}
    for key, name in (("v", "square_avg"), ("m", "grad_avg"), ("b", "momentum_buffer")):
        if st.get(name) is not None:
            state[key] = encode_vector(st[name].tolist())
    return state


def load_state(optimizer, param, kwargs, values, state, step, tdtype):
    """Puts the harness's reference params and state where torch keeps them (torch initialises them lazily otherwise)."""
    with torch.no_grad():
        param.copy_(torch.tensor(values, dtype=tdtype))
    st = {"step": torch.tensor(float(step)), "square_avg": torch.tensor(state["v"], dtype=tdtype)}
    if kwargs.get("momentum", 0) > 0:
        st["momentum_buffer"] = torch.tensor(state["b"], dtype=tdtype)
    if kwargs.get("centered", False):
        st["grad_avg"] = torch.tensor(state["m"], dtype=tdtype)
    optimizer.state[param] = st


def run_case(case):
    dtype = case["dtype"]
    if dtype == "float16" and HALF_MISSING:
        raise Unsupported(HALF_MISSING)
    if dtype not in DTYPES:
        raise Unsupported("dtype %s" % dtype)
    tdtype = DTYPES[dtype]
    kwargs = torch_hyperparameters(case)
    param = torch.tensor(decode_vector(case["x0"]), dtype=tdtype, requires_grad="problem" in case)
    optimizer = torch.optim.RMSprop([param], **kwargs)
    trajectory = []
    states = []
    used_grads = []
    if "problem" in case:
        for _ in range(case["steps"]):
            optimizer.zero_grad(set_to_none=True)
            loss = problem_loss(case["problem"], param)
            loss.backward()
            used_grads.append(encode_vector(param.grad.tolist()))
            optimizer.step()
            trajectory.append(encode_vector(param.detach().tolist()))
            states.append(read_state(optimizer, param))
    elif "anchors" in case:
        for values, state, step, g in anchored_steps(case):
            load_state(optimizer, param, kwargs, values, state, step, tdtype)
            param.grad = torch.tensor(g, dtype=tdtype)
            optimizer.step()
            trajectory.append(encode_vector(param.detach().tolist()))
            states.append(read_state(optimizer, param))
    else:
        for g in case["grads"]:
            param.grad = torch.tensor(decode_vector(g), dtype=tdtype)
            optimizer.step()
            trajectory.append(encode_vector(param.detach().tolist()))
            states.append(read_state(optimizer, param))
    result = {"trajectory": trajectory, "state": states[-1] if states else {}, "states": states}
    if used_grads:
        result["grads"] = used_grads
    return result


IMPLEMENTATION = {
    "name": "torch.optim.RMSprop",
    "version": torch.__version__,
    "claims": "torch@" + short_version(),
    "dtypes": list(DTYPES),
    "hyperparameters": ["momentum", "centered", "weightDecay", "maximize"],
    "state": True,
    "reanchor": True,
    "problems": PROBLEMS,
    **({"unsupportedDtypes": {"float16": HALF_MISSING}} if HALF_MISSING else {}),
    "facts": {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "cpuCapability": cpu_capability(),
        "atenCpuCapabilityEnv": os.environ.get("ATEN_CPU_CAPABILITY", ""),
        "threads": torch.get_num_threads(),
    },
}

def bench_threads():
    """Thread counts the bench times: one, and every core (when there is more than one)."""
    cores = os.cpu_count() or 1
    return [1] if cores == 1 else [1, cores]


def run_bench(request):
    """The bench request: torch.optim.RMSprop's own step loop, for-loop (foreach=False) and foreach
    (the multi-tensor kernels), on 1 thread and on every core; and, when asked, torch's own triad
    torch.add(b, c, alpha=2, out=a) as a native bandwidth figure. torch.set_num_threads is restored to 1."""
    dtype = request["dtype"]
    if dtype not in DTYPES:
        raise Unsupported("dtype %s" % dtype)
    tdtype = DTYPES[dtype]
    kwargs = torch_hyperparameters(request)
    kwargs.pop("foreach", None)  # both paths are timed
    sizes = request["tensors"] if request["layout"] == "tensors" else [sum(request["tensors"])]
    generator = torch.Generator().manual_seed(1)
    results = []
    try:
        for threads in bench_threads():
            torch.set_num_threads(threads)
            for foreach, name in ((False, "for-loop"), (True, "foreach")):
                path = "%s x%d" % (name, threads)
                if not wanted(request, path):
                    continue
                params = [torch.zeros(n, dtype=tdtype) for n in sizes]
                for p in params:
                    p.grad = torch.rand(p.numel(), generator=generator, dtype=tdtype) * 2 - 1
                optimizer = torch.optim.RMSprop(params, foreach=foreach, **kwargs)
                with torch.no_grad():
                    samples, batch = time_steps(optimizer.step, request)
                results.append(path_result(
                    path, "torch %s optim.RMSprop(foreach=%s).step() over %d tensor%s, torch.set_num_threads(%d)"
                    % (torch.__version__, foreach, len(sizes), "" if len(sizes) == 1 else "s", threads),
                    threads, samples, batch, kind="step"))
            if request.get("triad") and wanted(request, "triad x%d" % threads):
                n = request["tensors"][0]
                a = torch.zeros(n, dtype=tdtype)
                b = torch.ones(n, dtype=tdtype)
                c = torch.full((n,), 0.5, dtype=tdtype)
                samples, batch = time_steps(lambda: torch.add(b, c, alpha=2, out=a), request)
                results.append(path_result(
                    "triad x%d" % threads, "torch.add(b, c, alpha=2, out=a), torch.set_num_threads(%d)" % threads,
                    threads, samples, batch, kind="triad", bytesPerElement=4 * a.element_size(),
                    notes=["bytes counted with write-allocate: read b, c; read and write a"]))
    finally:
        torch.set_num_threads(1)
    return results


if __name__ == "__main__":
    serve(IMPLEMENTATION, run_case, run_bench)
