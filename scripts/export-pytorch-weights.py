#!/usr/bin/env python3
"""Write a PyTorch module's state_dict() as JSON, for `rnn-studio import-weights`.

The file is

    {"format": "pytorch-state-dict",
     "tensors": {"encoder.lstm.weight_ih_l0": {"shape": [64, 8], "data": [...]}, ...},
     "modules": {"encoder.lstm": {"type": "LSTM", "input_size": 8, "hidden_size": 16, ...}}}

"tensors" holds every floating-point tensor of the state dict, converted to float32, its values
row-major (the last axis fastest: tensor.reshape(-1).tolist()) as JSON numbers. "modules" is
written when a module (not a bare state dict) is exported: the constructor arguments of each
nn.RNN, nn.LSTM and nn.GRU in it, by its path in the model ("" for the module itself), which a
state dict does not hold (an nn.RNN's nonlinearity, above all, so that rnn-studio can check it
against the block's activation).

Usage from Python, with the model at hand (the file name has dashes, so load it with runpy):

    import runpy
    export = runpy.run_path("scripts/export-pytorch-weights.py")["export_state_dict"]
    export(model, "model.state.json")                # the whole model
    export(model.encoder.lstm, "lstm.state.json")    # or one of its modules

Usage from the command line, with a file torch.save() wrote:

    python scripts/export-pytorch-weights.py model.pt model.state.json
    python scripts/export-pytorch-weights.py model.pt lstm.state.json --only encoder.lstm.
    python scripts/export-pytorch-weights.py checkpoint.pt model.state.json --key model_state_dict
    python scripts/export-pytorch-weights.py whole-model.pt model.state.json --full-module

model.pt holds torch.save(model.state_dict(), "model.pt") and is read with
torch.load(..., weights_only=True), which runs no code from the file. --key picks the state dict
out of a checkpoint dict ({"epoch": ..., "model_state_dict": ...}). --full-module reads a file
written by torch.save(model): that unpickles, i.e. runs, code from the file, so use it only on
files you trust; it also records the modules' constructor arguments.

Then, for a graph whose node "enc" is an lstm block (or a bidirectional block with an lstm cell)
of the same size:

    npx rnn-studio import-weights tagger.rnn.json --node enc --state-dict model.state.json \\
        --prefix encoder.lstm. --out tagger.rnn-model.json

Needs torch only. A value that is not finite (in float32) is refused, naming the tensor, as JSON
cannot hold it. Tensors that are not floating point (BatchNorm's num_batches_tracked) and
entries that are not tensors are left out, with a note on stderr.
"""

import argparse
import json
import os
import sys
import tempfile

import torch

FORMAT = "pytorch-state-dict"

# RNNBase.mode → (the class, the nonlinearity of an nn.RNN)
_KINDS = {"RNN_TANH": ("RNN", "tanh"), "RNN_RELU": ("RNN", "relu"), "LSTM": ("LSTM", None), "GRU": ("GRU", None)}


def _prefix(path):
    """The prefix of a module's tensors in its model's state dict: "" or "encoder.lstm."."""
    return path + "." if path else ""


def module_records(module, only=""):
    """{path: constructor arguments} of every nn.RNN, nn.LSTM and nn.GRU in `module` under `only`."""
    records = {}
    for path, m in module.named_modules():
        if not isinstance(m, torch.nn.RNNBase) or m.mode not in _KINDS or not _prefix(path).startswith(only):
            continue
        kind, nonlinearity = _KINDS[m.mode]
        record = {
            "type": kind,
            "input_size": int(m.input_size),
            "hidden_size": int(m.hidden_size),
            "num_layers": int(m.num_layers),
            "bias": bool(m.bias),
            "bidirectional": bool(m.bidirectional),
            "batch_first": bool(m.batch_first),
            "dropout": float(m.dropout),
            "proj_size": int(getattr(m, "proj_size", 0)),
        }
        if nonlinearity is not None:
            record["nonlinearity"] = nonlinearity
        records[path] = record
    return records


def tensors_of(state_dict, only=""):
    """(tensors as the file holds them, names left out) for the entries of `state_dict` under `only`."""
    tensors, left_out = {}, []
    for name, value in state_dict.items():
        if not name.startswith(only):
            continue
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            left_out.append(name)
            continue
        values = value.detach().to(device="cpu", dtype=torch.float32).contiguous()
        flat = values.reshape(-1)
        finite = torch.isfinite(flat)
        if not bool(finite.all()):
            bad = int((~finite).nonzero()[0])
            raise ValueError(
                f"{name}: value {bad} is {flat[bad].item()} (as float32); JSON has no NaN or infinity, "
                "so the weights cannot be exported as they are"
            )
        tensors[name] = {"shape": list(values.shape), "data": flat.tolist()}
    return tensors, left_out


def export_state_dict(module_or_state_dict, path, only=""):
    """Writes `module_or_state_dict` (an nn.Module, or its state_dict()) to `path` as JSON.

    only: keep just the tensors whose names start with it ("encoder.lstm.").
    Returns the document written. Raises ValueError for a value that is not finite.
    """
    if isinstance(module_or_state_dict, torch.nn.Module):
        state_dict = module_or_state_dict.state_dict()
        modules = module_records(module_or_state_dict, only)
    else:
        state_dict = module_or_state_dict
        modules = None
    tensors, left_out = tensors_of(state_dict, only)
    if not tensors:
        raise ValueError(f"no floating-point tensors{f' under {only!r}' if only else ''} to export")
    document = {"format": FORMAT, "tensors": tensors}
    if modules is not None:
        document["modules"] = modules
    # Write next to the target, then rename: a failed export never leaves half a file.
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes it private; the export is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(document, f, allow_nan=False, separators=(",", ":"))
            f.write("\n")
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    values = sum(len(t["data"]) for t in tensors.values())
    print(f"wrote {len(tensors)} tensors ({values} values) to {path}", file=sys.stderr)
    for p, r in (modules or {}).items():
        print(f"  nn.{r['type']} at {_prefix(p)!r}: hidden_size {r['hidden_size']}, num_layers {r['num_layers']}"
              f"{', bidirectional' if r['bidirectional'] else ''}", file=sys.stderr)
    if left_out:
        print(f"  left out (not floating-point tensors): {', '.join(left_out)}", file=sys.stderr)
    return document


def _load(args):
    try:
        loaded = torch.load(args.input, map_location="cpu", weights_only=not args.full_module)
    except Exception as e:  # torch raises UnpicklingError and others for a file it will not read
        hint = "" if args.full_module else (
            " (if it holds a whole module written by torch.save(model), and you trust the file, add --full-module)")
        raise SystemExit(f"{args.input}: cannot read it: {e}{hint}")
    if args.key is not None:
        if not isinstance(loaded, dict) or args.key not in loaded:
            keys = ", ".join(map(repr, loaded.keys())) if isinstance(loaded, dict) else type(loaded).__name__
            raise SystemExit(f"{args.input}: no entry {args.key!r} (it holds {keys})")
        loaded = loaded[args.key]
    if isinstance(loaded, torch.nn.Module):
        return loaded
    if isinstance(loaded, dict) and any(isinstance(v, torch.Tensor) for v in loaded.values()):
        return loaded
    if isinstance(loaded, dict):
        nested = [repr(k) for k, v in loaded.items() if isinstance(v, dict)]
        raise SystemExit(f"{args.input}: holds no tensors at its top level; choose the state dict with --key"
                         f"{' (one of ' + ', '.join(nested) + ')' if nested else ''}")
    raise SystemExit(f"{args.input}: holds a {type(loaded).__name__}, not a state dict or a module")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write a PyTorch state_dict as JSON for `rnn-studio import-weights`.")
    parser.add_argument("input", help="a file written by torch.save: a state_dict (or a checkpoint with --key, a module with --full-module)")
    parser.add_argument("output", help="the JSON file to write")
    parser.add_argument("--only", default="", metavar="PREFIX", help="keep only tensors whose names start with PREFIX (e.g. encoder.lstm.)")
    parser.add_argument("--key", help="the entry of a checkpoint dict that holds the state dict (e.g. model_state_dict)")
    parser.add_argument("--full-module", action="store_true",
                        help="the file holds a whole module (torch.save(model)); unpickling runs code from it, so only for trusted files")
    args = parser.parse_args(argv)
    try:
        export_state_dict(_load(args), args.output, args.only)
    except ValueError as e:
        raise SystemExit(f"{args.input}: {e}")


if __name__ == "__main__":
    main()
