# Imported by observer_effects.py from the script's own folder (sys.path[0]).
VALUE = [1, 2]
print("helper imported")
