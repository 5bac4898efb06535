#!/usr/bin/python3
"""Writes the trainer-parity fixture: a few training steps of a tiny resnet-demo in PyTorch.

Run with Debian's interpreter (python3-torch 1.13):
    /usr/bin/python3 scripts/trainer-parity.py

The network is the resnet-demo architecture (3x3/2 stem, four stages of one basic block with strides 1, 2, 2, 2,
global MAX pooling, linear) at low width (stem 8; stages 8, 16, 16, 32) and 32x32 input, 8 classes. The training
recipe is TrainCommand's: softmax cross-entropy on logits averaged over the batch, Adam (beta 0.9/0.999, eps 1e-8,
no weight decay), batch norm in training mode with PyTorch momentum 0.1 (DJL's 0.9) and eps 1e-5, and the learning
rate DJL's CosineTracker gives update t (t = 1, 2, ...): final + (base - final) / 2 * (1 + cos(pi * t / max)).

Outputs, under src/test/resources/fixtures/trainer-parity/:
  tensors.bin   float32 little-endian, concatenated
  tensors.txt   one line per tensor: name, shape (comma-separated), offset in floats, count
Tensors:
  init/<k>:<name>       the initial value of parameter k in DJL's parameter order (running stats included)
  batch<s>/x, batch<s>/y  the inputs (NCHW, already normalised) and class labels of step s (s = 1..STEPS)
  step1/logits           the training-mode forward output of step 1
  step1/grad/<k>:<name>  the gradient of every trainable parameter at step 1 (mean loss over the batch)
  step<s>/loss           the batch loss of step s
  step<s>/<k>:<name>     every parameter after step s
  eval/logits            eval-mode output (running statistics) on batch 1 after the last step
  sgd/step<s>/loss, sgd/step<s>/<k>:<name>  the same from the same initial weights and batches with the degradation
                         experiment's optimiser instead (torch.optim.SGD: learning rate 0.1, momentum 0.9, weight
                         decay 1e-4 on every parameter), as DegradationExperiment trains with TorchSgd
"""
import copy
import sys
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "trainer-parity")
STEM = 8
WIDTHS = [8, 16, 16, 32]
CLASSES = 8
SIZE = 32
BATCH = 16
STEPS = 3
BASE_LR = 0.001
FINAL_LR = BASE_LR / 100
MAX_UPDATES = 1000
SGD_LR = 0.1
SGD_MOMENTUM = 0.9
SGD_WEIGHT_DECAY = 1e-4


def conv(cin, cout, k, stride):
    return nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)


class Unit(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1, self.bn1 = conv(cin, cout, 3, stride), bn(cout)
        self.conv2, self.bn2 = conv(cout, cout, 3, 1), bn(cout)
        self.project = stride != 1 or cin != cout
        if self.project:
            self.sconv, self.sbn = conv(cin, cout, 1, stride), bn(cout)

    def forward(self, x):
        main = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(main + (self.sbn(self.sconv(x)) if self.project else x))

    def ordered(self, prefix):
        out = [(prefix + ".conv1", self.conv1), (prefix + ".bn1", self.bn1),
               (prefix + ".conv2", self.conv2), (prefix + ".bn2", self.bn2)]
        if self.project:
            out += [(prefix + ".sconv", self.sconv), (prefix + ".sbn", self.sbn)]
        return out


class Net(nn.Module):
    """A 3x3 stem of `stem` channels with stride `stem_stride`, stages of `blocks` basic units (`widths`; the first
    stage at stride 1, the others halving), global `pool`ing, linear: the shape ResNetBuilder builds."""

    def __init__(self, stem, stem_stride, widths, blocks, classes, pool):
        super().__init__()
        self.pool = pool
        self.conv, self.bn = conv(3, stem, 3, stem_stride), bn(stem)
        units, cin = [], stem
        for stage, w in enumerate(widths):
            for b in range(blocks):
                units.append(Unit(cin, w, 2 if stage > 0 and b == 0 else 1))
                cin = w
        self.units = nn.ModuleList(units)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = F.relu(self.bn(self.conv(x)))
        for u in self.units:
            x = u(x)
        return self.fc(torch.flatten(self.pool(x, 1), 1))

    def ordered(self):
        """(name, tensor, trainable) in the order DJL's Block.getParameters() lists them."""
        layers = [("stem.conv", self.conv), ("stem.bn", self.bn)]
        for i, u in enumerate(self.units):
            layers += u.ordered("unit%d" % (i + 1))
        layers.append(("fc", self.fc))
        out = []
        for name, m in layers:
            if isinstance(m, nn.Conv2d):
                out.append((name + ".weight", m.weight, True))
            elif isinstance(m, nn.BatchNorm2d):  # DJL: gamma, beta, runningMean, runningVar
                out += [(name + ".gamma", m.weight, True), (name + ".beta", m.bias, True),
                        (name + ".runningMean", m.running_mean, False), (name + ".runningVar", m.running_var, False)]
            else:
                out += [(name + ".weight", m.weight, True), (name + ".bias", m.bias, True)]
        return out


def tiny_demo():
    """resnet-demo at low width: 3x3/2 stem, one block a stage, global MAX pooling."""
    return Net(STEM, 2, WIDTHS, 1, CLASSES, F.adaptive_max_pool2d)


def cifar(n, classes):
    """He et al.'s CIFAR ResNet-(6n+2) as ResNetBuilder builds it: 3x3/1 stem of 16, three stages of n basic blocks
    (16, 32, 64; 1x1 projection shortcuts where the shape changes), global average pooling, linear; torchvision's
    initialisation (DegradationExperiment --init torchvision)."""
    net = Net(16, 1, [16, 32, 64], n, classes, F.adaptive_avg_pool2d)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    return net


def write(out, tensors):
    os.makedirs(out, exist_ok=True)
    offset = 0
    with open(os.path.join(out, "tensors.bin"), "wb") as blob, open(os.path.join(out, "tensors.txt"), "w") as index:
        index.write("# written by scripts/trainer-parity.py with torch %s; name shape offset count\n"
                    % torch.__version__)
        for name, a in tensors:
            blob.write(a.astype("<f4").tobytes())
            index.write("%s %s %d %d\n" % (name, ",".join(str(d) for d in a.shape) or "-", offset, a.size))
            offset += a.size
    print("wrote %d tensors, %d floats (%.1f kB); losses %s" % (
        len(tensors), offset, offset * 4 / 1024,
        [float(a[0]) for n, a in tensors if n.endswith("/loss")]))


def recorder():
    """The tensors to write, as (name, float32 array), and the function that adds one."""
    tensors = []

    def put(name, t):
        tensors.append((name, t.detach().to(torch.float32).contiguous().numpy().copy()))

    return tensors, put


def put_weights(put, prefix, ordered):
    """Every parameter and running statistic of `ordered`, as prefix + "k:name"."""
    for k, (name, t, _) in enumerate(ordered):
        put("%s%d:%s" % (prefix, k, name), t)


def step_loss(model, x, y, put, ordered):
    """Forward and backward of one batch (the loss: log-softmax of the logits, mean over the batch); with `put`,
    also records the logits and every trainable parameter's gradient as step 1's."""
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    if put is not None:
        put("step1/logits", logits)
        for k, (name, t, trainable) in enumerate(ordered):
            if trainable:
                put("step1/grad/%d:%s" % (k, name), t.grad)
    return loss


def cifar_main(n, out, steps, batch):
    """The experiment's CIFAR ResNet-(6n+2) and SGD (0.1, momentum 0.9, weight decay 1e-4): the initial weights,
    STEPS batches of random inputs, step 1's logits and gradients, every step's loss and the weights after step 1
    (sgd/ names as in the main fixture). Only step 1's weights: at this rate the deep net is chaotic, PyTorch's own
    weights after step 3 move by 0.04 when step 1's are perturbed by 1e-7 (docs/degradation.md)."""
    torch.manual_seed(20261202)
    torch.set_num_threads(1)
    model = cifar(n, 10)
    tensors, put = recorder()
    ordered = model.ordered()
    put_weights(put, "init/", ordered)
    sgd = torch.optim.SGD(model.parameters(), lr=SGD_LR, momentum=SGD_MOMENTUM, weight_decay=SGD_WEIGHT_DECAY)
    model.train()
    for s in range(1, steps + 1):
        x = torch.randn(batch, 3, 32, 32)
        y = torch.arange(batch) % 10
        put("batch%d/x" % s, x)
        put("batch%d/y" % s, y.float())
        sgd.zero_grad()
        loss = step_loss(model, x, y, put if s == 1 else None, ordered)
        sgd.step()
        put("sgd/step%d/loss" % s, loss.reshape(1))
        if s == 1:  # later steps are chaotic at 0.1: noise of 1e-7 on step 1's weights moves step 3's by 0.04
            put_weights(put, "sgd/step1/", ordered)
    write(out, tensors)


def djl_cosine(t):
    return FINAL_LR + (BASE_LR - FINAL_LR) / 2 * (1 + math.cos(math.pi * t / MAX_UPDATES))


def main():
    torch.manual_seed(20261126)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    model = tiny_demo()
    # non-trivial batch-norm affine parameters and running statistics, so that every convention shows
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    tensors, put = recorder()
    ordered = model.ordered()
    put_weights(put, "init/", ordered)
    sgd_model = copy.deepcopy(model)  # the same initial weights, for the SGD steps after Adam's
    optimiser = torch.optim.Adam(model.parameters(), lr=BASE_LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    batches = []
    for s in range(1, STEPS + 1):
        x = torch.randn(BATCH, 3, SIZE, SIZE)
        y = torch.arange(BATCH) % CLASSES
        batches.append((x, y))
        put("batch%d/x" % s, x)
        put("batch%d/y" % s, y.float())
    model.train()
    for s, (x, y) in enumerate(batches, start=1):
        for group in optimiser.param_groups:
            group["lr"] = djl_cosine(s)
        optimiser.zero_grad()
        loss = step_loss(model, x, y, put if s == 1 else None, ordered)
        optimiser.step()
        put("step%d/loss" % s, loss.reshape(1))
        put_weights(put, "step%d/" % s, ordered)
    model.eval()
    with torch.no_grad():
        put("eval/logits", model(batches[0][0]))

    sgd = torch.optim.SGD(sgd_model.parameters(), lr=SGD_LR, momentum=SGD_MOMENTUM, weight_decay=SGD_WEIGHT_DECAY)
    sgd_ordered = sgd_model.ordered()
    sgd_model.train()
    for s, (x, y) in enumerate(batches, start=1):
        sgd.zero_grad()
        loss = F.cross_entropy(sgd_model(x), y)
        loss.backward()
        sgd.step()
        put("sgd/step%d/loss" % s, loss.reshape(1))
        put_weights(put, "sgd/step%d/" % s, sgd_ordered)

    write(OUT, tensors)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--cifar":
        # --cifar N OUT [STEPS] [BATCH]: the degradation experiment's ResNet-(6N+2), written to OUT (not committed)
        cifar_main(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 2,
                   int(sys.argv[5]) if len(sys.argv) > 5 else 32)
    else:
        main()
