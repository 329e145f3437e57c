from dataclasses import dataclass

@dataclass
class Item:
    name: str
    price: float

@dataclass
class Cart:
    items: list

cart = Cart([Item("pen", 1.5), Item("ink", 3.25)])
cart.items[0].price = 2.0
total = sum(i.price for i in cart.items)
print(total)
