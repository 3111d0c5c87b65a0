/** A receipt code in the groups of four it is shown and read in (the server sends it with dashes). */
export function receiptGroups(receipt: string): string[] {
  const plain = receipt.replace(/[\s-]+/g, '').toUpperCase();
  return plain.match(/.{1,4}/g) ?? [];
}
