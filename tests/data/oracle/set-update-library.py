tags = {"x"}
alias = tags
tags.update(["y", "z"])
tags |= {"w"}
frozen = frozenset(tags)
print(sorted(alias), len(frozen))
