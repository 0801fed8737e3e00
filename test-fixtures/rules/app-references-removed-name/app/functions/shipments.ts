// A variable named like the table: `shipments.carrier` in code may be this object's field, not the column.
export function carrierOf(shipments: { carrier: string }) {
  return shipments.carrier;
}
