#!/usr/bin/python3
"""INT8 experiment (issue 20): static post-training quantisation (fbgemm, or onednn where the build lacks it, as
Debian's torch 1.13 does) of
  - the bundled demo model, ported to a PyTorch twin from the weights bench/int8/ExportParams.java writes, and
  - torchvision ResNet-18 and ResNet-50 with bench/make-bench-models.py's random weights (seed 0),
each written as fp32 and int8 TorchScript so that the service can serve both, and the int8 model's top-1 compared
with the fp32 one's on images it was not calibrated on.

    /usr/bin/python3 bench/int8/quantize.py demo EXPORT_DIR CALIBRATION_DIR EVALUATION_DIR OUT_DIR
    /usr/bin/python3 bench/int8/quantize.py torchvision CALIBRATION_DIR PHOTOS_DIR OUT_DIR

demo: EXPORT_DIR from ExportParams; CALIBRATION_DIR and EVALUATION_DIR: `generate --input 128 --folders true`
output of two different seeds (the model input the service makes, before normalisation), so calibration and
evaluation images are independent by construction. torchvision: calibrated on generated shapes (any images do for
random weights) and compared on the parity photos, preprocessed as torchvision does (resize 256, centre crop 224).
"""
import glob
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from torch.ao.quantization import DeQuantStub, QuantStub, convert, fuse_modules, get_default_qconfig, prepare

# fbgemm where the build has it; Debian's torch 1.13 has onednn (x86) and qnnpack (Arm) instead
QENGINE = "fbgemm" if "fbgemm" in torch.backends.quantized.supported_engines else "onednn"
torch.backends.quantized.engine = QENGINE
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def read_tensors(directory):
    raw = np.fromfile(os.path.join(directory, "tensors.bin"), dtype="<f4")
    out = {}
    with open(os.path.join(directory, "tensors.txt")) as f:
        for line in f:
            name, shape, offset, count = line.split()
            shape = [int(s) for s in shape.split(",")] if shape else []
            out[name] = torch.from_numpy(raw[int(offset):int(offset) + int(count)].reshape(shape).copy())
    return out


class Unit(nn.Module):
    """The demo's basic block, as ResNetBuilder builds it, ready for fusing and quantisation."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.project = stride != 1 or cin != cout
        if self.project:
            self.sconv = nn.Conv2d(cin, cout, 1, stride, 0, bias=False)
            self.sbn = nn.BatchNorm2d(cout)
        self.add = nn.quantized.FloatFunctional()

    def forward(self, x):
        main = self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))
        return self.add.add_relu(main, self.sbn(self.sconv(x)) if self.project else x)

    def ordered(self):
        layers = [self.conv1, self.bn1, self.conv2, self.bn2]
        return layers + ([self.sconv, self.sbn] if self.project else [])

    def fuse(self):
        groups = [["conv1", "bn1", "relu1"], ["conv2", "bn2"]] + ([["sconv", "sbn"]] if self.project else [])
        fuse_modules(self, groups, inplace=True)


class Demo(nn.Module):
    """resnet-demo: 3x3/2 stem, one basic block a stage, global max pooling, linear; max pooling and the linear
    layer stay in float (dequantised before them: 128 x 8 multiply-adds)."""

    def __init__(self, stem, widths, classes):
        super().__init__()
        self.quant, self.dequant = QuantStub(), DeQuantStub()
        self.conv = nn.Conv2d(3, stem, 3, 2, 1, bias=False)
        self.bn = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU()
        units, cin = [], stem
        for stage, w in enumerate(widths):
            units.append(Unit(cin, w, 1 if stage == 0 else 2))
            cin = w
        self.units = nn.ModuleList(units)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.relu(self.bn(self.conv(self.quant(x))))
        for u in self.units:
            x = u(x)
        return self.fc(torch.flatten(F.adaptive_max_pool2d(self.dequant(x), 1), 1))

    def load_djl(self, tensors):
        """DJL's parameter order: each convolution's weight, each batch norm's gamma, beta, running mean and
        variance, the linear layer's weight and bias."""
        layers = [self.conv, self.bn] + [m for u in self.units for m in u.ordered()] + [self.fc]
        values = [tensors[k] for k in sorted((k for k in tensors if k.startswith("param/")),
                                             key=lambda k: int(k[len("param/"):].split(":")[0]))]
        targets = []
        for m in layers:
            if isinstance(m, nn.Conv2d):
                targets.append(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                targets += [m.weight, m.bias, m.running_mean, m.running_var]
            else:
                targets += [m.weight, m.bias]
        assert len(values) == len(targets), (len(values), len(targets))
        with torch.no_grad():
            for t, v in zip(targets, values):
                assert tuple(t.shape) == tuple(v.shape), (t.shape, v.shape)
                t.copy_(v)

    def fuse(self):
        fuse_modules(self, [["conv", "bn", "relu"]], inplace=True)
        for u in self.units:
            u.fuse()


def folder_images(directory):
    files = sorted(glob.glob(os.path.join(directory, "*", "*.png")))
    labels = sorted({os.path.basename(os.path.dirname(f)) for f in files})
    return files, labels


def normalised(files):
    arrays = [np.asarray(Image.open(f).convert("RGB"), dtype=np.float32) / 255.0 for f in files]
    x = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2)
    return (x - MEAN) / STD


def torchvision_input(files):
    from torchvision import transforms
    t = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(),
                            transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    return torch.stack([t(Image.open(f).convert("RGB")) for f in files])


def quantise(model, calibration, batch=32):
    model.eval()
    model.qconfig = get_default_qconfig(QENGINE)
    if isinstance(model, Demo):
        model.fc.qconfig = None  # after the dequantisation: stays float
    prepared = prepare(model, inplace=False)
    with torch.no_grad():
        for i in range(0, len(calibration), batch):
            prepared(calibration[i:i + batch])
    return convert(prepared, inplace=False)


def predict(model, x, batch=50):
    with torch.no_grad():
        return torch.cat([F.softmax(model(x[i:i + batch]), 1) for i in range(0, len(x), batch)])


def seconds_per_image(model, size, batch=8, rounds=20):
    x = torch.randn(batch, 3, size, size)
    with torch.no_grad():
        for _ in range(3):
            model(x)
        start = time.perf_counter()
        for _ in range(rounds):
            model(x)
    return (time.perf_counter() - start) / (rounds * batch)


def compare(name, fp32, int8, x, labels=None):
    p, q = predict(fp32, x), predict(int8, x)
    top_p, top_q = p.argmax(1), q.argmax(1)
    agree = (top_p == top_q).float().mean().item()
    line = "%s: %d images, int8 top-1 agrees with fp32 on %.2f %% (%d differ), max |p - q| %.4f" % (
        name, len(x), 100 * agree, int((top_p != top_q).sum()), (p - q).abs().max().item())
    if labels is not None:
        line += ", accuracy fp32 %.2f %% int8 %.2f %%" % (100 * (top_p == labels).float().mean().item(),
                                                        100 * (top_q == labels).float().mean().item())
    print(line)
    return agree


def save(model, example, path):
    torch.jit.trace(model, example).save(path)
    print("wrote", path)


def demo(export, calibration_dir, evaluation_dir, out):
    tensors = read_tensors(export)
    convs = [tensors[k] for k in sorted((k for k in tensors if k.startswith("param/")),
                                        key=lambda k: int(k[len("param/"):].split(":")[0])) if tensors[k].dim() == 4]
    stem = convs[0].shape[0]
    fc_bias = max((k for k in tensors if k.startswith("param/")), key=lambda k: int(k[len("param/"):].split(":")[0]))
    classes = tensors[fc_bias].shape[0]
    # one block a stage: conv1, conv2 (and a projection) per unit; the stage widths are the conv2 output channels
    widths, i = [], 1
    while i < len(convs):
        widths.append(convs[i + 1].shape[0])
        projected = i + 2 < len(convs) and convs[i + 2].shape[2] == 1
        i += 3 if projected else 2
    print("demo twin: stem %d, widths %s, %d classes" % (stem, widths, classes))
    model = Demo(stem, widths, classes).eval()
    model.load_djl(tensors)
    with torch.no_grad():
        diff = (model(tensors["input"]) - tensors["logits"]).abs().max().item()
    print("twin against DJL's logits on the exported batch: max |difference| %.2e" % diff)
    assert diff < 1e-3, "the twin does not compute what the Java network computes"
    calibration_files, _ = folder_images(calibration_dir)
    evaluation_files, _ = folder_images(evaluation_dir)
    with open(os.path.join(export, "synset.txt")) as f:  # the model's class order
        synset = [line.strip() for line in f if line.strip()]
    labels = torch.tensor([synset.index(os.path.basename(os.path.dirname(f))) for f in evaluation_files])
    size = tensors["input"].shape[2]
    fused = Demo(stem, widths, classes).eval()
    fused.load_djl(tensors)
    fused.fuse()
    int8 = quantise(fused, normalised(calibration_files))
    compare("demo, %d calibration images" % len(calibration_files), model, int8, normalised(evaluation_files), labels)
    os.makedirs(out, exist_ok=True)
    example = torch.zeros(1, 3, size, size)
    save(model, example, os.path.join(out, "demo-fp32.pt"))
    save(int8, example, os.path.join(out, "demo-int8.pt"))
    print("python, one thread, batch 8: fp32 %.2f ms/image, int8 %.2f ms/image" % (
        1000 * seconds_per_image(model, size), 1000 * seconds_per_image(int8, size)))


def tv(calibration_dir, photos_dir, out):
    import torchvision
    from torchvision.models import quantization
    calibration_files, _ = folder_images(calibration_dir)
    photos = sorted(glob.glob(os.path.join(photos_dir, "*.jpg")) + glob.glob(os.path.join(photos_dir, "*.png")))
    x = torchvision_input(photos)
    calibration = torchvision_input(calibration_files)
    os.makedirs(out, exist_ok=True)
    for name in ("resnet18", "resnet50"):
        torch.manual_seed(0)  # as bench/make-bench-models.py: the same random weights as the fp32 bench models
        reference = getattr(torchvision.models, name)(weights=None).eval()
        fp32 = getattr(quantization, name)(weights=None, quantize=False).eval()
        fp32.load_state_dict(reference.state_dict())
        fp32.fuse_model()
        int8 = quantise(fp32, calibration)
        compare("%s (random weights), %d parity photos" % (name, len(photos)), reference, int8, x)
        save(int8, torch.zeros(1, 3, 224, 224), os.path.join(out, name + "-int8.pt"))
        print("python, one thread, batch 8: fp32 %.2f ms/image, int8 %.2f ms/image" % (
            1000 * seconds_per_image(reference, 224), 1000 * seconds_per_image(int8, 224)))


if __name__ == "__main__":
    torch.set_num_threads(1)
    print("torch %s, quantisation engine %s" % (torch.__version__, QENGINE))
    if sys.argv[1] == "demo":
        demo(*sys.argv[2:6])
    else:
        tv(*sys.argv[2:5])
