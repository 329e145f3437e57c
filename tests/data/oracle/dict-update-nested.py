config = {"db": {"host": "a"}, "debug": False}
override = {"db": {"host": "b", "port": 5}, "debug": True}
old_db = config["db"]
config.update(override)
config["db"]["port"] += 1
print(old_db, config["db"])
