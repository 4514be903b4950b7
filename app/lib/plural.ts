/** "1 person", "2 people": a count with the word that agrees with it. */
export function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
