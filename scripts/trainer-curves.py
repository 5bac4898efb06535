#!/usr/bin/python3
"""The PyTorch side of the trainer learning-curve comparison (docs/demo-model.md, "Learning curves").

Trains resnet-demo in PyTorch on images the Java generator wrote, with the Java trainer's recipe, and prints one
CSV line per epoch. Run with Debian's interpreter (python3-torch 1.13; torchvision is not needed):

    java -jar target/resnet-serve.jar generate --count 8000 --seed 45 --square 64 --input 64 --out /tmp/curves/train
    java -jar target/resnet-serve.jar generate --count 1000 --seed 43 --square 64 --input 64 --out /tmp/curves/val
    DNNL_MAX_CPU_ISA=AVX2 /usr/bin/python3 scripts/trainer-curves.py --train /tmp/curves/train --val /tmp/curves/val

`generate --input 64` writes the 64x64 model input the Java trainer makes of each sample (decoded and fitted by the
service's code, before normalisation) as a lossless PNG, label in the file name, so both sides train on the same
pixels: `train --warmup 4 --epochs 0 --input 64 --seed 42 --val-square true` trains on set 45 (seed + 3) drawn on
square 64x64 canvases and validates on set 43 (seed + 1) drawn the same way.

The recipe is TrainCommand's:
- input: RGB, (v / 255 - mean) / std with ImageNet's mean and std, float32, NCHW (Preprocessor.normalise);
- augmentation: each training sample turned or mirrored at random, uniformly over the 8 symmetries of the square
  (Dihedral; the random streams differ from Java's, the distribution is the same); order reshuffled every epoch;
- resnet-demo (ResNetSpec/ResNetBuilder): 3x3/2 stem of 16, four stages of one basic block (16, 32, 64, 128;
  strides 1, 2, 2, 2; 1x1 projection + batch norm where the shape changes), global max pooling, linear 8;
  convolutions without bias, batch norm eps 1e-5 and momentum 0.1 (DJL's 0.9);
- softmax cross-entropy on the logits, mean over the batch; Adam (0.9, 0.999, eps 1e-8, no weight decay), batch 32;
  learning rate for update t (t = 1, 2, ...): DJL's CosineTracker, lr/100 + (lr - lr/100) / 2 (1 + cos(pi t / T))
  with T = epochs * ceil(train / batch), as `train` sets it;
- initialisation (--init): `djl` (default) as DJL 0.36 initialises: every convolution and linear weight normal with
  std sqrt(2 / fan_in) (Parameter.Type.WEIGHT = XavierInitializer(GAUSSIAN, IN, 2), i.e. Kaiming normal), linear
  bias 0, batch norm gamma 1 and beta 0; `torch`: PyTorch's defaults (Kaiming uniform with a = sqrt(5), i.e.
  U(+-1/sqrt(fan_in)), weights about 2.45 times smaller; linear bias U(+-1/sqrt(fan_in))).
Validation: eval mode (running statistics), accuracy over the whole set, as EasyTrain's validation.
Training loss/accuracy per epoch: averaged over the epoch's batches in training mode, as DJL's train_epoch metrics.
"""
import argparse
import importlib.util
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

CLASSES = ["circle", "square", "triangle", "pentagon", "hexagon", "star", "cross", "ring"]
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def load(directory):
    """uint8 N x H x W x 3 and int64 labels from NNNNN-<class>.png files, in index order."""
    names = sorted(n for n in os.listdir(directory) if n.endswith(".png"))
    images = np.stack([np.asarray(Image.open(os.path.join(directory, n)).convert("RGB")) for n in names])
    labels = np.array([CLASSES.index(n[n.index("-") + 1:n.rindex(".")]) for n in names], dtype=np.int64)
    return images, labels


def normalise(images):
    """Preprocessor.normalise: (v / 255f - mean) / std in float32, then HWC -> CHW."""
    x = (images.astype(np.float32) / np.float32(255) - MEAN) / STD
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def dihedral(image, t):
    """One of the 8 symmetries of a square H x W x 3 image (0 = identity)."""
    if t >= 4:
        image = image.transpose(1, 0, 2)
    return np.rot90(image, t % 4) if t % 4 else image


# The residual unit and its layers are trainer-parity.py's: the network that script checks step by step.
_parity = importlib.util.spec_from_file_location(
    "trainer_parity", os.path.join(os.path.dirname(os.path.abspath(__file__)), "trainer-parity.py"))
trainer_parity = importlib.util.module_from_spec(_parity)
_parity.loader.exec_module(trainer_parity)
conv, bn, Unit = trainer_parity.conv, trainer_parity.bn, trainer_parity.Unit


class ResNetDemo(nn.Module):
    def __init__(self, stem=16, widths=(16, 32, 64, 128), classes=8):
        super().__init__()
        self.conv, self.bn = conv(3, stem, 3, 2), bn(stem)
        units, cin = [], stem
        for stage, w in enumerate(widths):
            units.append(Unit(cin, w, 1 if stage == 0 else 2))
            cin = w
        self.units = nn.ModuleList(units)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        for u in self.units:
            x = u(x)
        return self.fc(torch.flatten(F.adaptive_max_pool2d(x, 1), 1))


def djl_init(model):
    """DJL 0.36's defaults: weights N(0, sqrt(2 / fan_in)), biases 0 (batch norm is already gamma 1, beta 0)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.normal_(0.0, math.sqrt(2.0 / fan_in))
                if m.bias is not None:
                    m.bias.zero_()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--train", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--init", choices=["djl", "torch"], default="djl")
    a = p.parse_args()

    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    torch.set_num_threads(a.threads)
    start = time.time()
    train_images, train_labels = load(a.train)
    val_x = normalise(load(a.val)[0])
    val_y = torch.from_numpy(load(a.val)[1])
    print("# loaded %d training and %d validation images (%dx%d) in %.1f s; torch %s, %d threads, init %s, "
          "DNNL_MAX_CPU_ISA=%s" % (len(train_labels), len(val_y), train_images.shape[1], train_images.shape[2],
                                   time.time() - start, torch.__version__, torch.get_num_threads(), a.init,
                                   os.environ.get("DNNL_MAX_CPU_ISA", "unset")), file=sys.stderr)

    model = ResNetDemo()
    if a.init == "djl":
        djl_init(model)
    optimiser = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    per_epoch = math.ceil(len(train_labels) / a.batch)
    total, final = a.epochs * per_epoch, a.lr / 100
    update = 0
    print("epoch,train_loss,train_acc,val_loss,val_acc,seconds")
    for epoch in range(1, a.epochs + 1):
        began = time.time()
        model.train()
        order = rng.permutation(len(train_labels))
        losses, correct = [], 0
        for b in range(per_epoch):
            idx = order[b * a.batch:(b + 1) * a.batch]
            x = normalise(np.stack([dihedral(train_images[i], t) for i, t in zip(idx, rng.integers(0, 8, len(idx)))]))
            y = torch.from_numpy(train_labels[idx])
            update += 1
            for group in optimiser.param_groups:
                group["lr"] = final + (a.lr - final) / 2 * (1 + math.cos(math.pi * min(update, total) / total))
            optimiser.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
            correct += (logits.argmax(1) == y).sum().item()
        model.eval()
        with torch.no_grad():
            val_losses, val_correct = [], 0
            for b in range(0, len(val_y), a.batch):
                logits = model(val_x[b:b + a.batch])
                val_losses.append(F.cross_entropy(logits, val_y[b:b + a.batch]).item())
                val_correct += (logits.argmax(1) == val_y[b:b + a.batch]).sum().item()
        print("%d,%.4f,%.4f,%.4f,%.4f,%.0f" % (epoch, np.mean(losses), correct / len(train_labels),
                                                np.mean(val_losses), val_correct / len(val_y), time.time() - began),
              flush=True)
    print("# total %.0f s" % (time.time() - start), file=sys.stderr)


if __name__ == "__main__":
    main()
