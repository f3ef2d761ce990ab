// A shopping cart: the file the demo agent edits.
export function total(items) {
  let sum = 0;
  for (const item of items) {
    sum += item.price * item.quantity;
  }
  return sum;
}

export function isEmpty(items) {
  return items.length === 0;
}
