#!/usr/bin/env python3
"""Checks that only the kernel modules of a level contain that level's instructions.

The kernels' loops are compiled once per instruction-set level into their own modules
(KernelsX86v3: x86-64-v3, KernelsX86v4: x86-64-v4); everything else is compiled for the portable
baseline, and the `Kernels` module calls a level's code only on a CPU that has it. A function of
another module with AVX, AVX2, FMA, BMI or AVX-512 instructions would crash on an older CPU.

Such a function can come from a level module: helpers and generic specialisations whose names do
not mention the module (`__swift_memcpy72_8`, `Array<Float>` methods) are emitted by every
module that needs them, and the linker keeps one copy: the first in link order, which SwiftPM
sorts by module name. The level modules are named so that the lowest level comes first
(KernelsBaseline, KernelsX86v3, KernelsX86v4). This script proves that every kept copy is safe:
it disassembles each executable and finds the functions whose instructions need more than the
modules their names mention; each such function must be used only by modules of its level
(the object files of the link list say which modules define or reference it).

Usage: scripts/check-kernel-levels.py BUILD_DIR PRODUCT...   e.g. .build/release netbp bench,
or .build/debug SwiftAutogradPackageTests.xctest for the test binary
(exit status 1 when a function breaks the rule)
"""
import os
import re
import subprocess
import sys

# Mangled Swift names spell each module they mention as its length and its name.
LEVEL_OF_MODULE = {"12KernelsX86v3": "x86-64-v3", "12KernelsX86v4": "x86-64-v4"}
RANK = {"baseline": 0, "x86-64-v3": 1, "x86-64-v4": 2}

AVX512_OPERAND = re.compile(r"%zmm|%k[0-7]\b|%[xy]mm(1[6-9]|2[0-9]|3[01])\b|\{1to\d+\}")
AVX512_MNEMONIC = re.compile(
    r"^(k[a-z]+|vpternlog|vperm[it]2|v(p)?compress|v(p)?expand|vrange|vreduce|vfixupimm|vgetexp|vgetmant"
    r"|vscalef|vrcp14|vrsqrt14|vpmov(s|us)?(db|dw|qb|qd|qw|wb)\b|vpmov(m2[bwdq]|[bwdq]2m)\b|vpabsq"
    r"|vp(max|min)[su]q|vpsra(v)?q|vpro[lr]|vpconflict|vplzcnt|vcvtt?(ps|pd|ss|sd)2u|vcvtu|vcvtt?p[sd]2qq"
    r"|vcvtqq2|valign[dq]|v(p)?blendm|vbroadcast[fi](32x|64x)|vextract[fi](32x|64x)|vinsert[fi](32x|64x)"
    r"|vshuf[fi](32x|64x)|vpermw|vps[lr]lvw|vpsravw|vpmullq|vptestn?m|vfpclass|vpmadd52|vpermb|vpopcnt"
    r"|vpshl?d|vpshrd)")
# `tzcnt` is left out: it is `rep bsf`, which the compiler emits for the baseline too (the two agree
# on every non-zero input, the only kind it uses it for there).
V3_MNEMONIC = re.compile(r"^(v[a-z]+|andn|bextr|blsi|blsmsk|blsr|bzhi|mulx|pdep|pext|rorx|sarx|shlx|shrx"
                         r"|lzcnt|movbe|popcnt)$")


def required_level(mnemonic, operands):
    if AVX512_OPERAND.search(operands) or AVX512_MNEMONIC.match(mnemonic):
        return "x86-64-v4"
    if V3_MNEMONIC.match(mnemonic) or "%ymm" in operands:
        return "x86-64-v3"
    return "baseline"


def allowed_level(symbol):
    """The highest level of the level modules `symbol` mentions: only those modules define it."""
    levels = [level for module, level in LEVEL_OF_MODULE.items() if module in symbol]
    return max(levels, key=RANK.get, default="baseline")


def module_level(module):
    """The level a module is compiled for, from its name."""
    return LEVEL_OF_MODULE.get(f"{len(module)}{module}", "baseline")


def users(build, product):
    """For each symbol: the modules whose object files in `product`'s link define or reference it."""
    result = {}
    name = product.removesuffix(".xctest")
    with open(os.path.join(build, f"{name}.product", "Objects.LinkFileList")) as link_list:
        objects = [line.strip().strip("'\"") for line in link_list if line.strip()]
    for path in objects:
        module = os.path.basename(os.path.dirname(path)).removesuffix(".build")
        listing = subprocess.run(["nm", path], check=True, capture_output=True, text=True).stdout
        for line in listing.splitlines():
            if fields := line.split():
                result.setdefault(fields[-1], set()).add(module)
    return result


def violations(binary):
    """(symbol, needed level, example instruction) of every function above the level of the
    modules its name mentions."""
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], check=True,
                             capture_output=True, text=True).stdout
    found, symbol, worst = [], None, None
    header = re.compile(r"^[0-9a-f]+ <(.+)>:$")
    instruction = re.compile(r"^\s+[0-9a-f]+:\s+(\S+)\s*(.*)$")

    def close():
        if symbol is not None and worst is not None and RANK[worst[0]] > RANK[allowed_level(symbol)]:
            found.append((symbol, worst[0], worst[1]))

    for line in listing.splitlines():
        if match := header.match(line):
            close()
            symbol, worst = match.group(1), None
        elif symbol is not None and (match := instruction.match(line)):
            level = required_level(match.group(1), match.group(2))
            if level != "baseline" and (worst is None or RANK[level] > RANK[worst[0]]):
                worst = (level, f"{match.group(1)} {match.group(2)}".strip())
    close()
    return found


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    build, failed = sys.argv[1], False
    for product in sys.argv[2:]:
        binary = os.path.join(build, product)
        found, modules = violations(binary), users(build, product)
        unsafe = []
        for symbol, level, example in found:
            below = sorted(m for m in modules.get(symbol, {"(unknown)"}) if RANK[module_level(m)] < RANK[level])
            if below:
                unsafe.append(symbol)
                print(f"{product}: {symbol} needs {level} ({example}) but {', '.join(below)} use(s) it")
        print(f"{product}: {len(found)} function(s) above the level their name says, "
              f"{len(unsafe)} of them used by lower-level modules")
        failed |= bool(unsafe)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
