"""Protocol v2 plumbing shared by the Python clients (docs/protocol.md): number encoding, the message
loop, re-anchored cases, and error answers. Standard library only."""

import json
import math
import sys
import traceback

PROTOCOL = 2


def encode_number(x):
    """float -> JSON value: shortest round-trip repr; non-finite and -0 as strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0 and math.copysign(1.0, x) < 0:
        return "-0"
    return x


def decode_number(v):
    if isinstance(v, str):
        if v == "NaN":
            return math.nan
        if v == "Infinity":
            return math.inf
        if v == "-Infinity":
            return -math.inf
        if v == "-0":
            return -0.0
        raise ValueError("not an encoded number: %r" % v)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("not an encoded number: %r" % (v,))
    return float(v)


def encode_vector(values):
    return [encode_number(x) for x in values]


def decode_vector(values):
    return [decode_number(x) for x in values]


class Unsupported(Exception):
    """The implementation cannot express the case: answered as an error with unsupported=true."""


def send(message):
    # json.dumps writes floats with repr(): the shortest string that round-trips the double.
    sys.stdout.write(json.dumps(message, allow_nan=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def anchored_steps(case):
    """A re-anchored case (protocol 2) as (params, state, step, grad) per step, decoded: load, then one step."""
    for anchor, g in zip(case["anchors"], case["grads"]):
        state = {k: decode_vector(anchor["state"][k]) for k in ("v", "m", "b")}
        yield decode_vector(anchor["params"]), state, anchor["step"], decode_vector(g)


def serve(implementation, run_case, run_bench=None):
    """Answer hello with `implementation`, then each case with run_case(case) -> result fields, and each
    bench request with run_bench(request) -> list of path results (bench.py); stop at bye or EOF.
    A case with "anchors" (sent only when implementation["reanchor"] is true) is re-anchored: see anchored_steps."""
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        kind = message.get("type")
        if kind == "hello":
            send({"type": "hello", "protocol": PROTOCOL, "implementation": implementation})
        elif kind == "case":
            case_id = message["id"]
            try:
                result = run_case(message)
                result.update({"type": "result", "id": case_id})
                send(result)
            except Unsupported as e:
                send({"type": "error", "id": case_id, "message": str(e), "unsupported": True})
            except Exception as e:  # an error in one case must not end the conversation
                traceback.print_exc(file=sys.stderr)
                send({"type": "error", "id": case_id, "message": "%s: %s" % (type(e).__name__, e)})
        elif kind == "bench":
            answer_bench(message, run_bench)
        elif kind == "bye":
            return
        else:
            sys.stderr.write("unknown message type %r\n" % (kind,))


def answer_bench(message, run_bench):
    """A bench request: {"type": "bench-result", "results": [...]} or an error naming why not."""
    request_id = message.get("id", "")
    if run_bench is None:
        send({"type": "error", "id": request_id, "message": "this client does not answer bench requests"})
        return
    try:
        send({"type": "bench-result", "id": request_id, "results": run_bench(message)})
    except Exception as e:
        traceback.print_exc(file=sys.stderr)
        send({"type": "error", "id": request_id, "message": "%s: %s" % (type(e).__name__, e)})
