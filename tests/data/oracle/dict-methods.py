stock = {"apple": 3}
stock.setdefault("pear", 0)
stock["pear"] += 2
gone = stock.pop("apple")
maybe = stock.get("plum", -1)
for name, qty in stock.items():
    print(name, qty)
print(gone, maybe)
