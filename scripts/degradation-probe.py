#!/usr/bin/python3
"""PyTorch probe of the degradation experiment's data (docs/degradation.md).

Trains a CIFAR-style plain or residual 20- or 56-layer network (3x3 stem, 16/32/64 channels, 3 or 9 basic blocks a
stage, He initialisation, fan-out as torchvision; 'djl': DJL's default, N(0, 2/fan_in) for every weight and a zero
linear bias, as the Java experiment) with SGD (momentum 0.9, weight decay 1e-4, batch 64 unless given, learning rate constant but
for an optional warm-up: WARMUP iterations at 0.01, or rising linearly from 0.01 with a trailing 'linear') on ImageFolder
PNGs written by `java -jar target/resnet-serve.jar generate --square 64 --plain true --input 32 --folders true`
(the experiment's data: ShapeGenerator.plainSample), and prints the training and test error per epoch.

    C=circle,square,triangle,pentagon,hexagon,star,cross,ring,heart,crescent
    java -jar target/resnet-serve.jar generate --count 5000 --seed 42 --square 64 --plain true --input 32 --folders true --classes $C --out train32
    java -jar target/resnet-serve.jar generate --count 1000 --seed 43 --square 64 --plain true --input 32 --folders true --classes $C --out test32
    /usr/bin/python3 scripts/degradation-probe.py resnet20 12 0.1      # or plain20; epochs; learning rate
    /usr/bin/python3 scripts/degradation-probe.py resnet56 20 0.1 128 200 linear   # batch, warm-up iterations, mode
    /usr/bin/python3 scripts/degradation-probe.py resnet56 20 0.1 128 200 constant djl  # DJL's default initialisation
    /usr/bin/python3 scripts/degradation-probe.py resnet56 20 0.1 128 200 constant torchvision augment  # as Java's
        # turns and mirrors: each training image one of the square's 8 symmetries at random, per batch
"""
import os, sys, time, torch, torch.nn as nn, torch.nn.functional as F
from torchvision.io import read_image
torch.manual_seed(0); torch.set_num_threads(1)
DJL_INIT = len(sys.argv) > 7 and sys.argv[7] == 'djl'; FAN = 'fan_in' if DJL_INIT else 'fan_out'
AUGMENT = len(sys.argv) > 8 and sys.argv[8] == 'augment'
def dihedral(x):
    """Each image of the batch turned by a random multiple of 90 degrees, half of them mirrored first."""
    k = torch.randint(0, 8, (len(x),))
    return torch.stack([torch.rot90(torch.flip(im, [2]) if t >= 4 else im, int(t) % 4, [1, 2]) for im, t in zip(x, k)])
def load(d):
    xs, ys = [], []
    classes = sorted(os.listdir(d))
    for ci, c in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(d, c))):
            xs.append(read_image(os.path.join(d, c, f))[:3].float() / 255); ys.append(ci)
    x = torch.stack(xs); m = torch.tensor([0.485, 0.456, 0.406]).view(1,3,1,1); s = torch.tensor([0.229, 0.224, 0.225]).view(1,3,1,1)
    return (x - m) / s, torch.tensor(ys)
class Block(nn.Module):
    def __init__(s, i, o, st, res):
        super().__init__(); s.res = res
        s.c1 = nn.Conv2d(i, o, 3, st, 1, bias=False); s.b1 = nn.BatchNorm2d(o)
        s.c2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); s.b2 = nn.BatchNorm2d(o)
        s.sc = None
        if res and (st != 1 or i != o):
            s.sc = nn.Sequential(nn.Conv2d(i, o, 1, st, bias=False), nn.BatchNorm2d(o))
    def forward(s, x):
        y = s.b2(s.c2(F.relu(s.b1(s.c1(x)))))
        if s.res: y = y + (x if s.sc is None else s.sc(x))
        return F.relu(y)
class Net(nn.Module):
    def __init__(s, n, res, classes):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        layers = []; i = 16
        for o, st in [(16, 1), (32, 2), (64, 2)]:
            for b in range(n):
                layers.append(Block(i, o, st if b == 0 else 1, res)); i = o
        s.layers = nn.Sequential(*layers); s.fc = nn.Linear(64, classes)
        for mod in s.modules():
            if isinstance(mod, nn.Conv2d): nn.init.kaiming_normal_(mod.weight, mode=FAN, nonlinearity='relu')
            if isinstance(mod, nn.Linear) and DJL_INIT:  # DJL's default: N(0, 2/fan_in) for every weight, zero bias
                nn.init.kaiming_normal_(mod.weight, mode='fan_in', nonlinearity='relu'); nn.init.zeros_(mod.bias)
    def forward(s, x): return s.fc(F.adaptive_avg_pool2d(s.layers(s.stem(x)), 1).flatten(1))
xt, yt = load('train32'); xv, yv = load('test32'); k = int(yt.max()) + 1
print(xt.shape, k, flush=True)
lr = float(sys.argv[3]); batch = int(sys.argv[4]) if len(sys.argv) > 4 else 64
warm = int(sys.argv[5]) if len(sys.argv) > 5 else 0; linear = len(sys.argv) > 6 and sys.argv[6] == 'linear'
def rate(it):
    if it >= warm: return lr
    return 0.01 + (lr - 0.01) * it / warm if linear else 0.01
for name, n, res in [(sys.argv[1], 9 if sys.argv[1].endswith('56') else 3, sys.argv[1].startswith('res'))]:
    net = Net(n, res, k); opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=1e-4); it = 0
    for ep in range(int(sys.argv[2])):
        net.train(); perm = torch.randperm(len(yt)); wrong = 0; t = time.time()
        for b in range(0, len(yt), batch):
            for g in opt.param_groups: g['lr'] = rate(it)
            it += 1
            idx = perm[b:b+batch]; out = net(dihedral(xt[idx]) if AUGMENT else xt[idx]); loss = F.cross_entropy(out, yt[idx])
            opt.zero_grad(); loss.backward(); opt.step(); wrong += (out.argmax(1) != yt[idx]).sum().item()
        net.eval()
        with torch.no_grad(): te = (net(xv).argmax(1) != yv).float().mean().item()
        print(f"{name} epoch {ep+1}: train error {100*wrong/len(yt):.1f} %, test error {100*te:.1f} %, {time.time()-t:.0f} s", flush=True)
