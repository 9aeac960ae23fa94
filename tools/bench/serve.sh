#!/usr/bin/env bash
# s2s-serve under load, against s2s-translate on the same model in the same
# run, and (when tools/compare/onmt.sh has been run) OpenNMT-py's server on
# its model from that script, under the same load.
#
# wrk (Debian's) posts random test verses (one a request, LibreTranslate's
# API; OpenNMT-py's own API with the same verses as BPE subwords, since its
# server does not segment) at concurrency 1, 8 and 64 for --seconds each,
# and reports sentences/s and p50/p90/p99 latency; then 10,000 requests at
# concurrency 8, with the server's RSS after the first 1,000 and after the
# last, and its peak RSS. s2s-translate translates the 666 test verses at
# batch 32 and batch 1 with the same search (beam 5) and threads.
# Targets: concurrency 64 ≥ 80% of s2s-translate's batch-32 sentences/s;
# concurrency 1's p50 ≤ 1.2× batch 1's time per sentence; RSS after 10,000
# within 10% of RSS after 1,000.
#
# Usage: tools/bench/serve.sh --model DIR [--seconds 20] [--threads 2] [--requests 10000]
#                             [--onmt-work .build/compare-onmt] [--onmt-requests N] [--seed 1]
#   --model      an s2s model folder (e.g. the base preset's, trained a while)
#   --onmt-work  onmt.sh's --work folder: its models/onmt/model_step_*.pt is served by
#                onmt_server from .build-venv/onmt (skipped when absent)
#   --onmt-requests  the requests of onmt_server's RSS leg (default: --requests;
#                fewer keep a run short, as that server answers one at a time)
# Uses the release binaries in .build/release, built when missing or older
# than their sources (tools/lib.sh). Run nothing else meanwhile.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/lib.sh
source tools/lib.sh

model="" seconds=20 threads=2 requests=10000 onmt_work=.build/compare-onmt onmt_requests="" seed=1
parse_options "$@" <<'EOF'
--model DIR             model
--seconds S             seconds
--threads N             threads
--requests N            requests
--onmt-work DIR         onmt_work
--onmt-requests N       onmt_requests
--seed N                seed
EOF
[ -n "$model" ] || { echo "give --model DIR (see --help)" >&2; exit 2; }
[ -f "$model/model.safetensors" ] || { echo "$model: no model.safetensors (a folder written by s2s-train)" >&2; exit 2; }
for n in "$seconds" "$threads" "$requests" "$seed"; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "--seconds, --threads, --requests and --seed take positive integers" >&2; exit 2; }
done
onmt_requests=${onmt_requests:-$requests}
[ "$requests" -ge 1000 ] && [[ $onmt_requests =~ ^[0-9]+$ ]] && [ "$onmt_requests" -ge 1000 ] \
  || { echo "--requests and --onmt-requests must be at least 1000" >&2; exit 2; }
bin=""
s2s_binaries bin s2s-serve s2s-translate
bash tools/setup.sh --bench
command -v wrk >/dev/null || { echo "wrk is missing (tools/setup.sh --bench installs it)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "CPU: $(cpu_name), $(nproc) cores; $threads threads; $(date -u '+%Y-%m-%d %H:%M UTC')"

# The requests' bodies, one a line: each test verse for s2s-serve, the same
# verse's subwords (data/NAME/test.bpe.src from s2s-prep --write-text, or
# s2s's own segmentation) for OpenNMT-py's server.
verses=corpora/bible-en-es/test.src
python3 - "$verses" "$work/s2s.bodies" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        out.write(json.dumps({"q": line.rstrip("\n"), "source": "en", "target": "es"}, ensure_ascii=False) + "\n")
EOF
# wrk's script: a random body each request (seeded per thread), and a stop
# after S2S_BENCH_LIMIT answers when that is set.
cat > "$work/post.lua" <<'EOF'
local bodies = {}
for line in io.lines(os.getenv("S2S_BENCH_BODIES")) do bodies[#bodies + 1] = line end
math.randomseed(tonumber(os.getenv("S2S_BENCH_SEED")))
local path = os.getenv("S2S_BENCH_PATH")
local limit = tonumber(os.getenv("S2S_BENCH_LIMIT") or "0")
local answered = 0
request = function()
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[math.random(#bodies)])
end
-- wrk runs for its whole duration even when a thread stops: the marker
-- file S2S_BENCH_DONE tells the script to end it.
if limit > 0 then
  response = function(status, headers, body)
    answered = answered + 1
    if answered == limit then
      local marker = io.open(os.getenv("S2S_BENCH_DONE"), "w")
      marker:write(answered)
      marker:close()
      wrk.thread:stop()
    end
  end
end
EOF

# Waits for server PID to answer on a port (at most 300 s); stops, with the
# server's log, if it exits.
wait_for() {
  local port=$1 pid=$2 log=$3
  for _ in $(seq 1 3000); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { echo "the server exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "nothing listens on port $port" >&2; exit 1
}
# A free loopback port.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# kB of a process's resident memory now (VmRSS) or at its peak (VmHWM).
rss_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# wrk's latency in ms ("1.23ms", "850.00us", "1.20s").
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /m$/) { sub(/m$/, "", v); v *= 60000 } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.1f", v }' <<< "$1"; }

# Exactly N answered requests at concurrency 8 (wrk stopped at its marker, at most an hour).
counted() {
  local bodies=$1 path=$2 url=$3 n=$4 seed=$5 done_file=$work/done
  rm -f "$done_file"
  S2S_BENCH_BODIES=$bodies S2S_BENCH_SEED=$seed S2S_BENCH_PATH=$path S2S_BENCH_LIMIT=$n S2S_BENCH_DONE=$done_file \
    wrk -t1 -c8 -d3600s --timeout 60s -s "$work/post.lua" "$url" > /dev/null &
  local wrk_pid=$!
  while [ ! -f "$done_file" ] && kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.2; done
  kill "$wrk_pid" 2>/dev/null; wait "$wrk_pid" 2>/dev/null || true
}

# One server's table: concurrency 1, 8, 64, then the RSS over --requests.
# Prints "c sentences/s p50 p90 p99 non2xx" lines into $2 and the RSS figures.
load() {
  local name=$1 url=$2 bodies=$3 path=$4 pid=$5 out=$6 requests=$7
  : > "$out"
  for c in 1 8 64; do
    S2S_BENCH_BODIES=$bodies S2S_BENCH_SEED=$seed S2S_BENCH_PATH=$path \
      wrk -t1 -c"$c" -d"${seconds}s" --timeout 60s --latency -s "$work/post.lua" "$url" > "$work/wrk.txt"
    local rps p50 p90 p99 bad
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.txt")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")")
    p90=$(to_ms "$(awk '$1 == "90%" { print $2 }' "$work/wrk.txt")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")")
    bad=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$work/wrk.txt"); bad=${bad:-0}
    echo "$c $rps $p50 $p90 $p99 $bad" >> "$out"
    printf '  %-22s concurrency %-3s %8s sentences/s  p50 %8s ms  p90 %8s ms  p99 %8s ms  non-2xx %s\n' \
      "$name" "$c" "$rps" "$p50" "$p90" "$p99" "$bad"
  done
  local after_first after_last peak
  counted "$bodies" "$path" "$url" 1000 "$seed"
  after_first=$(rss_kb "$pid" VmRSS)
  counted "$bodies" "$path" "$url" $((requests - 1000)) $((seed + 1))
  after_last=$(rss_kb "$pid" VmRSS)
  peak=$(rss_kb "$pid" VmHWM)
  echo "rss $after_first $after_last $peak" >> "$out"
  awk -v a="$after_first" -v b="$after_last" -v p="$peak" -v n="$requests" -v name="$name" 'BEGIN {
    printf "  %-22s RSS after 1,000 requests %.0f MB, after %d %.0f MB (%+.1f%%), peak %.0f MB\n", name, a / 1024, n, b / 1024, (b / a - 1) * 100, p / 1024 }'
}

echo "== s2s-translate: the 666 test verses, beam 5"
t0=$(date +%s.%N)
"$bin/s2s-translate" --model "$model" --beam-size 5 --batch-size 32 --threads "$threads" < "$verses" > /dev/null
t1=$(date +%s.%N)
"$bin/s2s-translate" --model "$model" --beam-size 5 --batch-size 1 --threads "$threads" < "$verses" > /dev/null
t2=$(date +%s.%N)
n=$(wc -l < "$verses")
read -r batch32 batch1_ms < <(awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.1f %.1f\n", n / (b - a), (c - b) / n * 1000 }')
echo "  batch 32: $batch32 sentences/s; batch 1: $batch1_ms ms a sentence"

echo "== s2s-serve (beam 5, batch 32, --batch-wait-ms 5)"
port=$(free_port)
# The verses are English to Spanish, whatever the model's prep.json says.
"$bin/s2s-serve" --model "$model" --source-lang en --target-lang es --host 127.0.0.1 --port "$port" \
  --threads "$threads" --beam-size 5 --batch-size 32 --max-queued-sentences 100000 2> "$work/serve.err" &
server_pid=$!
wait_for "$port" "$server_pid" "$work/serve.err"
load s2s-serve "http://127.0.0.1:$port" "$work/s2s.bodies" /translate "$server_pid" "$work/s2s.table" "$requests"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
read -r _ s2s_c64 _ < <(awk '$1 == 64' "$work/s2s.table")
read -r _ _ s2s_c1_p50 _ < <(awk '$1 == 1' "$work/s2s.table")
read -r _ rss_a rss_b _ < <(awk '$1 == "rss"' "$work/s2s.table")
awk -v c64="$s2s_c64" -v b32="$batch32" -v p50="$s2s_c1_p50" -v b1="$batch1_ms" -v a="$rss_a" -v b="$rss_b" 'BEGIN {
  printf "  targets: concurrency 64 / batch 32 = %.2f (≥ 0.80); concurrency 1 p50 / batch 1 = %.2f (≤ 1.20); RSS drift %+.1f%% (within ±10%%)\n",
    c64 / b32, p50 / b1, (b / a - 1) * 100 }'

onmt_model=$(ls -t "$onmt_work"/models/onmt/model_step_*.pt 2>/dev/null | head -1 || true)
if [ -z "$onmt_model" ] || [ ! -x .build-venv/onmt/bin/onmt_server ]; then
  echo "== OpenNMT-py's server: skipped (no $onmt_work/models/onmt/model_step_*.pt or .build-venv/onmt: run tools/compare/onmt.sh first)"
  exit 0
fi
echo "== OpenNMT-py's onmt_server ($onmt_model, beam 5, batch 32)"
bpe=$onmt_work/data/cmp/test.bpe.src   # onmt.sh's s2s-prep --write-text output
python3 - "$bpe" "$work/onmt.bodies" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        out.write(json.dumps([{"src": line.rstrip("\n"), "id": 100}], ensure_ascii=False) + "\n")
EOF
mkdir -p "$work/onmt"
cat > "$work/onmt/conf.json" <<EOF
{"models_root": "$(dirname "$(realpath "$onmt_model")")",
 "models": [{"id": 100, "model": "$(basename "$onmt_model")", "timeout": -1, "on_timeout": "unload", "load": true,
             "opt": {"beam_size": 5, "batch_size": 32, "max_length": 250, "max_length_ratio": 2, "length_penalty": "none",
                     "gpu": -1}}]}
EOF
port=$(free_port)
OMP_NUM_THREADS=$threads .build-venv/onmt/bin/onmt_server --ip 127.0.0.1 --port "$port" --url_root /translator \
  --model_config "$work/onmt/conf.json" > "$work/onmt.log" 2>&1 &
server_pid=$!
wait_for "$port" "$server_pid" "$work/onmt.log"
load onmt_server "http://127.0.0.1:$port" "$work/onmt.bodies" /translator/translate "$server_pid" "$work/onmt.table" "$onmt_requests"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
echo "== s2s-serve / onmt_server"
paste "$work/s2s.table" "$work/onmt.table" | awk '$1 != "rss" {
  printf "  concurrency %-3s sentences/s %.2f×, p50 latency %.2f× lower\n", $1, $2 / $8, $9 / $3 }
  $1 == "rss" { printf "  peak RSS %.2f×\n", $4 / $8 }'
