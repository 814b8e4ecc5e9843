// A small "order pipeline" with one planted hotspot: checksumOrders() does far more work
// than it needs (it re-hashes every serialised order character by character, many rounds).
// `perfscope profile -- node examples/hotspot.js` should rank checksumOrders first.
// Each stage handles a whole batch, so V8 does not inline the hot loop into its caller and
// the time is attributed to the function that really spends it.

function makeOrders(count) {
  const orders = [];
  for (let i = 0; i < count; i++) {
    orders.push({ id: i, customer: `customer-${i % 97}`, items: Array.from({ length: 8 }, (_, j) => ({ sku: `sku-${(i * 7 + j) % 501}`, qty: (j % 3) + 1, price: ((i + j) % 50) + 0.99 })) });
  }
  return orders;
}

// The planted hotspot: a slow, hand-rolled checksum over each serialised order.
function checksumOrders(orders) {
  let checksum = 0;
  for (const order of orders) {
    const text = JSON.stringify(order);
    let h = 2166136261;
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i) + round;
        h = Math.imul(h, 16777619) >>> 0;
      }
    }
    checksum ^= h;
  }
  return checksum;
}

function priceOrders(orders) {
  let revenue = 0;
  for (const order of orders) {
    let total = 0;
    for (const item of order.items) total += item.qty * item.price;
    revenue += Math.round(total * 100) / 100;
  }
  return revenue;
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
  const checksum = checksumOrders(orders);
  const revenue = priceOrders(orders);
  const top = groupByCustomer(orders)[0];
  return { checksum, revenue, topCustomer: top ? top[0] : null };
}

const rounds = Number(process.env.HOTSPOT_ROUNDS ?? 6);
let last;
for (let r = 0; r < rounds; r++) last = processBatch(makeOrders(5000));
console.log(`processed ${rounds} batches; last checksum ${last.checksum}, revenue ${last.revenue.toFixed(2)}, top ${last.topCustomer}`);
