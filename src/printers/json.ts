// -o json as kubectl prints it: indented by 4 spaces.

/** One object (or List) as kubectl's `-o json`. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, null, 4) + '\n';
}
