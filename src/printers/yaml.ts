// -o yaml as kubectl prints it: sorted keys and YAML 1.1 quoting (what Go's yaml.v2 emits).
// Loaded only when YAML is printed: the yaml library is the slowest module to load.
import { Document } from 'yaml';
import { sortKeys } from '../api/sorted-keys.js';

/** One object (or List) as kubectl's `-o yaml`. */
export function toYaml(v: unknown): string {
  const doc = new Document(sortKeys(v), { version: '1.1' });
  return doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, nullStr: 'null', defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN', doubleQuotedAsJSON: true });
}
