"""oracle_compare.py: aligns `heapglass --trace-json` (version 2) with the oracle's own recording of
the same program (oracle.py) step by step and reports the first mismatch precisely.

    python3.11 oracle_compare.py SCRIPT.py HEAPGLASS.json [--max-items=K] [--oracle-json=OUT]
                                 [--changed=CHANGED.json]
    python3.11 oracle_compare.py --recorded ORACLE.json HEAPGLASS.json [--max-items=K]

CHANGED.json, when given, says which objects Heapglass outlines as "changed by this step"
({"STEP": [ID…]}, objects created at that step left out; test-oracle writes it from the model).

Exit status: 0 when every step agrees, 1 at a mismatch (printed on stdout: the step, the frame,
the name and what differs), 2 when something could not be run or read.

Objects are matched by structure, not by their ids: inside a step, a Heapglass ID and an oracle id
must correspond one to one (aliasing), starting from the frames' names; across steps, one
Heapglass ID must never stand for two objects the oracle knows to be different (ID reuse), and an
object the oracle knows stayed the same must keep its ID. What is compared and what is not (and
why) is in docs/oracle.md.
"""

import json
import math
import os
import subprocess
import sys
import tempfile

STR_PREFIX = 200  # code points of a str value the trace carries; its length is always exact


class Mismatch(Exception):
    def __init__(self, text, detail=None):
        super().__init__(text)
        self.text = text
        self.detail = detail or []


def short(obj):
    """One line describing an object record, for messages."""
    if obj is None:
        return "(absent)"
    parts = [obj.get("type", "?")]
    for key in ("value", "name", "function"):
        if key in obj:
            v = obj[key]
            text = json.dumps(v, ensure_ascii=False)
            if len(text) > 60:
                text = text[:57] + "..."
            parts.append(text)
    if "length" in obj:
        parts.append("length %s" % obj["length"])
    if "items" in obj:
        parts.append("%d items shown" % len(obj["items"]))
    if "entries" in obj:
        parts.append("%d entries shown" % len(obj["entries"]))
    if "attrs" in obj:
        parts.append("attrs {%s}" % ", ".join(sorted(obj["attrs"])[:8]))
    return " ".join(parts)


def key_label(heap, kid):
    obj = heap.get(str(kid))
    if obj and "value" in obj and not isinstance(obj["value"], (dict, list)):
        text = json.dumps(obj["value"], ensure_ascii=False)
        if len(text) <= 30:
            return text
    return "#%s" % kid


def same_value(type_name, hv, ov):
    if hv == ov and type(hv) is type(ov):
        return True
    if isinstance(hv, bool) or isinstance(ov, bool):
        return hv is ov
    if isinstance(hv, (int, float)) and isinstance(ov, (int, float)):
        if isinstance(hv, float) or isinstance(ov, float):
            return float(hv) == float(ov)
        return hv == ov
    if isinstance(hv, str) and isinstance(ov, str):
        if type_name == "bytes" or ov.startswith(("b'", 'b"')):
            # bytes are written as repr(); a long value may be a prefix
            return len(ov) > STR_PREFIX and ov.startswith(hv.rstrip("'\""))
        if len(ov) > STR_PREFIX:
            return len(hv) >= STR_PREFIX and ov.startswith(hv)
    return False


class Comparer:
    def __init__(self, hg, orc, max_items, changed=None):
        self.hg = hg
        self.orc = orc
        self.K = max_items
        self.changed = changed  # step -> Heapglass IDs outlined as changed (not created) there
        self.prev_sigs = {}  # oracle id -> (contents, certain) at the previous step
        # across steps
        self.h_seen = {}  # Heapglass ID -> (oracle id, step, path) where last seen
        self.o_seen = {}  # oracle id -> (Heapglass ID, step, path)

    def run(self):
        hs = self.hg.get("steps", [])
        os_ = self.orc.get("steps", [])
        if self.hg.get("version") != 2:
            raise Mismatch("the trace JSON is version %r, the oracle compares version 2"
                           % self.hg.get("version"))
        for i in range(min(len(hs), len(os_))):
            self.step_no = i + 1
            self.compare_step(hs[i], os_[i])
        if len(hs) != len(os_):
            self.step_no = min(len(hs), len(os_)) + 1
            extra = os_[len(hs)] if len(hs) < len(os_) else hs[len(os_)]
            raise Mismatch("Heapglass has %d steps, Python %d (the first extra step is %s, line %s)"
                           % (len(hs), len(os_), extra.get("event"), extra.get("line")))

    # --- one step ----------------------------------------------------------------------------

    def compare_step(self, h, o):
        self.h = h
        self.o = o
        self.h_heap = h.get("heap", {})
        self.o_heap = o.get("heap", {})
        for key in ("event", "line"):
            if h.get(key) != o.get(key):
                raise Mismatch("%s: Heapglass %r, Python %r" % (key, h.get(key), o.get(key)))
        hf = h.get("frames", [])
        of = o.get("frames", [])
        if len(hf) != len(of):
            raise Mismatch("frames: Heapglass has %d (%s), Python %d (%s)"
                           % (len(hf), ", ".join(f.get("function", "?") for f in hf), len(of),
                              ", ".join(f["function"] for f in of)))
        for n, (a, b) in enumerate(zip(hf, of)):
            where = "frame %d (%s)" % (n + 1, b["function"])
            if a.get("function") != b["function"]:
                raise Mismatch("%s: function: Heapglass %r, Python %r"
                               % (where, a.get("function"), b["function"]))
            if a.get("line") != b["line"]:
                raise Mismatch("%s: line: Heapglass %r, Python %r" % (where, a.get("line"), b["line"]))
            ha = a.get("locals", {})
            hb = b["locals"]
            for name in hb:
                if name not in ha:
                    raise Mismatch("%s: name %r: missing in Heapglass (Python: %s)"
                                   % (where, name, short(self.o_heap.get(str(hb[name])))))
            for name in ha:
                if name not in hb:
                    raise Mismatch("%s: name %r: shown by Heapglass (%s), not bound in Python"
                                   % (where, name, short(self.h_heap.get(str(ha[name])))))
        # the object graph, from the names
        self.h2o = {}
        self.o2h = {}
        self.hpath = {}
        self.queue = []
        for a, b in zip(hf, of):
            prefix = "" if b["function"] == "<module>" else b["function"] + "."
            for name, oid in b["locals"].items():
                self.pair(a["locals"][name], oid, prefix + name)
        if o.get("event") == "return":
            if "return_value" not in h:
                raise Mismatch("return step without \"return_value\" (Python returns %s)"
                               % short(self.o_heap.get(str(o["return_value"]))))
            self.pair(h["return_value"], o["return_value"], "return value")
        i = 0
        while i < len(self.queue):
            hid, oid, path = self.queue[i]
            i += 1
            self.compare_object(hid, oid, path)
        for hid, obj in self.h_heap.items():
            if int(hid) not in self.h2o:
                raise Mismatch("heap: object %s (%s) is in Heapglass's heap but no name reaches it "
                               "(freed, or stale)" % (hid, short(obj)))
        if o.get("event") == "exception":
            he = h.get("exception")
            oe = o["exception"]
            if not isinstance(he, dict):
                raise Mismatch("exception step without \"exception\" (Python: %s)" % json.dumps(oe))
            for key in ("type", "message", "function"):
                if he.get(key) != oe.get(key):
                    raise Mismatch("exception %s: Heapglass %r, Python %r"
                                   % (key, he.get(key), oe.get(key)))
        if h.get("stdout") != o.get("stdout"):
            a = h.get("stdout") or ""
            b = o.get("stdout") or ""
            n = 0
            while n < min(len(a), len(b)) and a[n] == b[n]:
                n += 1
            raise Mismatch("stdout so far differs from character %d: Heapglass %r, Python %r"
                           % (n, a[n:n + 40], b[n:n + 40]))
        # across steps
        for hid, oid in self.h2o.items():
            path = self.hpath[hid]
            prev = self.h_seen.get(hid)
            if prev is not None and prev[0] != oid:
                raise Mismatch("%s: Heapglass ID %s was another object at step %d (%s); "
                               "an ID is never reused" % (path, hid, prev[1], prev[2]))
            oobj = self.o_heap[str(oid)]
            oprev = self.o_seen.get(oid)
            if oprev is not None and oprev[0] != hid and oobj.get("sure"):
                raise Mismatch("%s: the same object had ID %s at step %d (%s), now %s; an ID is "
                               "stable over the object's life" % (path, oprev[0], oprev[1], oprev[2],
                                                                  hid))
        if self.changed is not None:
            self.check_changed()
        for hid, oid in self.h2o.items():
            self.h_seen[hid] = (oid, self.step_no, self.hpath[hid])
            self.o_seen[oid] = (hid, self.step_no, self.hpath[hid])

    def contents(self, rec):
        """What "changed" is about: value, items, entries, attributes, referent (as oracle ids);
        and whether the oracle is certain that equal contents mean nothing changed (every child
        is an immutable value or an object it knows stayed the same)."""
        children = list(rec.get("items", [])) + [x for e in rec.get("entries", []) for x in e] \
            + list(rec.get("attrs", {}).values())
        if rec.get("referent") is not None:
            children.append(rec["referent"])
        certain = True
        for c in children:
            child = self.o_heap.get(str(c), {})
            if not child.get("sure") and "value" not in child:
                certain = False
        sig = (json.dumps(rec.get("value")), rec.get("length"), tuple(rec.get("items", [])),
               tuple(tuple(e) for e in rec.get("entries", [])),
               tuple(sorted(rec.get("attrs", {}).items())), rec.get("referent", "-"))
        return sig, certain

    def check_changed(self):
        """An object outlined as changed by this step must have changed since the previous step
        (issue 11: `y = x` changes nothing), and one that changed must be outlined."""
        marked = set(self.changed.get(str(self.step_no), []))
        sigs = {}
        for hid, oid in self.h2o.items():
            sigs[oid] = self.contents(self.o_heap[str(oid)])
        for hid, oid in self.h2o.items():
            prev = self.h_seen.get(hid)
            if prev is None or prev[1] != self.step_no - 1 or prev[0] != oid or oid not in self.prev_sigs:
                continue  # new here, or not shown at the previous step: not judged
            (now, certain_now), (before, certain_before) = sigs[oid], self.prev_sigs[oid]
            path = self.hpath[hid]
            if hid in marked and now == before and certain_now and certain_before:
                raise Mismatch("%s: Heapglass outlines it as changed by this step, but its value, "
                               "items, entries and attributes are those of step %d (an alias or a "
                               "reference count is not a change)" % (path, self.step_no - 1))
            if hid not in marked and now != before:
                what = [n for n, a, b in zip(("value", "length", "items", "entries", "attributes",
                                              "referent"), now, before) if a != b]
                raise Mismatch("%s: its %s changed by this step, but Heapglass does not outline "
                               "it as changed" % (path, " and ".join(what)))
        self.prev_sigs = sigs

    def pair(self, hid, oid, path):
        if not isinstance(hid, int) or isinstance(hid, bool):
            raise Mismatch("%s: Heapglass gives %r where an object ID belongs (Python: %s)"
                           % (path, hid, short(self.o_heap.get(str(oid)))))
        if str(hid) not in self.h_heap:
            raise Mismatch("%s: Heapglass ID %s is not a key of the step's heap (Python: %s)"
                           % (path, hid, short(self.o_heap.get(str(oid)))))
        if hid in self.h2o:
            if self.h2o[hid] != oid:
                raise Mismatch("%s: Heapglass shows the object of %s (ID %s), Python has a "
                               "different object here (%s)"
                               % (path, self.hpath[hid], hid, short(self.o_heap.get(str(oid)))))
            return
        if oid in self.o2h:
            other = self.o2h[oid]
            raise Mismatch("%s: Python has the same object as %s here (aliasing); Heapglass shows "
                           "two objects (IDs %s and %s)" % (path, self.hpath[other], other, hid))
        self.h2o[hid] = oid
        self.o2h[oid] = hid
        self.hpath[hid] = path
        self.queue.append((hid, oid, path))

    def compare_object(self, hid, oid, path):
        ho = self.h_heap[str(hid)]
        oo = self.o_heap[str(oid)]

        def fail(what):
            raise Mismatch("%s: %s" % (path, what),
                           ["Heapglass: " + json.dumps(ho, ensure_ascii=False)[:400],
                            "Python:    " + json.dumps(oo, ensure_ascii=False)[:400]])

        if ho.get("type") != oo["type"]:
            fail("type: Heapglass %r, Python %r" % (ho.get("type"), oo["type"]))
        for key in ("name", "function"):
            if key in oo and ho.get(key) != oo[key]:
                fail("%s: Heapglass %r, Python %r" % (key, ho.get(key), oo[key]))
        if "value" in oo:
            if "value" not in ho:
                fail("value missing (Python %r)" % (oo["value"],))
            if not same_value(oo["type"], ho["value"], oo["value"]):
                fail("value: Heapglass %r, Python %r" % (ho["value"], oo["value"]))
        if "length" in oo and ho.get("length") != oo["length"]:
            fail("length: Heapglass %r, Python %r" % (ho.get("length"), oo["length"]))
        if "items" in oo:
            hi = ho.get("items")
            oi = oo["items"]
            if not isinstance(hi, list):
                fail("items missing (Python has %d)" % len(oi))
            if len(hi) != len(oi):
                fail("items: Heapglass shows %d of length %s, Python %d (first %d are shown)"
                     % (len(hi), ho.get("length"), oo["length"], self.K))
            for n, (a, b) in enumerate(zip(hi, oi)):
                self.pair(a, b, "%s[%d]" % (path, n))
        if "entries" in oo:
            he = ho.get("entries")
            oe = oo["entries"]
            if not isinstance(he, list):
                fail("entries missing (Python has %d)" % len(oe))
            if len(he) != len(oe):
                fail("entries: Heapglass shows %d of length %s, Python %d"
                     % (len(he), ho.get("length"), len(oe)))
            for n, (a, b) in enumerate(zip(he, oe)):
                if not (isinstance(a, list) and len(a) == 2):
                    fail("entry %d is not a [key, value] pair: %r" % (n, a))
                label = key_label(self.o_heap, b[0])
                self.pair(a[0], b[0], "%s key %s" % (path, label))
                self.pair(a[1], b[1], "%s[%s]" % (path, label))
        if "attrs" in oo:
            ha = ho.get("attrs", {})
            oa = oo["attrs"]
            if not isinstance(ha, dict):
                fail("attrs is not an object: %r" % (ha,))
            for name in oa:
                if name not in ha:
                    fail("attribute %r missing in Heapglass (Python: %s)"
                         % (name, short(self.o_heap.get(str(oa[name])))))
            for name in ha:
                if name not in oa:
                    fail("attribute %r shown by Heapglass, not set in Python" % name)
            for name in oa:
                self.pair(ha[name], oa[name], "%s.%s" % (path, name))
        elif ho.get("attrs"):
            fail("attributes shown by Heapglass (%s), Python has none"
                 % ", ".join(sorted(ho["attrs"])))
        if "referent" in oo:
            if "referent" not in ho:
                fail("referent missing")
            if oo["referent"] is None or ho["referent"] is None:
                if oo["referent"] is not ho["referent"]:
                    fail("referent: Heapglass %s, Python %s" % (
                        "dead" if ho["referent"] is None else "alive",
                        "dead" if oo["referent"] is None else "alive"))
            else:
                self.pair(ho["referent"], oo["referent"], path + "()")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "") for a in argv[1:]
                if a.startswith("--"))
    max_items = int(opts.get("max-items", "100"))
    here = os.path.dirname(os.path.abspath(__file__))
    if "recorded" in opts:
        if len(args) != 1:
            print(__doc__, file=sys.stderr)
            return 2
        oracle_json, hg_json, script = opts["recorded"], args[0], None
    else:
        if len(args) != 2:
            print(__doc__, file=sys.stderr)
            return 2
        script, hg_json = args
        oracle_json = opts.get("oracle-json")
        tmp = None
        if not oracle_json:
            tmp = tempfile.NamedTemporaryFile(prefix="oracle-", suffix=".json", delete=False)
            tmp.close()
            oracle_json = tmp.name
        env = dict(os.environ, PYTHONHASHSEED="0")
        proc = subprocess.run([sys.executable, os.path.join(here, "oracle.py"), "record", script,
                               oracle_json, "--max-items=%d" % max_items],
                              env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=120)
        if proc.returncode != 0:
            print("the oracle failed on %s:\n%s" % (script, proc.stderr.decode(errors="replace")))
            return 2
    try:
        orc = load(oracle_json)
        hg = load(hg_json)
    except (OSError, ValueError) as e:
        print("cannot read the traces: %s" % e)
        return 2
    finally:
        if "recorded" not in opts and not opts.get("oracle-json"):
            os.unlink(oracle_json)
    changed = None
    if opts.get("changed"):
        try:
            changed = load(opts["changed"])
        except (OSError, ValueError) as e:
            print("cannot read %s: %s" % (opts["changed"], e))
            return 2
    comparer = Comparer(hg, orc, max_items, changed)
    comparer.step_no = 0
    try:
        comparer.run()
    except Mismatch as m:
        steps = orc.get("steps", [])
        st = steps[comparer.step_no - 1] if 0 < comparer.step_no <= len(steps) else {}
        print("step %d (%s, line %s): %s" % (comparer.step_no, st.get("event", "?"),
                                             st.get("line", "?"), m.text))
        for line in m.detail:
            print("  " + line)
        return 1
    print("%d steps agree" % len(orc.get("steps", [])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
