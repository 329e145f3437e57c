from dataclasses import dataclass, field

@dataclass
class Order:
    item: str
    qty: int = 1
    notes: list = field(default_factory=list)

o = Order("tea")
o.notes.append("hot")
o.qty = 2
print(o)
