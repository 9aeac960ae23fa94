#!/usr/bin/env bash
# Checks s2s checkpoints against Python's safetensors, both ways:
#  1. a Swift test writes a checkpoint of known values (flat index k holds
#     k/1000; Adam's m and v other known values) and the expected bit patterns;
#  2. Python loads it with safetensors.numpy.load_file and safe_open, compares
#     every tensor bit for bit and checks the metadata (format, s2s.config);
#  3. Python writes the same tensors and metadata with save_file, and a Swift
#     test loads that file and compares it again; that file is kept as
#     Tests/Fixtures/python-safetensors/ so the test suite checks it every run.
# A check to run by hand, not in CI (it needs pip).
# Usage: tools/check/safetensors-python.sh   (S2S_SCRATCH_PATH: SwiftPM's
# build folder, default .build)
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh
parse_options "$@" < /dev/null
scratch=${S2S_SCRATCH_PATH:-.build}

swift build --scratch-path "$scratch" --build-tests >&2
source tools/python-venv.sh safetensors safetensors numpy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_test() {  # NAME, with the environment set by the caller
  local log="$work/$1.log"
  if ! swift test --scratch-path "$scratch" --skip-build --filter "CheckpointTests/$1" > "$log" 2>&1 \
     || ! grep -q "Executed 1 test, with 0 failures" "$log"; then
    cat "$log" >&2
    echo "safetensors-python: FAILED in the Swift test $1" >&2
    exit 1
  fi
  grep '^checkpoint ' "$log" >&2 || true
}

S2S_CHECKPOINT_OUT="$work/swift.safetensors" run_test testWritesFileForPython

python3 - "$work/swift.safetensors" "$work/python.safetensors" <<'EOF'
import json, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

swift_path, python_path = sys.argv[1], sys.argv[2]
expected = json.load(open(swift_path + ".expected.json"))
tensors = load_file(swift_path)
assert set(tensors) == set(expected["tensors"]), sorted(set(tensors) ^ set(expected["tensors"]))
values = 0
for name, want in expected["tensors"].items():
    got = tensors[name]
    assert got.dtype == np.float32, (name, got.dtype)
    assert list(got.shape) == want["shape"], (name, got.shape, want["shape"])
    bits = got.reshape(-1).view(np.uint32)
    assert bits.tolist() == want["bits"], name
    values += got.size
with safe_open(swift_path, framework="numpy") as f:
    metadata = f.metadata()
assert metadata["format"] == "s2s-checkpoint/1", metadata.get("format")
config = json.loads(metadata["s2s.config"])
assert metadata["s2s.config"] == expected["config"]
assert config["hidden_size"] == 4 and config["attention"] == "concat", config
for key, value in expected["metadata"].items():
    assert metadata[key] == value, (key, metadata.get(key), value)
# index k holds k/1000 in the flat buffer: spot-check against numpy's float32.
assert tensors["encoder.embedding"].reshape(-1)[5] == np.float32(5) / np.float32(1000)
print(f"safetensors-python: OK, {len(tensors)} tensors, {values} values match "
      f"(Swift wrote, Python read; metadata: {', '.join(sorted(metadata))})")

# The other way: Python's writer (its own tensor order and padding).
save_file(tensors, python_path, metadata=metadata)
EOF

S2S_CHECKPOINT_IN="$work/python.safetensors" S2S_CHECKPOINT_EXPECTED="$work/swift.safetensors.expected.json" \
  run_test testReadsFileFromPython
echo "safetensors-python: OK, Python wrote, Swift read"

# Keep Python's file as the fixture that the test suite reads on every run.
mkdir -p Tests/Fixtures/python-safetensors
cp "$work/python.safetensors" Tests/Fixtures/python-safetensors/checkpoint.safetensors
cp "$work/swift.safetensors.expected.json" Tests/Fixtures/python-safetensors/expected.json
echo "safetensors-python: updated Tests/Fixtures/python-safetensors/"
