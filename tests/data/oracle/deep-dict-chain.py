root = {}
node = root
for i in range(10):
    node["next"] = {"depth": i}
    node = node["next"]
print(root["next"]["next"]["depth"])
