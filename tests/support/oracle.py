"""oracle.py: an independent sys.settrace recorder for the oracle test (tests/core/test-oracle.c).

Runs SCRIPT.py the way `python3 SCRIPT.py` would, under sys.settrace, and writes at every step of
user code the same shape as `heapglass --trace-json` version 2 (see ../../docs/oracle.md):
frames (outermost first) with their line and locals, and every object reachable from them with
its type, value, length, items, entries, attributes and weakref referent.

    python3.11 oracle.py record SCRIPT.py OUT.json [--max-items=K]

It never calls the program's own Python methods (lengths, items and attributes are read through
the builtin types' slots), and it holds no strong reference to the program's objects between steps.
What it cannot avoid: frame.f_locals (CPython keeps a locals dict per traced frame, synced at every
step) and one weak reference per weakref-able object, which it needs to know for certain when an
object died. The comparer (oracle_compare.py) only trusts what these allow it to know.

Extra fields an oracle step has beyond --trace-json (the comparer uses them, ignores no others):
an object's "sure": true when the oracle knows it is the same object as the one of that id at any
earlier step (a weak reference to it stayed alive, or it is an immortal singleton).
"""

import builtins
import collections
import io
import json
import math
import os
import sys
import types
import weakref

HEAPTYPE = 1 << 9


def is_dunder(name):
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def hidden_name(name):
    return not isinstance(name, str) or is_dunder(name) or name.startswith(".")


class Capture(io.TextIOBase):
    """The program's sys.stdout: keeps everything printed, in order."""

    def __init__(self):
        self.chunks = []
        self.size = 0

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        self.chunks.append(text)
        self.size += len(text)
        return len(text)

    def text(self):
        if len(self.chunks) > 1:
            self.chunks = ["".join(self.chunks)]
        return self.chunks[0] if self.chunks else ""

    @property
    def encoding(self):
        return "utf-8"


def copy_str(s):
    """A new str equal to s: the oracle keeps no reference to the program's objects."""
    return s.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


def int_json(v):
    """An int as --trace-json writes it: a number when a double holds it exactly."""
    v = int(int.__repr__(v))
    try:
        if float(v) == v:
            return v
    except OverflowError:
        pass
    return str(v)


def float_json(v):
    v = float.fromhex(float.hex(v))
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def type_name(tp):
    return tp.__name__


def qualname(obj):
    try:
        q = obj.__qualname__ if isinstance(obj, (types.FunctionType, type)) else None
    except Exception:
        q = None
    if isinstance(obj, type) and not (obj.__flags__ & HEAPTYPE):
        q = obj.__name__
    if isinstance(obj, types.MethodType):
        f = obj.__func__
        q = f.__qualname__ if isinstance(f, types.FunctionType) else getattr(f, "__name__", "?")
    if isinstance(obj, types.BuiltinFunctionType):
        q = obj.__name__
    return q if isinstance(q, str) else "?"


def slot_values(obj):
    """(name, value) of every bound __slots__ member, base classes last."""
    out = []
    tp = type(obj)
    for cls in tp.__mro__:
        d = type.__dict__["__dict__"].__get__(cls)
        slots = d.get("__slots__")
        if slots is None:
            continue
        if isinstance(slots, str):
            slots = [slots]
        for name in slots:
            if not isinstance(name, str) or name in ("__dict__", "__weakref__"):
                continue
            real = name
            if name.startswith("__") and not name.endswith("__"):
                real = "_" + cls.__name__.lstrip("_") + name
            descr = d.get(real)
            if not isinstance(descr, types.MemberDescriptorType):
                continue
            try:
                value = descr.__get__(obj, cls)
            except AttributeError:
                continue
            out.append((real, value))
    return out


def instance_dict(obj):
    try:
        d = object.__getattribute__(obj, "__dict__")
    except Exception:
        return None
    return d if type(d) is dict else None


class Recorder:
    def __init__(self, script, max_items):
        self.script = script
        self.max_items = max_items
        self.steps = []
        self.stdout = Capture()
        # identity: address -> record of what the oracle knows of the object there
        self.known = {}
        self.next_oid = 1
        self.dead = []  # weak references whose referent died (their callback appends them)
        self.by_ref = {}  # id(weak reference) -> address it watched

    # --- identity -----------------------------------------------------------------------------

    def immutable_key(self, obj):
        tp = type(obj)
        if tp is int or tp is bool:
            return ("i", int.__repr__(obj))
        if tp is float:
            return ("f", float.hex(obj))
        if tp is str:
            return ("s", obj.encode("utf-8", "surrogatepass"))
        if tp is bytes:
            return ("b", bytes(bytearray(obj)))
        if tp is complex:
            return ("c", obj.real.hex(), obj.imag.hex())
        if tp is tuple:
            return ("t",) + tuple(id(x) for x in tuple.__iter__(obj))
        if tp is frozenset:
            return ("fs", frozenset(id(x) for x in frozenset.__iter__(obj)))
        if tp is slice:
            return ("sl", id(obj.start), id(obj.stop), id(obj.step))
        if tp is range:
            return ("r", repr(obj))
        return None

    def collect_deaths(self):
        while self.dead:
            ref = self.dead.pop()
            addr = self.by_ref.pop(id(ref), None)
            rec = self.known.get(addr) if addr is not None else None
            if rec is not None and rec["ref"] is ref:
                del self.known[addr]

    def identify(self, obj):
        """The oracle's id of obj and whether it is surely the object of that id at every
        earlier step."""
        addr = id(obj)
        rec = self.known.get(addr)
        key = self.immutable_key(obj)
        if (rec is not None and rec["type"] == id(type(obj)) and rec["key"] == key
                and (rec["ref"] is None or rec["ref"]() is obj)):
            if rec["ref"] is not None:
                return rec["oid"], True
            return rec["oid"], obj is None or obj is True or obj is False or (
                type(obj) is int and -5 <= obj <= 256)
        ref = None
        try:
            ref = weakref.ref(obj, self.dead.append)
            self.by_ref[id(ref)] = addr
        except TypeError:
            ref = None
        if rec is not None and rec["ref"] is not None:
            self.by_ref.pop(id(rec["ref"]), None)
        oid = self.next_oid
        self.next_oid += 1
        self.known[addr] = {"oid": oid, "type": id(type(obj)), "key": key, "ref": ref}
        # a new record is "sure" from now on only through its weak reference
        return oid, ref is not None or obj is None or obj is True or obj is False

    # --- objects -----------------------------------------------------------------------------

    def describe(self, obj, oid, sure, ids, queue):
        """The object's record; pushes its children on the queue."""
        K = self.max_items
        tp = type(obj)
        out = {"type": type_name(tp)}
        if sure:
            out["sure"] = True

        def ref(child):
            cid = ids.get(id(child))
            if cid is None:
                cid, csure = self.identify(child)
                ids[id(child)] = cid
                queue.append((child, cid, csure))
            return cid

        heap_type = bool(tp.__flags__ & HEAPTYPE)
        if obj is None:
            out["value"] = None
        elif isinstance(obj, bool):
            out["value"] = bool(obj)
        elif isinstance(obj, int):
            out["value"] = int_json(obj)
        elif isinstance(obj, float):
            out["value"] = float_json(obj)
        elif isinstance(obj, str):
            out["value"] = copy_str(str.__str__(obj))
            out["length"] = str.__len__(obj)
        elif isinstance(obj, bytes):
            out["value"] = repr(bytes(obj))
            out["length"] = bytes.__len__(obj)
        elif isinstance(obj, (list, tuple, set, frozenset, collections.deque)):
            base = next(b for b in (list, tuple, frozenset, set, collections.deque)
                        if isinstance(obj, b))
            n = base.__len__(obj)
            items = []
            it = base.__iter__(obj)
            for i, x in enumerate(it):
                if i >= K:
                    break
                items.append(ref(x))
            out["items"] = items
            out["length"] = n
        elif isinstance(obj, dict):
            n = dict.__len__(obj)
            entries = []
            for i, (k, v) in enumerate(dict.items(obj)):
                if i >= K:
                    break
                entries.append([ref(k), ref(v)])
            out["entries"] = entries
            out["length"] = n
        elif isinstance(obj, weakref.ReferenceType):
            target = weakref.ReferenceType.__call__(obj)
            out["referent"] = ref(target) if target is not None else None
        elif isinstance(obj, type):
            out["name"] = qualname(obj)
            attrs = {}
            d = type.__dict__["__dict__"].__get__(obj)
            for k, v in d.items():
                if isinstance(k, str) and not is_dunder(k):
                    if len(attrs) >= K:
                        break
                    attrs[copy_str(k)] = ref(v)
            out["attrs"] = attrs
            return out
        elif isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
            out["function"] = qualname(obj)
            return out
        elif isinstance(obj, types.ModuleType):
            name = None
            d = instance_dict(obj)
            if d is not None:
                name = d.get("__name__")
            out["name"] = copy_str(name) if isinstance(name, str) else "?"
            return out
        if heap_type:
            attrs = {}
            d = instance_dict(obj)
            if d is not None:
                for k, v in dict.items(d):
                    if isinstance(k, str):
                        if len(attrs) >= K:
                            break
                        attrs[copy_str(k)] = ref(v)
            for k, v in slot_values(obj):
                if len(attrs) >= K:
                    break
                attrs[k] = ref(v)
            out["attrs"] = attrs
        return out

    # --- steps -------------------------------------------------------------------------------

    def user_frames(self, frame):
        frames = []
        f = frame
        while f is not None:
            if f.f_code.co_filename == self.script:
                frames.append(f)
            f = f.f_back
        frames.reverse()
        return frames

    def record(self, frame, event, arg):
        frames = self.user_frames(frame)
        # Sync every frame's locals first, so objects that only a stale locals dict kept alive
        # die before weakrefs are looked at.
        scopes = []
        for f in frames:
            scopes.append(f.f_locals)
        self.collect_deaths()
        ids = {}
        queue = []
        out_frames = []
        for f, scope in zip(frames, scopes):
            local_ids = {}
            for name, value in list(scope.items()):
                if hidden_name(name):
                    continue
                cid = ids.get(id(value))
                if cid is None:
                    cid, sure = self.identify(value)
                    ids[id(value)] = cid
                    queue.append((value, cid, sure))
                local_ids[copy_str(name)] = cid
            line = f.f_lineno
            if not line:
                # a module or class body about to start is "at" its first line
                line = f.f_code.co_firstlineno
            out_frames.append({"function": f.f_code.co_name, "line": line, "locals": local_ids})
        step = {"line": out_frames[-1]["line"] if out_frames else 0, "event": event,
                "frames": out_frames}
        if event == "return":
            cid = ids.get(id(arg))
            if cid is None:
                cid, sure = self.identify(arg)
                ids[id(arg)] = cid
                queue.append((arg, cid, sure))
            step["return_value"] = cid
        if event == "exception":
            exc_type, value, _tb = arg
            step["exception"] = {"type": exc_type.__name__, "message": exception_message(value),
                                 "function": frame.f_code.co_name}
        heap = {}
        i = 0
        while i < len(queue):
            obj, oid, sure = queue[i]
            i += 1
            if str(oid) in heap:
                continue
            heap[str(oid)] = self.describe(obj, oid, sure, ids, queue)
        del queue
        step["heap"] = heap
        step["stdout"] = self.stdout.text()
        self.steps.append(step)

    def trace(self, frame, event, arg):
        if frame.f_code.co_filename != self.script:
            return None
        if event in ("call", "line", "return", "exception"):
            self.record(frame, event, arg)
        return self.trace


def str_is_builtin(tp):
    for t in tp.__mro__:
        if not (t.__flags__ & HEAPTYPE):
            return True
        if "__str__" in type.__dict__["__dict__"].__get__(t):
            return False
    return True


def args_are_plain(v, depth=0):
    if v is None or type(v) in (str, int, float, bool, bytes):
        return True
    if type(v) is tuple and depth < 3:
        return all(args_are_plain(x, depth + 1) for x in v)
    return False


def exception_message(value):
    """str(value) where that runs only CPython's own code (as the tracer decides), else ""."""
    if not isinstance(value, BaseException):
        return ""
    if not str_is_builtin(type(value)) or not args_are_plain(BaseException.__dict__["args"].__get__(value)):
        return ""
    try:
        return BaseException.__str__(value) if type(value).__str__ is BaseException.__str__ \
            else str(value)
    except Exception:
        return ""


def run(script_arg, out_path, max_items):
    script = os.path.abspath(script_arg)
    with open(script, "rb") as f:
        source = f.read()
    code = compile(source, script, "exec")
    main = types.ModuleType("__main__")
    main.__file__ = script
    main.__builtins__ = builtins
    main.__cached__ = None
    sys.modules["__main__"] = main
    sys.argv = [script_arg]
    sys.path[0] = os.path.dirname(script)
    rec = Recorder(script, max_items)
    real_stdout = sys.stdout
    sys.stdout = rec.stdout
    ended = "finished"
    exception = None
    try:
        sys.settrace(rec.trace)
        try:
            exec(code, main.__dict__)
        finally:
            sys.settrace(None)
    except SystemExit:
        ended = "exit"
    except BaseException as e:
        ended = "exception"
        exception = type(e).__name__
        import traceback
        traceback.print_exc()
    finally:
        sys.stdout = real_stdout
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"version": 2, "script": script, "max_items": max_items, "ended": ended,
                   "exception": exception, "steps": rec.steps}, f, ensure_ascii=True)
        f.write("\n")


def main(argv):
    if len(argv) < 4 or argv[1] != "record":
        print("usage: oracle.py record SCRIPT.py OUT.json [--max-items=K]", file=sys.stderr)
        return 2
    max_items = 100
    for a in argv[4:]:
        if a.startswith("--max-items="):
            max_items = int(a.split("=", 1)[1])
    if os.environ.get("PYTHONHASHSEED") != "0":
        # set iteration order of strings must be the same as in the traced run
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable] + argv, env)
    run(argv[2], argv[3], max_items)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
