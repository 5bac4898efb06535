#!/usr/bin/python3
"""Random-weight torchvision ResNet-18 and ResNet-50 as TorchScript and, with the same weights, as ONNX (opset 13,
dynamic batch axis; torch.onnx.export needs no onnx package), for benchmarks (no weights are downloaded).

    /usr/bin/python3 bench/make-bench-models.py target/bench-models
"""
import os
import sys

import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "target/bench-models"
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
for name in ("resnet18", "resnet50"):
    model = getattr(torchvision.models, name)(weights=None).eval()
    torch.jit.trace(model, torch.zeros(1, 3, 224, 224)).save(os.path.join(out, name + ".pt"))
    print("wrote", os.path.join(out, name + ".pt"))
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), os.path.join(out, name + ".onnx"), opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    print("wrote", os.path.join(out, name + ".onnx"))
