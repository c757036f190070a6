"""Records 40 steps of Adam and AdamW training an MLP in PyTorch, for TorchMlpTrainingTests.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch):
    /usr/bin/python3 tests/GpuNet.Tests/Optim/Data/record_torch_mlp.py

An nn.Sequential(Linear(20, 32), ReLU(), Linear(32, 4)) with PyTorch's own initialisation is saved as a plain
state dict (keys 0.weight, 0.bias, 2.weight, 2.bias) in torch_mlp_init.safetensors. It then trains on 1280 rows
in file order, 40 minibatches of 32, with mean cross-entropy, once with Adam (lr 1e-2, weight decay 1e-4) and
once with AdamW (lr 1e-2, weight decay 0.05); the weights after step 40 go to torch_mlp_adam_40.safetensors and
torch_mlp_adamw_40.safetensors. The rows are exact small rationals from a formula (Rows below) that the test
computes the same way, so no data file is needed.
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS, FEATURES, CLASSES, BATCH = 1280, 20, 4, 32


def rows():
    """x[i, j] = ((7i + 13j) mod 17 − 8) / 8 and y[i] = (3i + i div 7) mod 4: exact in float32 on both sides."""
    x = torch.tensor([[((7 * i + 13 * j) % 17 - 8) / 8 for j in range(FEATURES)] for i in range(ROWS)], dtype=torch.float32)
    y = torch.tensor([(3 * i + i // 7) % CLASSES for i in range(ROWS)], dtype=torch.long)
    return x, y


def save(path, state):
    """A plain safetensors file: 8-byte little-endian header length, JSON header, raw little-endian float32."""
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


torch.manual_seed(40)
model = torch.nn.Sequential(torch.nn.Linear(FEATURES, 32), torch.nn.ReLU(), torch.nn.Linear(32, CLASSES))
init = {k: v.clone() for k, v in model.state_dict().items()}
save(os.path.join(HERE, "torch_mlp_init.safetensors"), init)
x, y = rows()
for name, optimizer_class, weight_decay in [("adam", torch.optim.Adam, 1e-4), ("adamw", torch.optim.AdamW, 0.05)]:
    model.load_state_dict(init)
    opt = optimizer_class(model.parameters(), lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay)
    for step in range(ROWS // BATCH):
        batch = slice(step * BATCH, (step + 1) * BATCH)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
        opt.step()
    save(os.path.join(HERE, f"torch_mlp_{name}_40.safetensors"), model.state_dict())
print(f"wrote the initial and trained weights with torch {torch.__version__}")
