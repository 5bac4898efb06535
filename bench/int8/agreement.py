#!/usr/bin/python3
"""Top-1 of several models served by a running resnet-serve, on the same labelled images: accuracy of each and
agreement of each with the first (bench/int8/run.sh serves the bundled demo, its fp32 TorchScript twin and the
int8 one).

    /usr/bin/python3 bench/int8/agreement.py http://127.0.0.1:18080 IMAGE_FOLDER SYNSET demo fp32 int8

IMAGE_FOLDER: `generate --folders true` output (<label>/<file>.png); SYNSET: the models' class order.
"""
import glob
import json
import os
import sys
import urllib.request


def top1(base, model, data):
    request = urllib.request.Request("%s/v1/models/%s/classify?topK=1" % (base, model), data=data,
                                     headers={"Content-Type": "image/png"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)["predictions"][0]["index"]


def main(base, folder, synset_file, *models):
    with open(synset_file) as f:
        synset = [line.strip() for line in f if line.strip()]
    files = sorted(glob.glob(os.path.join(folder, "*", "*.png")))
    answers = {m: [] for m in models}
    labels = []
    for path in files:
        labels.append(synset.index(os.path.basename(os.path.dirname(path))))
        with open(path, "rb") as f:
            data = f.read()
        for m in models:
            answers[m].append(top1(base, m, data))
    first = answers[models[0]]
    for m in models:
        correct = sum(a == l for a, l in zip(answers[m], labels))
        agree = sum(a == b for a, b in zip(answers[m], first))
        print("%-6s %d images: accuracy %.2f %%, top-1 agrees with %s on %.2f %% (%d differ)" % (
            m, len(files), 100.0 * correct / len(files), models[0], 100.0 * agree / len(files), len(files) - agree))


if __name__ == "__main__":
    main(*sys.argv[1:])
