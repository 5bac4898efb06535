#!/usr/bin/python3
"""Writes the reference fixtures that tests compare resnet-serve against.

Run with Debian's interpreter (it has python3-torch, python3-torchvision, python3-skimage):
    /usr/bin/python3 scripts/make-test-fixtures.py
Only the ONNX exports of the committed parity model (needs python3-torch alone, no onnx package):
    /usr/bin/python3 scripts/make-test-fixtures.py --onnx
Only the explainable TorchScript export of the committed parity model (README's Grad-CAM recipe):
    /usr/bin/python3 scripts/make-test-fixtures.py --explainable
Only the strong parity model and its expectations, from the committed parity images:
    /usr/bin/python3 scripts/make-test-fixtures.py --strong

Outputs, under src/test/resources/fixtures/:
  parity/model.pt            a small residual net (seeded random weights, 16 classes), TorchScript
  parity/model.onnx          the same weights in ONNX (opset 13, dynamic batch axis), for ONNX Runtime
  parity/model-batch1.onnx   the same weights in ONNX with the batch dimension fixed to 1
  parity/explainable.pt      the same weights scripted with the README's recipe: forward, and the methods
                             explain_features (the last stage's activations) and explain_head (logits from them)
  parity/labels.txt          its 16 labels
  parity/*.jpg|png           photos of several sizes, aspect ratios and pixel formats
  parity/<image>.crop.gz     the 224x224 RGB uint8 crop torchvision feeds the model (HWC), gzip
  parity/expected.json       per image: softmax probabilities and top-5 from PyTorch
  parity-strong/model.pt     a model whose output depends on every region of the input (1000 classes), TorchScript
  parity-strong/expected.json.gz  per parity image: its softmax probabilities and top-5 from torchvision's input
  formats/*                  one small image per decoder path (GIF, BMP, WebP, TIFF, CMYK JPEG, 16-bit PNG, EXIF)
Nothing here is downloaded: the photos ship with scikit-image.
"""
import glob
import gzip
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

ROOT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures")
PARITY = os.path.join(ROOT, "parity")
FORMATS = os.path.join(ROOT, "formats")
NUM_CLASSES = 16
LOGIT_SCALE = 25.0  # spreads the softmax so that a 1e-3 tolerance on probabilities is a strict test


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.layers = nn.Sequential(Block(16, 16, 2), Block(16, 32, 2), Block(32, 64, 2))
        self.fc = nn.Linear(64, NUM_CLASSES)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)) * LOGIT_SCALE


def torchvision_pipeline():
    import torchvision.transforms as T
    resize_crop = T.Compose([T.Resize(256), T.CenterCrop(224)])
    to_tensor = T.Compose([T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    return resize_crop, to_tensor


def parity_images():
    from skimage import data
    chelsea = Image.fromarray(data.chelsea())             # 451x300
    coffee = Image.fromarray(data.coffee())               # 600x400
    astronaut = Image.fromarray(data.astronaut())         # 512x512
    camera = Image.fromarray(data.camera())               # 512x512, L
    rocket = Image.fromarray(data.rocket())               # 640x427
    rgba = astronaut.resize((300, 200)).convert("RGBA")
    alpha = np.tile(np.linspace(0, 255, 300, dtype=np.uint8), (200, 1))
    rgba.putalpha(Image.fromarray(alpha))
    images = {
        "chelsea.jpg": (chelsea, dict(quality=90)),
        "coffee-progressive.jpg": (coffee, dict(quality=85, progressive=True)),
        "astronaut.png": (astronaut, {}),
        "camera-gray.png": (camera, {}),
        "camera-gray.jpg": (camera, dict(quality=90)),
        "rocket-tall.png": (rocket.crop((200, 0, 342, 427)), {}),         # 142x427, about 1:3
        "coffee-wide.jpg": (coffee.crop((0, 150, 600, 300)), dict(quality=92)),  # 600x150, 4:1
        "chelsea-small.jpg": (chelsea.resize((120, 80)), dict(quality=95)),  # upscaled by Resize(256)
        "astronaut-rgba.png": (rgba, {}),
        "chelsea-palette.png": (chelsea.quantize(64), {}),
    }
    return images


def write_parity():
    os.makedirs(PARITY, exist_ok=True)
    torch.manual_seed(20261126)
    model = TinyResNet().eval()
    with torch.no_grad():  # non-trivial batch-norm statistics, so that BN is exercised as in a trained model
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    traced = torch.jit.trace(model, torch.zeros(1, 3, 224, 224))
    traced.save(os.path.join(PARITY, "model.pt"))
    with open(os.path.join(PARITY, "labels.txt"), "w") as f:
        for i in range(NUM_CLASSES):
            f.write(f"n{i:08d} class{i:02d}, the {i}th class\n")

    resize_crop, to_tensor = torchvision_pipeline()
    expected = {}
    for name, (img, save_args) in parity_images().items():
        path = os.path.join(PARITY, name)
        img.save(path, **save_args)
        variants = {"drop": Image.open(path).convert("RGB")}
        opened = Image.open(path)
        if opened.mode == "RGBA":
            white = Image.new("RGBA", opened.size, (255, 255, 255, 255))
            variants["composite-white"] = Image.alpha_composite(white, opened).convert("RGB")
        entry = {}
        for variant, rgb in variants.items():
            crop = resize_crop(rgb)
            with gzip.open(os.path.join(PARITY, f"{name}.{variant}.crop.gz"), "wb") as f:
                f.write(np.asarray(crop, dtype=np.uint8).tobytes())
            with torch.no_grad():
                probs = torch.softmax(traced(to_tensor(crop).unsqueeze(0)), dim=1)[0]
            entry[variant] = {
                "size": list(rgb.size),
                "probabilities": [float(p) for p in probs],
                "top5": [int(i) for i in torch.topk(probs, 5).indices],
            }
        expected[name] = entry
    with open(os.path.join(PARITY, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


STRONG = os.path.join(ROOT, "parity-strong")
STRONG_GRID = 14          # the input average-pooled to 3x14x14: one feature per 16x16 block of each channel
STRONG_CLASSES = 1000
STRONG_SCALE = 0.0028     # int8 weights times this: logits with a standard deviation of about 5 on the photos


class StrongParity(nn.Module):
    """The input average-pooled to a 3x14x14 grid, flattened, into a linear layer with large fixed-seed random
    weights to 1000 classes. Every 16x16 block of every channel moves every logit, by about 0.2 per unit of
    normalised input: a red mean off by 0.005 (0.022 in the normalised tensor) moves a logit by about 0.07, which
    changes the top probabilities by several 1e-3. The parity model above (a small ResNet with global pooling) hardly
    depends on the image. The weights are int8 (588 KB), turned to float in the graph."""

    def __init__(self):
        super().__init__()
        generator = torch.Generator().manual_seed(20261201)
        features = 3 * STRONG_GRID * STRONG_GRID
        self.register_buffer("weight", torch.randint(-127, 128, (STRONG_CLASSES, features), generator=generator,
                                                     dtype=torch.int8))

    def forward(self, x):
        pooled = torch.flatten(nn.functional.adaptive_avg_pool2d(x, STRONG_GRID), 1)
        return pooled @ (self.weight.float() * STRONG_SCALE).t()


def write_strong():
    """The strong parity model, and the probabilities PyTorch gives for each committed parity image after
    torchvision's own preprocessing (the crop is checked against the committed one first). Needs no scikit-image:
    the images are the committed ones."""
    os.makedirs(STRONG, exist_ok=True)
    model = StrongParity().eval()
    traced = torch.jit.trace(model, torch.zeros(1, 3, 224, 224))
    traced.save(os.path.join(STRONG, "model.pt"))
    traced = torch.jit.load(os.path.join(STRONG, "model.pt"))
    resize_crop, to_tensor = torchvision_pipeline()
    expected = {}
    names = sorted(os.path.basename(p)[:-len(".drop.crop.gz")]
                   for p in glob.glob(os.path.join(PARITY, "*.drop.crop.gz")))
    for name in names:
        crop = resize_crop(Image.open(os.path.join(PARITY, name)).convert("RGB"))
        with gzip.open(os.path.join(PARITY, f"{name}.drop.crop.gz"), "rb") as f:
            assert np.asarray(crop, dtype=np.uint8).tobytes() == f.read(), f"{name}: not the committed crop"
        with torch.no_grad():
            probs = torch.softmax(traced(to_tensor(crop).unsqueeze(0)), dim=1)[0]
        expected[name] = {
            "probabilities": [float(f"{float(p):.4e}") for p in probs],  # 5 significant digits: 1e-3 is the test's
            "top5": [int(i) for i in torch.topk(probs, 5).indices],
        }
        print(name, "top-5", expected[name]["top5"], [round(float(p), 3) for p in torch.topk(probs, 5).values])
    with gzip.GzipFile(os.path.join(STRONG, "expected.json.gz"), "wb", mtime=0) as f:
        f.write(json.dumps(expected).encode())


def write_onnx():
    """The committed TorchScript parity model's own weights, exported to ONNX twice: with a dynamic batch axis, and
    with the batch fixed to 1 (as a graph exported without dynamic_axes is), which the service must run one at a
    time. The weights are read back from model.pt, so both files hold exactly the weights expected.json was made
    with."""
    traced = torch.jit.load(os.path.join(PARITY, "model.pt"))
    model = TinyResNet().eval()
    model.load_state_dict(traced.state_dict())
    probe = torch.linspace(-2, 2, 2 * 3 * 224 * 224).reshape(2, 3, 224, 224)
    with torch.no_grad():
        assert torch.allclose(model(probe), traced(probe), atol=1e-5), "the weights did not round-trip"
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), os.path.join(PARITY, "model.onnx"),
                          opset_version=13, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        torch.onnx.export(model, torch.zeros(1, 3, 224, 224), os.path.join(PARITY, "model-batch1.onnx"),
                          opset_version=13, input_names=["input"], output_names=["logits"])


class Explainable(nn.Module):
    """The README's recipe for Grad-CAM on a TorchScript export: the network split at its last residual stage into
    two exported methods, explain_features(x) -> activations [N, K, h, w] and explain_head(a) -> logits, with
    forward(x) = explain_head(explain_features(x)) for classification."""

    def __init__(self, net):
        super().__init__()
        self.stem = net.stem
        self.layers = net.layers
        self.fc = net.fc
        self.scale = LOGIT_SCALE

    def forward(self, x):
        return self.explain_head(self.explain_features(x))

    @torch.jit.export
    def explain_features(self, x):
        return self.layers(self.stem(x))

    @torch.jit.export
    def explain_head(self, a):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(a, 1), 1)) * self.scale


def write_explainable():
    """The committed parity model's weights (read back from model.pt, as for ONNX), scripted as Explainable."""
    traced = torch.jit.load(os.path.join(PARITY, "model.pt"))
    model = TinyResNet().eval()
    model.load_state_dict(traced.state_dict())
    scripted = torch.jit.script(Explainable(model).eval())
    probe = torch.linspace(-2, 2, 2 * 3 * 224 * 224).reshape(2, 3, 224, 224)
    with torch.no_grad():
        assert torch.allclose(scripted(probe), traced(probe), atol=1e-4), "the weights did not round-trip"
        assert scripted.explain_features(probe).shape == (2, 64, 14, 14)
    scripted.save(os.path.join(PARITY, "explainable.pt"))


def png_rgb16(width, height, pixel):
    """A 16-bit-per-channel RGB PNG, written by hand (PIL cannot write one)."""
    raw = b"".join(b"\x00" + b"".join(struct.pack(">HHH", *pixel(x, y)) for x in range(width))
                   for y in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_formats():
    """Two-colour images: left half red, right half blue (48x32), in every format the decoder supports."""
    os.makedirs(FORMATS, exist_ok=True)
    halves = Image.new("RGB", (48, 32), (0, 0, 255))
    halves.paste((255, 0, 0), (0, 0, 24, 32))
    halves.save(os.path.join(FORMATS, "halves.bmp"))
    halves.save(os.path.join(FORMATS, "halves.tiff"))
    halves.save(os.path.join(FORMATS, "halves.webp"), lossless=True)
    halves.save(os.path.join(FORMATS, "halves.png"))
    halves.save(os.path.join(FORMATS, "halves.jpg"), quality=95)
    halves.convert("CMYK").save(os.path.join(FORMATS, "halves-cmyk.jpg"), quality=95)
    green = Image.new("RGB", (48, 32), (0, 255, 0))
    halves.save(os.path.join(FORMATS, "halves-animated.gif"), save_all=True, append_images=[green], duration=100)
    with open(os.path.join(FORMATS, "halves-16bit.png"), "wb") as f:
        f.write(png_rgb16(48, 32, lambda x, y: (65535, 0, 0) if x < 24 else (0, 0, 65535)))
    # EXIF orientation 6: the stored pixels must be turned 90 degrees clockwise for display,
    # so the displayed image is 32x48 with red on top.
    exif = Image.Exif()
    exif[0x0112] = 6
    halves.save(os.path.join(FORMATS, "halves-exif-rotate90.jpg"), quality=95, exif=exif.tobytes())
    # The same orientation where each other format keeps it: PNG's eXIf chunk, WebP's RIFF EXIF chunk, and a
    # TIFF file's own IFD0 (Orientation reads each without a general metadata reader).
    halves.save(os.path.join(FORMATS, "halves-exif-rotate90.png"), exif=exif.tobytes())
    halves.save(os.path.join(FORMATS, "halves-exif-rotate90.webp"), lossless=True, exif=exif.tobytes())
    halves.save(os.path.join(FORMATS, "halves-exif-rotate90.tiff"), tiffinfo={0x0112: 6})
    # Half-transparent: left half opaque red, right half fully transparent blue.
    rgba = Image.new("RGBA", (48, 32), (0, 0, 255, 0))
    rgba.paste((255, 0, 0, 255), (0, 0, 24, 32))
    rgba.save(os.path.join(FORMATS, "halves-alpha.png"))


if __name__ == "__main__":
    if sys.argv[1:] == ["--explainable"]:
        write_explainable()
        print("fixtures written under", os.path.normpath(ROOT))
        sys.exit(0)
    if sys.argv[1:] == ["--strong"]:
        write_strong()
    else:
        if sys.argv[1:] != ["--onnx"]:
            write_parity()
            write_formats()
        write_onnx()
        write_explainable()
    print("fixtures written under", os.path.normpath(ROOT))
