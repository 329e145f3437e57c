import math
import os.path as osp

root = math.sqrt(16)
name = osp.basename("/tmp/x.txt")
pi = math.pi
print(root, name, round(pi, 2))
