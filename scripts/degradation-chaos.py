#!/usr/bin/python3
"""How chaotic a few SGD steps of the degradation experiment's ResNet-56 are, in PyTorch alone (docs/degradation.md).

Trains two copies of the CIFAR ResNet-56 of scripts/trainer-parity.py (torchvision's initialisation, seed 20261202)
for three steps of SGD (0.1, momentum 0.9, weight decay 1e-4) on the same three batches of 32 random inputs; after
step 1 one copy's weights get Gaussian noise of the given size. Prints both runs' losses and the largest weight
difference after each step: what float rounding alone does to later steps, against which Java's differences from
PyTorch are judged.

    /usr/bin/python3 scripts/degradation-chaos.py 1e-7     # 0 repeats the same run: differences 0
"""
import copy, importlib.util, os, sys
import torch, torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("parity", os.path.join(here, "trainer-parity.py"))
parity = importlib.util.module_from_spec(spec); spec.loader.exec_module(parity)
torch.manual_seed(20261202); torch.set_num_threads(1)
first = parity.cifar(9, 10); second = copy.deepcopy(first)
batches = [torch.randn(32, 3, 32, 32) for _ in range(3)]; labels = torch.arange(32) % 10

def run(model, noise):
    sgd = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    model.train(); losses, weights = [], []
    for s, x in enumerate(batches):
        sgd.zero_grad(); loss = F.cross_entropy(model(x), labels); loss.backward(); sgd.step(); losses.append(loss.item())
        if s == 0 and noise:
            with torch.no_grad():
                for p in model.parameters(): p.add_(torch.randn_like(p) * noise)
        weights.append([p.detach().clone() for p in model.parameters()])
    return losses, weights

l1, w1 = run(first, 0); l2, w2 = run(second, float(sys.argv[1]) if len(sys.argv) > 1 else 1e-7)
print("losses", l1, l2)
for s in range(3):
    print("after step", s + 1, "largest weight difference", max((a - b).abs().max().item() for a, b in zip(w1[s], w2[s])))
