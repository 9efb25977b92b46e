"""Writes a model.safetensors as the pytorch_model.bin that HF's BertForMaskedLM.save_pretrained wrote before
safetensors: the same tensors plus the tied decoder (sharing the word embedding's and cls.predictions.bias's
storage) and the position_ids buffer. HfCheckpointTorchBinTest runs it when torch is importable (written for torch 1.13).

    python3 safetensors_to_bin.py model.safetensors pytorch_model.bin zip|legacy
    python3 safetensors_to_bin.py model.safetensors pytorch_model.bin.index.json sharded

"sharded" splits the state dict in two zip-layout files, pytorch_model-0000K-of-00002.bin, beside the index that
names each tensor's file, as save_pretrained does for a large model.

The safetensors package is not needed: the format is an 8-byte header length, a JSON header, then the data.
"""
import collections
import json
import os
import struct
import sys

import numpy as np
import torch

source, target, layout = sys.argv[1:]
with open(source, "rb") as f:
    header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    data = f.read()

dtypes = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}
state = collections.OrderedDict()
for name, info in header.items():
    if name == "__metadata__":
        continue
    begin, end = info["data_offsets"]
    array = np.frombuffer(data[begin:end], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    state[name] = torch.from_numpy(array.copy())

state["cls.predictions.decoder.weight"] = state["bert.embeddings.word_embeddings.weight"]
state["cls.predictions.decoder.bias"] = state["cls.predictions.bias"]
positions = state["bert.embeddings.position_embeddings.weight"].shape[0]
state["bert.embeddings.position_ids"] = torch.arange(positions, dtype=torch.int64).expand(1, -1)
if layout == "sharded":
    names = list(state)
    halves = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map = {}
    for k, half in enumerate(halves, start=1):
        shard = "pytorch_model-%05d-of-00002.bin" % k
        torch.save(collections.OrderedDict((n, state[n]) for n in half), os.path.join(os.path.dirname(target), shard))
        weight_map.update({n: shard for n in half})
    with open(target, "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
else:
    torch.save(state, target, _use_new_zipfile_serialization=(layout == "zip"))
