import copy

base = {"nums": [1, 2], "name": "b"}
shallow = dict(base)
deep = copy.deepcopy(base)
alias = base
shallow["nums"].append(3)
deep["nums"].append(4)
alias["name"] = "changed"
print(base, shallow, deep, base is alias, base["nums"] is shallow["nums"])
for i in range(150):
    base[i] = i * i
print(len(base))
