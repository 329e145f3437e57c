import random

random.seed(11)
deck = [[n] for n in range(6)]
top = deck[0]
random.shuffle(deck)
deck[0].append("drawn")
print(deck.index(top), deck[0])
