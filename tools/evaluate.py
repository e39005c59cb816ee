#!/usr/bin/env python3
"""Evaluate the whole pipeline on a generated world against its gold.json.

    tools/evaluate.py WORLD_DIR [--sorkomp PATH_TO_BINARY] [--misses]

Runs the CLI exactly as an administrator's machine would:
  sorkomp --db DB init --cvr CVR
  sorkomp --db DB import-sor WORLD/sor/Sor.xml
  sorkomp --db DB import-org WORLD/fkorg
  sorkomp --db DB match
  sorkomp --db DB proposals --json
Links, creations and deletions are scored after the first `match`. Updates are scored the way an
administrator meets them: approve the link proposals that are right, reject the others, run
`match` again, and compare the update proposals with gold's updates of the approved links.
Prints precision, recall and F1 per kind, the misses, and the time of each step.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def prf(got, want):
    tp = len(got & want)
    p = tp / len(got) if got else 1.0
    r = tp / len(want) if want else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


class Cli:
    def __init__(self, binary, db):
        self.binary = binary
        self.db = db
        self.times = []

    def __call__(self, *args):
        cmd = [self.binary, "--db", self.db, *args]
        t = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True)
        self.times.append((" ".join(args[:1]), time.perf_counter() - t))
        if res.returncode != 0:
            sys.exit(f"command failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr}")
        return res.stdout


def key(p):
    kind = p.get("kind")
    if kind in ("link", "update"):
        return f"{p.get('org_uuid')}|{p.get('sor_id')}"
    if kind == "create":
        return p.get("org_uuid")
    return p.get("sor_id")


def open_of_kind(proposals, kind):
    return {key(p): p for p in proposals if p.get("kind") == kind and p.get("status", "new") == "new"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("world")
    ap.add_argument("--sorkomp", default=os.environ.get("SORKOMP", "target/release/sorkomp"))
    ap.add_argument("--misses", action="store_true", help="list every miss and wrong proposal")
    a = ap.parse_args()

    gold = json.load(open(os.path.join(a.world, "gold.json"), encoding="utf-8"))
    cvr = gold["municipality"]["cvr"]
    with tempfile.TemporaryDirectory() as tmp:
        cli = Cli(a.sorkomp, os.path.join(tmp, "eval.db"))
        start = time.perf_counter()
        cli("init", "--cvr", cvr)
        cli("import-sor", os.path.join(a.world, "sor", "Sor.xml"))
        cli("import-org", os.path.join(a.world, "fkorg"))
        cli("match")
        first = json.loads(cli("proposals", "--json"))

        want = {
            "link": {f"{l['org_uuid']}|{l['sor_id']}" for l in gold["links"]},
            "create": set(gold["create"]),
            "delete": set(gold["delete"]),
            "update": {f"{u['org_uuid']}|{u['sor_id']}" for u in gold["update"]},
        }
        rows = []
        misses = []
        for kind in ("link", "create", "delete"):
            got = open_of_kind(first, kind)
            rows.append((kind, prf(set(got), want[kind]), len(got), len(want[kind])))
            misses += [f"MISSED {kind}: {k}" for k in sorted(want[kind] - set(got))]
            misses += [f"WRONG  {kind}: {k}" for k in sorted(set(got) - want[kind])]

        # Approve the right link proposals, reject the rest, match again.
        for k, p in open_of_kind(first, "link").items():
            cli("approve" if k in want["link"] else "reject", str(p["id"]))
        cli("match")
        second = json.loads(cli("proposals", "--json"))
        approved = {f"{p['org_uuid']}|{p['sor_id']}" for p in second if p.get("kind") == "link" and p.get("status") == "approved"}
        want_updates = {u for u in want["update"] if u in approved}
        got = open_of_kind(second, "update")
        rows.append(("update", prf(set(got), want_updates), len(got), len(want_updates)))
        misses += [f"MISSED update: {k}" for k in sorted(want_updates - set(got))]
        misses += [f"WRONG  update: {k}" for k in sorted(set(got) - want_updates)]
        # What the learnt weights propose on the second run (links not decided before).
        relinks = set(open_of_kind(second, "link"))
        relink_right = len(relinks & want["link"])
        weights = json.loads(cli("weights", "--json"))
        total = time.perf_counter() - start

    print(f"world: {os.path.basename(os.path.normpath(a.world))}")
    print("| kind | precision | recall | F1 | proposed | gold |")
    print("|---|---|---|---|---|---|")
    for kind, (p, r, f), n_got, n_want in rows:
        print(f"| {kind} | {p:.3f} | {r:.3f} | {f:.3f} | {n_got} | {n_want} |")
    print(f"second run, with weights learnt from {weights['approved']} approved and {weights['rejected']} rejected links: "
          f"{len(relinks)} new link proposals, {relink_right} of them right")
    steps = {}
    for name, secs in cli.times:
        steps[name] = steps.get(name, 0.0) + secs
    print("time: " + ", ".join(f"{n} {s:.2f} s" for n, s in steps.items()) + f"; total {total:.2f} s")
    print(f"misses and wrong proposals: {len(misses)}")
    if a.misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
