import { defineSource } from "@/lib/metrics/define";

export default defineSource({
  key: "orders",
  table: "orders",
  description: "The shop's orders: one row per order, partitioned by order_date.",
  userId: "user_id",
  timestamp: "ordered_at",
  date: "order_date",
  value: "amount",
  columns: { amount: "number", coupon: "string", platform: "string" },
});
