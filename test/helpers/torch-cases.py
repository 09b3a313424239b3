"""Runs real torch.nn.RNN / LSTM / GRU modules for test/engine/model/torch-real-parity.test.ts.

    python3 test/helpers/torch-cases.py CASES.json OUT_DIR

CASES.json is a list of {"id", "kind", "inputSize", "hiddenSize", "numLayers", "bidirectional",
"steps", "batch", "seed", "lr"}. For each case the module is built with PyTorch's own initialisation
under torch.manual_seed(seed), written to OUT_DIR/<id>.state.json by export_state_dict from
scripts/export-pytorch-weights.py (the file a user hands to `rnn-studio import-weights`), and then
run in float64 on those same float32 values: x [T, B, in] and a target y [T, B, D*H] drawn from
the seed, output, h_n (and c_n), the loss F.mse_loss(output, y) and the gradient of that loss for
every parameter. Then one step of torch.optim.SGD with learning rate lr, and the module is exported
again, to OUT_DIR/<id>.stepped.state.json. OUT_DIR/results.json holds {"torch": version,
"cases": {id: {...}}}, every tensor as {"shape", "data"} row-major. One process for all cases, as importing torch takes seconds.
"""

import json
import os
import runpy
import sys

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
export_state_dict = runpy.run_path(os.path.join(ROOT, "scripts", "export-pytorch-weights.py"))["export_state_dict"]


def as_json(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def run_case(case, folder):
    torch.manual_seed(case["seed"])
    module = getattr(torch.nn, case["kind"])(
        case["inputSize"], case["hiddenSize"], num_layers=case["numLayers"], bidirectional=case["bidirectional"])
    directions = 2 if case["bidirectional"] else 1
    T, B = case["steps"], case["batch"]
    x = torch.randn(T, B, case["inputSize"])
    y = torch.randn(T, B, directions * case["hiddenSize"])
    export_state_dict(module, os.path.join(folder, case["id"] + ".state.json"))
    # The exported values are float32; in float64 PyTorch computes with them almost exactly.
    module = module.double()
    output, state = module(x.double())
    h_n, c_n = state if case["kind"] == "LSTM" else (state, None)
    loss = torch.nn.functional.mse_loss(output, y.double())
    loss.backward()
    torch.optim.SGD(module.parameters(), lr=case["lr"]).step()
    export_state_dict(module, os.path.join(folder, case["id"] + ".stepped.state.json"))
    result = {
        "x": as_json(x),
        "y": as_json(y),
        "output": as_json(output),
        "hN": as_json(h_n),
        "loss": loss.item(),
        "grads": {name: as_json(p.grad) for name, p in module.named_parameters()},
    }
    if c_n is not None:
        result["cN"] = as_json(c_n)
    return result


def main():
    cases_path, folder = sys.argv[1], sys.argv[2]
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    torch.set_num_threads(1)
    results = {"torch": torch.__version__, "cases": {c["id"]: run_case(c, folder) for c in cases}}
    with open(os.path.join(folder, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, allow_nan=False)


if __name__ == "__main__":
    main()
