# issue 11: a freed list is gone at the next step
x = [1, 2, 3]
del x
y = 1
