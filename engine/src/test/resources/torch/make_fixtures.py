"""Writes the torch.save fixtures that TorchCheckpointTest reads, and expected.json with the values they hold.

Made with /usr/bin/python3 (Python 3.11), torch 1.13.0a0 and numpy, on a little-endian x86-64 machine:
    cd engine/src/test/resources/torch && /usr/bin/python3 make_fixtures.py
The tests only read the committed files, so they need neither Python nor torch.

state_dict_zip.bin    torch.save's default zip layout (torch >= 1.6)
state_dict_legacy.bin the layout of torch < 1.6 (_use_new_zipfile_serialization=False), still common on the hub
expected.json         per tensor: dtype, shape and the values in row-major order (F16/BF16 as the float32 they hold)
"""
import collections
import json
import math

import torch

base = torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5 - 1  # -1.0, -0.5, ..., 4.5

state = collections.OrderedDict()
state["f32"] = base
# Views of base's storage: torch.save writes the storage once and each view as (offset, size, stride) into it.
state["f32_transposed"] = base.t()       # stride (1, 4): not contiguous
state["f32_rows_1_2"] = base[1:]         # storage offset 4
state["f32_column_2"] = base[:, 2]       # storage offset 2, stride 4
state["f16"] = torch.tensor([0.1, -2.5, 65504.0, 1e-4], dtype=torch.float16)
state["bf16"] = torch.tensor([[0.1, -2.5], [3.0e38, 1e-30]], dtype=torch.bfloat16)
state["f64"] = torch.tensor([math.pi, -1e300, 1.0 / 3.0], dtype=torch.float64)
state["i64"] = torch.tensor([0, -1, 2**31 - 1, -(2**31), 30522], dtype=torch.int64)
state["i32"] = torch.arange(6, dtype=torch.int32).reshape(2, 3)
state["scalar"] = torch.tensor(3.5)      # 0-dimensional
# model.state_dict() carries module versions in this attribute; pickle writes it as the OrderedDict's state (BUILD).
state._metadata = collections.OrderedDict({"": {"version": 1}})

torch.save(state, "state_dict_zip.bin")
torch.save(state, "state_dict_legacy.bin", _use_new_zipfile_serialization=False)

expected = {
    name: {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
           "values": (t.float() if t.dtype in (torch.float16, torch.bfloat16) else t).reshape(-1).tolist()}
    for name, t in state.items()
}
with open("expected.json", "w") as f:
    json.dump({"torch": torch.__version__, "tensors": expected}, f, indent=1)
