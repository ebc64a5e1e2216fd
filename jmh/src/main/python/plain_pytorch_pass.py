#!/usr/bin/env python3
"""The plain-PyTorch reference for TrainerParityBench: the loop a PyTorch user writes.

One pass = one epoch over N MNIST test images (IDX files, scaled to [0, 1]) of the zoo MLP
(784, then DEPTH hidden layers of WIDTH, then 10; nn.Linear + ReLU; default 784-128-128-10),
Adam (lr 1e-3, PyTorch's defaults otherwise), mean
cross-entropy, mini-batches sliced from one tensor in order (the last one partial), on T
intra-op threads. Prints one line: the median milliseconds per pass over the measured passes,
after warm-up passes. Never run by `mvn verify`; the Java harness runs it when
`python3 -c "import torch"` works.

    python3 plain_pytorch_pass.py --data ../shared/data --batch 64 --threads 1
"""
import argparse
import gzip
import statistics
import struct
import time

import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        dims = [struct.unpack(">I", f.read(4))[0] for _ in range(magic & 0xFF)]
        return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).reshape(dims)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="the directory holding mnist/")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--passes", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    images = idx(args.data + "/mnist/t10k-images-idx3-ubyte.gz")[: args.records]
    labels = idx(args.data + "/mnist/t10k-labels-idx1-ubyte.gz")[: args.records]
    x = images.reshape(len(images), -1).float() / 255
    y = labels.long()
    layers, inputs = [], 784
    for _ in range(args.depth):
        layers += [nn.Linear(inputs, args.width), nn.ReLU()]
        inputs = args.width
    model = nn.Sequential(*layers, nn.Linear(inputs, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def one_pass():
        total = 0.0
        for start in range(0, len(x), args.batch):
            xb = x[start:start + args.batch]
            yb = y[start:start + args.batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        return total

    for _ in range(args.warmup):
        one_pass()
    times = []
    for _ in range(args.passes):
        begin = time.perf_counter()
        one_pass()
        times.append((time.perf_counter() - begin) * 1000)
    print("%.3f ms per pass (torch %s, %d thread(s), batch %d, %d records, width %d, depth %d)"
          % (statistics.median(times), torch.__version__, args.threads, args.batch, len(x), args.width, args.depth))


if __name__ == "__main__":
    main()
