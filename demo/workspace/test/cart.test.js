import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEmpty, total } from '../src/cart.js';

test('totals the cart', () => {
  assert.equal(total([{ price: 2, quantity: 3 }, { price: 1, quantity: 1 }]), 7);
});

test('knows an empty cart', () => {
  assert.ok(isEmpty([]));
});
