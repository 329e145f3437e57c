import random

random.seed(42)
cards = list(range(8))
random.shuffle(cards)
pick = random.choice(cards)
print(cards, pick)
