// A small "order pipeline" with one planted hotspot: checksumOrder() does far more work
// than it needs (it re-hashes the whole payload character by character, many rounds).
// `perfscope profile -- node examples/hotspot.js` should rank checksumOrder first.

function makeOrders(count) {
  const orders = [];
  for (let i = 0; i < count; i++) {
    orders.push({ id: i, customer: `customer-${i % 97}`, items: Array.from({ length: 8 }, (_, j) => ({ sku: `sku-${(i * 7 + j) % 501}`, qty: (j % 3) + 1, price: ((i + j) % 50) + 0.99 })) });
  }
  return orders;
}

// The planted hotspot: a slow, hand-rolled checksum over the serialised order.
function checksumOrder(order) {
  const text = JSON.stringify(order);
  let h = 2166136261;
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i) + round;
      h = Math.imul(h, 16777619) >>> 0;
    }
  }
  return h;
}

function priceOrder(order) {
  let total = 0;
  for (const item of order.items) total += item.qty * item.price;
  return Math.round(total * 100) / 100;
}

function groupByCustomer(orders) {
  const groups = new Map();
  for (const o of orders) {
    const list = groups.get(o.customer) ?? [];
    list.push(o);
    groups.set(o.customer, list);
  }
  return [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
}

function processBatch(orders) {
  let checksum = 0;
  let revenue = 0;
  for (const order of orders) {
    checksum ^= checksumOrder(order);
    revenue += priceOrder(order);
  }
  const top = groupByCustomer(orders)[0];
  return { checksum, revenue, topCustomer: top ? top[0] : null };
}

const rounds = Number(process.env.HOTSPOT_ROUNDS ?? 6);
let last;
for (let r = 0; r < rounds; r++) last = processBatch(makeOrders(5000));
console.log(`processed ${rounds} batches; last checksum ${last.checksum}, revenue ${last.revenue.toFixed(2)}, top ${last.topCustomer}`);
