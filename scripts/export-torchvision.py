#!/usr/bin/python3
"""Exports a torchvision ResNet to TorchScript for resnet-serve: served as a classifier, and a base for fine-tuning.

The module's forward is the network's (logits); it also carries a `features` method, the penultimate features
(everything before `fc`: the pooled, flattened [N, 512] of ResNet-18/34, [N, 2048] of ResNet-50/101/152), which
fine-tuning (POST /v1/models/{base}/fine-tune, mode head) runs once per image to train a new linear head in Java.

    /usr/bin/python3 scripts/export-torchvision.py --arch resnet50 --weights IMAGENET1K_V1 --out resnet50.pt
    /usr/bin/python3 scripts/export-torchvision.py --arch resnet18 --seed 7 --classes 10 --out tiny.pt  # random

Scripted, not traced: any input size works. Needs torch and torchvision (Debian: python3-torch,
python3-torchvision); --weights downloads them once, as torchvision does.
"""
import argparse

import torch
import torchvision


class WithFeatures(torch.nn.Module):
    """A torchvision ResNet whose penultimate features are a method of their own."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net.fc(self.features(x))

    @torch.jit.export
    def features(self, x):
        n = self.net
        x = n.maxpool(n.relu(n.bn1(n.conv1(x))))
        x = n.layer4(n.layer3(n.layer2(n.layer1(x))))
        return torch.flatten(n.avgpool(x), 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arch", default="resnet50", help="a torchvision ResNet: resnet18 ... resnet152")
    parser.add_argument("--weights", help="torchvision weights, e.g. IMAGENET1K_V1; none: random, from --seed")
    parser.add_argument("--seed", type=int, default=0, help="the random weights' seed (without --weights)")
    parser.add_argument("--classes", type=int, default=1000, help="outputs of fc (without --weights)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    build = getattr(torchvision.models, args.arch)
    net = build(weights=args.weights) if args.weights else build(weights=None, num_classes=args.classes)
    module = torch.jit.script(WithFeatures(net.eval()).eval())
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(module(x), net(x), atol=1e-5), "the export must answer as the network"
        assert module.features(x).shape == (2, net.fc.in_features)
    module.save(args.out)


if __name__ == "__main__":
    main()
