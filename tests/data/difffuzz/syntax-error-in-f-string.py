# Found by the differential fuzzer (seed 1795788629, program 67): a SyntaxError that Python reports
# without a traceback, ending "syntax-error" in the trace; both must name SyntaxError, status 1.
import sys
s2 = ((('heap' + 'a') + ('' + 'x y')) + f"{(1 * 14)}/{len('caf\u00e9')}")
print(s2)
