#!/usr/bin/python3
"""Writes the normalised input tensors torchvision makes from the committed reference crops.

    /usr/bin/python3 scripts/make-tensor-fixtures.py        (Debian's python3-torch)

For each parity image, parity/<image>.drop.tensor.gz holds the float32 [3,224,224] tensor (little-endian, CHW)
that torchvision's ToTensor() and Normalize(ImageNet mean, std) make from parity/<image>.drop.crop.gz (the crop
scripts/make-test-fixtures.py wrote with torchvision's Resize(256) and CenterCrop(224)). The two transforms are
written out as torchvision 0.14 does them, in float32: ToTensor permutes HWC to CHW, converts to float32 and
divides by 255; Normalize subtracts the mean and divides by the std, each as a float32 tensor. Torchvision itself
is not needed, so this runs with python3-torch alone.
"""
import glob
import gzip
import os

import numpy as np
import torch

PARITY = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "parity")
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def to_tensor(hwc_uint8):
    # torchvision.transforms.functional.to_tensor for a PIL RGB image
    img = torch.from_numpy(hwc_uint8).permute((2, 0, 1)).contiguous()
    return img.to(dtype=torch.get_default_dtype()).div(255)


def normalize(tensor):
    # torchvision.transforms.functional.normalize (inplace=False)
    tensor = tensor.clone()
    mean = torch.as_tensor(MEAN, dtype=tensor.dtype)
    std = torch.as_tensor(STD, dtype=tensor.dtype)
    return tensor.sub_(mean.view(-1, 1, 1)).div_(std.view(-1, 1, 1))


def main():
    for crop_path in sorted(glob.glob(os.path.join(PARITY, "*.drop.crop.gz"))):
        with gzip.open(crop_path, "rb") as f:
            crop = np.frombuffer(f.read(), dtype=np.uint8).reshape(224, 224, 3)
        tensor = normalize(to_tensor(crop.copy()))
        out = crop_path.replace(".crop.gz", ".tensor.gz")
        with gzip.open(out, "wb") as f:
            f.write(tensor.numpy().astype("<f4").tobytes())
        print(os.path.basename(out), tuple(tensor.shape), float(tensor.min()), float(tensor.max()))


if __name__ == "__main__":
    main()
