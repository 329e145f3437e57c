# Five nested calls; the innermost prints the stack the way inspect sees it.
import inspect


def one():
    two()


def two():
    three()


def three():
    four()


def four():
    five()


def five():
    for info in inspect.stack():
        print(info.function, info.lineno, info.filename.endswith("nested_calls.py"))


one()
